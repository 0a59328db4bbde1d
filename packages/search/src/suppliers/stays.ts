import { hotelOfferId, hotelStayTimes, parseOfferId } from "@travel/core";
import type { HotelFields, HotelStay, NightFields } from "../offers.js";
import { stayNights } from "../tags.js";

/**
 * When the day after check-in begins in the hotel's city: an offer is never valid past it, and
 * booking refuses it from then on (core's `hotelStayTimes`, shared by both).
 */
export function checkInDayEnds(city: string, checkIn: string): Date {
  return hotelStayTimes(city, checkIn).bookableUntil;
}

/**
 * The stay of `hotel` from checkIn to checkOut when every night exists and is priced in the
 * hotel's currency; `undefined` otherwise (a hotel missing a night is not offered at all).
 */
export function assembleStay<H extends HotelFields, N extends NightFields>(
  hotel: H,
  checkIn: string,
  checkOut: string,
  nightsByDate: ReadonlyMap<string, N>,
): HotelStay<H, N> | undefined {
  const nights: N[] = [];
  for (const date of stayNights(checkIn, checkOut)) {
    const night = nightsByDate.get(date);
    if (!night || night.currency !== hotel.currency) return undefined;
    nights.push(night);
  }
  if (nights.length === 0) return undefined;
  const offerId = hotelOfferId({ hotelId: hotel.hotelId, checkIn, checkOut });
  // A hotel id outside the `htl_` id shape would give an offer nobody could re-price or book.
  if (!parseOfferId(offerId)) return undefined;
  return {
    hotel,
    checkIn,
    checkOut,
    nights,
    offerId,
    checkInDayEnds: checkInDayEnds(hotel.city, checkIn),
  };
}
