import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  flightRequest,
  flightState,
  hotelRequest,
  parseRequest,
  seedFlight,
  seedHotelStay,
  startTestEnv,
  type TestEnv,
  warmConnections,
} from "./fixtures.js";

// Contract "Booking answers": a tenant may hold at most max(9, ⌊50 % × total⌋) seats of one
// flight (pending and confirmed count) or rooms of one night; past it 409 tenant_inventory_cap.
let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
  await warmConnections(env.db);
});
afterAll(async () => {
  await env.engine.stop();
});

type Settled = { ok: true; id: string; quantity: number } | { ok: false; code: string };

async function settle(
  promise: Promise<{ booking: { id: string; quantity: number } }>,
): Promise<Settled> {
  try {
    const { booking } = await promise;
    return { ok: true, id: booking.id, quantity: booking.quantity };
  } catch (error) {
    return { ok: false, code: (error as { code: string }).code };
  }
}

const price = (seats: number) => (199.5 * seats).toFixed(2);
const at = { now: () => new Date("2027-03-01T12:00:00Z") };

describe("tenant inventory cap under racing bookings", { timeout: 120_000 }, () => {
  it("one tenant racing 50 single seats for a 63-seat flight gets 31; another tenant still books", async () => {
    const service = env.service({ clock: at });
    const offerId = await seedFlight(env.db, { seats: 63 });
    const item = { kind: "flightOffer" as const, offerId };
    const race = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        settle(
          service.book({
            tenantId: "t-hoard",
            idempotencyKey: `hoard-${offerId}-${i}`,
            request: parseRequest(flightRequest(offerId, 1, price(1))),
          }),
        ),
      ),
    );
    const confirmed = race.filter((r) => r.ok);
    expect(confirmed).toHaveLength(31);
    expect(new Set(race.flatMap((r) => (r.ok ? [] : [r.code])))).toEqual(
      new Set(["tenant_inventory_cap"]),
    );
    expect(await env.repos.holds.heldByTenant(item, "t-hoard")).toBe(31);
    expect((await flightState(env.db, offerId)).seatsAvailable).toBe(32);

    // Other tenants are not affected by the hoarder's cap.
    const other = await service.book({
      tenantId: "t-other",
      idempotencyKey: `other-${offerId}`,
      request: parseRequest(flightRequest(offerId, 9, price(9))),
    });
    expect(other.status).toBe(201);

    // A cancellation gives the share back: the hoarder can book exactly one seat again.
    const first = confirmed[0] as { id: string };
    await service.cancel({ tenantId: "t-hoard", bookingId: first.id });
    expect(await env.repos.holds.heldByTenant(item, "t-hoard")).toBe(30);
    const again = await Promise.all(
      [0, 1].map((i) =>
        settle(
          service.book({
            tenantId: "t-hoard",
            idempotencyKey: `hoard-again-${offerId}-${i}`,
            request: parseRequest(flightRequest(offerId, 1, price(1))),
          }),
        ),
      ),
    );
    expect(again.filter((r) => r.ok)).toHaveLength(1);
    expect(again.filter((r) => !r.ok)).toEqual([{ ok: false, code: "tenant_inventory_cap" }]);
  });

  it("multi-seat bookings racing on a 16-seat flight never pass the floor of 9 seats", async () => {
    const service = env.service({ clock: at });
    const offerId = await seedFlight(env.db, { seats: 16 });
    const sizes = Array.from({ length: 40 }, (_, i) => 1 + (i % 4));
    const race = await Promise.all(
      sizes.map((seats, i) =>
        settle(
          service.book({
            tenantId: "t-multi",
            idempotencyKey: `multi-${offerId}-${i}`,
            request: parseRequest(flightRequest(offerId, seats, price(seats))),
          }),
        ),
      ),
    );
    const held = race.reduce((sum, r) => sum + (r.ok ? r.quantity : 0), 0);
    // Ten single-seat attempts cannot all fit under 9, and one is refused only when the tenant
    // holds 9 at that moment (a flight has one item, so a hold taken is a booking confirmed).
    expect(held).toBe(9);
    expect(race.filter((r) => !r.ok).every((r) => !r.ok && r.code === "tenant_inventory_cap")).toBe(
      true,
    );
    const state = await flightState(env.db, offerId);
    expect(state.seatsAvailable).toBe(16 - held);
    expect(await env.repos.holds.heldByTenant({ kind: "flightOffer", offerId }, "t-multi")).toBe(
      held,
    );
  });

  it("caps rooms per night: 4-room bookings of a 30-room hotel stop at 12 of the 15 allowed", async () => {
    const service = env.service({ clock: at });
    const stay = await seedHotelStay(env.db, { checkIn: "2027-07-01", rooms: [30, 30] });
    const race = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        settle(
          service.book({
            tenantId: "t-rooms",
            idempotencyKey: `rooms-${stay.hotelId}-${i}`,
            request: parseRequest(hotelRequest(stay.offerId, 4, "960.00")),
          }),
        ),
      ),
    );
    expect(race.filter((r) => r.ok)).toHaveLength(3);
    expect(race.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(
      Array(7).fill("tenant_inventory_cap"),
    );
    for (const date of stay.dates) {
      const night = { kind: "roomNight" as const, hotelId: stay.hotelId, date };
      // Refused bookings that held the first night gave it back, and the tenant's count with it.
      expect(await env.repos.holds.heldByTenant(night, "t-rooms")).toBe(12);
    }
  });

  it("a sold-out offer answers sold_out, not the cap, even to a tenant at its cap", async () => {
    const service = env.service({ clock: at });
    const offerId = await seedFlight(env.db, { seats: 9 });
    await service.book({
      tenantId: "t-full",
      idempotencyKey: `full-${offerId}`,
      request: parseRequest(flightRequest(offerId, 9, price(9))),
    });
    await expect(
      service.book({
        tenantId: "t-full",
        idempotencyKey: `full-2-${offerId}`,
        request: parseRequest(flightRequest(offerId, 1, price(1))),
      }),
    ).rejects.toMatchObject({ status: 409, code: "sold_out" });
  });
});
