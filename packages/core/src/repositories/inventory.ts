import type { FlightOfferRecord, HotelRecord, RoomNightRecord } from "../domain.js";
import { InventoryConflictError, isConditionalCheckFailed } from "../errors.js";
import type { TravelService } from "../service.js";
import { monthOf } from "../time.js";

type FlightItem = FlightOfferRecord & { holds?: Record<string, number> };
type NightItem = RoomNightRecord & { holds?: Record<string, number> };

function stripFlight(item: FlightItem): FlightOfferRecord {
  const { holds: _holds, ...rest } = item as FlightItem & Record<string, unknown>;
  return rest as FlightOfferRecord;
}

function stripNight(item: NightItem & { month?: string }): RoomNightRecord {
  const { holds: _holds, month: _month, ...rest } = item as NightItem & Record<string, unknown>;
  return rest as RoomNightRecord;
}

/** Units booking holds keep on an item (Σ of its `holds` map). */
function heldOn(item: { holds?: Record<string, number> | undefined }): number {
  let held = 0;
  for (const quantity of Object.values(item.holds ?? {})) held += Number(quantity) || 0;
  return held;
}

/** Read-check-write rounds an availability change makes before giving up on a busy item. */
const AVAILABILITY_ATTEMPTS = 5;

/** Days from `from` to `to` inclusive, as YYYY-MM-DD. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`);
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Reads and admin writes of flight and hotel inventory. Booking holds live in
 * `inventory-holds.ts`; this file never touches seat counts on behalf of a booking.
 */
export function createInventoryRepository(db: TravelService) {
  const { flightOffer, hotel, roomNight } = db.entities;

  return {
    async getFlightOffer(offerId: string): Promise<FlightOfferRecord | undefined> {
      const { data } = await flightOffer.get({ offerId }).go({ consistent: true });
      return data ? stripFlight(data as FlightItem) : undefined;
    },

    /** Every cabin of every flight on a route leaving on a local date, in departure order. */
    async listFlights(route: {
      origin: string;
      destination: string;
      departDate: string;
    }): Promise<FlightOfferRecord[]> {
      const { data } = await flightOffer.query.byRouteDate(route).go({ pages: "all" });
      return (data as FlightItem[]).map(stripFlight);
    },

    async getHotel(hotelId: string): Promise<HotelRecord | undefined> {
      const { data } = await hotel.get({ hotelId }).go();
      return (data as HotelRecord | null) ?? undefined;
    },

    async listHotelsInCity(city: string): Promise<HotelRecord[]> {
      const { data } = await hotel.query.byCity({ city }).go({ pages: "all" });
      return data as HotelRecord[];
    },

    /** Nights `from`..`to` (inclusive) of one hotel, strongly consistent. */
    async getNights(hotelId: string, from: string, to: string): Promise<RoomNightRecord[]> {
      const { data } = await roomNight.query
        .byHotelDate({ hotelId })
        .between({ date: from }, { date: to })
        .go({ pages: "all", consistent: true });
      return (data as NightItem[]).map(stripNight);
    },

    /** Every hotel's nights in a city between two dates (inclusive), one query per month. */
    async listCityNights(city: string, from: string, to: string): Promise<RoomNightRecord[]> {
      const months = [...new Set(eachDay(from, to).map(monthOf))];
      const pages = await Promise.all(
        months.map((month) =>
          roomNight.query
            .byCityMonth({ city, month })
            .between({ date: from }, { date: `${to}~` })
            .go({ pages: "all" }),
        ),
      );
      return pages.flatMap((p) => (p.data as NightItem[]).map(stripNight));
    },

    /**
     * Admin update of a flight offer's price and/or seats; bumps `version` atomically.
     * Returns `undefined` when the offer does not exist (nothing is created). Seats are bounded
     * by what bookings hold: `seatsAvailable + held ≤ seatsTotal`, else `InventoryConflictError`
     * (read, check, then write conditioned on the version read, so a booking in between makes
     * the round start over).
     */
    async updateFlightOffer(
      offerId: string,
      changes: { priceMinor?: number; currency?: string; seatsAvailable?: number },
      now: Date,
    ): Promise<FlightOfferRecord | undefined> {
      const set: Record<string, unknown> = { updatedAt: now.toISOString() };
      if (changes.priceMinor !== undefined) set.priceMinor = changes.priceMinor;
      if (changes.currency !== undefined) set.currency = changes.currency;
      const seats = changes.seatsAvailable;
      if (seats === undefined) {
        try {
          const { data } = await flightOffer
            .patch({ offerId })
            .set(set)
            .add({ version: 1 })
            .go({ response: "all_new" });
          return stripFlight(data as FlightItem);
        } catch (error) {
          if (isMissingItem(error)) return undefined;
          throw error;
        }
      }
      for (let attempt = 0; attempt < AVAILABILITY_ATTEMPTS; attempt++) {
        const { data: current } = await flightOffer.get({ offerId }).go({ consistent: true });
        if (!current) return undefined;
        const held = heldOn(current as FlightItem);
        if (seats + held > current.seatsTotal) {
          throw new InventoryConflictError(
            `seatsAvailable ${seats} plus the ${held} seats bookings hold would exceed the flight's ${current.seatsTotal} seats (at most ${current.seatsTotal - held}).`,
          );
        }
        try {
          const { data } = await flightOffer
            .patch({ offerId })
            .set({ ...set, seatsAvailable: seats })
            .add({ version: 1 })
            .where((attr, op) => op.eq(attr.version, current.version))
            .go({ response: "all_new" });
          return stripFlight(data as FlightItem);
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      throw new InventoryConflictError("The offer kept changing; retry the update.");
    },

    /**
     * Admin update of one night's price and/or rooms; bumps `version`. Rooms are bounded by what
     * bookings hold, as seats are in `updateFlightOffer`.
     */
    /**
     * Throws `InventoryConflictError` when `rooms` available plus what bookings hold would
     * exceed the rooms of any of the nights (strongly consistent reads; writes nothing), so a
     * stay's update can be refused before its first night is written.
     */
    async assertRoomsFit(keys: { hotelId: string; date: string }[], rooms: number): Promise<void> {
      const nights = await Promise.all(
        keys.map(async (key) => (await roomNight.get(key).go({ consistent: true })).data),
      );
      for (const [i, night] of nights.entries()) {
        if (!night) continue;
        const held = heldOn(night as NightItem);
        if (rooms + held > night.roomsTotal) {
          throw new InventoryConflictError(
            `roomsAvailable ${rooms} plus the ${held} rooms bookings hold on ${keys[i]?.date} would exceed the hotel's ${night.roomsTotal} rooms (at most ${night.roomsTotal - held}).`,
          );
        }
      }
    },

    async updateRoomNight(
      key: { hotelId: string; date: string },
      changes: { priceMinor?: number; currency?: string; roomsAvailable?: number },
      now: Date,
    ): Promise<RoomNightRecord | undefined> {
      const set: Record<string, unknown> = { updatedAt: now.toISOString() };
      if (changes.priceMinor !== undefined) set.priceMinor = changes.priceMinor;
      if (changes.currency !== undefined) set.currency = changes.currency;
      const rooms = changes.roomsAvailable;
      if (rooms === undefined) {
        try {
          const { data } = await roomNight
            .patch(key)
            .set(set)
            .add({ version: 1 })
            .go({ response: "all_new" });
          return stripNight(data as NightItem);
        } catch (error) {
          if (isMissingItem(error)) return undefined;
          throw error;
        }
      }
      for (let attempt = 0; attempt < AVAILABILITY_ATTEMPTS; attempt++) {
        const { data: current } = await roomNight.get(key).go({ consistent: true });
        if (!current) return undefined;
        const held = heldOn(current as NightItem);
        if (rooms + held > current.roomsTotal) {
          throw new InventoryConflictError(
            `roomsAvailable ${rooms} plus the ${held} rooms bookings hold on ${key.date} would exceed the hotel's ${current.roomsTotal} rooms (at most ${current.roomsTotal - held}).`,
          );
        }
        try {
          const { data } = await roomNight
            .patch(key)
            .set({ ...set, roomsAvailable: rooms })
            .add({ version: 1 })
            .where((attr, op) => op.eq(attr.version, current.version))
            .go({ response: "all_new" });
          return stripNight(data as NightItem);
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      throw new InventoryConflictError("The night kept changing; retry the update.");
    },
  };
}

/** ElectroDB's `patch` adds `attribute_exists` on the keys: a missing item fails that condition. */
const isMissingItem = isConditionalCheckFailed;

export type InventoryRepository = ReturnType<typeof createInventoryRepository>;
