import {
  addDays,
  hotelStayTimes,
  type InventoryItemRef,
  type InventoryRepository,
  type ItineraryRef,
  latestBookableUntil,
  multiplyMinor,
  parseOfferId,
  passengerFareMinor,
  tenantInventoryCap,
} from "@travel/core";
import { OfferExpiredError, OfferNotFoundError } from "./errors.js";

/** The longest stay that can be booked, as the contract's hotel search allows. */
export const MAX_NIGHTS = 30;

/** An offer as the source of truth prices it right now (never from the search cache). */
export interface LiveOffer {
  offerId: string;
  offerType: "flight" | "hotel";
  /** "JFK-LAX" for flights, the city code for hotels. */
  route: string;
  /** Items to hold, in the order they are always acquired (nights by date). */
  items: InventoryItemRef[];
  /** Fewest seats/rooms free over the items. */
  available: number;
  totalMinor: number;
  currency: string;
  /** Departure / check-in instant (15:00 in the hotel city's time zone). */
  startsAt: string;
}

export type OfferReader = Pick<InventoryRepository, "getFlightOffer" | "getNights">;

/** The platform-wide share (percent) of an item one tenant may hold, per the contract. */
export const DEFAULT_TENANT_SHARE_PERCENT = 50;

/**
 * Prices `quantity` seats or rooms of an offer live, with strongly consistent reads.
 * Throws `OfferNotFoundError` / `OfferExpiredError`; availability is reported, not judged
 * (the booking decides between sold out and a hold attempt). Every item carries the tenant
 * cap that `tenantSharePercent` gives it (the hold's conditional write enforces it).
 */
export async function priceOffer(
  inventory: OfferReader,
  offerId: string,
  quantity: number,
  now: Date,
  tenantSharePercent = DEFAULT_TENANT_SHARE_PERCENT,
): Promise<LiveOffer> {
  const parsed = parseOfferId(offerId);
  if (!parsed) throw new OfferNotFoundError();

  if (parsed.type === "flight") {
    const offer = await inventory.getFlightOffer(offerId);
    if (!offer) throw new OfferNotFoundError();
    if (Date.parse(offer.departAt) <= now.getTime()) throw new OfferExpiredError();
    return {
      offerId,
      offerType: "flight",
      route: `${offer.origin}-${offer.destination}`,
      items: [
        {
          kind: "flightOffer",
          offerId,
          tenantCap: tenantInventoryCap(offer.seatsTotal, tenantSharePercent),
        },
      ],
      available: offer.seatsAvailable,
      totalMinor: multiplyMinor(offer.priceMinor, quantity),
      currency: offer.currency,
      startsAt: new Date(Date.parse(offer.departAt)).toISOString(),
    };
  }

  if (parsed.type === "itinerary") {
    return priceItinerary(inventory, offerId, parsed.itinerary, quantity, now, tenantSharePercent);
  }

  const { hotelId, checkIn, checkOut } = parsed;
  const nightsCount = Math.round(
    (Date.parse(`${checkOut}T00:00:00Z`) - Date.parse(`${checkIn}T00:00:00Z`)) / 86_400_000,
  );
  if (!Number.isFinite(nightsCount) || nightsCount < 1 || nightsCount > MAX_NIGHTS) {
    throw new OfferNotFoundError();
  }
  // Past every time zone's end of the check-in day: expired without reading anything.
  if (latestBookableUntil(checkIn).getTime() <= now.getTime()) throw new OfferExpiredError();
  const nights = await inventory.getNights(hotelId, checkIn, addDays(checkOut, -1));
  const first = nights[0];
  // Every night of the stay must be sold, in one currency, or the offer does not exist.
  if (
    !first ||
    nights.length !== nightsCount ||
    nights.some((n) => n.currency !== first.currency)
  ) {
    throw new OfferNotFoundError();
  }
  // Bookable until the check-in day ends where the hotel is, as search shows it.
  const { checkInAt, bookableUntil } = hotelStayTimes(first.city, checkIn);
  if (bookableUntil.getTime() <= now.getTime()) throw new OfferExpiredError();
  const perRoom = nights.reduce((sum, night) => sum + night.priceMinor, 0);
  return {
    offerId,
    offerType: "hotel",
    route: first.city,
    items: [...nights]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((n) => ({
        kind: "roomNight" as const,
        hotelId,
        date: n.date,
        tenantCap: tenantInventoryCap(n.roomsTotal, tenantSharePercent),
      })),
    available: Math.min(...nights.map((n) => n.roomsAvailable)),
    totalMinor: multiplyMinor(perRoom, quantity),
    currency: first.currency,
    startsAt: checkInAt.toISOString(),
  };
}

/**
 * An itinerary priced live from its legs (strongly consistent reads): one adult's fare is the
 * sum of the legs'; with children or infants the total is the searched mix's (children 75 %,
 * infants 10 %, each rounded half-up), else `quantity` adults as in v1. Seats are held on every
 * leg, in offer id order (the same order for every itinerary sharing a leg).
 */
async function priceItinerary(
  inventory: OfferReader,
  offerId: string,
  itinerary: ItineraryRef,
  quantity: number,
  now: Date,
  tenantSharePercent: number,
): Promise<LiveOffer> {
  const ids = itinerary.slices.flat();
  const legs = await Promise.all(ids.map((id) => inventory.getFlightOffer(id)));
  const first = legs[0];
  const outbound = itinerary.slices[0] ?? [];
  const lastOut = legs[outbound.length - 1];
  if (!first || !lastOut || legs.some((leg) => !leg || leg.currency !== first.currency)) {
    throw new OfferNotFoundError();
  }
  const known = legs as NonNullable<(typeof legs)[number]>[];
  const departs = Math.min(...known.map((leg) => Date.parse(leg.departAt)));
  if (departs <= now.getTime()) throw new OfferExpiredError();
  const adultMinor = known.reduce((sum, leg) => sum + leg.priceMinor, 0);
  const { adults, children, infants } = itinerary.passengers;
  const totalMinor =
    children + infants > 0
      ? adultMinor * adults +
        passengerFareMinor(adultMinor, "child") * children +
        passengerFareMinor(adultMinor, "infant") * infants
      : multiplyMinor(adultMinor, quantity);
  return {
    offerId,
    offerType: "flight",
    route: `${first.origin}-${lastOut.destination}`,
    items: [...new Set(ids)].sort().map((id) => ({
      kind: "flightOffer" as const,
      offerId: id,
      tenantCap: tenantInventoryCap(
        known.find((leg) => leg.offerId === id)?.seatsTotal ?? 0,
        tenantSharePercent,
      ),
    })),
    available: Math.min(...known.map((leg) => leg.seatsAvailable)),
    totalMinor,
    currency: first.currency,
    startsAt: new Date(departs).toISOString(),
  };
}
