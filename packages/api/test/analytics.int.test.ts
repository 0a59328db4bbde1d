import { createLocalChangeFeed, type LocalChangeFeed } from "@travel/analytics";
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
  let bookKey: string;
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
    bookKey = await t.createKey(["book"]);
  });
  afterAll(async () => {
    await feed.stop();
    await t.close();
  });

  it("shows exactly N searches and M bookings with their revenue within 2 s", async () => {
    const N = 7;
    let offers: { id: string; price: { amount: string } }[] = [];
    for (let i = 0; i < N; i++) {
      const res = await t.request(
        `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${departure}&sort=price`,
        { key: searchKey },
      );
      expect(res.status).toBe(200);
      offers = ((await res.json()) as { data: typeof offers }).data;
    }
    // Bookings through HTTP: the cheapest offer ×1, the next ×1, the third ×2 seats.
    const plan = [
      { offer: offers[0]!, quantity: 1 },
      { offer: offers[1]!, quantity: 1 },
      { offer: offers[2]!, quantity: 2 },
    ];
    let expectedMinor = 0;
    for (const [i, { offer, quantity }] of plan.entries()) {
      const totalMinor = Math.round(Number(offer.price.amount) * 100) * quantity;
      expectedMinor += totalMinor;
      const res = await t.request("/v1/bookings", {
        key: bookKey,
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `analytics-e2e-${i}` },
        body: JSON.stringify({
          offerId: offer.id,
          quantity,
          travelers: Array.from({ length: quantity }, (_, n) => ({
            givenName: ["Ada", "Grace", "Edsger"][n] ?? "Alan",
            familyName: "Lovelace",
          })),
          contact: { email: "ada@example.com" },
          expectedTotal: { amount: (totalMinor / 100).toFixed(2), currency: "USD" },
        }),
      });
      expect(res.status).toBe(201);
    }
    const totals = plan;
    const revenue = (expectedMinor / 100).toFixed(2);

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
      revenue: [{ amount: revenue, currency: "USD" }],
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
          revenue: [{ amount: revenue, currency: "USD" }],
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
