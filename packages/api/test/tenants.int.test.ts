import { createLocalChangeFeed, type LocalChangeFeed } from "@travel/analytics";
import { generateApiKey, hashApiKey, newId } from "@travel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, flightRecords, insertInventory } from "./fixtures.js";
import { readProblem, startTestApp, type TestApp, tableSnapshot } from "./harness.js";

/**
 * Issue 17, finding 2: a tenant's keys reach nothing of another tenant's, scopes are granted
 * only downwards, and the retired `admin` scope is its own tenant's key manager and no more.
 */
describe("tenants are separated (scopes keys, inventory, platform, analytics)", () => {
  let t: TestApp;
  let feed: LocalChangeFeed;
  const departure = dayFromToday(12);
  const json = (method: string, body: unknown) => ({
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

  /** A key as v1 stored it: scope `admin` in the table (what the migration must handle). */
  async function legacyAdminKey(tenantId: string): Promise<string> {
    const plainKey = generateApiKey();
    await t.engine.db.entities.apiKey
      .create({
        keyId: newId("apiKey"),
        keyHash: hashApiKey(plainKey),
        tenantId,
        name: "v1 admin key",
        scopes: ["admin"] as never,
        rateLimitPerMinute: 1_000,
        createdAt: new Date().toISOString(),
      })
      .go();
    return plainKey;
  }

  beforeAll(async () => {
    t = await startTestApp();
    await insertInventory(t.engine.db, { flights: flightRecords(departure) });
    feed = createLocalChangeFeed({ engine: t.engine, handler: t.deps.analytics.consumer.handle });
    feed.start();
  });
  afterAll(async () => {
    await feed.stop();
    await t.close();
  });

  it("a keys key cannot mint, list or revoke another tenant's keys", async () => {
    const a = await t.createKey(["keys", "search"], { tenantId: "acme", rateLimitPerMinute: 600 });
    const bKey = await t.createKey(["keys"], { tenantId: "globex" });
    const before = await tableSnapshot(t.engine);

    const mint = await t.request("/v1/admin/api-keys", {
      key: a,
      ...json("POST", { tenantId: "globex", name: "x", scopes: ["search"] }),
    });
    expect(mint.status).toBe(403);
    expect(await readProblem(mint)).toMatchObject({ code: "forbidden" });
    const list = await t.request("/v1/admin/api-keys?tenantId=globex", { key: a });
    expect(list.status).toBe(403);

    const globexKeys = (await (await t.request("/v1/admin/api-keys", { key: bKey })).json()) as {
      data: { id: string; tenantId: string }[];
    };
    expect(globexKeys.data.every((k) => k.tenantId === "globex")).toBe(true);
    const victimId = globexKeys.data[0]?.id;
    const revoke = await t.request(`/v1/admin/api-keys/${victimId}`, {
      key: a,
      method: "DELETE",
    });
    expect(revoke.status).toBe(404);
    expect(await tableSnapshot(t.engine)).toBe(before);
    expect((await t.request("/v1/admin/api-keys", { key: bKey })).status).toBe(200);
  });

  it("a keys key grants only scopes it holds, never admin or platform, and no higher limit", async () => {
    const a = await t.createKey(["keys", "search"], { tenantId: "acme", rateLimitPerMinute: 600 });
    const before = await tableSnapshot(t.engine);
    const cases: [body: object, status: number][] = [
      [{ name: "all", scopes: ["search", "book", "analytics"] }, 403],
      [{ name: "inv", scopes: ["inventory"] }, 403],
      [{ name: "plat", scopes: ["platform"] }, 403],
      [{ name: "adm", scopes: ["admin"] }, 422],
      [{ name: "fast", scopes: ["search"], rateLimitPerMinute: 1_000_000 }, 403],
      [{ name: "\u001b[31mred\u001b[0m", scopes: ["search"] }, 422],
    ];
    for (const [body, status] of cases) {
      const res = await t.request("/v1/admin/api-keys", { key: a, ...json("POST", body) });
      expect(res.status, JSON.stringify(body)).toBe(status);
      await readProblem(res);
    }
    expect(await tableSnapshot(t.engine)).toBe(before);

    const ok = await t.request("/v1/admin/api-keys", {
      key: a,
      ...json("POST", { name: "child", scopes: ["search"] }),
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({
      tenantId: "acme",
      scopes: ["search"],
      rateLimitPerMinute: 600,
    });
  });

  it("migration: a v1 admin key manages its own tenant's keys and nothing else", async () => {
    const legacy = await legacyAdminKey("initech");
    const own = await t.request("/v1/admin/api-keys", { key: legacy });
    expect(own.status).toBe(200);
    const listed = (await own.json()) as { data: { name: string; scopes: string[] }[] };
    expect(listed.data.find((k) => k.name === "v1 admin key")?.scopes).toEqual(["keys"]);

    const child = await t.request("/v1/admin/api-keys", {
      key: legacy,
      ...json("POST", { name: "manager", scopes: ["keys"] }),
    });
    expect(child.status).toBe(201);
    expect(await child.json()).toMatchObject({ tenantId: "initech", scopes: ["keys"] });

    const before = await tableSnapshot(t.engine);
    const offerId = flightRecords(departure)[0]?.offerId;
    const attempts = await Promise.all([
      t.request(`/v1/admin/offers/${offerId}`, {
        key: legacy,
        ...json("PATCH", { seatsAvailable: 1 }),
      }),
      t.request("/v1/admin/api-keys", {
        key: legacy,
        ...json("POST", {
          tenantId: "globex",
          name: "x",
          scopes: ["keys"],
          rateLimitPerMinute: 1_000_000,
        }),
      }),
      t.request("/v1/admin/api-keys", {
        key: legacy,
        ...json("POST", { name: "x", scopes: ["admin"] }),
      }),
      t.request("/v1/admin/api-keys?tenantId=globex", { key: legacy }),
      t.request("/v1/bookings", { key: legacy }),
      t.request("/v1/analytics/summary?from=2026-01-01&to=2026-01-02", { key: legacy }),
    ]);
    expect(attempts.map((r) => r.status)).toEqual([403, 403, 422, 403, 403, 403]);
    expect(await tableSnapshot(t.engine)).toBe(before);
  });

  it("a booking is another tenant's 404 even for keys, inventory and analytics holders", async () => {
    const acmeBook = await t.createKey(["book", "search"], { tenantId: "acme" });
    const search = await t.request(
      `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${departure}`,
      { key: acmeBook },
    );
    const offer = ((await search.json()) as { data: { id: string; price: { amount: string } }[] })
      .data[0];
    const booked = await t.request("/v1/bookings", {
      key: acmeBook,
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "tenants-booking-1" },
      body: JSON.stringify({
        offerId: offer?.id,
        travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
        contact: { email: "ada@example.org" },
        expectedTotal: offer?.price,
      }),
    });
    expect(booked.status).toBe(201);
    const { id } = (await booked.json()) as { id: string };
    const intruder = await t.createKey(["book", "keys", "inventory", "analytics"], {
      tenantId: "globex",
    });
    expect((await t.request(`/v1/bookings/${id}`, { key: intruder })).status).toBe(404);
    const cancel = await t.request(`/v1/bookings/${id}/cancel`, { key: intruder, method: "POST" });
    expect(cancel.status).toBe(404);
    const list = (await (await t.request("/v1/bookings", { key: intruder })).json()) as {
      data: unknown[];
    };
    expect(list.data).toEqual([]);
  });

  it("analytics keys see their own tenant's figures; platform sees every tenant's or one", async () => {
    const day = new Date().toISOString().slice(0, 10);
    const range = `from=${day}&to=${day}`;
    const searchAs = async (tenantId: string, times: number) => {
      const key = await t.createKey(["search"], { tenantId });
      for (let i = 0; i < times; i++) {
        const res = await t.request(
          `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${departure}`,
          { key },
        );
        expect(res.status).toBe(200);
      }
    };
    await searchAs("stats-a", 3);
    await searchAs("stats-b", 5);
    await t.deps.flush();
    await feed.drain();

    const a = await t.createKey(["analytics"], { tenantId: "stats-a" });
    const platform = await t.createKey(["analytics", "platform"], { tenantId: "operator" });
    const read = async (key: string, query = "") => {
      const res = await t.request(`/v1/analytics/summary?${range}${query}`, { key });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await read(a)).toMatchObject({
      status: 200,
      body: { searches: 3, topRoutes: [{ route: "JFK-LAX", searches: 3 }] },
    });
    expect((await read(a, "&tenantId=stats-b")).status).toBe(403);
    const routeOwn = await t.request(`/v1/analytics/routes/JFK-LAX?${range}`, { key: a });
    expect(((await routeOwn.json()) as { days: { searches: number }[] }).days[0]?.searches).toBe(3);

    expect(await read(platform, "&tenantId=stats-b")).toMatchObject({
      status: 200,
      body: { searches: 5 },
    });
    const all = await read(platform);
    expect(all.body.searches).toBeGreaterThanOrEqual(8);
    // Platform-wide top routes never list a tenant's own rows as routes.
    const routes = (all.body.topRoutes as { route: string }[]).map((r) => r.route);
    expect(routes.every((r) => /^[A-Z]{3}(-[A-Z]{3})?$/.test(r))).toBe(true);
  });
});
