import { createLocalChangeFeed, type LocalChangeFeed } from "@travel/analytics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, flightRecords, insertInventory } from "./fixtures.js";
import { readProblem, startTestApp, type TestApp } from "./harness.js";

interface Live {
  tenantId: string | null;
  platform: boolean;
  tenants: string[];
  perMinute: { minute: string; searches: number; cacheHits: number; bookings: number }[];
  totals: {
    searches: number;
    cacheHits: number;
    bookings: number;
    cacheHitRatio: number;
    revenue: { amount: string; currency: string }[];
  };
  topRoutes: { route: string; searches: number; bookings: number }[];
  latency: { route: string; count: number; p50Ms: number; p99Ms: number }[];
  stream: { lagSeconds: number | null; queued: number | null; deadLettered: number | null };
  health: { dynamodb: string; cache: string; cacheBackend: string; cacheBreaker: string };
}

async function until<T>(ms: number, read: () => Promise<T>, done: (value: T) => boolean) {
  const started = Date.now();
  let value = await read();
  while (!done(value) && Date.now() - started < ms) {
    await new Promise((r) => setTimeout(r, 25));
    value = await read();
  }
  return value;
}

describe("GET /v1/analytics/live (the live operations page's data)", () => {
  let t: TestApp;
  let feed: LocalChangeFeed;
  const keys: Record<string, string> = {};
  const departure = dayFromToday(12);

  beforeAll(async () => {
    t = await startTestApp();
    await insertInventory(t.engine.db, {
      flights: flightRecords(departure),
      hotels: [],
      nights: [],
    });
    feed = createLocalChangeFeed({ engine: t.engine, handler: t.deps.analytics.consumer.handle });
    feed.start();
    t.deps.live.attachStream(() => {
      const { queued, deadLetters } = feed.stats();
      return { queued, deadLettered: deadLetters.length };
    });
    keys.acme = await t.createKey(["search", "book", "analytics"], { tenantId: "acme" });
    keys.globex = await t.createKey(["search", "analytics"], { tenantId: "globex" });
    keys.platform = await t.createKey(["analytics", "platform"], { tenantId: "operator" });
    keys.searchOnly = await t.createKey(["search"], { tenantId: "acme" });
  });
  afterAll(async () => {
    await feed.stop();
    await t.close();
  });

  const live = async (key: string, query = "") => {
    const res = await t.request(`/v1/analytics/live${query}`, { key });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    return (await res.json()) as Live;
  };

  it("shows each tenant its own searches, bookings and revenue of this minute, and the platform all of them", async () => {
    const search = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${departure}`;
    let offer: { id: string; price: { amount: string; currency: string } } | undefined;
    for (let i = 0; i < 3; i++) {
      const res = await t.request(search, { key: keys.acme });
      expect(res.status).toBe(200);
      offer = ((await res.json()) as { data: (typeof offer)[] }).data[0];
    }
    expect((await t.request(search, { key: keys.globex })).status).toBe(200);
    const booked = await t.request("/v1/bookings", {
      key: keys.acme,
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "dashboard-live-1" },
      body: JSON.stringify({
        offerId: offer?.id,
        quantity: 1,
        travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
        contact: { email: "ada@example.com" },
        expectedTotal: offer?.price,
      }),
    });
    expect(booked.status).toBe(201);
    await t.deps.flush();

    const acme = await until(
      5_000,
      () => live(keys.acme as string),
      // A batch writes its minute rows and day rows (top routes) concurrently: wait for both.
      (v) => v.totals.searches === 3 && v.totals.bookings === 1 && v.topRoutes[0]?.bookings === 1,
    );
    expect(acme.tenantId).toBe("acme");
    expect(acme.platform).toBe(false);
    expect(acme.tenants).toEqual([]);
    expect(acme.perMinute).toHaveLength(15);
    // Everything happened in the last minute or two (a minute may have turned meanwhile).
    const perMinuteSum = (key: "searches" | "cacheHits" | "bookings") =>
      acme.perMinute.reduce((sum, m) => sum + m[key], 0);
    expect([perMinuteSum("searches"), perMinuteSum("cacheHits"), perMinuteSum("bookings")]).toEqual(
      [3, 2, 1],
    );
    expect(acme.perMinute.slice(0, -2).every((m) => m.searches === 0)).toBe(true);
    expect(acme.totals).toMatchObject({ searches: 3, cacheHits: 2, bookings: 1 });
    expect(acme.totals.revenue).toEqual([offer?.price]);
    expect(acme.topRoutes).toEqual([{ route: "JFK-LAX", searches: 3, bookings: 1 }]);
    const searchLatency = acme.latency.find((l) => l.route === "GET /v1/flights/search");
    expect(searchLatency?.count).toBe(3);
    expect(searchLatency?.p99Ms).toBeGreaterThanOrEqual(searchLatency?.p50Ms ?? Infinity);
    expect(acme.latency.map((l) => l.route)).toContain("POST /v1/bookings");
    expect(acme.health).toMatchObject({ dynamodb: "ok", cache: "ok", cacheBreaker: "closed" });
    expect(acme.stream.queued).toBeGreaterThanOrEqual(0);
    expect(acme.stream.deadLettered).toBe(0);
    expect(acme.stream.lagSeconds).not.toBeNull();

    const globex = await until(
      5_000,
      () => live(keys.globex as string),
      (v) => v.totals.searches === 1,
    );
    expect(globex.totals).toMatchObject({ searches: 1, bookings: 0, revenue: [] });
    expect(globex.latency.map((l) => l.route)).not.toContain("POST /v1/bookings");

    const all = await live(keys.platform as string, "?minutes=5");
    expect(all).toMatchObject({ tenantId: null, platform: true, tenants: ["acme", "globex"] });
    expect(all.perMinute).toHaveLength(5);
    expect(all.totals).toMatchObject({ searches: 4, bookings: 1 });
    const picked = await live(keys.platform as string, "?tenantId=globex");
    expect(picked.tenantId).toBe("globex");
    expect(picked.totals.searches).toBe(1);
    // A tenant naming itself is fine.
    expect((await live(keys.acme as string, "?tenantId=acme")).totals.searches).toBe(3);
  });

  it("refuses another tenant, a key without analytics, no key and bad parameters", async () => {
    const other = await t.request("/v1/analytics/live?tenantId=globex", { key: keys.acme });
    expect(other.status).toBe(403);
    expect(await readProblem(other)).toMatchObject({ code: "forbidden" });
    const noScope = await t.request("/v1/analytics/live", { key: keys.searchOnly });
    expect(noScope.status).toBe(403);
    const noKey = await t.request("/v1/analytics/live");
    expect(noKey.status).toBe(401);
    expect(await readProblem(noKey)).toMatchObject({ code: "unauthorized" });
    for (const query of [
      "?minutes=0",
      "?minutes=61",
      "?minutes=abc",
      `?tenantId=${"x".repeat(65)}`,
    ]) {
      const res = await t.request(`/v1/analytics/live${query}`, { key: keys.platform });
      expect(res.status, query).toBe(422);
      expect(await readProblem(res)).toMatchObject({ code: "validation_failed" });
    }
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await (await t.request("/openapi.json")).json()) as {
      paths: Record<string, { get?: { responses: Record<string, unknown> } }>;
    };
    expect(Object.keys(doc.paths["/v1/analytics/live"]?.get?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "401", "403", "422"]),
    );
  });
});

// Issue 23: on Lambda many API instances answer, and the stream consumer runs in none of them.
// The live figures come from the aggregates' minute rows in the table, so every instance
// answers the same numbers (an in-process window showed each instance only what it counted).
describe("GET /v1/analytics/live from two app instances sharing the table", () => {
  let a: TestApp;
  let b: TestApp;
  let feed: LocalChangeFeed;
  const departure = dayFromToday(14);

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ engine: a.engine });
    await insertInventory(a.engine.db, {
      flights: flightRecords(departure),
      hotels: [],
      nights: [],
    });
    // The consumer (the stream's Lambda in AWS) runs beside instance A only.
    feed = createLocalChangeFeed({ engine: a.engine, handler: a.deps.analytics.consumer.handle });
    feed.start();
  });
  afterAll(async () => {
    await feed.stop();
    await b.close();
    await a.close();
  });

  it("answers the same searches, hits, bookings, revenue and tenants on both instances", async () => {
    const tenantKey = await a.createKey(["search", "book", "analytics"], { tenantId: "initech" });
    const platformKey = await b.createKey(["analytics", "platform"], { tenantId: "operator" });
    const search = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${departure}`;
    // Searches through both instances, a booking through B.
    let offer: { id: string; price: { amount: string; currency: string } } | undefined;
    for (const instance of [a, b, b]) {
      const res = await instance.request(search, { key: tenantKey });
      expect(res.status).toBe(200);
      offer = ((await res.json()) as { data: (typeof offer)[] }).data[0];
    }
    const booked = await b.request("/v1/bookings", {
      method: "POST",
      key: tenantKey,
      headers: { "content-type": "application/json", "idempotency-key": "two-instances-1" },
      body: JSON.stringify({
        offerId: offer?.id,
        quantity: 1,
        travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
        contact: { email: "ada@example.com" },
        expectedTotal: offer?.price,
      }),
    });
    expect(booked.status).toBe(201);
    await Promise.all([a.deps.flush(), b.deps.flush()]);

    const liveOn = async (instance: TestApp, key: string, query = "") => {
      const res = await instance.request(`/v1/analytics/live${query}`, { key });
      expect(res.status).toBe(200);
      return (await res.json()) as Live;
    };
    // A batch writes its minute rows and day rows (top routes) concurrently: wait for all.
    const counted = (v: Live) =>
      v.totals.searches === 3 &&
      v.totals.bookings === 1 &&
      v.topRoutes[0]?.searches === 3 &&
      v.topRoutes[0]?.bookings === 1;
    let fromA = await until(5_000, () => liveOn(a, tenantKey), counted);
    let fromB = await until(5_000, () => liveOn(b, tenantKey), counted);
    // Both reads in the same minute (the window moves when a minute turns between them).
    const lastMinute = (v: Live) => v.perMinute.at(-1)?.minute;
    for (let retry = 0; retry < 3 && lastMinute(fromA) !== lastMinute(fromB); retry++) {
      fromA = await liveOn(a, tenantKey);
      fromB = await liveOn(b, tenantKey);
    }
    const figures = (v: Live) => ({
      perMinute: v.perMinute,
      totals: v.totals,
      topRoutes: v.topRoutes,
    });
    expect(figures(fromB)).toEqual(figures(fromA));
    expect(fromA.totals).toMatchObject({ searches: 3, bookings: 1, revenue: [offer?.price] });

    const allOnA = await liveOn(a, platformKey, "?tenantId=initech");
    const allOnB = await liveOn(b, platformKey, "?tenantId=initech");
    expect(figures(allOnB)).toEqual(figures(allOnA));
    expect(allOnA.totals.searches).toBe(3);
    expect((await liveOn(b, platformKey)).tenants).toContain("initech");
  });
});
