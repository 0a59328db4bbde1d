import {
  addDays,
  type FlightOfferRecord,
  type InventoryRepository,
  parseOfferId,
  type RoomNightRecord,
} from "@travel/core";
import { daysBetween } from "../clock.js";
import { connects, itineraryOffer } from "../itineraries.js";
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

const ONE_ADULT = { adults: 1, children: 0, infants: 0 };

function sliceConnects(legs: readonly FlightOffer[]): boolean {
  return legs.every((leg, i) => i === 0 || connects(legs[i - 1] as FlightOffer, leg));
}

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
        return record
          ? itineraryOffer([[flightOfferFromRecord(record, now, validity)]], ONE_ADULT)
          : undefined;
      }
      if (parsed.type === "itinerary") {
        const { slices, passengers } = parsed.itinerary;
        const records = await Promise.all(
          slices.map((ids) => Promise.all(ids.map((id) => inventory.getFlightOffer(id)))),
        );
        if (records.some((legs) => legs.some((r) => r === undefined))) return undefined;
        const legs = records.map((list) =>
          list.map((r) => flightOfferFromRecord(r as FlightOfferRecord, now, validity)),
        );
        const offer = itineraryOffer(legs, passengers);
        // Still the same itinerary: the legs connect as they did when it was offered.
        return offer && legs.every(sliceConnects) ? { ...offer, id: offerId } : undefined;
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
