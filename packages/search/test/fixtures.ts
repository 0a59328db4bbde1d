import type { Cache } from "@travel/cache";
import {
  type Cabin,
  createInventoryRepository,
  type DynamoClients,
  type FlightOfferRecord,
  type HotelRecord,
  type RoomNightRecord,
  type TravelService,
} from "@travel/core";
import type { SearchEventRecorder } from "../src/events.js";
import type { FlightQuery, HotelQuery } from "../src/query.js";
import { createInventoryReadModel, type ReadModelOptions } from "../src/read-model/read-model.js";
import { createSearchService, type SearchServiceOptions } from "../src/service.js";
import { createInventorySupplier, type InventoryReader } from "../src/suppliers/inventory.js";
import type { Supplier } from "../src/suppliers/supplier.js";

/** Test data is dated relative to this instant (the injected clock starts here). */
export const T0 = new Date("2030-03-10T12:00:00Z");
export const DAY = "2030-03-20";
export const CURSOR_SECRET = "test-cursor-secret-32-bytes-long!";

export interface MutableClock {
  now(): Date;
  set(instant: Date | string): void;
}

export function mutableClock(start: Date = T0): MutableClock {
  let current = start;
  return {
    now: () => current,
    set: (instant) => {
      current = new Date(instant);
    },
  };
}

/** Crockford base32 body of a fake ULID, so ids look like stored flight offer ids. */
export function flightId(n: number): string {
  return `off_01HZZZZZZZZZZZZZZZZZZZ${String(n).padStart(4, "0")}`;
}

export function flightRecord(n: number, patch: Partial<FlightOfferRecord> = {}): FlightOfferRecord {
  const departAt = patch.departAt ?? `${DAY}T${String(8 + n).padStart(2, "0")}:00:00Z`;
  const duration = patch.durationMinutes ?? 330 + n * 5;
  return {
    offerId: flightId(n),
    origin: "JFK",
    destination: "LAX",
    departDate: DAY,
    departAt,
    arriveAt: new Date(Date.parse(departAt) + duration * 60_000).toISOString(),
    durationMinutes: duration,
    stops: 0,
    carrier: "AA",
    flightNumber: `AA${100 + n}`,
    cabin: "economy" as Cabin,
    seatsAvailable: 9,
    seatsTotal: 9,
    priceMinor: 100_00 + n * 10_00,
    currency: "USD",
    version: 1,
    updatedAt: T0.toISOString(),
    ...patch,
  };
}

export function hotelRecord(id: string, patch: Partial<HotelRecord> = {}): HotelRecord {
  return {
    hotelId: id,
    city: "LAX",
    name: `Hotel ${id}`,
    rating: 4,
    roomType: "Double",
    currency: "USD",
    latitude: 34,
    longitude: -118,
    ...patch,
  };
}

export function nightRecord(
  hotelId: string,
  date: string,
  patch: Partial<RoomNightRecord> = {},
): RoomNightRecord {
  return {
    hotelId,
    city: "LAX",
    date,
    roomsAvailable: 5,
    roomsTotal: 5,
    priceMinor: 150_00,
    currency: "USD",
    version: 1,
    updatedAt: T0.toISOString(),
    ...patch,
  };
}

export async function putFlights(db: TravelService, records: FlightOfferRecord[]): Promise<void> {
  for (const r of records) await db.entities.flightOffer.put(r).go();
}

export async function putHotel(
  db: TravelService,
  hotel: HotelRecord,
  nights: RoomNightRecord[],
): Promise<void> {
  await db.entities.hotel.put(hotel).go();
  for (const n of nights) await db.entities.roomNight.put(n).go();
}

/** A search service over the engine's inventory, the given cache and optional extra suppliers. */
export function buildService(options: {
  db: TravelService;
  cache: Cache;
  clock: MutableClock;
  extraSuppliers?: Supplier[];
  events?: SearchEventRecorder;
  options?: SearchServiceOptions;
}) {
  const inventory = createInventoryRepository(options.db);
  return createSearchService({
    suppliers: [createInventorySupplier({ inventory }), ...(options.extraSuppliers ?? [])],
    inventory,
    cache: options.cache,
    clock: options.clock,
    cursorSecret: CURSOR_SECRET,
    logger: { warn: () => {}, error: () => {} },
    ...(options.events ? { events: options.events } : {}),
    ...(options.options ? { options: options.options } : {}),
  });
}

/** A search service whose inventory offers come from the change-maintained read model. */
export function buildReadModelService(options: {
  db: TravelService;
  cache: Cache;
  clock: MutableClock;
  extraSuppliers?: Supplier[];
  inventory?: InventoryReader;
  options?: SearchServiceOptions;
  readModel?: ReadModelOptions;
}) {
  const inventory = createInventoryRepository(options.db);
  const readModel = createInventoryReadModel({
    cache: options.cache,
    inventory: options.inventory ?? inventory,
    clock: options.clock,
    logger: { warn: () => {}, error: () => {} },
    ...(options.readModel ? { options: options.readModel } : {}),
  });
  const service = createSearchService({
    suppliers: options.extraSuppliers ?? [],
    readModel,
    inventory,
    cache: options.cache,
    clock: options.clock,
    cursorSecret: CURSOR_SECRET,
    logger: { warn: () => {}, error: () => {} },
    ...(options.options ? { options: options.options } : {}),
  });
  return { service, readModel };
}

/** Counts DynamoDB reads (GetItem, Query, Scan, BatchGetItem) made through a client pair. */
export function countReads(clients: DynamoClients): { readonly reads: number; reset(): void } {
  let reads = 0;
  clients.raw.middlewareStack.add(
    (next, context) => async (args) => {
      if (READ_COMMANDS.has(String(context.commandName))) reads++;
      return next(args);
    },
    { step: "initialize", name: `readCounter${Math.random()}` },
  );
  return {
    get reads() {
      return reads;
    },
    reset() {
      reads = 0;
    },
  };
}

const READ_COMMANDS = new Set([
  "GetItemCommand",
  "GetCommand",
  "QueryCommand",
  "ScanCommand",
  "BatchGetItemCommand",
  "BatchGetCommand",
]);

export const TENANT = { tenantId: "ten_test" };

/** A one-adult economy JFK→LAX search on `DAY`, price-sorted; `patch` changes any field. */
export function flightQuery(patch: Partial<FlightQuery> = {}): FlightQuery {
  return {
    origin: "JFK",
    destination: "LAX",
    departureDate: DAY,
    adults: 1,
    cabin: "economy",
    sort: "price",
    limit: 20,
    ...patch,
  };
}

/** A one-guest, one-room LAX hotel search for `stay`, price-sorted; `patch` changes any field. */
export function hotelQuery(
  stay: { checkIn: string; checkOut: string },
  patch: Partial<HotelQuery> = {},
): HotelQuery {
  return { city: "LAX", ...stay, guests: 1, rooms: 1, sort: "price", limit: 20, ...patch };
}
