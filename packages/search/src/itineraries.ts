import {
  airportCountry,
  fromMinor,
  type ItineraryRef,
  itineraryOfferId,
  type Money,
  passengerFareMinor,
  placeTimeZone,
  toMinor,
} from "@travel/core";
import { localDate } from "./clock.js";
import type { FlightOffer } from "./offers.js";

/**
 * Itineraries composed from real legs at search time: nonstop and one-stop slices, one way or
 * round trip, priced for a passenger mix. Pure: the legs come from the read model (or a
 * supplier), so a leg's new price or seats show in every itinerary using it on the next search,
 * and nothing composed is ever cached.
 */

export interface Passengers {
  adults: number;
  children: number;
  infants: number;
}

/** Minimum connecting times (same airport). */
export const MIN_CONNECTION_MINUTES = { domestic: 45, international: 60 } as const;
export const MAX_LAYOVER_MINUTES = 8 * 60;

/** A leg: one flight's own offer (v1 shape, its id is the flight's inventory offer id). */
export type Leg = FlightOffer;

export type Segment = NonNullable<FlightOffer["slices"]>[number]["segments"][number];

/** Minutes a passenger needs between two legs at `airport` (domestic or international). */
export function minConnectionMinutes(first: Leg, second: Leg): number {
  const from = airportCountry(first.origin);
  const via = airportCountry(first.destination);
  const to = airportCountry(second.destination);
  return from !== undefined && from === via && via === to
    ? MIN_CONNECTION_MINUTES.domestic
    : MIN_CONNECTION_MINUTES.international;
}

/** Whether `second` can follow `first`: same airport, minimum connecting time, layover ≤ 8 h. */
export function connects(first: Leg, second: Leg): boolean {
  if (first.destination !== second.origin || first.cabin !== second.cabin) return false;
  if (first.price.currency !== second.price.currency) return false;
  const layover = (Date.parse(second.departAt) - Date.parse(first.arriveAt)) / 60_000;
  return layover >= minConnectionMinutes(first, second) && layover <= MAX_LAYOVER_MINUTES;
}

/**
 * Every slice from `direct` legs (nonstop) and `first` × `second` legs (one stop) that obeys the
 * connection rules, keeping at most `limit` (cheapest first) when there are more.
 */
export function composeSlices(
  direct: readonly Leg[],
  first: readonly Leg[],
  second: readonly Leg[],
  limit = 200,
): Leg[][] {
  const slices: Leg[][] = direct.map((leg) => [leg]);
  const byOrigin = new Map<string, Leg[]>();
  for (const leg of second) {
    const list = byOrigin.get(leg.origin);
    if (list) list.push(leg);
    else byOrigin.set(leg.origin, [leg]);
  }
  for (const a of first) {
    for (const b of byOrigin.get(a.destination) ?? []) {
      if (connects(a, b)) slices.push([a, b]);
    }
  }
  if (slices.length <= limit) return slices;
  return slices
    .map((s) => ({ s, minor: s.reduce((sum, leg) => sum + toMinor(leg.price).minor, 0) }))
    .sort((x, y) => x.minor - y.minor)
    .slice(0, limit)
    .map((x) => x.s);
}

function segmentOf(leg: Leg): Segment {
  return {
    offerId: leg.id,
    carrier: leg.carrier,
    flightNumber: leg.flightNumber,
    origin: leg.origin,
    destination: leg.destination,
    departAt: leg.departAt,
    arriveAt: leg.arriveAt,
    durationMinutes: leg.durationMinutes,
  };
}

function sliceOf(legs: readonly Leg[]) {
  const first = legs[0] as Leg;
  const last = legs.at(-1) as Leg;
  return {
    origin: first.origin,
    destination: last.destination,
    departAt: first.departAt,
    arriveAt: last.arriveAt,
    durationMinutes: Math.round((Date.parse(last.arriveAt) - Date.parse(first.departAt)) / 60_000),
    segments: legs.map(segmentOf),
  };
}

/** The contract's fare breakdown and total for a passenger mix, from one adult's fare. */
export function priceFor(
  adult: Money,
  passengers: Passengers,
): Pick<FlightOffer, "fareBreakdown" | "totalPrice"> {
  const { minor, currency } = toMinor(adult);
  const rows: { type: "adult" | "child" | "infant"; count: number; minor: number }[] = [
    { type: "adult", count: passengers.adults, minor },
    { type: "child", count: passengers.children, minor: passengerFareMinor(minor, "child") },
    { type: "infant", count: passengers.infants, minor: passengerFareMinor(minor, "infant") },
  ];
  const present = rows.filter((r) => r.count > 0);
  return {
    fareBreakdown: present.map((r) => ({
      type: r.type,
      count: r.count,
      amount: fromMinor(r.minor, currency),
    })),
    totalPrice: fromMinor(
      present.reduce((sum, r) => sum + r.minor * r.count, 0),
      currency,
    ),
  };
}

/**
 * One itinerary offer from its slices' legs, for `passengers`. The v1 fields describe the first
 * slice; `price` is one adult's fare over all slices; `seatsAvailable` the fewest on any leg.
 * A one-way nonstop for adults only keeps the flight's own offer id (v1 clients look it up,
 * PATCH and book it); anything else gets an itinerary id, `undefined` when a leg is not ours.
 */
export function itineraryOffer(
  slices: readonly (readonly Leg[])[],
  passengers: Passengers,
): FlightOffer | undefined {
  const legs = slices.flat();
  const first = legs[0];
  const outbound = slices[0];
  if (!first || !outbound || outbound.length === 0) return undefined;
  const currency = first.price.currency;
  if (legs.some((leg) => leg.price.currency !== currency)) return undefined;
  const adultMinor = legs.reduce((sum, leg) => sum + toMinor(leg.price).minor, 0);
  const simple =
    slices.length === 1 && outbound.length === 1 && passengers.children + passengers.infants === 0;
  const ref: ItineraryRef = {
    slices: slices.map((s) => s.map((leg) => leg.id)),
    passengers: { ...passengers },
    firstDepartureDate: localDate(new Date(first.departAt), placeTimeZone(first.origin)),
  };
  const id = simple ? first.id : itineraryOfferId(ref);
  if (!id) return undefined;
  const price = fromMinor(adultMinor, currency);
  const firstSlice = sliceOf(outbound);
  const departs = Math.min(...legs.map((leg) => Date.parse(leg.departAt)));
  const expires = Math.min(...legs.map((leg) => Date.parse(leg.expiresAt)), departs);
  return {
    id,
    type: "flight",
    origin: firstSlice.origin,
    destination: firstSlice.destination,
    departAt: firstSlice.departAt,
    arriveAt: firstSlice.arriveAt,
    durationMinutes: firstSlice.durationMinutes,
    // Connections, plus any stop a leg makes itself (a through flight).
    stops: outbound.length - 1 + outbound.reduce((sum, leg) => sum + leg.stops, 0),
    carrier: first.carrier,
    flightNumber: first.flightNumber,
    cabin: first.cabin,
    seatsAvailable: Math.min(...legs.map((leg) => leg.seatsAvailable)),
    price,
    pricedAt: first.pricedAt,
    expiresAt: new Date(expires).toISOString(),
    slices: slices.map(sliceOf),
    passengers: { ...passengers },
    ...priceFor(price, passengers),
  };
}

/**
 * Round trips from outbound and return slices: the `perSide` best of each side (by `rank`)
 * paired, so a busy city pair stays a bounded answer.
 */
export function pairSlices(
  outbound: readonly Leg[][],
  inbound: readonly Leg[][],
  rank: (slice: readonly Leg[]) => number,
  perSide = 20,
): Leg[][][] {
  // The best overall, plus the best few of every airport pair, so a city search still shows
  // each of its airports.
  const best = (slices: readonly Leg[][]) => {
    const sorted = [...slices].sort((a, b) => rank(a) - rank(b));
    const chosen = new Set(sorted.slice(0, perSide));
    const perPair = new Map<string, number>();
    for (const slice of sorted) {
      const key = `${(slice[0] as Leg).origin}-${(slice.at(-1) as Leg).destination}`;
      const seen = perPair.get(key) ?? 0;
      if (seen < 3) chosen.add(slice);
      perPair.set(key, seen + 1);
    }
    return [...chosen];
  };
  const out = best(outbound);
  const back = best(inbound);
  const pairs: Leg[][][] = [];
  for (const a of out) {
    const arrives = Date.parse((a.at(-1) as Leg).arriveAt);
    for (const b of back) {
      if (Date.parse((b[0] as Leg).departAt) >= arrives + 60 * 60_000) pairs.push([a, b]);
    }
  }
  return pairs;
}
