import { amountMilli, decimalMilli } from "./money.js";
import type { FlightOffer, HotelOffer } from "./offers.js";
import type { FlightQuery, HotelQuery } from "./query.js";

/**
 * Narrows a cached flight set to one query: enough seats for every traveller (the shown price
 * stays per traveller), stops, carriers, price per traveller at most `maxPrice`, and not
 * departed yet (a cached set for today ages while it is served).
 */
export function filterFlights(
  offers: readonly FlightOffer[],
  query: Pick<FlightQuery, "adults"> &
    Partial<Pick<FlightQuery, "maxStops" | "maxPrice" | "carriers" | "children" | "maxTotalPrice">>,
  now: Date,
): FlightOffer[] {
  const maxMilli = query.maxPrice === undefined ? undefined : decimalMilli(query.maxPrice);
  const maxTotalMilli =
    query.maxTotalPrice === undefined ? undefined : decimalMilli(query.maxTotalPrice);
  const carriers = query.carriers ? new Set(query.carriers) : undefined;
  const seats = query.adults + (query.children ?? 0);
  const nowMs = now.getTime();
  return offers.filter((offer) => {
    if (offer.seatsAvailable < seats) return false;
    const slices = offer.slices ?? [];
    if (query.maxStops !== undefined) {
      if (offer.stops > query.maxStops) return false;
      const maxStops = query.maxStops;
      if (slices.some((s) => s.segments.length - 1 > maxStops)) return false;
    }
    if (carriers !== undefined) {
      if (!carriers.has(offer.carrier)) return false;
      if (slices.some((s) => s.segments.some((seg) => !carriers.has(seg.carrier)))) return false;
    }
    if (maxMilli !== undefined && amountMilli(offer.price) > maxMilli) return false;
    if (
      maxTotalMilli !== undefined &&
      offer.totalPrice &&
      amountMilli(offer.totalPrice) > maxTotalMilli
    ) {
      return false;
    }
    return Date.parse(offer.departAt) > nowMs;
  });
}

/**
 * Narrows a cached hotel set to one query: `rooms` rooms free on every night (the offer's
 * `roomsAvailable` is the fewest on any night) and whole-stay price per room at most `maxPrice`.
 */
export function filterHotels(
  offers: readonly HotelOffer[],
  query: Pick<HotelQuery, "rooms" | "maxPrice">,
): HotelOffer[] {
  const maxMilli = query.maxPrice === undefined ? undefined : decimalMilli(query.maxPrice);
  return offers.filter(
    (offer) =>
      offer.roomsAvailable >= query.rooms &&
      (maxMilli === undefined || amountMilli(offer.price) <= maxMilli),
  );
}
