import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  createKeyRateLimiter,
  leaseSize,
  nextLeaseSize,
} from "../src/middleware/rate-limit/limiter.js";
import { createLogger, createMetrics } from "../src/observability.js";

describe("lease size", () => {
  it("is 1 % of the limit, at least 1 and at most the cap", () => {
    expect(leaseSize(3, 0.01, 50)).toBe(1);
    expect(leaseSize(199, 0.01, 50)).toBe(1);
    expect(leaseSize(1_000, 0.01, 50)).toBe(10);
    expect(leaseSize(1_000_000, 0.01, 50)).toBe(50);
    expect(leaseSize(1_000, 0, 50)).toBe(1);
  });
});

describe("next lease size", () => {
  const at = 1_000_000;
  const previous = (size: number, tookMs: number, sharedRemaining = 10_000) => ({
    size,
    takenAt: at - tookMs,
    sharedRemaining,
    resetAt: at + 30_000,
  });
  it("starts at one point, doubles while leases go fast, up to the cap", () => {
    expect(nextLeaseSize(undefined, 50, at)).toBe(1);
    expect(nextLeaseSize(previous(1, 10), 50, at)).toBe(2);
    expect(nextLeaseSize(previous(32, 10), 50, at)).toBe(50);
    expect(nextLeaseSize(previous(8, 10), 1, at)).toBe(1);
  });
  it("keeps its size at a steady pace and halves when traffic slows", () => {
    expect(nextLeaseSize(previous(8, 5_000), 50, at)).toBe(8);
    expect(nextLeaseSize(previous(8, 20_000), 50, at)).toBe(4);
    expect(nextLeaseSize(previous(1, 20_000), 50, at)).toBe(1);
  });
  it("takes single points near the end of the shared budget, not in a new window", () => {
    expect(nextLeaseSize(previous(8, 10, 300), 50, at)).toBe(1);
    const lastWindow = { ...previous(8, 10, 300), resetAt: at - 1 };
    expect(nextLeaseSize(lastWindow, 50, at)).toBe(16);
  });
});

describeRedis("rate limits with leases on the shared Redis", ({ url }) => {
  const prefix = uniqueKeyPrefix("api-rl-lease").replace(/:$/, "");
  const admin = new Redis(url);
  const clients: Redis[] = [];
  afterAll(async () => {
    await deleteKeysWithPrefix(admin, prefix);
    admin.disconnect();
    for (const client of clients) client.disconnect();
  });
  const instance = (name: string, now?: () => number) => {
    const redis = new Redis(url);
    clients.push(redis);
    let commands = 0;
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((...args: Parameters<typeof send>) => {
      commands++;
      return send(...args);
    }) as typeof redis.sendCommand;
    const metrics = createMetrics({ serviceName: "test", emitEmf: false });
    const limiter = createKeyRateLimiter({
      redis,
      keyPrefix: `${prefix}:${name}`,
      logger: createLogger({ serviceName: "test", logLevel: "SILENT" }),
      metrics,
      ...(now ? { now } : {}),
    });
    return { limiter, metrics, commands: () => commands };
  };
  /** The points Redis has counted for a key in the current window. */
  const counted = async (keyPrefix: string) => {
    const keys = await admin.keys(`${keyPrefix}*`);
    const values = await Promise.all(keys.map((k) => admin.get(k)));
    return values.reduce((sum, v) => sum + Number(v ?? 0), 0);
  };

  it("two instances never let more than the limit through, and waste at most a lease each", async () => {
    const [a, b] = [instance("shared"), instance("shared")];
    // One keyPrefix for both: they share the budget. Limit 1,000 → leases of 10.
    const decisions = [];
    for (let i = 0; i < 1_100; i++) {
      decisions.push(await (i % 3 === 0 ? b : a).limiter.consume("key_1", 1_000));
    }
    const allowed = decisions.filter((d) => d.allowed).length;
    expect(allowed).toBeLessThanOrEqual(1_000);
    expect(allowed).toBeGreaterThanOrEqual(1_000 - 2 * 9);
    // Once refused, a key stays refused until the window resets, on both instances.
    const lastAllowed = decisions.map((d) => d.allowed).lastIndexOf(true);
    expect(decisions.slice(lastAllowed + 1).every((d) => !d.allowed)).toBe(true);
    const refused = decisions.at(-1);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, failedOpen: false });
    expect(refused?.resetSeconds).toBeGreaterThan(0);
    expect(refused?.resetSeconds).toBeLessThanOrEqual(60);
    // Redis counted whole leases: at most the limit plus one refused lease per instance.
    expect(await counted(`${prefix}:shared`)).toBeLessThanOrEqual(1_000 + 2 * 10);
  });

  it("counts RateLimit-Remaining down across the shared budget", async () => {
    const { limiter } = instance("remaining");
    const first = await limiter.consume("key_2", 1_000);
    const second = await limiter.consume("key_2", 1_000);
    expect(first).toMatchObject({ allowed: true, limit: 1_000, remaining: 999 });
    expect(second.remaining).toBe(998);
  });

  it("grows the lease of a key that is busy here: far fewer Redis calls than requests", async () => {
    const busy = instance("busy");
    const decisions = [];
    for (let i = 0; i < 500; i++) decisions.push(await busy.limiter.consume("key_3", 100_000));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    // Leases of 1, 2, 4, … 50, then 50 at a time: about 15 calls for 500 requests.
    expect(busy.commands()).toBeLessThan(30);
    expect(await counted(`${prefix}:busy`)).toBeLessThanOrEqual(500 + 50);
    expect(decisions.at(-1)?.remaining).toBe(100_000 - 500);
  });

  it("a key spread thinly over many instances is not refused before its limit", async () => {
    // 20 instances (Lambda environments) taking requests in a random order, one every 75 ms of
    // their clock (each sees one every ~1.5 s): leases stay at one or two points, so almost
    // nothing is stranded. Fixed leases of 10 stranded 35 of the 1,000 in this very sequence.
    let clock = Date.now();
    const fleet = Array.from({ length: 20 }, () => instance("thin", () => clock));
    let seed = 42;
    const pick = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return fleet[seed % 20] as (typeof fleet)[number];
    };
    let allowed = 0;
    for (let i = 0; i < 1_100; i++) {
      clock += 75;
      if ((await pick().limiter.consume("key_6", 1_000)).allowed) allowed++;
    }
    expect(allowed).toBeLessThanOrEqual(1_000);
    expect(allowed).toBeGreaterThanOrEqual(990);
  });

  it("grants what is left of the window when a lease does not fit", async () => {
    const [a, b] = [instance("tail"), instance("tail")];
    // 995 spent one by one through a lease-free limiter on the same budget.
    const exact = createKeyRateLimiter({
      redis: clients[0] as Redis,
      keyPrefix: `${prefix}:tail`,
      logger: createLogger({ serviceName: "test", logLevel: "SILENT" }),
      metrics: createMetrics({ serviceName: "test", emitEmf: false }),
      leaseShare: 0,
    });
    for (let i = 0; i < 995; i++) await exact.consume("key_4", 1_000);
    const results = [];
    for (let i = 0; i < 8; i++) results.push((await a.limiter.consume("key_4", 1_000)).allowed);
    // The lease of 10 did not fit, but the 5 points that were free are still spent.
    expect(results).toEqual([true, true, true, true, true, false, false, false]);
    expect((await b.limiter.consume("key_4", 1_000)).allowed).toBe(false);
  });

  it("fails open per request, counting each, when Redis is unreachable", async () => {
    const redis = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    clients.push(redis);
    const metrics = createMetrics({ serviceName: "test", emitEmf: false });
    const limiter = createKeyRateLimiter({
      redis,
      keyPrefix: `${prefix}:down`,
      logger: createLogger({ serviceName: "test", logLevel: "SILENT" }),
      metrics,
      connectWaitMs: 10,
    });
    const decisions = await Promise.all(
      Array.from({ length: 5 }, () => limiter.consume("key_5", 1_000)),
    );
    expect(decisions.every((d) => d.allowed && d.failedOpen)).toBe(true);
    expect(metrics.snapshot().RateLimiterFailOpen).toBe(5);
  });
});
