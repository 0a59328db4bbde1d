import { airportTimeZone } from "./airport-zones.js";
import { localTimeToUtc } from "./time.js";

/** Check-in time of every hotel, local wall-clock minutes after midnight (15:00). */
export const HOTEL_CHECK_IN_MINUTE = 15 * 60;

/** The hotel city's IANA time zone (cities are named by their main airport's code), else UTC. */
export function hotelTimeZone(city: string): string {
  return airportTimeZone(city) ?? "UTC";
}

/**
 * The two instants of a stay that search and booking must agree on, in the hotel city's time
 * zone (DST-aware):
 * - `checkInAt`: 15:00 local on the check-in date. The stay has begun from then on, so a
 *   booking can no longer be cancelled.
 * - `bookableUntil`: the end of the check-in date, local (midnight starting the next day). Search
 *   never shows the offer as valid past it, and booking refuses it as `offer_expired` from then on,
 *   so a traveller can still book tonight's room at 22:00 local.
 *
 * @example
 * hotelStayTimes("JFK", "2026-12-01")
 * // { checkInAt: 2026-12-01T20:00:00.000Z, bookableUntil: 2026-12-02T05:00:00.000Z }
 */
export function hotelStayTimes(
  city: string,
  checkIn: string,
): { checkInAt: Date; bookableUntil: Date } {
  const timeZone = hotelTimeZone(city);
  const nextDay = new Date(Date.parse(`${checkIn}T00:00:00Z`) + 86_400_000)
    .toISOString()
    .slice(0, 10);
  return {
    checkInAt: new Date(localTimeToUtc(checkIn, HOTEL_CHECK_IN_MINUTE, timeZone)),
    bookableUntil: new Date(localTimeToUtc(nextDay, 0, timeZone)),
  };
}

/**
 * The latest `bookableUntil` of a check-in date in any time zone (UTC−12 ends the day last):
 * past it, a stay is expired wherever the hotel is, without reading it.
 */
export function latestBookableUntil(checkIn: string): Date {
  return new Date(Date.parse(`${checkIn}T00:00:00Z`) + 36 * 3_600_000);
}
