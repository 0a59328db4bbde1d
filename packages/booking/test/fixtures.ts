import {
  hotelOfferId,
  type InventoryChange,
  type InventoryChangeListener,
  newId,
  type TravelService,
} from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import { createBookingRepositories } from "../src/repositories.js";
import type { BookingRequestInput } from "../src/request.js";
import { bookingRequestSchema } from "../src/request.js";
import { type BookingServiceDeps, createBookingService } from "../src/service.js";

/** A clock tests drive by hand. */
export function createTestClock(start = "2027-03-01T12:00:00.000Z") {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(iso: string) {
      now = Date.parse(iso);
    },
  };
}
export type TestClock = ReturnType<typeof createTestClock>;

/** Records what the service publishes, in order. */
export function createRecordingListener(): InventoryChangeListener & {
  changes: InventoryChange[];
} {
  const changes: InventoryChange[] = [];
  return {
    changes,
    async inventoryChanged(batch) {
      changes.push(...batch);
    },
  };
}

export const DEPARTURE = "2027-04-10T08:15:00.000Z";

export async function seedFlight(
  db: TravelService,
  input: { seats: number; priceMinor?: number; departAt?: string; withHoldsMap?: boolean },
): Promise<string> {
  const offerId = newId("offer");
  const departAt = input.departAt ?? DEPARTURE;
  await db.entities.flightOffer
    .create({
      offerId,
      origin: "JFK",
      destination: "LAX",
      departDate: departAt.slice(0, 10),
      departAt,
      arriveAt: new Date(Date.parse(departAt) + 6 * 3600_000).toISOString(),
      durationMinutes: 360,
      stops: 0,
      carrier: "AA",
      flightNumber: "AA100",
      cabin: "economy",
      seatsAvailable: input.seats,
      seatsTotal: input.seats,
      priceMinor: input.priceMinor ?? 19_950,
      currency: "USD",
      version: 1,
      updatedAt: "2027-02-01T00:00:00.000Z",
      ...(input.withHoldsMap ? { holds: {} } : {}),
    })
    .go();
  return offerId;
}

/** A hotel with one night per entry of `rooms` starting at `checkIn`; answers the stay's offer id. */
export async function seedHotelStay(
  db: TravelService,
  input: {
    checkIn: string;
    rooms: number[];
    priceMinor?: number;
    withHoldsMap?: boolean;
    /** City code (its main airport's): decides the hotel's time zone. Default PAR (unknown → UTC). */
    city?: string;
  },
): Promise<{ offerId: string; hotelId: string; dates: string[] }> {
  const hotelId = newId("hotel");
  await db.entities.hotel
    .create({
      hotelId,
      city: input.city ?? "PAR",
      name: "Hôtel Test",
      rating: 4,
      roomType: "double",
      currency: "EUR",
      latitude: 48.85,
      longitude: 2.35,
    })
    .go();
  const dates = input.rooms.map((_, i) =>
    new Date(Date.parse(`${input.checkIn}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
  );
  for (const [i, date] of dates.entries()) {
    await db.entities.roomNight
      .create({
        hotelId,
        city: input.city ?? "PAR",
        date,
        roomsAvailable: input.rooms[i]!,
        roomsTotal: input.rooms[i]!,
        priceMinor: input.priceMinor ?? 12_000,
        currency: "EUR",
        version: 1,
        updatedAt: "2027-02-01T00:00:00.000Z",
        ...(input.withHoldsMap ? { holds: {} } : {}),
      })
      .go();
  }
  const checkOut = new Date(Date.parse(`${dates.at(-1)}T00:00:00Z`) + 86_400_000)
    .toISOString()
    .slice(0, 10);
  return { offerId: hotelOfferId({ hotelId, checkIn: input.checkIn, checkOut }), hotelId, dates };
}

let travelerSeq = 0;
export function flightRequest(
  offerId: string,
  quantity: number,
  total: string,
): BookingRequestInput {
  return {
    offerId,
    quantity,
    travelers: Array.from({ length: quantity }, () => ({
      givenName: "Ada",
      familyName: `Lovelace${String.fromCharCode(97 + (travelerSeq++ % 26))}`,
    })),
    contact: { email: "ada@example.com" },
    expectedTotal: { amount: total, currency: "USD" },
  };
}

export function hotelRequest(offerId: string, rooms: number, total: string): BookingRequestInput {
  return {
    offerId,
    quantity: rooms,
    travelers: [{ givenName: "Grace", familyName: "Hopper", dateOfBirth: "1906-12-09" }],
    contact: { email: "grace@example.com", phone: "+1 212 555 0100" },
    expectedTotal: { amount: total, currency: "EUR" },
  };
}

export const parseRequest = (input: BookingRequestInput) => bookingRequestSchema.parse(input);

export interface TestEnv {
  engine: LocalEngine;
  db: TravelService;
  clock: TestClock;
  listener: ReturnType<typeof createRecordingListener>;
  repos: ReturnType<typeof createBookingRepositories>;
  service(overrides?: Partial<BookingServiceDeps>): ReturnType<typeof createBookingService>;
}

export const CURSOR_SECRET = "test-cursor-secret-0123456789";

/**
 * Opens the DynamoDB client's connection pool (64 sockets) before a race: on a busy shared
 * machine, 100 requests opening connections to the in-process engine at once time out while
 * connecting (1 s), which says nothing about the race the test is about.
 */
export async function warmConnections(db: TravelService, sockets = 64): Promise<void> {
  await Promise.all(
    Array.from({ length: sockets }, () =>
      db.entities.flightOffer.get({ offerId: "off_warmup" }).go({ consistent: true }),
    ),
  );
}

export async function startTestEnv(): Promise<TestEnv> {
  const engine = await startLocalEngine();
  const clock = createTestClock();
  const listener = createRecordingListener();
  const repos = createBookingRepositories(engine.db);
  return {
    engine,
    db: engine.db,
    clock,
    listener,
    repos,
    service: (overrides = {}) =>
      createBookingService({
        ...repos,
        clock,
        listener,
        cursorSecret: CURSOR_SECRET,
        ...overrides,
      }),
  };
}

/** Seats left plus seats held by confirmed/pending bookings: must always equal the seats seeded. */
export async function flightState(db: TravelService, offerId: string) {
  const { data } = await db.entities.flightOffer.get({ offerId }).go({ consistent: true });
  const holds = (data?.holds ?? {}) as Record<string, number>;
  return { seatsAvailable: data!.seatsAvailable, holds, version: data!.version };
}

export async function nightState(db: TravelService, hotelId: string, date: string) {
  const { data } = await db.entities.roomNight.get({ hotelId, date }).go({ consistent: true });
  const holds = (data?.holds ?? {}) as Record<string, number>;
  return { roomsAvailable: data!.roomsAvailable, holds };
}
