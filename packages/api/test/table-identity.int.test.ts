import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import { startLocalEngine } from "@travel/core/local";
import { Redis } from "ioredis";
import { afterAll, expect, it } from "vitest";
import { dayFromToday, loadSeededSlice } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

/**
 * Finding 7: search's read model and cached results live in Redis, which outlives the table
 * (local mode after `rm -rf .data`, a point-in-time restore in AWS). They are kept under the
 * table instance's identity, so a new table never reads what an old one left behind.
 */
describeRedis("cached search data is bound to the table it came from", ({ url }) => {
  const prefix = uniqueKeyPrefix("table-identity").replace(/:$/, "");
  const admin = new Redis(url);
  const dataDir = mkdtempSync(join(tmpdir(), "table-identity-"));
  const date = dayFromToday(12);
  const searches = [
    `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}&limit=100`,
    `/v1/hotels/search?city=PAR&checkIn=${date}&checkOut=${dayFromToday(14)}&limit=100`,
  ];
  afterAll(async () => {
    await deleteKeysWithPrefix(admin, prefix);
    admin.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The local server's set-up over `dataDir`, seeded with `seed`, on the shared Redis. */
  async function start(seed: string) {
    const engine = await startLocalEngine({ dataDir });
    await loadSeededSlice(engine.db, {
      startDate: dayFromToday(10),
      days: 6,
      origin: "JFK",
      destination: "LAX",
      city: "PAR",
      seed,
    });
    const app = await startTestApp({ engine, env: { REDIS_URL: url, REDIS_KEY_PREFIX: prefix } });
    const key = await app.createKey(["search"]);
    return { engine, app, key };
  }

  async function searchedOfferIds(app: TestApp, key: string): Promise<string[]> {
    const ids: string[] = [];
    for (const path of searches) {
      const res = await app.request(path, { key });
      expect(res.status, path).toBe(200);
      ids.push(...((await res.json()) as { data: { id: string }[] }).data.map((o) => o.id));
    }
    return ids;
  }

  it("after wiping the data directory and restarting on the same Redis, every searched offer exists", async () => {
    const before = await start("before-the-wipe");
    const oldIds = await searchedOfferIds(before.app, before.key);
    expect(oldIds.length).toBeGreaterThan(0);
    await before.app.close();
    await before.engine.stop();

    rmSync(dataDir, { recursive: true, force: true });
    const after = await start("after-the-wipe");
    try {
      const ids = await searchedOfferIds(after.app, after.key);
      expect(ids.length).toBeGreaterThan(0);
      // The new table's offers, not the old table's left in Redis.
      expect(ids.filter((id) => oldIds.includes(id))).toEqual([]);
      for (const id of ids) {
        const res = await after.app.request(`/v1/offers/${id}`, { key: after.key });
        expect(res.status, id).toBe(200);
      }
    } finally {
      await after.app.close();
      await after.engine.stop();
    }
  });

  it("two processes over the same table share one namespace", async () => {
    const engine = await startLocalEngine();
    const env = { REDIS_URL: url, REDIS_KEY_PREFIX: prefix };
    const a = await startTestApp({ engine, env });
    const b = await startTestApp({ engine, env });
    try {
      await loadSeededSlice(engine.db, {
        startDate: dayFromToday(10),
        days: 6,
        origin: "JFK",
        destination: "LAX",
      });
      const keyA = await a.createKey(["search"]);
      const first = await a.request(searches[0]!, { key: keyA });
      expect(first.status).toBe(200);
      const second = await b.request(searches[0]!, { key: keyA });
      expect(second.status).toBe(200);
      expect(second.headers.get("x-cache")).toBe("HIT");
    } finally {
      await a.close();
      await b.close();
      await engine.stop();
    }
  });
});
