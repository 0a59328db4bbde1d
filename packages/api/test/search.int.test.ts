import { gunzipSync } from "node:zlib";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import { startLocalEngine } from "@travel/core/local";
import { flightSearchResponseSchema } from "@travel/search";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dayFromToday,
  flightRecords,
  HOTELS,
  insertInventory,
  JFK_LAX,
  roomNights,
} from "./fixtures.js";
import { readProblem, startTestApp, type TestApp } from "./harness.js";

interface FlightOfferBody {
  id: string;
  type: string;
  price: { amount: string; currency: string };
  durationMinutes: number;
  departAt: string;
  seatsAvailable: number;
  [k: string]: unknown;
}
interface SearchBody<T> {
  data: T[];
  meta: {
    searchId: string;
    count: number;
    nextCursor: string | null;
    cache: { status: string; ageSeconds: number; ttlSeconds: number };
  };
}

describe("search, offers and admin updates through HTTP (dynalite, in-process cache)", () => {
  let t: TestApp;
  let key: string;
  let admin: string;
  const date = dayFromToday(10);
  const checkIn = dayFromToday(20);
  const checkOut = dayFromToday(23);
  const flights = (query: string) => t.request(`/v1/flights/search?${query}`, { key });
  const base = `origin=JFK&destination=LAX&departureDate=${date}`;

  beforeAll(async () => {
    t = await startTestApp();
    await insertInventory(t.engine.db, {
      flights: flightRecords(date),
      hotels: HOTELS,
      nights: roomNights(checkIn, dayFromToday(25)),
    });
    key = await t.createKey(["search"]);
    admin = await t.createKey(["inventory", "search"]);
  });
  afterAll(async () => {
    await t.close();
  });

  it("returns contract-shaped flight offers sorted by price, then answers the same search from the cache", async () => {
    const first = await flights(base);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    const body = (await first.json()) as SearchBody<FlightOfferBody>;
    // Economy only (the business offer is another cabin), cheapest first.
    expect(body.data.map((o) => o.price.amount)).toEqual(["199.99", "220.50", "250.00", "310.00"]);
    expect(body.meta).toMatchObject({
      count: 4,
      nextCursor: null,
      cache: { status: "miss", ageSeconds: 0 },
    });
    expect(body.meta.searchId).toMatch(/^srch_/);
    expect(body.meta.cache.ttlSeconds).toBeGreaterThanOrEqual(300);
    const offer = body.data[0] as FlightOfferBody;
    expect(Object.keys(offer).sort()).toEqual(
      [
        "id",
        "type",
        "origin",
        "destination",
        "departAt",
        "arriveAt",
        "durationMinutes",
        "stops",
        "carrier",
        "flightNumber",
        "cabin",
        "seatsAvailable",
        "price",
        "pricedAt",
        "expiresAt",
        // v2
        "slices",
        "passengers",
        "totalPrice",
        "fareBreakdown",
      ].sort(),
    );
    expect(offer).toMatchObject({
      id: JFK_LAX[2]?.id,
      type: "flight",
      origin: "JFK",
      destination: "LAX",
      cabin: "economy",
      carrier: "DL",
      price: { amount: "199.99", currency: "USD" },
    });

    const again = await flights(base);
    expect(again.headers.get("x-cache")).toBe("HIT");
    const cached = (await again.json()) as SearchBody<FlightOfferBody>;
    expect(cached.meta.cache.status).toBe("hit");
    expect(cached.data.map((o) => o.id)).toEqual(body.data.map((o) => o.id));
  });

  it("answers application/json that matches the contract schema, gzipped when asked, with Vary: Accept-Encoding", async () => {
    await flights(base); // filled: the answers below are hits written from built offers
    const plain = await flights(base);
    expect(plain.headers.get("content-type")).toBe("application/json");
    expect(plain.headers.get("vary")).toMatch(/accept-encoding/i);
    expect(plain.headers.get("content-encoding")).toBeNull();
    const text = await plain.text();
    const body = flightSearchResponseSchema.parse(JSON.parse(text));
    expect(body.data.length).toBe(4);
    // Written exactly as JSON.stringify would write the parsed value (same keys, same order).
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    for (const offer of body.data) {
      expect(Date.parse(offer.expiresAt)).toBeGreaterThan(Date.parse(offer.pricedAt));
    }

    const zipped = await t.request(`/v1/flights/search?${base}`, {
      key,
      headers: { "accept-encoding": "gzip" },
    });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("vary")).toMatch(/accept-encoding/i);
    const unzipped = JSON.parse(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString());
    expect(unzipped.data.map((o: FlightOfferBody) => o.id)).toEqual(body.data.map((o) => o.id));
  });

  it("serves a different sort and a different page from the same cache entry", async () => {
    await flights(base);
    const byDuration = await flights(`${base}&sort=duration`);
    expect(byDuration.headers.get("x-cache")).toBe("HIT");
    const durations = ((await byDuration.json()) as SearchBody<FlightOfferBody>).data.map(
      (o) => o.durationMinutes,
    );
    expect(durations).toEqual([...durations].sort((a, b) => a - b));
    expect(durations).toEqual([330, 345, 390, 480]);

    const byDeparture = (await (
      await flights(`${base}&sort=departure`)
    ).json()) as SearchBody<FlightOfferBody>;
    expect(byDeparture.data.map((o) => o.departAt)).toEqual(
      [...byDeparture.data.map((o) => o.departAt)].sort(),
    );

    const page1 = await flights(`${base}&limit=3`);
    expect(page1.headers.get("x-cache")).toBe("HIT");
    const p1 = (await page1.json()) as SearchBody<FlightOfferBody>;
    expect(p1.data).toHaveLength(3);
    expect(p1.meta.nextCursor).toEqual(expect.any(String));
    const page2 = await flights(
      `${base}&limit=3&cursor=${encodeURIComponent(p1.meta.nextCursor as string)}`,
    );
    expect(page2.headers.get("x-cache")).toBe("HIT");
    const p2 = (await page2.json()) as SearchBody<FlightOfferBody>;
    expect(p2.data.map((o) => o.price.amount)).toEqual(["310.00"]);
    expect(p2.meta.nextCursor).toBeNull();
  });

  it("returns only offers with seatsAvailable >= adults", async () => {
    const res = (await (await flights(`${base}&adults=3`)).json()) as SearchBody<FlightOfferBody>;
    expect(res.data.every((o) => o.seatsAvailable >= 3)).toBe(true);
    expect(res.data.map((o) => o.id).sort()).toEqual([JFK_LAX[0]?.id, JFK_LAX[2]?.id].sort());
  });

  it("answers 422 for an unknown airport, bad values and a tampered cursor", async () => {
    const unknown = await flights(`origin=ZZZ&destination=LAX&departureDate=${date}`);
    expect(unknown.status).toBe(422);
    const problem = await readProblem(unknown);
    expect(problem).toMatchObject({ code: "validation_failed", status: 422 });
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toEqual(["origin"]);

    const bad = await flights(`origin=JFK&destination=JFK&departureDate=2020-01-01&adults=abc`);
    expect(bad.status).toBe(422);
    const paths = ((await readProblem(bad)).errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(["adults"]));

    const p1 = (await (await flights(`${base}&limit=2`)).json()) as SearchBody<FlightOfferBody>;
    const cursor = p1.meta.nextCursor as string;
    const tampered = cursor.slice(0, 5) + (cursor[5] === "A" ? "B" : "A") + cursor.slice(6);
    const res = await flights(`${base}&limit=2&cursor=${encodeURIComponent(tampered)}`);
    expect(res.status).toBe(422);
    expect(await readProblem(res)).toMatchObject({ code: "validation_failed" });
    // A cursor of another query is refused too.
    const foreign = await flights(
      `${base}&sort=duration&limit=2&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(foreign.status).toBe(422);
  });

  // Issue #8 supersedes the MISS of issue #4: our inventory's read model is updated in place
  // before the PATCH is answered, so the next search is a HIT that already shows the new price.
  it("after PATCHing an offer's price, the very next search shows the new price (read model updated in place)", async () => {
    const target = JFK_LAX[0]?.id as string;
    await flights(base); // make sure the result is cached
    expect((await flights(base)).headers.get("x-cache")).toBe("HIT");

    const patched = await t.request(`/v1/admin/offers/${target}`, {
      key: admin,
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ price: { amount: "99.00", currency: "USD" } }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      id: target,
      price: { amount: "99.00", currency: "USD" },
    });

    const after = await flights(base);
    expect(after.headers.get("x-cache")).toBe("HIT");
    const body = (await after.json()) as SearchBody<FlightOfferBody>;
    expect(body.data[0]).toMatchObject({ id: target, price: { amount: "99.00" } });
  });

  it("PATCH needs the inventory scope and a valid body", async () => {
    const target = JFK_LAX[1]?.id as string;
    const forbidden = await t.request(`/v1/admin/offers/${target}`, {
      key,
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seatsAvailable: 3 }),
    });
    expect(forbidden.status).toBe(403);
    const negative = await t.request(`/v1/admin/offers/${target}`, {
      key: admin,
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seatsAvailable: -1 }),
    });
    expect(negative.status).toBe(422);
    const unknown = await t.request("/v1/admin/offers/off_01JD8X3Z5K7M9P1Q3R5T7V9XZZ", {
      key: admin,
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seatsAvailable: 3 }),
    });
    expect(unknown.status).toBe(404);
    expect(await readProblem(unknown)).toMatchObject({ code: "offer_not_found" });
  });

  it("re-prices an offer live: 200, 404 offer_not_found, 410 offer_expired", async () => {
    const live = await t.request(`/v1/offers/${JFK_LAX[2]?.id}`, { key });
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({
      id: JFK_LAX[2]?.id,
      type: "flight",
      price: { amount: "199.99" },
    });

    const missing = await t.request("/v1/offers/off_01JD8X3Z5K7M9P1Q3R5T7V9XZZ", { key });
    expect(missing.status).toBe(404);
    expect(await readProblem(missing)).toMatchObject({ code: "offer_not_found", status: 404 });
    const garbage = await t.request("/v1/offers/not-an-offer", { key });
    expect(garbage.status).toBe(404);

    const yesterday = dayFromToday(-1);
    const [departed] = flightRecords(yesterday, [
      {
        id: "off_01JD8X3Z5K7M9P1Q3R5T7V9XX9",
        departHourUtc: 1,
        durationMinutes: 300,
        priceMinor: 100,
        seats: 5,
      },
    ]);
    await insertInventory(t.engine.db, { flights: departed ? [departed] : [] });
    const expired = await t.request("/v1/offers/off_01JD8X3Z5K7M9P1Q3R5T7V9XX9", { key });
    expect(expired.status).toBe(410);
    expect(await readProblem(expired)).toMatchObject({ code: "offer_expired", status: 410 });
  });

  it("searches hotels: whole-stay price per room, only hotels with enough rooms every night", async () => {
    const res = await t.request(
      `/v1/hotels/search?city=lhr&checkIn=${checkIn}&checkOut=${checkOut}`,
      { key },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("MISS");
    const body = (await res.json()) as SearchBody<Record<string, unknown>>;
    expect(body.data.map((h) => h.name)).toEqual(["Paddington Rooms", "The Strand Palace"]);
    expect(body.data[0]).toMatchObject({
      type: "hotel",
      city: "LON", // v2: the city code of the hotel's city
      nights: 3,
      checkIn,
      checkOut,
      price: { amount: "286.50", currency: "GBP" },
    });
    const twoRooms = await t.request(
      `/v1/hotels/search?city=LHR&checkIn=${checkIn}&checkOut=${checkOut}&rooms=2&guests=2&sort=rating`,
      { key },
    );
    expect(twoRooms.headers.get("x-cache")).toBe("HIT");
    const names = ((await twoRooms.json()) as SearchBody<Record<string, unknown>>).data.map(
      (h) => h.name,
    );
    expect(names).toEqual(["The Strand Palace"]);
  });
});

describeRedis("two API instances sharing Redis", ({ url }) => {
  const prefix = uniqueKeyPrefix("api-search").replace(/:$/, "");
  const redis = new Redis(url);
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it("a search cached by one instance is a HIT on the other; after a PATCH on one, the other's next search is a MISS with the new price", async () => {
    const engine = await startLocalEngine();
    const env = { REDIS_URL: url, REDIS_KEY_PREFIX: prefix };
    const a = await startTestApp({ engine, env });
    const b = await startTestApp({ engine, env });
    try {
      const date = dayFromToday(12);
      await insertInventory(engine.db, { flights: flightRecords(date) });
      const key = await a.createKey(["search", "inventory"]);
      const path = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`;
      expect((await a.request(path, { key })).headers.get("x-cache")).toBe("MISS");
      expect((await b.request(path, { key })).headers.get("x-cache")).toBe("HIT");
      expect((await b.request(`${path}&sort=departure`, { key })).headers.get("x-cache")).toBe(
        "HIT",
      );

      const target = JFK_LAX[1]?.id as string;
      const patched = await a.request(`/v1/admin/offers/${target}`, {
        key,
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ price: { amount: "49.95", currency: "USD" } }),
      });
      expect(patched.status).toBe(200);

      // Updated in place in the shared Redis read model: a HIT on B with the new price.
      const onB = await b.request(path, { key });
      expect(onB.headers.get("x-cache")).toBe("HIT");
      const body = (await onB.json()) as SearchBody<FlightOfferBody>;
      expect(body.data[0]).toMatchObject({
        id: target,
        price: { amount: "49.95", currency: "USD" },
      });
      expect((await a.request(path, { key })).headers.get("x-cache")).toBe("HIT");
      expect(a.deps.cache.backend).toBe("redis");
    } finally {
      await a.close();
      await b.close();
      await engine.stop();
    }
  });
});
