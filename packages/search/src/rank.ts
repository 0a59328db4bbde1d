import { amountMilli } from "./money.js";
import type { FlightOffer, HotelOffer } from "./offers.js";
import type { FlightSort, HotelSort } from "./query.js";

type Compare<T> = (a: T, b: T) => number;

const byNumber = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// A sort compares each offer ~log n times: parse each price and instant once per object.
const millis = new WeakMap<object, number>();
const milliOf = (price: FlightOffer["price"]): number => {
  let value = millis.get(price);
  if (value === undefined) {
    value = amountMilli(price);
    millis.set(price, value);
  }
  return value;
};
const instants = new WeakMap<object, number>();
const departureOf = (offer: FlightOffer): number => {
  let value = instants.get(offer);
  if (value === undefined) {
    value = Date.parse(offer.departAt);
    instants.set(offer, value);
  }
  return value;
};

/** Price, without FX: amounts compare as exact thousandths, then by currency code. */
const byPrice = (a: { price: FlightOffer["price"] }, b: { price: FlightOffer["price"] }) =>
  byNumber(milliOf(a.price), milliOf(b.price)) || byString(a.price.currency, b.price.currency);

function chain<T>(...comparators: Compare<T>[]): Compare<T> {
  return (a, b) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
}

const flightDuration: Compare<FlightOffer> = (a, b) =>
  byNumber(a.durationMinutes, b.durationMinutes);
// Parsed, not compared as strings: suppliers may differ in fractional-second formatting.
const flightDeparture: Compare<FlightOffer> = (a, b) => byNumber(departureOf(a), departureOf(b));
const flightId: Compare<FlightOffer> = (a, b) => byString(a.id, b.id);

/**
 * Flight orderings. Each ends with the offer id, so equal offers never swap between pages or
 * processes: the order is total and deterministic.
 */
export const flightComparators: Record<FlightSort, Compare<FlightOffer>> = {
  price: chain(byPrice, flightDuration, flightDeparture, flightId),
  duration: chain(flightDuration, byPrice, flightDeparture, flightId),
  departure: chain(flightDeparture, byPrice, flightDuration, flightId),
};

const hotelRating: Compare<HotelOffer> = (a, b) => byNumber(b.rating, a.rating);
const hotelId: Compare<HotelOffer> = (a, b) => byString(a.id, b.id);

/** Hotel orderings: cheapest first, or best rated first (then cheapest); id breaks ties. */
export const hotelComparators: Record<HotelSort, Compare<HotelOffer>> = {
  price: chain(byPrice, hotelRating, hotelId),
  rating: chain(hotelRating, byPrice, hotelId),
};

/** A sorted copy; the input (possibly a cached array) is never mutated. */
export function rankFlights(offers: readonly FlightOffer[], sort: FlightSort): FlightOffer[] {
  return [...offers].sort(flightComparators[sort]);
}

export function rankHotels(offers: readonly HotelOffer[], sort: HotelSort): HotelOffer[] {
  return [...offers].sort(hotelComparators[sort]);
}
