import type { InventoryChange } from "@travel/core";
import type { FlightOffer, HotelOffer } from "./offers.js";
import type { FlightSearchRequest, HotelSearchRequest } from "./suppliers/supplier.js";

/** Every result holding this offer. */
export function offerTag(offerId: string): string {
  return `offer:${offerId}`;
}

/** Every result for a route on a (local) departure date, any cabin. */
export function routeTag(origin: string, destination: string, date: string): string {
  return `route:${origin}-${destination}:${date}`;
}

/** Every hotel result in a city whose stay includes the night `date`. */
export function cityTag(city: string, date: string): string {
  return `city:${city}:${date}`;
}

/** Every hotel result offering this hotel for a stay that includes the night `date`. */
export function hotelTag(hotelId: string, date: string): string {
  return `hotel:${hotelId}:${date}`;
}

/** Nights of a stay: checkIn … checkOut − 1. */
export function stayNights(checkIn: string, checkOut: string): string[] {
  const nights: string[] = [];
  const end = Date.parse(`${checkOut}T00:00:00Z`);
  for (let t = Date.parse(`${checkIn}T00:00:00Z`); t < end; t += 86_400_000) {
    nights.push(new Date(t).toISOString().slice(0, 10));
  }
  return nights;
}

/** Tags of a cached flight result: its route/date and each offer in it. */
export function flightResultTags(
  request: FlightSearchRequest,
  offers: readonly FlightOffer[],
): string[] {
  return [
    routeTag(request.origin, request.destination, request.departureDate),
    ...offers.map((o) => offerTag(o.id)),
  ];
}

/** Tags of a cached hotel result: city/night for each night, hotel/night for each offered hotel. */
export function hotelResultTags(
  request: HotelSearchRequest,
  offers: readonly HotelOffer[],
): string[] {
  const nights = stayNights(request.checkIn, request.checkOut);
  const tags = nights.map((night) => cityTag(request.city, night));
  for (const offer of offers) {
    for (const night of nights) tags.push(hotelTag(offer.hotelId, night));
  }
  return tags;
}

/**
 * What to invalidate when inventory items change. A flight: its offer and its route/date.
 * A night: the hotel/night (every cached stay through that night holds the hotel, since a
 * cached set keeps sold-out hotels and filters them per query). A brand-new night (version ≤ 1)
 * also invalidates its city/night, because no cached result can hold a hotel it lacked a night for.
 */
export function changeTags(changes: readonly InventoryChange[]): string[] {
  const tags = new Set<string>();
  for (const change of changes) {
    if (change.type === "flightOffer") {
      const r = change.record;
      tags.add(offerTag(r.offerId));
      tags.add(routeTag(r.origin, r.destination, r.departDate));
    } else {
      const r = change.record;
      tags.add(hotelTag(r.hotelId, r.date));
      if (r.version <= 1) tags.add(cityTag(r.city, r.date));
    }
  }
  return [...tags];
}
