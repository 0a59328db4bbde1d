import { createLocalChangeFeed, type LocalChangeFeed } from "@travel/analytics";
import { createBookingRepository, workQueueFor } from "@travel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, flightRecords, insertInventory } from "./fixtures.js";
import { readProblem, startTestApp, type TestApp } from "./harness.js";

interface Summary {
  searches: number;
  cacheHits: number;
  bookings: number;
  cancellations: number;
  revenue: { amount: string; currency: string }[];
  topRoutes: { route: string; searches: number; bookings: number }[];
}

/** Polls `read` until `done` holds or `ms` pass; returns the last value and the time it took. */
async function within<T>(ms: number, read: () => Promise<T>, done: (value: T) => boolean) {
  const started = Date.now();
  let value = await read();
  while (!done(value) && Date.now() - started < ms) {
    await new Promise((r) => setTimeout(r, 25));
    value = await read();
  }
  return { value, elapsedMs: Date.now() - started };
}

describe("analytics end to end in local mode (HTTP → table → change feed → consumer → HTTP)", () => {
  let t: TestApp;
  let feed: LocalChangeFeed;
  let searchKey: string;
  let analyticsKey: string;
  const today = new Date().toISOString().slice(0, 10);
  const departure = dayFromToday(10);

  beforeAll(async () => {
    t = await startTestApp();
    await insertInventory(t.engine.db, {
      flights: flightRecords(departure),
      hotels: [],
      nights: [],
    });
    feed = createLocalChangeFeed({ engine: t.engine, handler: t.deps.analytics.consumer.handle });
    feed.start();
    searchKey = await t.createKey(["search"]);
    analyticsKey = await t.createKey(["analytics"]);
  });
  afterAll(async () => {
    await feed.stop();
    await t.close();
  });

  it("shows exactly N searches and M bookings with their revenue within 2 s", async () => {
    const N = 7;
    for (let i = 0; i < N; i++) {
      const res = await t.request(
        `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${departure}`,
        { key: searchKey },
      );
      expect(res.status).toBe(200);
    }
    // Bookings: the booking write path (pending, then confirmed) as @travel/booking drives it.
    const bookings = createBookingRepository(t.engine.db);
    const totals = [24_900, 31_050, 10_001];
    for (const [i, totalMinor] of totals.entries()) {
      const now = new Date();
      const bookingId = `bkg_e2e${i}`;
      await bookings.createPending({
        bookingId,
        tenantId: "tenant-test",
        reference: `E2E00${i}`,
        status: "pending",
        offerId: "off_01JD8X3Z5K7M9P1Q3R5T7V9XA1",
        offerType: "flight",
        route: "JFK-LAX",
        quantity: 1,
        totalMinor,
        currency: "USD",
        travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
        contact: { email: "ada@example.com" },
        items: [],
        startsAt: `${departure}T14:00:00.000Z`,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        workQueue: workQueueFor("pending", bookingId),
      });
      await bookings.confirm(bookingId, now);
    }

    const summary = await within(
      2_000,
      async () => {
        const res = await t.request(`/v1/analytics/summary?from=${today}&to=${today}`, {
          key: analyticsKey,
        });
        expect(res.status).toBe(200);
        return (await res.json()) as Summary;
      },
      // Rows of one record (ALL and route) are written side by side: wait for both.
      (s) =>
        s.searches === N &&
        s.bookings === totals.length &&
        s.topRoutes[0]?.searches === N &&
        s.topRoutes[0]?.bookings === totals.length,
    );
    expect(summary.elapsedMs).toBeLessThan(2_000);
    expect(summary.value).toMatchObject({
      searches: N,
      // The first search misses, the six after it are answered from the cache.
      cacheHits: N - 1,
      bookings: 3,
      cancellations: 0,
      revenue: [{ amount: "659.51", currency: "USD" }],
      topRoutes: [{ route: "JFK-LAX", searches: N, bookings: 3 }],
    });

    const route = await t.request(`/v1/analytics/routes/JFK-LAX?from=${today}&to=${today}`, {
      key: analyticsKey,
    });
    expect(route.status).toBe(200);
    expect(await route.json()).toEqual({
      route: "JFK-LAX",
      days: [
        {
          date: today,
          searches: N,
          bookings: 3,
          cancellations: 0,
          revenue: [{ amount: "659.51", currency: "USD" }],
        },
      ],
    });
  });

  it("answers bad ranges and unknown airports with a 422 problem", async () => {
    const cases = [
      [`/v1/analytics/summary?from=2026-01-01&to=2027-01-02`, "to"],
      [`/v1/analytics/summary?from=2026-03-02&to=2026-03-01`, "to"],
      [`/v1/analytics/summary?from=2026-02-30&to=2026-03-01`, "from"],
      [`/v1/analytics/summary?to=2026-03-01`, "from"],
      [`/v1/analytics/routes/JFK-XQZ?from=2026-03-01&to=2026-03-01`, "destination"],
      [`/v1/analytics/routes/jfk-lax?from=2026-03-01&to=2026-03-01`, "route"],
    ] as const;
    for (const [path, field] of cases) {
      const res = await t.request(path, { key: analyticsKey });
      expect(res.status, path).toBe(422);
      const problem = await readProblem(res);
      expect(problem.code).toBe("validation_failed");
      expect(JSON.stringify(problem.errors), path).toContain(field);
    }
  });

  it("requires the analytics scope and documents both endpoints in /openapi.json", async () => {
    const forbidden = await t.request(`/v1/analytics/summary?from=${today}&to=${today}`, {
      key: searchKey,
    });
    expect(forbidden.status).toBe(403);
    const openapi = await t.request("/openapi.json");
    const doc = (await openapi.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/analytics/summary", "/v1/analytics/routes/{route}"]),
    );
  });
});
