import { hash } from "node:crypto";
import { decimalMilli } from "./money.js";
import type { FlightQuery, HotelQuery } from "./query.js";
import type { FlightSearchRequest, HotelSearchRequest } from "./suppliers/supplier.js";

/** Bump when the cached value's shape changes, so old entries are never read as new. */
const KEY_VERSION = "v1";

/** The part of a flight query that defines the result set; everything else is applied to it. */
export function flightRequestOf(query: FlightQuery): FlightSearchRequest {
  return {
    origin: query.origin,
    destination: query.destination,
    departureDate: query.departureDate,
    cabin: query.cabin,
  };
}

export function hotelRequestOf(query: HotelQuery): HotelSearchRequest {
  return { city: query.city, checkIn: query.checkIn, checkOut: query.checkOut };
}

/**
 * The cache key of a flight search: route, date and cabin only. Travellers, filters, sort,
 * limit and cursor do not change what the suppliers return, so they share one entry.
 *
 * @example
 * flightCacheKey({ origin: "JFK", destination: "LAX", departureDate: "2026-12-01", cabin: "economy" })
 * // "flights:v1:JFK-LAX:2026-12-01:economy"
 */
export function flightCacheKey(request: FlightSearchRequest): string {
  return `flights:${KEY_VERSION}:${request.origin}-${request.destination}:${request.departureDate}:${request.cabin}`;
}

/** The cache key of a hotel search: city and stay only (not guests, rooms, price or sort). */
export function hotelCacheKey(request: HotelSearchRequest): string {
  return `hotels:${KEY_VERSION}:${request.city}:${request.checkIn}:${request.checkOut}`;
}

/**
 * Everything that decides which offers a page holds and in what order, except the position:
 * a cursor carries it, so a cursor from another query (or another sort) is refused.
 * Equivalent spellings ("450" and "450.00", "DL,AA" and "AA,DL") give the same fingerprint.
 */
export function flightQueryFingerprint(query: FlightQuery): string {
  return fingerprint([
    flightCacheKey(flightRequestOf(query)),
    query.sort,
    query.adults,
    // The default (1) prints as v1's "not given", so cursors of v1 queries stay valid.
    query.maxStops === undefined || query.maxStops === 1 ? null : query.maxStops,
    query.maxPrice === undefined ? null : decimalMilli(query.maxPrice),
    query.carriers ?? null,
    // v2 parts only when given, for the same reason.
    ...(query.returnDate !== undefined ||
    (query.children ?? 0) > 0 ||
    (query.infants ?? 0) > 0 ||
    query.maxTotalPrice !== undefined
      ? [
          query.returnDate ?? null,
          query.children ?? 0,
          query.infants ?? 0,
          query.maxTotalPrice === undefined ? null : decimalMilli(query.maxTotalPrice),
        ]
      : []),
  ]);
}

export function hotelQueryFingerprint(query: HotelQuery): string {
  return fingerprint([
    hotelCacheKey(hotelRequestOf(query)),
    query.sort,
    query.rooms,
    query.maxPrice === undefined ? null : decimalMilli(query.maxPrice),
  ]);
}

function fingerprint(parts: unknown[]): string {
  return hash("sha256", JSON.stringify(parts), "base64url").slice(0, 16);
}
