import { DomainError, newId, workQueueFor } from "@travel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BookingError } from "../src/errors.js";
import type { OfferReader } from "../src/pricing.js";
import { bookingRequestSchema } from "../src/request.js";
import {
  flightRequest,
  flightState,
  hotelRequest,
  nightState,
  parseRequest,
  seedFlight,
  seedHotelStay,
  startTestEnv,
  type TestEnv,
} from "./fixtures.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  await env.engine.stop();
});

/** The problem a call fails with (fails the test when it succeeds). */
async function problemOf(promise: Promise<unknown>): Promise<BookingError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as BookingError;
}

let keySeq = 0;
const newKey = () => `test-key-${Date.now()}-${keySeq++}`;

describe("booking a flight", () => {
  it("confirms, holds the seats, publishes the change and answers the contract's Booking", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 10, priceMinor: 19_950 });
    env.listener.changes.length = 0;
    const outcome = await service.book({
      tenantId: "t-a",
      idempotencyKey: newKey(),
      request: parseRequest(flightRequest(offerId, 2, "399.00")),
    });
    expect(outcome.status).toBe(201);
    expect(outcome.replayed).toBe(false);
    expect(outcome.booking).toMatchObject({
      status: "confirmed",
      offerId,
      offerType: "flight",
      quantity: 2,
      total: { amount: "399.00", currency: "USD" },
      contact: { email: "ada@example.com" },
      createdAt: env.clock.now().toISOString(),
    });
    expect(outcome.booking.id).toMatch(/^bkg_/);
    expect(outcome.booking.reference).toMatch(/^[A-Z0-9]{6}$/);
    expect(outcome.booking.travelers).toHaveLength(2);

    const state = await flightState(env.db, offerId);
    expect(state.seatsAvailable).toBe(8);
    expect(state.holds).toEqual({ [outcome.booking.id]: 2 });
    expect(env.listener.changes).toEqual([
      {
        type: "flightOffer",
        record: expect.objectContaining({ offerId, seatsAvailable: 8, version: 2 }),
      },
    ]);
    // What GET answers is what POST answered.
    expect(await service.get({ tenantId: "t-a", bookingId: outcome.booking.id })).toEqual(
      outcome.booking,
    );
  });

  it("replays the same answer for the same key and body, and books nothing twice", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 5 });
    const key = newKey();
    const request = parseRequest(flightRequest(offerId, 1, "199.50"));
    const first = await service.book({ tenantId: "t-a", idempotencyKey: key, request });
    const again = await service.book({ tenantId: "t-a", idempotencyKey: key, request });
    expect(again).toEqual({ ...first, replayed: true });
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(4);

    // Same key, different body: a conflict, and still nothing booked.
    const other = parseRequest(flightRequest(offerId, 2, "399.00"));
    const conflict = await problemOf(
      service.book({ tenantId: "t-a", idempotencyKey: key, request: other }),
    );
    expect(conflict).toMatchObject({ status: 409, code: "idempotency_conflict" });
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(4);

    // Keys are per tenant: tenant B's identical key is its own booking.
    const b = await service.book({ tenantId: "t-b", idempotencyKey: key, request });
    expect(b.replayed).toBe(false);
    expect(b.booking.id).not.toBe(first.booking.id);
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(3);
  });

  it("forgets a key after 24 hours (TTL), so the same key books anew", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 5 });
    const key = newKey();
    const request = parseRequest(flightRequest(offerId, 1, "199.50"));
    const first = await service.book({ tenantId: "t-a", idempotencyKey: key, request });
    const record = await env.repos.idempotency.get("t-a", key, env.clock.now());
    expect(record?.ttl).toBe(Math.floor(env.clock.now().getTime() / 1000) + 24 * 3600);

    env.clock.advance(24 * 3600_000 - 1000);
    expect((await service.book({ tenantId: "t-a", idempotencyKey: key, request })).replayed).toBe(
      true,
    );
    env.clock.advance(2000);
    const later = await service.book({ tenantId: "t-a", idempotencyKey: key, request });
    expect(later.replayed).toBe(false);
    expect(later.booking.id).not.toBe(first.booking.id);
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(3);
    env.clock.advance(-(24 * 3600_000 + 1000));
  });

  it("refuses a stale expectedTotal with price_changed carrying the live total, and stores that answer", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 5, priceMinor: 25_000 });
    const key = newKey();
    const request = parseRequest(flightRequest(offerId, 2, "399.00"));
    const problem = await problemOf(
      service.book({ tenantId: "t-a", idempotencyKey: key, request }),
    );
    expect(problem).toMatchObject({
      status: 409,
      code: "price_changed",
      extensions: { total: { amount: "500.00", currency: "USD" } },
      replayed: false,
    });
    const replay = await problemOf(service.book({ tenantId: "t-a", idempotencyKey: key, request }));
    expect(replay).toMatchObject({ status: 409, code: "price_changed", replayed: true });
    expect(replay.extensions).toEqual(problem.extensions);

    // The right amount in the wrong currency is a price change too.
    const euros = parseRequest({
      ...flightRequest(offerId, 1, "250.00"),
      expectedTotal: { amount: "250.00", currency: "EUR" },
    });
    expect(
      await problemOf(service.book({ tenantId: "t-a", idempotencyKey: newKey(), request: euros })),
    ).toMatchObject({
      code: "price_changed",
    });
    // "250.0" is the same amount as "250.00".
    const ok = await service.book({
      tenantId: "t-a",
      idempotencyKey: newKey(),
      request: parseRequest(flightRequest(offerId, 1, "250.0")),
    });
    expect(ok.booking.total).toEqual({ amount: "250.00", currency: "USD" });
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(4);
  });

  it("answers sold_out, offer_not_found, offer_expired and validation problems without booking", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 1 });
    const book = (request: ReturnType<typeof parseRequest>) =>
      problemOf(service.book({ tenantId: "t-a", idempotencyKey: newKey(), request }));

    expect(await book(parseRequest(flightRequest(offerId, 2, "399.00")))).toMatchObject({
      status: 409,
      code: "sold_out",
    });
    expect(
      await book(parseRequest(flightRequest("off_01ARZ3NDEKTSV4RRFFQ69G5FAV", 1, "199.50"))),
    ).toMatchObject({ status: 404, code: "offer_not_found" });
    expect(
      await book(parseRequest(flightRequest("off_notAnOfferIdAtAll", 1, "1.00"))),
    ).toMatchObject({
      status: 404,
      code: "offer_not_found",
    });
    const departed = await seedFlight(env.db, { seats: 3, departAt: "2027-03-01T11:00:00.000Z" });
    expect(await book(parseRequest(flightRequest(departed, 1, "199.50")))).toMatchObject({
      status: 410,
      code: "offer_expired",
    });
    const mismatch = parseRequest({ ...flightRequest(offerId, 1, "199.50"), quantity: 2 });
    expect(await book(mismatch)).toMatchObject({
      status: 422,
      code: "validation_failed",
      errors: [{ path: "travelers", message: expect.any(String) }],
    });
    // More decimals than the currency has never get past the request schema.
    const tooPrecise = bookingRequestSchema.safeParse(flightRequest(offerId, 1, "199.505"));
    expect(tooPrecise.error?.issues[0]?.path).toEqual(["expectedTotal", "amount"]);
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(1);
    expect((await flightState(env.db, departed)).seatsAvailable).toBe(3);
  });
});

describe("booking a hotel stay", () => {
  it("holds every night, also on nights seeded without a holds map", async () => {
    const service = env.service();
    const stay = await seedHotelStay(env.db, { checkIn: "2027-05-01", rooms: [4, 4, 4] });
    env.listener.changes.length = 0;
    const outcome = await service.book({
      tenantId: "t-a",
      idempotencyKey: newKey(),
      request: parseRequest(hotelRequest(stay.offerId, 2, "720.00")),
    });
    expect(outcome.booking).toMatchObject({
      status: "confirmed",
      offerType: "hotel",
      quantity: 2,
      total: { amount: "720.00", currency: "EUR" },
    });
    for (const date of stay.dates) {
      expect(await nightState(env.db, stay.hotelId, date)).toEqual({
        roomsAvailable: 2,
        holds: { [outcome.booking.id]: 2 },
      });
    }
    expect(env.listener.changes.map((c) => c.type === "roomNight" && c.record.date)).toEqual(
      stay.dates,
    );
  });

  it("answers offer_not_found when a night of the stay is not sold", async () => {
    const service = env.service();
    const stay = await seedHotelStay(env.db, { checkIn: "2027-05-01", rooms: [4, 4] });
    const longer = stay.offerId.replace(/.*/, () => {
      const body = Buffer.from(`h|${stay.hotelId}|2027-05-01|2027-05-05`).toString("base64url");
      return `off_${body}`;
    });
    expect(
      await problemOf(
        service.book({
          tenantId: "t-a",
          idempotencyKey: newKey(),
          request: parseRequest(hotelRequest(longer, 1, "480.00")),
        }),
      ),
    ).toMatchObject({ status: 404, code: "offer_not_found" });
  });

  it("returns the nights already held when a later night turns out full", async () => {
    // A reader that reports plenty of rooms, as if the last night sold out between the price
    // check and the holds: the holds themselves must catch it and undo the first nights.
    const stay = await seedHotelStay(env.db, { checkIn: "2027-06-01", rooms: [3, 3, 0] });
    const optimistic: OfferReader = {
      getFlightOffer: env.repos.inventory.getFlightOffer,
      getNights: async (...args) =>
        (await env.repos.inventory.getNights(...args)).map((n) => ({ ...n, roomsAvailable: 9 })),
    };
    const service = env.service({ inventory: optimistic });
    env.listener.changes.length = 0;
    const problem = await problemOf(
      service.book({
        tenantId: "t-a",
        idempotencyKey: newKey(),
        request: parseRequest(hotelRequest(stay.offerId, 1, "360.00")),
      }),
    );
    expect(problem).toMatchObject({ status: 409, code: "sold_out" });
    for (const [i, date] of stay.dates.entries()) {
      expect(await nightState(env.db, stay.hotelId, date)).toEqual({
        roomsAvailable: [3, 3, 0][i],
        holds: {},
      });
    }
    // Listeners saw the final state of the nights that moved: back to 3 rooms.
    const last = new Map(
      env.listener.changes.map((c) => [c.type === "roomNight" ? c.record.date : "", c.record]),
    );
    expect(last.get(stay.dates[0]!)).toMatchObject({ roomsAvailable: 3 });
    expect(last.get(stay.dates[1]!)).toMatchObject({ roomsAvailable: 3 });
  });
});

describe("cancelling", () => {
  it("returns the seats exactly once and answers the same body every time", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 4 });
    const { booking } = await service.book({
      tenantId: "t-a",
      idempotencyKey: newKey(),
      request: parseRequest(flightRequest(offerId, 3, "598.50")),
    });
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(1);
    env.listener.changes.length = 0;
    const cancelled = await service.cancel({ tenantId: "t-a", bookingId: booking.id });
    expect(cancelled).toMatchObject({
      id: booking.id,
      status: "cancelled",
      reference: booking.reference,
    });
    expect(await flightState(env.db, offerId)).toMatchObject({ seatsAvailable: 4, holds: {} });
    expect(env.listener.changes).toEqual([
      { type: "flightOffer", record: expect.objectContaining({ seatsAvailable: 4 }) },
    ]);
    env.clock.advance(5000);
    expect(await service.cancel({ tenantId: "t-a", bookingId: booking.id })).toEqual(cancelled);
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(4);
    expect(await service.get({ tenantId: "t-a", bookingId: booking.id })).toEqual(cancelled);
  });

  it("books a hotel until its check-in day ends where the hotel is; cancels until 15:00 there", async () => {
    const service = env.service();
    const saved = env.clock.now().toISOString();
    // New York in March 2027 is UTC−4 (DST from March 14): check-in 15:00 = 19:00 UTC, the
    // check-in day ends at 04:00 UTC the next day. Booking used to stop at 15:00 UTC.
    const stay = await seedHotelStay(env.db, { checkIn: "2027-03-20", rooms: [3], city: "JFK" });
    const book = () =>
      service.book({
        tenantId: "t-a",
        idempotencyKey: newKey(),
        request: parseRequest(hotelRequest(stay.offerId, 1, "120.00")),
      });
    try {
      env.clock.set("2027-03-20T18:30:00.000Z"); // 14:30 local
      const early = await book();
      expect(early.booking.status).toBe("confirmed");
      env.clock.set("2027-03-21T02:00:00.000Z"); // 22:00 local on the check-in day
      const late = await book();
      expect(late.booking.status).toBe("confirmed");
      // The stay began at 15:00 local: neither booking can be cancelled any more.
      expect(
        await problemOf(service.cancel({ tenantId: "t-a", bookingId: early.booking.id })),
      ).toMatchObject({ status: 409, code: "booking_not_cancellable" });
      env.clock.set("2027-03-21T04:00:00.000Z"); // midnight local: the check-in day is over
      expect(await problemOf(book())).toMatchObject({ status: 410, code: "offer_expired" });
      expect((await nightState(env.db, stay.hotelId, "2027-03-20")).roomsAvailable).toBe(1);
    } finally {
      env.clock.set(saved);
    }
  });

  it("lets a hotel booking be cancelled before 15:00 local on the check-in day", async () => {
    const service = env.service();
    const saved = env.clock.now().toISOString();
    const stay = await seedHotelStay(env.db, { checkIn: "2027-03-20", rooms: [2], city: "JFK" });
    try {
      env.clock.set("2027-03-20T16:00:00.000Z"); // 12:00 local, after 15:00 UTC
      const { booking } = await service.book({
        tenantId: "t-a",
        idempotencyKey: newKey(),
        request: parseRequest(hotelRequest(stay.offerId, 1, "120.00")),
      });
      env.clock.set("2027-03-20T18:59:00.000Z"); // 14:59 local
      expect((await service.cancel({ tenantId: "t-a", bookingId: booking.id })).status).toBe(
        "cancelled",
      );
      expect((await nightState(env.db, stay.hotelId, "2027-03-20")).roomsAvailable).toBe(2);
    } finally {
      env.clock.set(saved);
    }
  });

  it("is refused after departure and after check-in", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 2, departAt: "2027-03-02T09:00:00.000Z" });
    const flight = await service.book({
      tenantId: "t-a",
      idempotencyKey: newKey(),
      request: parseRequest(flightRequest(offerId, 1, "199.50")),
    });
    const stay = await seedHotelStay(env.db, { checkIn: "2027-03-02", rooms: [2] });
    const hotel = await service.book({
      tenantId: "t-a",
      idempotencyKey: newKey(),
      request: parseRequest(hotelRequest(stay.offerId, 1, "120.00")),
    });
    const saved = env.clock.now().toISOString();
    env.clock.set("2027-03-02T09:00:00.000Z");
    expect(
      await problemOf(service.cancel({ tenantId: "t-a", bookingId: flight.booking.id })),
    ).toMatchObject({
      status: 409,
      code: "booking_not_cancellable",
    });
    env.clock.set("2027-03-02T15:00:00.000Z");
    expect(
      await problemOf(service.cancel({ tenantId: "t-a", bookingId: hotel.booking.id })),
    ).toMatchObject({
      status: 409,
      code: "booking_not_cancellable",
    });
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(1);
    expect((await nightState(env.db, stay.hotelId, "2027-03-02")).roomsAvailable).toBe(1);
    env.clock.set(saved);
  });
});

describe("tenant isolation and listing", () => {
  it("hides a tenant's bookings from every other tenant", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 3 });
    const { booking } = await service.book({
      tenantId: "t-iso-a",
      idempotencyKey: newKey(),
      request: parseRequest(flightRequest(offerId, 1, "199.50")),
    });
    expect(
      await problemOf(service.get({ tenantId: "t-iso-b", bookingId: booking.id })),
    ).toMatchObject({
      status: 404,
      code: "not_found",
    });
    expect(
      await problemOf(service.cancel({ tenantId: "t-iso-b", bookingId: booking.id })),
    ).toMatchObject({
      status: 404,
    });
    expect((await service.list({ tenantId: "t-iso-b", limit: 20 })).data).toEqual([]);
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(2);
    expect((await service.get({ tenantId: "t-iso-a", bookingId: booking.id })).status).toBe(
      "confirmed",
    );
  });

  it("never answers an empty page while a cursor follows, however many failed attempts lie between", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 20 });
    const confirmed: string[] = [];
    for (let round = 0; round < 3; round++) {
      env.clock.advance(1000);
      const { booking } = await service.book({
        tenantId: "t-gaps",
        idempotencyKey: newKey(),
        request: parseRequest(flightRequest(offerId, 1, "199.50")),
      });
      confirmed.push(booking.id);
      // Failed attempts (sold out while holding) are stored but never listed.
      const template = (await env.repos.bookings.get(booking.id))!;
      for (let i = 0; i < 5; i++) {
        env.clock.advance(1000);
        const now = env.clock.now();
        const bookingId = newId("booking", now.getTime());
        await env.repos.bookings.createPending({
          ...template,
          bookingId,
          status: "pending",
          idempotencyKey: `failed-${bookingId}`,
          workQueue: workQueueFor("pending", bookingId),
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        });
        await env.repos.bookings.markFailed(bookingId, {
          reason: "sold_out",
          now,
          holdsToRelease: false,
        });
      }
    }
    for (const limit of [1, 2]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.list({ tenantId: "t-gaps", limit, cursor });
        cursor = page.meta.nextCursor ?? undefined;
        if (cursor) expect(page.data).toHaveLength(limit);
        seen.push(...page.data.map((b) => b.id));
      } while (cursor);
      expect(seen).toEqual([...confirmed].reverse());
    }
  });

  it("lists own bookings newest first through signed cursors, with a status filter", async () => {
    const service = env.service();
    const offerId = await seedFlight(env.db, { seats: 20 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      env.clock.advance(1000);
      const { booking } = await service.book({
        tenantId: "t-list",
        idempotencyKey: newKey(),
        request: parseRequest(flightRequest(offerId, 1, "199.50")),
      });
      ids.push(booking.id);
    }
    await service.cancel({ tenantId: "t-list", bookingId: ids[1]! });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.list({ tenantId: "t-list", limit: 2, cursor });
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((b) => b.id));
      cursor = page.meta.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const cancelled = await service.list({ tenantId: "t-list", limit: 20, status: "cancelled" });
    expect(cancelled.data.map((b) => b.id)).toEqual([ids[1]]);

    const first = await service.list({ tenantId: "t-list", limit: 2 });
    const next = first.meta.nextCursor!;
    const tampered = `${next.slice(0, -2)}${next.endsWith("A") ? "B" : "A"}A`;
    for (const bad of [tampered, "garbage", `${next}.x`]) {
      expect(
        await problemOf(service.list({ tenantId: "t-list", limit: 2, cursor: bad })),
      ).toMatchObject({
        status: 422,
        code: "validation_failed",
      });
    }
    // A cursor is bound to its tenant and filter.
    expect(
      await problemOf(service.list({ tenantId: "t-other", limit: 2, cursor: next })),
    ).toMatchObject({
      status: 422,
    });
    expect(
      await problemOf(
        service.list({ tenantId: "t-list", limit: 2, cursor: next, status: "confirmed" }),
      ),
    ).toMatchObject({ status: 422 });
  });
});
