import type { FlightOfferRecord, HotelRecord, RoomNightRecord, TravelService } from "@travel/core";
import { eachDay, newId } from "@travel/core";
import { createBatchWriter, generateInventory, inventoryItems } from "@travel/core/seed";

/** `YYYY-MM-DD` `days` after today (UTC). */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

interface FlightSpec {
  id: string;
  departHourUtc: number;
  durationMinutes: number;
  priceMinor: number;
  seats: number;
  cabin?: FlightOfferRecord["cabin"];
  stops?: number;
  carrier?: string;
}

/** Five JFK→LAX flights on `date` chosen so price, duration and departure orders all differ. */
export const JFK_LAX: FlightSpec[] = [
  {
    id: "off_01JD8X3Z5K7M9P1Q3R5T7V9XA1",
    departHourUtc: 14,
    durationMinutes: 390,
    priceMinor: 25_000,
    seats: 9,
  },
  {
    id: "off_01JD8X3Z5K7M9P1Q3R5T7V9XB2",
    departHourUtc: 12,
    durationMinutes: 330,
    priceMinor: 31_000,
    seats: 2,
  },
  {
    id: "off_01JD8X3Z5K7M9P1Q3R5T7V9XC3",
    departHourUtc: 18,
    durationMinutes: 345,
    priceMinor: 19_999,
    seats: 4,
    carrier: "DL",
  },
  {
    id: "off_01JD8X3Z5K7M9P1Q3R5T7V9XD4",
    departHourUtc: 20,
    durationMinutes: 480,
    priceMinor: 22_050,
    seats: 1,
    stops: 1,
  },
  {
    id: "off_01JD8X3Z5K7M9P1Q3R5T7V9XE5",
    departHourUtc: 15,
    durationMinutes: 335,
    priceMinor: 120_000,
    seats: 6,
    cabin: "business",
  },
];

export function flightRecords(date: string, specs: FlightSpec[] = JFK_LAX): FlightOfferRecord[] {
  return specs.map((s, i) => {
    const departAt = new Date(`${date}T${String(s.departHourUtc).padStart(2, "0")}:00:00Z`);
    return {
      offerId: s.id,
      origin: "JFK",
      destination: "LAX",
      departDate: date,
      departAt: departAt.toISOString(),
      arriveAt: new Date(departAt.getTime() + s.durationMinutes * 60_000).toISOString(),
      durationMinutes: s.durationMinutes,
      stops: s.stops ?? 0,
      carrier: s.carrier ?? "AA",
      flightNumber: `${s.carrier ?? "AA"}${100 + i}`,
      cabin: s.cabin ?? "economy",
      seatsAvailable: s.seats,
      seatsTotal: 180,
      priceMinor: s.priceMinor,
      currency: "USD",
      version: 1,
      updatedAt: new Date().toISOString(),
    };
  });
}

export const HOTELS: HotelRecord[] = [
  {
    hotelId: "htl_01LHRHOTEL000000000000AAA",
    city: "LHR",
    name: "The Strand Palace",
    rating: 4.5,
    roomType: "Double",
    currency: "GBP",
    latitude: 51.51,
    longitude: -0.12,
  },
  {
    hotelId: "htl_01LHRHOTEL000000000000BBB",
    city: "LHR",
    name: "Paddington Rooms",
    rating: 3.5,
    roomType: "Twin",
    currency: "GBP",
    latitude: 51.52,
    longitude: -0.17,
  },
];

/** Nights from `from` to `to` inclusive for both hotels; the second has only 1 room free. */
export function roomNights(from: string, to: string): RoomNightRecord[] {
  return eachDay(from, to).flatMap((date) => [
    {
      hotelId: HOTELS[0]!.hotelId,
      city: "LHR",
      date,
      roomsAvailable: 5,
      roomsTotal: 40,
      priceMinor: 18_000,
      currency: "GBP",
      version: 1,
      updatedAt: new Date().toISOString(),
    },
    {
      hotelId: HOTELS[1]!.hotelId,
      city: "LHR",
      date,
      roomsAvailable: 1,
      roomsTotal: 20,
      priceMinor: 9_550,
      currency: "GBP",
      version: 1,
      updatedAt: new Date().toISOString(),
    },
  ]);
}

export async function insertInventory(
  db: TravelService,
  records: { flights?: FlightOfferRecord[]; hotels?: HotelRecord[]; nights?: RoomNightRecord[] },
): Promise<void> {
  for (const f of records.flights ?? []) await db.entities.flightOffer.put(f).go();
  for (const h of records.hotels ?? []) await db.entities.hotel.put(h).go();
  for (const n of records.nights ?? []) await db.entities.roomNight.put(n).go();
}

/**
 * The seeded inventory (what `pnpm start` loads) of `days` from `startDate`, on one route and in
 * one city only, written with the seed loader's batch writer (bounded, retried).
 */
export async function loadSeededSlice(
  db: TravelService,
  slice: {
    startDate: string;
    days: number;
    origin: string;
    destination: string;
    city?: string;
    /** Generator seed (default `api-tests`): another seed gives other offer ids. */
    seed?: string;
  },
): Promise<void> {
  const inventory = generateInventory({
    seed: slice.seed ?? "api-tests",
    startDate: slice.startDate,
    days: slice.days,
  });
  const flights: FlightOfferRecord[] = [];
  const nights: RoomNightRecord[] = [];
  for (const day of inventory.days()) {
    flights.push(
      ...day.flights.filter(
        (f) => f.origin === slice.origin && f.destination === slice.destination,
      ),
    );
    nights.push(...day.nights.filter((n) => n.city === slice.city));
  }
  const hotels = inventory.hotels.filter((h) => h.city === slice.city);
  await createBatchWriter({ client: db.client, table: db.table }).write(
    inventoryItems(db, { flights, hotels, nights }),
  );
}

/**
 * The seeded flights (what `pnpm start` loads) of `days` from `startDate` that `keep` selects,
 * written with the seed loader's batch writer; the records written.
 */
export async function loadSeededFlights(
  db: TravelService,
  slice: { startDate: string; days: number; keep: (flight: FlightOfferRecord) => boolean },
): Promise<FlightOfferRecord[]> {
  const inventory = generateInventory({
    seed: "api-tests",
    startDate: slice.startDate,
    days: slice.days,
  });
  const flights: FlightOfferRecord[] = [];
  for (const day of inventory.days()) flights.push(...day.flights.filter(slice.keep));
  await createBatchWriter({ client: db.client, table: db.table }).write(
    inventoryItems(db, { flights, hotels: [], nights: [] }),
  );
  return flights;
}

/** One nonstop BOS→SFO economy offer 30 days out, written straight to the table; its id. */
export async function seedFlight(
  db: TravelService,
  seats: number,
  priceMinor = 25_000,
): Promise<string> {
  const offerId = newId("offer");
  const departAt = `${dayFromToday(30)}T10:00:00.000Z`;
  await db.entities.flightOffer
    .create({
      offerId,
      origin: "BOS",
      destination: "SFO",
      departDate: departAt.slice(0, 10),
      departAt,
      arriveAt: `${dayFromToday(30)}T16:00:00.000Z`,
      durationMinutes: 360,
      stops: 0,
      carrier: "UA",
      flightNumber: "UA1",
      cabin: "economy",
      seatsAvailable: seats,
      seatsTotal: seats,
      priceMinor,
      currency: "USD",
      version: 1,
      updatedAt: new Date().toISOString(),
    })
    .go();
  return offerId;
}
