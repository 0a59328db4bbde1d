import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { type Cache, createRedisCache } from "@travel/cache";
import { type RedisServerHandle, startRedisServer } from "@travel/cache/testing";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SearchCacheUnavailableError } from "../src/errors.js";
import type { FlightQuery } from "../src/query.js";
import {
  buildReadModelService,
  countReads,
  DAY,
  flightId,
  flightRecord,
  mutableClock,
  putFlights,
} from "./fixtures.js";

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedisServer) {
  if (process.env.CI === "true") {
    throw new Error("redis-server binary missing: the read-model restart test must run in CI");
  }
  console.warn("\n!!! SKIPPING the read-model restart test: no redis-server binary on PATH. !!!\n");
}

const tenant = { tenantId: "ten_test" };
const DATES = ["2030-03-20", "2030-03-21", "2030-03-22"];
const query = (i: number): FlightQuery => ({
  origin: "JFK",
  destination: "LAX",
  departureDate: DATES[i % DATES.length] as string,
  adults: 1 + (i % 2),
  cabin: "economy",
  sort: "price",
  limit: 20,
});

describe.skipIf(!hasRedisServer)("read model: Redis restarted empty mid-run", () => {
  let server: RedisServerHandle;
  let engine: LocalEngine;
  let cache: Cache;
  let built: ReturnType<typeof buildReadModelService>;
  let reads: ReturnType<typeof countReads>;
  const clock = mutableClock();

  beforeAll(async () => {
    server = await startRedisServer();
    engine = await startLocalEngine();
    reads = countReads(engine.clients);
    cache = createRedisCache({
      redis: { url: server.url },
      keyPrefix: "rm-restart:",
      commandTimeoutMs: 200,
      breaker: { failureThreshold: 3, halfOpenAfterMs: 300 },
    });
    built = buildReadModelService({ db: engine.db, cache, clock });
    await putFlights(
      engine.db,
      DATES.flatMap((date, d) =>
        [0, 1, 2].map((n) =>
          flightRecord(d * 10 + n, {
            departDate: date,
            departAt: `${date}T${String(8 + n).padStart(2, "0")}:00:00Z`,
          }),
        ),
      ),
    );
  });

  afterAll(async () => {
    await cache?.close();
    await server?.stop();
    await engine?.stop();
  });

  /** Runs searches; every answer must list the day's three flights with the table's prices. */
  async function run(count: number, expectPrice0?: string) {
    const statuses: string[] = [];
    for (let i = 0; i < count; i++) {
      const result = await built.service.searchFlights(query(i), tenant);
      statuses.push(result.meta.cache.status);
      expect(result.data).toHaveLength(3);
      if (expectPrice0 && query(i).departureDate === DAY) {
        expect(result.data.find((o) => o.id === flightId(0))?.price.amount).toBe(expectPrice0);
      }
    }
    return statuses.filter((s) => s === "hit").length / count;
  }

  it("keeps answering while Redis is gone, refills lazily after it returns empty, and the hit ratio recovers", async () => {
    expect(await run(30)).toBeGreaterThanOrEqual(29 / 30);

    await server.kill();
    // Down: every search still answers from the table (status miss), correct and complete.
    expect(await run(10)).toBe(0);
    expect(await cache.health()).toBe("down");
    // A write made while the cache is down is refused (503) but kept in the table; the 503
    // carries the cache's own error as its cause (what the log shows).
    const refused = await built.service
      .updateOffer(flightId(0), { price: { amount: "42.00", currency: "USD" } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SearchCacheUnavailableError);
    expect((refused as Error).cause).toBeInstanceOf(Error);
    expect((await built.service.getOffer(flightId(0))).price.amount).toBe("42.00");

    await server.restart();
    // Empty Redis: the first searches refill the entry from the table (new price included).
    const deadline = Date.now() + 10_000;
    let status = "miss";
    while (status !== "hit" && Date.now() < deadline) {
      status = (await built.service.searchFlights(query(0), tenant)).meta.cache.status;
      if (status !== "hit") await sleep(50);
    }
    expect(status).toBe("hit");
    reads.reset();
    expect(await run(30, "42.00")).toBe(1);
    expect(reads.reads).toBe(0);

    // After the restart, an update for another, absent month lands in a partial entry; the
    // next search there still fills the whole month and shows the update.
    await putFlights(engine.db, [
      flightRecord(90, { departDate: "2030-04-02", departAt: "2030-04-02T09:00:00Z" }),
      flightRecord(91, { departDate: "2030-04-02", departAt: "2030-04-02T10:00:00Z" }),
    ]);
    await built.service.updateOffer(flightId(91), { price: { amount: "12.00", currency: "USD" } });
    const april = await built.service.searchFlights(
      { ...query(0), departureDate: "2030-04-02" },
      tenant,
    );
    expect(april.meta.cache.status).toBe("miss");
    expect(april.data.map((o) => [o.id, o.price.amount])).toEqual([
      [flightId(91), "12.00"],
      [flightId(90), "1000.00"],
    ]);
  });
});
