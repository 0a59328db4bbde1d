import { amountMilli } from "./money.js";
import type { FlightOffer, HotelOffer } from "./offers.js";
import type { FlightSort, HotelSort } from "./query.js";

type Compare<T> = (a: T, b: T) => number;

const byNumber = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function chain<T>(...comparators: Compare<T>[]): Compare<T> {
  return (a, b) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
}

/**
 * An offer with its sort keys parsed once (a sort compares each offer ~log n times): price in
 * exact thousandths (no FX: equal amounts then order by currency code) and, for flights, the
 * departure instant, parsed rather than compared as text because suppliers may differ in
 * fractional-second formatting.
 */
interface Keyed<T> {
  offer: T;
  milli: number;
  departs: number;
}

const byPrice = <T extends { price: FlightOffer["price"] }>(a: Keyed<T>, b: Keyed<T>) =>
  byNumber(a.milli, b.milli) || byString(a.offer.price.currency, b.offer.price.currency);
const flightDuration: Compare<Keyed<FlightOffer>> = (a, b) =>
  byNumber(a.offer.durationMinutes, b.offer.durationMinutes);
const flightDeparture: Compare<Keyed<FlightOffer>> = (a, b) => byNumber(a.departs, b.departs);
const flightId: Compare<Keyed<FlightOffer>> = (a, b) => byString(a.offer.id, b.offer.id);

/**
 * Flight orderings. Each ends with the offer id, so equal offers never swap between pages or
 * processes: the order is total and deterministic.
 */
const keyedFlightComparators: Record<FlightSort, Compare<Keyed<FlightOffer>>> = {
  price: chain(byPrice, flightDuration, flightDeparture, flightId),
  duration: chain(flightDuration, byPrice, flightDeparture, flightId),
  departure: chain(flightDeparture, byPrice, flightDuration, flightId),
};

const hotelRating: Compare<Keyed<HotelOffer>> = (a, b) => byNumber(b.offer.rating, a.offer.rating);
const hotelId: Compare<Keyed<HotelOffer>> = (a, b) => byString(a.offer.id, b.offer.id);

/** Hotel orderings: cheapest first, or best rated first (then cheapest); id breaks ties. */
const keyedHotelComparators: Record<HotelSort, Compare<Keyed<HotelOffer>>> = {
  price: chain(byPrice, hotelRating, hotelId),
  rating: chain(hotelRating, byPrice, hotelId),
};

const flightKeys = (offer: FlightOffer): Keyed<FlightOffer> => ({
  offer,
  milli: amountMilli(offer.price),
  departs: Date.parse(offer.departAt),
});
const hotelKeys = (offer: HotelOffer): Keyed<HotelOffer> => ({
  offer,
  milli: amountMilli(offer.price),
  departs: 0,
});

/** The flight orderings as plain comparators (keys parsed per comparison). */
export const flightComparators: Record<FlightSort, Compare<FlightOffer>> = {
  price: (a, b) => keyedFlightComparators.price(flightKeys(a), flightKeys(b)),
  duration: (a, b) => keyedFlightComparators.duration(flightKeys(a), flightKeys(b)),
  departure: (a, b) => keyedFlightComparators.departure(flightKeys(a), flightKeys(b)),
};

/** The hotel orderings as plain comparators (keys parsed per comparison). */
export const hotelComparators: Record<HotelSort, Compare<HotelOffer>> = {
  price: (a, b) => keyedHotelComparators.price(hotelKeys(a), hotelKeys(b)),
  rating: (a, b) => keyedHotelComparators.rating(hotelKeys(a), hotelKeys(b)),
};

/** A sorted copy; the input (possibly a cached array) is never mutated. */
export function rankFlights(offers: readonly FlightOffer[], sort: FlightSort): FlightOffer[] {
  return offers
    .map(flightKeys)
    .sort(keyedFlightComparators[sort])
    .map((k) => k.offer);
}

export function rankHotels(offers: readonly HotelOffer[], sort: HotelSort): HotelOffer[] {
  return offers
    .map(hotelKeys)
    .sort(keyedHotelComparators[sort])
    .map((k) => k.offer);
}
