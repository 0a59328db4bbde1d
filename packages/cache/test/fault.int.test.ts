import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BreakerState, type Cache, CacheError, createRedisCache } from "../src/index.js";
import { type RedisServerHandle, startRedisServer } from "../src/testing/index.js";

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedisServer) {
  if (process.env.CI === "true")
    throw new Error("redis-server binary missing: the fault test must run in CI");
  console.warn("\n!!! SKIPPING the cache fault test: no redis-server binary on PATH. !!!\n");
}

describe.skipIf(!hasRedisServer)("fail open: a test-owned redis-server dies and comes back", () => {
  let server: RedisServerHandle;
  let cache: Cache;
  const breakerStates: BreakerState[] = [];
  let loads = 0;
  const offer = { id: "off_1", price: { amount: "100.00", currency: "USD" } };
  const loader = async () => {
    loads++;
    return offer;
  };

  beforeAll(async () => {
    server = await startRedisServer();
    cache = createRedisCache({
      redis: { url: server.url },
      keyPrefix: "fault:",
      commandTimeoutMs: 50,
      breaker: { failureThreshold: 3, halfOpenAfterMs: 300 },
    });
    cache.onMetric((event) => {
      if (event.type === "breaker") breakerStates.push(event.state);
    });
  });
  afterAll(async () => {
    await cache.close();
    await server.stop();
  });

  it("hits while Redis is up", async () => {
    // A loaded CI box can stall a call past 50 ms (it then falls open): allow a few attempts.
    const statuses: string[] = [];
    for (let i = 0; i < 20 && statuses.at(-1) !== "hit"; i++) {
      statuses.push((await cache.getOrLoad("k", loader)).status);
    }
    expect(statuses[0]).toBe("miss");
    expect(statuses.at(-1)).toBe("hit");
    expect(await cache.health()).toBe("ok");
  });

  it("keeps answering through the loader with bounded added latency when Redis is killed", async () => {
    await server.kill();
    const latencies: number[] = [];
    const loadsBefore = loads;
    for (let i = 0; i < 40; i++) {
      const started = performance.now();
      const r = await cache.getOrLoad("k", loader);
      latencies.push(performance.now() - started);
      expect(r).toMatchObject({ value: offer, status: "miss" });
      await sleep(5);
    }
    expect(loads - loadsBefore).toBe(40);
    // never much more than the 50 ms budget, even before the breaker opened
    expect(Math.max(...latencies)).toBeLessThan(150);
    // once the breaker is open, calls stop paying the timeout at all
    const tail = latencies.slice(-20).sort((a, b) => a - b);
    expect(tail[10]).toBeLessThan(10);
    expect(breakerStates).toContain("open");
    const m = cache.metrics();
    expect(m.errors).toBeGreaterThanOrEqual(3);
    const healthStarted = performance.now();
    expect(await cache.health()).toBe("down");
    expect(performance.now() - healthStarted).toBeLessThan(150);
    expect(await cache.invalidate("off_1")).toBe(false);
    // A caller that must say why gets the store's own error (search keeps it as the cause).
    const refused = await cache
      .invalidate("off_1", { throwOnError: true })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CacheError);
    expect((refused as Error).message).toMatch(/breaker|exceeded|closed|connect/i);
  });

  it("reconnects by itself when Redis returns, and hits resume", async () => {
    await server.restart();
    const deadline = Date.now() + 10_000;
    let status = "";
    while (Date.now() < deadline && status !== "hit") {
      status = (await cache.getOrLoad("k", loader)).status;
      await sleep(50);
    }
    expect(status).toBe("hit");
    expect(cache.metrics().breakerState).toBe("closed");
    expect(await cache.health()).toBe("ok");
  });

  it("falls open when Redis is up but slower than the timeout", async () => {
    const admin = new Redis(server.url);
    await admin.client("PAUSE", 400, "ALL");
    const started = performance.now();
    const r = await cache.getOrLoad("slow", loader);
    expect(r).toMatchObject({ value: offer, status: "miss" });
    expect(performance.now() - started).toBeLessThan(150);
    await sleep(450);
    admin.disconnect();
  });
});
