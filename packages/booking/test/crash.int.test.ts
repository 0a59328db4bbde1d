import { itineraryOfferId } from "@travel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReconciler } from "../src/reconciler.js";
import { DEFAULT_LEASE_MS } from "../src/service.js";
import { type FaultMode, InjectedFault, withFault } from "./faults.js";
import {
  CURSOR_SECRET,
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

const MODES: FaultMode[] = ["crash-before", "crash-after", "transient"];
const RECOVERIES = ["retry", "reconciler"] as const;

function faultyService(failAt: number, mode: FaultMode) {
  const faulty = withFault(env.repos, { failAt, mode });
  const service = env.service({ ...faulty.repos, maxWaitMs: 2_000 });
  return { service, faulty };
}

/** Lets every lease of the crashed attempt expire. */
const expireLeases = () => env.clock.advance(DEFAULT_LEASE_MS + 1_000);

function reconciler() {
  return createReconciler({ ...env.repos, clock: env.clock, listener: env.listener });
}

type Kind = "flight" | "hotel" | "itinerary";

/** Seeds one offer per case and returns how to book it and how to read its inventory. */
async function scenario(kind: Kind) {
  if (kind === "itinerary") {
    // A connecting round trip: 4 segments, 2 seats held on each.
    const legs = await Promise.all(
      [
        "2027-04-10T08:15:00.000Z",
        "2027-04-10T16:00:00.000Z",
        "2027-04-14T08:15:00.000Z",
        "2027-04-14T16:00:00.000Z",
      ].map((departAt, i) => seedFlight(env.db, { seats: [5, 4, 6, 5][i] as number, departAt })),
    );
    const offerId = itineraryOfferId({
      slices: [legs.slice(0, 2), legs.slice(2)],
      passengers: { adults: 2, children: 0, infants: 0 },
      firstDepartureDate: "2027-04-10",
    }) as string;
    const sorted = [...legs].sort();
    return {
      request: parseRequest(flightRequest(offerId, 2, "1596.00")),
      initial: sorted.map((id) => [5, 4, 6, 5][legs.indexOf(id)] as number),
      quantity: 2,
      inventory: async () =>
        Promise.all(
          sorted.map(async (id) => {
            const s = await flightState(env.db, id);
            const tenantHeld = await env.repos.holds.heldByTenant(
              { kind: "flightOffer", offerId: id },
              "t-crash",
            );
            return { available: s.seatsAvailable, holds: s.holds, tenantHeld };
          }),
        ),
    };
  }
  if (kind === "flight") {
    const offerId = await seedFlight(env.db, { seats: 5 });
    return {
      request: parseRequest(flightRequest(offerId, 2, "399.00")),
      initial: [5],
      quantity: 2,
      inventory: async () => {
        const s = await flightState(env.db, offerId);
        const tenantHeld = await env.repos.holds.heldByTenant(
          { kind: "flightOffer", offerId },
          "t-crash",
        );
        return [{ available: s.seatsAvailable, holds: s.holds, tenantHeld }];
      },
    };
  }
  const stay = await seedHotelStay(env.db, { checkIn: "2027-08-01", rooms: [4, 3, 4] });
  return {
    request: parseRequest(hotelRequest(stay.offerId, 2, "720.00")),
    initial: [4, 3, 4],
    quantity: 2,
    inventory: async () =>
      Promise.all(
        stay.dates.map(async (date) => {
          const n = await nightState(env.db, stay.hotelId, date);
          const tenantHeld = await env.repos.holds.heldByTenant(
            { kind: "roomNight", hotelId: stay.hotelId, date },
            "t-crash",
          );
          return { available: n.roomsAvailable, holds: n.holds, tenantHeld };
        }),
      ),
  };
}

/** Writes of one uninterrupted booking: the crash points to cover. */
async function countWrites(kind: Kind): Promise<string[]> {
  const s = await scenario(kind);
  const probe = withFault(env.repos, { failAt: 0 });
  await env.service(probe.repos).book({
    tenantId: "t-crash",
    idempotencyKey: `probe-${kind}-${Date.now()}`,
    request: s.request,
  });
  return probe.writes;
}

describe.each(["flight", "hotel", "itinerary"] as const)(
  "a %s booking interrupted after any write",
  (kind) => {
    let steps: string[] = [];
    beforeAll(async () => {
      steps = await countWrites(kind);
    });

    it("has the write steps the design describes", () => {
      const holds = Array(kind === "flight" ? 1 : kind === "hotel" ? 3 : 4).fill("holds.acquire");
      expect(steps).toEqual([
        "idempotency.begin",
        "bookings.claimReference",
        "bookings.createPending",
        ...holds,
        "bookings.confirm",
        "idempotency.complete",
      ]);
    });

    for (const mode of MODES) {
      for (const recovery of RECOVERIES) {
        it(`${mode}, recovered by ${recovery}: exactly one booking, no seat lost or created`, async () => {
          const total = steps.length;
          expect(total).toBeGreaterThan(5);
          for (let failAt = 1; failAt <= total; failAt++) {
            const s = await scenario(kind);
            const key = `crash-${kind}-${mode}-${recovery}-${failAt}-${Date.now()}`;
            const { service, faulty } = faultyService(failAt, mode);
            const first = await service
              .book({ tenantId: "t-crash", idempotencyKey: key, request: s.request })
              .then(
                () => undefined,
                (e: unknown) => e,
              );
            const label = `${mode} at write ${failAt} (${faulty.writes[failAt - 1]})`;
            expect(first, label).toBeDefined();
            expect(
              first instanceof InjectedFault ||
                (first instanceof AggregateError && first.errors[0] instanceof InjectedFault),
              label,
            ).toBe(true);
            const bookingWritten = faulty.writes.indexOf("bookings.createPending") + 1;
            const bookingExists =
              bookingWritten > 0 &&
              (failAt > bookingWritten || (failAt === bookingWritten && mode === "crash-after"));

            // A crashed process's leases must run out; after a transient error a retry resumes at
            // once (the leases were handed back), while the reconciler only looks at old entries.
            if (mode !== "transient" || recovery === "reconciler") expireLeases();
            if (recovery === "reconciler") {
              const report = await reconciler().reconcile({ olderThanMs: 1_000 });
              expect(report.errors, label).toEqual([]);
              const after = await s.inventory();
              if (bookingExists) {
                // Rolled forward: the booking holds its seats/rooms on every item.
                const ids = new Set(after.flatMap((i) => Object.keys(i.holds)));
                expect(ids.size, label).toBe(1);
                for (const [i, item] of after.entries()) {
                  expect(item.available, label).toBe(s.initial[i]! - s.quantity);
                }
              } else {
                after.forEach((item, i) => {
                  expect(item.available, label).toBe(s.initial[i]);
                  expect(item.holds, label).toEqual({});
                });
              }
            }
            // Whatever happened before, a retry with the same key ends with the one right booking.
            const retry = await env
              .service()
              .book({ tenantId: "t-crash", idempotencyKey: key, request: s.request });
            expect(retry.status, label).toBe(201);
            expect(retry.booking.status, label).toBe("confirmed");
            const again = await env
              .service()
              .book({ tenantId: "t-crash", idempotencyKey: key, request: s.request });
            expect(again.booking, label).toEqual(retry.booking);
            expect(again.replayed, label).toBe(true);

            const final = await s.inventory();
            final.forEach((item, i) => {
              expect(item.available, label).toBe(s.initial[i]! - s.quantity);
              expect(item.holds, label).toEqual({ [retry.booking.id]: s.quantity });
              // The tenant's count (tenant_inventory_cap) is exactly what its bookings hold.
              expect(item.tenantHeld, label).toBe(s.quantity);
            });
            const stored = await env.repos.bookings.get(retry.booking.id);
            expect(stored?.workQueue ?? "", label).toBe("");
          }
        });
      }
    }
  },
);

describe("a cancellation interrupted after any write", () => {
  for (const mode of MODES) {
    for (const recovery of RECOVERIES) {
      it(`${mode}, recovered by ${recovery}: the seats come back exactly once`, async () => {
        // bookings.cancel, holds.release × 3 nights, bookings.finishRelease
        for (let failAt = 1; failAt <= 5; failAt++) {
          const s = await scenario("hotel");
          const { booking } = await env.service().book({
            tenantId: "t-crash",
            idempotencyKey: `cancel-${mode}-${recovery}-${failAt}-${Date.now()}`,
            request: s.request,
          });
          const { service, faulty } = faultyService(failAt, mode);
          const error = await service.cancel({ tenantId: "t-crash", bookingId: booking.id }).then(
            () => undefined,
            (e: unknown) => e,
          );
          const label = `${mode} at write ${failAt} (${faulty.writes[failAt - 1]})`;
          expect(faulty.writes.length, label).toBe(failAt);
          expect(error, label).toBeInstanceOf(InjectedFault);
          if (mode !== "transient" || recovery === "reconciler") expireLeases();
          if (recovery === "reconciler") {
            const report = await reconciler().reconcile({ olderThanMs: 1_000 });
            expect(report.errors, label).toEqual([]);
          } else {
            const answer = await env
              .service()
              .cancel({ tenantId: "t-crash", bookingId: booking.id });
            expect(answer.status, label).toBe("cancelled");
          }
          const wasCancelled = (await env.repos.bookings.get(booking.id))?.status === "cancelled";
          const after = await s.inventory();
          after.forEach((item, i) => {
            expect(item.available, label).toBe(
              wasCancelled ? s.initial[i] : s.initial[i]! - s.quantity,
            );
            expect(item.holds, label).toEqual(wasCancelled ? {} : { [booking.id]: s.quantity });
            expect(item.tenantHeld, label).toBe(wasCancelled ? 0 : s.quantity);
          });
          // Cancelling (again) always ends with everything returned once.
          await env.service().cancel({ tenantId: "t-crash", bookingId: booking.id });
          const final = await s.inventory();
          final.forEach((item, i) => {
            expect(item.available, label).toBe(s.initial[i]);
            expect(item.holds, label).toEqual({});
            expect(item.tenantHeld, label).toBe(0);
          });
          expect((await env.repos.bookings.get(booking.id))?.workQueue ?? "", label).toBe("");
        }
      });
    }
  }
});

describe("a sold-out rollback interrupted after any write", () => {
  // The price check sees rooms (as if the last night sold out a moment later), so the holds
  // find the shortage: two nights are held, then released again.
  const optimisticService = (repos: ReturnType<typeof withFault>["repos"]) =>
    env.service({
      ...repos,
      maxWaitMs: 2_000,
      inventory: {
        getFlightOffer: repos.inventory.getFlightOffer,
        getNights: async (...args: Parameters<typeof repos.inventory.getNights>) =>
          (await repos.inventory.getNights(...args)).map((n) => ({ ...n, roomsAvailable: 9 })),
      },
    });

  for (const mode of MODES) {
    for (const recovery of RECOVERIES) {
      it(`${mode}, recovered by ${recovery}: no hold leaks and the answer is sold_out`, async () => {
        const probeStay = await seedHotelStay(env.db, { checkIn: "2027-09-01", rooms: [3, 3, 0] });
        const probe = withFault(env.repos, { failAt: 0 });
        const request = (offerId: string) => parseRequest(hotelRequest(offerId, 1, "360.00"));
        await optimisticService(probe.repos)
          .book({
            tenantId: "t-crash",
            idempotencyKey: `probe-${Date.now()}`,
            request: request(probeStay.offerId),
          })
          .catch((e: unknown) => expect(e).toMatchObject({ code: "sold_out" }));
        expect(probe.writes).toEqual([
          "idempotency.begin",
          "bookings.claimReference",
          "bookings.createPending",
          "holds.acquire",
          "holds.acquire",
          "holds.acquire",
          "bookings.markFailed",
          "holds.release",
          "holds.release",
          "holds.release",
          "bookings.finishRelease",
          "idempotency.complete",
        ]);
        for (let failAt = 1; failAt <= probe.writes.length; failAt++) {
          const stay = await seedHotelStay(env.db, { checkIn: "2027-09-01", rooms: [3, 3, 0] });
          const key = `rollback-${mode}-${recovery}-${failAt}-${Date.now()}`;
          const faulty = withFault(env.repos, { failAt, mode });
          const error = await optimisticService(faulty.repos)
            .book({ tenantId: "t-crash", idempotencyKey: key, request: request(stay.offerId) })
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          const label = `${mode} at write ${failAt} (${faulty.writes[failAt - 1]})`;
          expect(error, label).toBeDefined();
          if (mode !== "transient" || recovery === "reconciler") expireLeases();
          if (recovery === "reconciler") {
            expect((await reconciler().reconcile({ olderThanMs: 1_000 })).errors, label).toEqual(
              [],
            );
          }
          // The retry re-checks the (real) availability or resumes the booking: sold out either way.
          const retry = await env
            .service({ maxWaitMs: 2_000 })
            .book({ tenantId: "t-crash", idempotencyKey: key, request: request(stay.offerId) })
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          expect(retry, label).toMatchObject({ status: 409, code: "sold_out" });
          for (const [i, date] of stay.dates.entries()) {
            expect(await nightState(env.db, stay.hotelId, date), label).toEqual({
              roomsAvailable: [3, 3, 0][i],
              holds: {},
            });
            const night = { kind: "roomNight" as const, hotelId: stay.hotelId, date };
            expect(await env.repos.holds.heldByTenant(night, "t-crash"), label).toBe(0);
          }
        }
      });
    }
  }
});

describe("the reconciler", () => {
  it("leaves a booking alone while its lease runs, then rolls it forward", async () => {
    const s = await scenario("flight");
    const key = `lease-${Date.now()}`;
    const faulty = withFault(env.repos, { failAt: 4, mode: "crash-after" }); // after the hold
    await env
      .service(faulty.repos)
      .book({ tenantId: "t-crash", idempotencyKey: key, request: s.request })
      .catch(() => undefined);
    expect(faulty.isDead()).toBe(true);
    env.clock.advance(5_000);
    const early = await reconciler().reconcile({ olderThanMs: 1_000 });
    expect(early.confirmed).toBe(0);
    expect(early.skipped).toBeGreaterThanOrEqual(1);
    const [held] = await s.inventory();
    expect(held!.available).toBe(3);
    const [bookingId] = Object.keys(held!.holds);
    expect((await env.repos.bookings.get(bookingId!))?.status).toBe("pending");

    expireLeases();
    const report = await reconciler().reconcile({ olderThanMs: 1_000 });
    expect(report.confirmed).toBeGreaterThanOrEqual(1);
    expect((await env.repos.bookings.get(bookingId!))?.status).toBe("confirmed");
    // The client's retry gets the booking the reconciler finished, as a replay.
    const retry = await env
      .service()
      .book({ tenantId: "t-crash", idempotencyKey: key, request: s.request });
    expect(retry).toMatchObject({
      status: 201,
      replayed: true,
      booking: { id: bookingId, status: "confirmed" },
    });
    expect((await s.inventory())[0]!.available).toBe(3);
    expect(CURSOR_SECRET.length).toBeGreaterThanOrEqual(16);
  });
});

describe("an itinerary whose last segment sells out while held, interrupted after any write", () => {
  // The price check sees seats on every segment (as if the last one sold out a moment later),
  // so the holds find the shortage on segment 4: three segments are held, then released again.
  const optimisticService = (repos: ReturnType<typeof withFault>["repos"]) =>
    env.service({
      ...repos,
      maxWaitMs: 2_000,
      inventory: {
        getNights: repos.inventory.getNights,
        getFlightOffer: async (...args: Parameters<typeof repos.inventory.getFlightOffer>) => {
          const offer = await repos.inventory.getFlightOffer(...args);
          return offer ? { ...offer, seatsAvailable: 9 } : offer;
        },
      },
    });
  const seedTrip = async () => {
    const seats = [3, 3, 3, 0];
    const legs = await Promise.all(
      [
        "2027-05-10T08:15:00.000Z",
        "2027-05-10T16:00:00.000Z",
        "2027-05-14T08:15:00.000Z",
        "2027-05-14T16:00:00.000Z",
      ].map((departAt, i) => seedFlight(env.db, { seats: seats[i] as number, departAt })),
    );
    const offerId = itineraryOfferId({
      slices: [legs.slice(0, 2), legs.slice(2)],
      passengers: { adults: 1, children: 0, infants: 0 },
      firstDepartureDate: "2027-05-10",
    }) as string;
    return { offerId, legs, seats, request: parseRequest(flightRequest(offerId, 1, "798.00")) };
  };

  for (const mode of MODES) {
    for (const recovery of RECOVERIES) {
      it(`${mode}, recovered by ${recovery}: no seat stays held on any segment and the answer is sold_out`, async () => {
        const probeTrip = await seedTrip();
        const probe = withFault(env.repos, { failAt: 0 });
        await optimisticService(probe.repos)
          .book({
            tenantId: "t-crash",
            idempotencyKey: `probe-it-${Date.now()}`,
            request: probeTrip.request,
          })
          .catch((e: unknown) => expect(e).toMatchObject({ code: "sold_out" }));
        const acquires = probe.writes.filter((w) => w === "holds.acquire").length;
        expect(acquires).toBeGreaterThanOrEqual(1);
        for (let failAt = 1; failAt <= probe.writes.length; failAt++) {
          const trip = await seedTrip();
          const key = `rollback-it-${mode}-${recovery}-${failAt}-${Date.now()}`;
          const faulty = withFault(env.repos, { failAt, mode });
          const error = await optimisticService(faulty.repos)
            .book({ tenantId: "t-crash", idempotencyKey: key, request: trip.request })
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          const label = `${mode} at write ${failAt} (${faulty.writes[failAt - 1]})`;
          expect(error, label).toBeDefined();
          if (mode !== "transient" || recovery === "reconciler") expireLeases();
          if (recovery === "reconciler") {
            expect((await reconciler().reconcile({ olderThanMs: 1_000 })).errors, label).toEqual(
              [],
            );
          }
          const retry = await env
            .service({ maxWaitMs: 2_000 })
            .book({ tenantId: "t-crash", idempotencyKey: key, request: trip.request })
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          expect(retry, label).toMatchObject({ status: 409, code: "sold_out" });
          for (const [i, id] of trip.legs.entries()) {
            const state = await flightState(env.db, id);
            expect(state.seatsAvailable, label).toBe(trip.seats[i]);
            expect(state.holds, label).toEqual({});
          }
        }
      });
    }
  }
});
