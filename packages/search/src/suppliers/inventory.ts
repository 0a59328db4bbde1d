import {
  addDays,
  type InventoryRepository,
  parseOfferId,
  type RoomNightRecord,
} from "@travel/core";
import { daysBetween } from "../clock.js";
import {
  DEFAULT_OFFER_VALIDITY_SECONDS,
  type FlightOffer,
  flightOfferFromRecord,
  type HotelOffer,
  hotelOfferFromStay,
} from "../offers.js";
import { MAX_NIGHTS } from "../query.js";
import { assembleStay } from "./stays.js";
import type { Supplier } from "./supplier.js";

/** The reads the inventory supplier needs from `@travel/core`'s inventory repository. */
export type InventoryReader = Pick<
  InventoryRepository,
  | "listFlights"
  | "getFlightOffer"
  | "listHotelsInCity"
  | "listCityNights"
  | "getHotel"
  | "getNights"
>;

export interface InventorySupplierOptions {
  inventory: InventoryReader;
  /** Default `"inventory"`. */
  name?: string;
  offerValiditySeconds?: number;
}

/**
 * Our own inventory (the single table) as a supplier. Searches read the route/date and
 * city/month indexes; `priceOffer` reads the items strongly consistently.
 *
 * @example
 * const inventory = createInventorySupplier({ inventory: createInventoryRepository(db) });
 */
export function createInventorySupplier(options: InventorySupplierOptions): Supplier {
  const { inventory } = options;
  const validity = options.offerValiditySeconds ?? DEFAULT_OFFER_VALIDITY_SECONDS;

  return {
    name: options.name ?? "inventory",

    ownsOffer: (offerId) => parseOfferId(offerId) !== undefined,

    async searchFlights(request, { now }): Promise<FlightOffer[]> {
      const records = await inventory.listFlights({
        origin: request.origin,
        destination: request.destination,
        departDate: request.departureDate,
      });
      return records
        .filter((r) => r.cabin === request.cabin)
        .map((r) => flightOfferFromRecord(r, now, validity));
    },

    async searchHotels(request, { now }): Promise<HotelOffer[]> {
      const lastNight = addDays(request.checkOut, -1);
      const [hotels, nights] = await Promise.all([
        inventory.listHotelsInCity(request.city),
        inventory.listCityNights(request.city, request.checkIn, lastNight),
      ]);
      const byHotel = new Map<string, Map<string, RoomNightRecord>>();
      for (const night of nights) {
        const dates = byHotel.get(night.hotelId) ?? new Map<string, RoomNightRecord>();
        dates.set(night.date, night);
        byHotel.set(night.hotelId, dates);
      }
      const offers: HotelOffer[] = [];
      for (const hotel of hotels) {
        const dates = byHotel.get(hotel.hotelId);
        if (!dates) continue;
        const stay = assembleStay(hotel, request.checkIn, request.checkOut, dates);
        if (stay) offers.push(hotelOfferFromStay(stay, now, validity));
      }
      return offers;
    },

    async priceOffer(offerId, { now }) {
      const parsed = parseOfferId(offerId);
      if (!parsed) return undefined;
      if (parsed.type === "flight") {
        const record = await inventory.getFlightOffer(offerId);
        return record ? flightOfferFromRecord(record, now, validity) : undefined;
      }
      const nights = daysBetween(parsed.checkIn, parsed.checkOut);
      if (nights < 1 || nights > MAX_NIGHTS) return undefined;
      const [hotel, records] = await Promise.all([
        inventory.getHotel(parsed.hotelId),
        inventory.getNights(parsed.hotelId, parsed.checkIn, addDays(parsed.checkOut, -1)),
      ]);
      if (!hotel) return undefined;
      const stay = assembleStay(
        hotel,
        parsed.checkIn,
        parsed.checkOut,
        new Map(records.map((n) => [n.date, n])),
      );
      return stay ? hotelOfferFromStay(stay, now, validity) : undefined;
    },
  };
}
