import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestClock,
  flightRequest,
  flightState,
  hotelRequest,
  nightState,
  parseRequest,
  seedFlight,
  seedHotelStay,
  startTestEnv,
  type TestEnv,
  warmConnections,
} from "./fixtures.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
  await warmConnections(env.db);
});
afterAll(async () => {
  await env.engine.stop();
});

type Settled =
  | { ok: true; id: string; body: unknown; replayed: boolean }
  | { ok: false; code: string };

async function settle(
  promise: Promise<{ booking: { id: string }; replayed: boolean }>,
): Promise<Settled> {
  try {
    const outcome = await promise;
    return { ok: true, id: outcome.booking.id, body: outcome.booking, replayed: outcome.replayed };
  } catch (error) {
    return { ok: false, code: (error as { code: string }).code };
  }
}

// Generous timeouts: 100 racing bookings on an in-process engine take seconds on 2 busy cores.
describe("concurrent bookings", { timeout: 120_000 }, () => {
  it("100 bookings for 10 seats: exactly 10 confirmed, 90 sold_out, seats end at 0", async () => {
    // Four tenants, so each stays within its share (tenant_inventory_cap has its own tests).
    // Real time here: leases and waits behave as in production.
    const service = env.service({ clock: { now: () => new Date("2027-03-01T12:00:00Z") } });
    const offerId = await seedFlight(env.db, { seats: 10 });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        settle(
          service.book({
            tenantId: `t-conc-${i % 4}`,
            idempotencyKey: `flight-race-${offerId}-${i}`,
            request: parseRequest(flightRequest(offerId, 1, "199.50")),
          }),
        ),
      ),
    );
    const confirmed = results.filter((r) => r.ok);
    const refused = results.filter((r): r is { ok: false; code: string } => !r.ok);
    expect(confirmed).toHaveLength(10);
    expect(refused.map((r) => r.code)).toEqual(Array(90).fill("sold_out"));
    const state = await flightState(env.db, offerId);
    expect(state.seatsAvailable).toBe(0);
    expect(Object.keys(state.holds).sort()).toEqual(
      confirmed.map((r) => (r as { id: string }).id).sort(),
    );
    expect(Object.values(state.holds)).toEqual(Array(10).fill(1));
  });

  it("100 bookings of a 3-night stay with 5 rooms on the middle night: exactly 5 confirmed", async () => {
    const service = env.service({ clock: { now: () => new Date("2027-03-01T12:00:00Z") } });
    const stay = await seedHotelStay(env.db, { checkIn: "2027-07-01", rooms: [9, 5, 12] });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        settle(
          service.book({
            tenantId: "t-conc",
            idempotencyKey: `hotel-race-${stay.hotelId}-${i}`,
            request: parseRequest(hotelRequest(stay.offerId, 1, "360.00")),
          }),
        ),
      ),
    );
    const confirmedIds = results.flatMap((r) => (r.ok ? [r.id] : [])).sort();
    expect(confirmedIds).toHaveLength(5);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.code === "sold_out")).toBe(true);
    const expected = [4, 0, 7];
    for (const [i, date] of stay.dates.entries()) {
      const night = await nightState(env.db, stay.hotelId, date);
      expect(night.roomsAvailable).toBe(expected[i]);
      // Only confirmed bookings hold anything: nights taken by refused attempts came back.
      expect(Object.keys(night.holds).sort()).toEqual(confirmedIds);
    }
  });

  it("20 identical requests racing on one key: one booking, 20 identical bodies", async () => {
    const clock = createTestClock();
    const service = env.service({ clock });
    const offerId = await seedFlight(env.db, { seats: 10 });
    const request = parseRequest(flightRequest(offerId, 2, "399.00"));
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        settle(service.book({ tenantId: "t-conc", idempotencyKey: `same-${offerId}`, request })),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const ok = results as Extract<Settled, { ok: true }>[];
    expect(new Set(ok.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(ok.filter((r) => !r.replayed)).toHaveLength(1);
    const state = await flightState(env.db, offerId);
    expect(state.seatsAvailable).toBe(8);
    expect(Object.keys(state.holds)).toEqual([ok[0]!.id]);
  });

  it("concurrent cancels of one booking return its seats once and all answer the same body", async () => {
    const service = env.service({ clock: { now: () => new Date("2027-03-01T12:00:00Z") } });
    const offerId = await seedFlight(env.db, { seats: 6 });
    const { booking } = await service.book({
      tenantId: "t-conc",
      idempotencyKey: `cancel-race-${offerId}`,
      request: parseRequest(flightRequest(offerId, 3, "598.50")),
    });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        service.cancel({ tenantId: "t-conc", bookingId: booking.id }),
      ),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]!.status).toBe("cancelled");
    expect(await flightState(env.db, offerId)).toMatchObject({ seatsAvailable: 6, holds: {} });
  });
});
