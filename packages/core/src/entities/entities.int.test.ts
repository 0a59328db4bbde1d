import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlightOfferRecord, HotelRecord, RoomNightRecord } from "../domain.js";
import { newId } from "../ids.js";
import { type LocalEngine, startLocalEngine } from "../local/engine.js";

let engine: LocalEngine;

beforeAll(async () => {
  engine = await startLocalEngine();
});

afterAll(async () => {
  await engine?.stop();
});

function flight(overrides: Partial<FlightOfferRecord> = {}): FlightOfferRecord {
  return {
    offerId: newId("offer"),
    origin: "JFK",
    destination: "LAX",
    departDate: "2026-05-01",
    departAt: "2026-05-01T12:15:00Z",
    arriveAt: "2026-05-01T18:35:00Z",
    durationMinutes: 380,
    stops: 0,
    carrier: "AA",
    flightNumber: "AA1",
    cabin: "economy",
    seatsAvailable: 120,
    seatsTotal: 160,
    priceMinor: 31_900,
    currency: "USD",
    version: 1,
    updatedAt: "2026-04-01T00:00:00Z",
    ...overrides,
  };
}

function hotel(overrides: Partial<HotelRecord> = {}): HotelRecord {
  return {
    hotelId: newId("hotel"),
    city: "LHR",
    name: "Riverside Hotel London",
    rating: 4,
    roomType: "Superior Double Room",
    currency: "USD",
    latitude: 51.5,
    longitude: -0.12,
    ...overrides,
  };
}

function night(
  hotelId: string,
  date: string,
  overrides: Partial<RoomNightRecord> = {},
): RoomNightRecord {
  return {
    hotelId,
    city: "LHR",
    date,
    roomsAvailable: 12,
    roomsTotal: 20,
    priceMinor: 18_900,
    currency: "USD",
    version: 1,
    updatedAt: "2026-04-01T00:00:00Z",
    ...overrides,
  };
}

function booking(tenantId: string, createdAt: string, workQueue: string) {
  return {
    bookingId: newId("booking", Date.parse(createdAt)),
    tenantId,
    reference: "K7Q2ZP",
    status: workQueue ? ("pending" as const) : ("confirmed" as const),
    offerId: newId("offer"),
    offerType: "flight" as const,
    route: "JFK-LAX",
    quantity: 2,
    totalMinor: 63_800,
    currency: "USD",
    travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
    contact: { email: "ada@example.com" },
    items: [{ kind: "flight", key: "off_x" }],
    startsAt: "2026-05-01T12:15:00Z",
    idempotencyKey: "idem-12345678",
    workQueue,
    createdAt,
    updatedAt: createdAt,
  };
}

describe("every entity round-trips through the table", () => {
  it("flight offer (with holds)", async () => {
    const record = { ...flight(), holds: { bkg_1: 2 } };
    await engine.db.entities.flightOffer.put(record).go();
    const { data } = await engine.db.entities.flightOffer.get({ offerId: record.offerId }).go();
    expect(data).toEqual(record);
  });

  it("hotel and room night (room night gains its derived month)", async () => {
    const h = hotel();
    await engine.db.entities.hotel.put(h).go();
    expect((await engine.db.entities.hotel.get({ hotelId: h.hotelId }).go()).data).toEqual(h);
    const n = night(h.hotelId, "2026-05-03");
    await engine.db.entities.roomNight.put(n).go();
    const { data } = await engine.db.entities.roomNight
      .get({ hotelId: h.hotelId, date: "2026-05-03" })
      .go();
    expect(data).toEqual({ ...n, month: "2026-05" });
  });

  it("booking, booking reference and idempotency record", async () => {
    const b = booking("tenant-rt", "2026-04-02T10:00:00Z", "");
    await engine.db.entities.booking.put(b).go();
    expect((await engine.db.entities.booking.get({ bookingId: b.bookingId }).go()).data).toEqual(b);

    const ref = { reference: "K7Q2ZP", bookingId: b.bookingId, createdAt: b.createdAt };
    await engine.db.entities.bookingReference.put(ref).go();
    expect(
      (await engine.db.entities.bookingReference.get({ reference: "K7Q2ZP" }).go()).data,
    ).toEqual(ref);

    const idem = {
      tenantId: "tenant-rt",
      idempotencyKey: "idem-12345678",
      requestHash: "a".repeat(64),
      status: "completed" as const,
      bookingId: b.bookingId,
      responseStatus: 201,
      responseBody: JSON.stringify({ id: b.bookingId }),
      lockedUntil: 1_780_000_000_000,
      createdAt: "2026-04-02T10:00:00Z",
      ttl: 1_780_000_000,
    };
    await engine.db.entities.idempotency.put(idem).go();
    const { data } = await engine.db.entities.idempotency
      .get({ tenantId: "tenant-rt", idempotencyKey: "idem-12345678" })
      .go();
    expect(data).toEqual(idem);
  });

  it("api key, search event, daily aggregate and stream marker", async () => {
    const key = {
      keyHash: "b".repeat(64),
      keyId: newId("apiKey"),
      tenantId: "tenant-rt",
      name: "ci",
      scopes: ["book", "search"],
      rateLimitPerMinute: 600,
      createdAt: "2026-04-02T10:00:00Z",
    };
    await engine.db.entities.apiKey.put(key).go();
    const storedKey = (await engine.db.entities.apiKey.get({ keyHash: key.keyHash }).go()).data;
    expect({ ...storedKey, scopes: [...(storedKey?.scopes ?? [])].sort() }).toEqual(key);

    const event = {
      searchId: newId("search"),
      tenantId: "tenant-rt",
      kind: "flight" as const,
      route: "JFK-LAX",
      day: "2026-04-02",
      cacheStatus: "miss" as const,
      resultCount: 12,
      createdAt: "2026-04-02T10:00:00Z",
      ttl: 1_776_000_000,
    };
    await engine.db.entities.searchEvent.put(event).go();
    expect(
      (await engine.db.entities.searchEvent.get({ searchId: event.searchId }).go()).data,
    ).toEqual(event);

    const aggregate = {
      scope: "JFK-LAX",
      month: "2026-04",
      day: "2026-04-02",
      shard: 3,
      searches: 10,
      cacheHits: 7,
      bookings: 2,
      cancellations: 1,
      pending: ["shard-1:4959"],
    };
    await engine.db.entities.dailyAggregate.put(aggregate).go();
    const { data: storedAggregate } = await engine.db.entities.dailyAggregate
      .get({ month: "2026-04", day: "2026-04-02", shard: 3, scope: "JFK-LAX" })
      .go();
    expect(storedAggregate).toEqual(aggregate);

    const marker = {
      eventId: "shard-1:49590338271490256608559692538361571095921575989136588898",
      state: "applied" as const,
      processedAt: "2026-04-02T10:00:00Z",
      ttl: 1_776_000_000,
    };
    await engine.db.entities.streamMarker.put(marker).go();
    expect(
      (await engine.db.entities.streamMarker.get({ eventId: marker.eventId }).go()).data,
    ).toEqual(marker);
  });
});

describe("secondary access patterns", () => {
  it("finds a route's flights for one local date, in departure order, and nothing else", async () => {
    const late = flight({
      origin: "BOS",
      destination: "ORD",
      departAt: "2026-06-01T20:00:00Z",
      departDate: "2026-06-01",
    });
    const early = flight({
      origin: "BOS",
      destination: "ORD",
      departAt: "2026-06-01T11:00:00Z",
      departDate: "2026-06-01",
    });
    const business = { ...early, offerId: newId("offer"), cabin: "business" as const };
    const otherDay = flight({
      origin: "BOS",
      destination: "ORD",
      departAt: "2026-06-02T11:00:00Z",
      departDate: "2026-06-02",
    });
    const reverse = flight({
      origin: "ORD",
      destination: "BOS",
      departAt: "2026-06-01T11:00:00Z",
      departDate: "2026-06-01",
    });
    for (const f of [late, early, business, otherDay, reverse])
      await engine.db.entities.flightOffer.put(f).go();

    const { data } = await engine.db.entities.flightOffer.query
      .byRouteDate({ origin: "BOS", destination: "ORD", departDate: "2026-06-01" })
      .go();
    expect(data.map((f) => f.offerId).sort()).toEqual(
      [late.offerId, early.offerId, business.offerId].sort(),
    );
    expect(data.map((f) => f.departAt)).toEqual([...data.map((f) => f.departAt)].sort());
  });

  it("lists a city's hotels and its room nights by month, including a stay across a month boundary", async () => {
    const city = "CDG";
    const hotels = [hotel({ city }), hotel({ city }), hotel({ city })];
    const elsewhere = hotel({ city: "FCO" });
    for (const h of [...hotels, elsewhere]) await engine.db.entities.hotel.put(h).go();
    const dates = ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02", "2026-02-03"];
    for (const h of [...hotels, elsewhere]) {
      for (const date of dates)
        await engine.db.entities.roomNight.put(night(h.hotelId, date, { city: h.city })).go();
    }

    const { data: listed } = await engine.db.entities.hotel.query.byCity({ city }).go();
    expect(listed.map((h) => h.hotelId).sort()).toEqual(hotels.map((h) => h.hotelId).sort());

    const { data: february } = await engine.db.entities.roomNight.query
      .byCityMonth({ city, month: "2026-02" })
      .go();
    expect(february).toHaveLength(3 * 3);
    expect(new Set(february.map((n) => n.date))).toEqual(
      new Set(["2026-02-01", "2026-02-02", "2026-02-03"]),
    );

    // A stay 31 Jan - 2 Feb (nights of the 31st and the 1st) reads one hotel partition.
    const [first] = hotels;
    const { data: stay } = await engine.db.entities.roomNight.query
      .byHotelDate({ hotelId: first?.hotelId ?? "" })
      .between({ date: "2026-01-31" }, { date: "2026-02-01" })
      .go();
    expect(stay.map((n) => n.date)).toEqual(["2026-01-31", "2026-02-01"]);
  });

  it("lists a tenant's bookings newest first, and only theirs", async () => {
    const older = booking("tenant-list", "2026-04-01T09:00:00Z", "");
    const newer = booking("tenant-list", "2026-04-03T09:00:00Z", "");
    const middle = booking("tenant-list", "2026-04-02T09:00:00Z", "");
    const foreign = booking("tenant-other", "2026-04-04T09:00:00Z", "");
    for (const b of [older, newer, middle, foreign]) await engine.db.entities.booking.put(b).go();
    const { data } = await engine.db.entities.booking.query
      .byTenant({ tenantId: "tenant-list" })
      .go({ order: "desc" });
    expect(data.map((b) => b.bookingId)).toEqual([
      newer.bookingId,
      middle.bookingId,
      older.bookingId,
    ]);
  });

  it("puts bookings on the gsi2 work queue only while workQueue is set (sparse index)", async () => {
    const queued = booking("tenant-queue", "2026-04-01T09:00:00Z", "pending#7");
    const done = booking("tenant-queue", "2026-04-01T09:05:00Z", "");
    for (const b of [queued, done]) await engine.db.entities.booking.put(b).go();

    const { data } = await engine.db.entities.booking.query
      .byWorkQueue({ workQueue: "pending#7" })
      .go();
    expect(data.map((b) => b.bookingId)).toEqual([queued.bookingId]);

    // The unqueued booking has no gsi2 key at all, so it is in no partition of the index.
    const raw = await engine.clients.document.send(
      new QueryCommand({
        TableName: engine.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `$travel#bookingId_${done.bookingId}` },
      }),
    );
    expect(raw.Items?.[0]).toBeDefined();
    expect(raw.Items?.[0]?.gsi2pk).toBeUndefined();

    // Taking the work off the queue removes the booking from the index.
    await engine.db.entities.booking
      .patch({ bookingId: queued.bookingId })
      .set({ status: "confirmed" })
      .remove(["workQueue"])
      .go();
    const after = await engine.db.entities.booking.query
      .byWorkQueue({ workQueue: "pending#7" })
      .go();
    expect(after.data).toEqual([]);
  });
});
