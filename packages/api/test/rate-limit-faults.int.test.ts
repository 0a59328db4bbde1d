import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { type RedisServerHandle, startRedisServer } from "@travel/cache/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyRateLimiter, type KeyRateLimiter } from "../src/middleware/rate-limit/limiter.js";
import { createLogger, createMetrics } from "../src/observability.js";

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

/**
 * Issue 17, finding 3: rate limits survive Redis faults. A 10/min key used to make every call
 * it liked during a stall (headers claiming the full budget), each call paying ~500 ms.
 */
describe.skipIf(!hasRedisServer)(
  "rate limits on a test-owned redis-server that dies and stalls",
  () => {
    let server: RedisServerHandle;
    let redis: Redis;
    let limiter: KeyRateLimiter;
    /** Commands the limiter's connection sent. */
    let sent = 0;
    const metrics = createMetrics({ serviceName: "rl-faults", emitEmf: false });

    beforeAll(async () => {
      server = await startRedisServer();
      redis = new Redis(server.url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 50,
      });
      redis.on("error", () => {}); // faults are what this test makes; the limiter reports them
      const send = redis.sendCommand.bind(redis);
      redis.sendCommand = ((...args: Parameters<typeof send>) => {
        sent++;
        return send(...args);
      }) as typeof redis.sendCommand;
      await new Promise((resolve) => redis.once("ready", resolve));
      limiter = createKeyRateLimiter({
        redis,
        keyPrefix: "rl-faults",
        logger: createLogger({ serviceName: "rl-faults", logLevel: "SILENT" }),
        metrics,
        insuranceShare: 0.25,
        breakerFailures: 3,
        breakerHalfOpenMs: 300,
      });
    });
    afterAll(async () => {
      server.resume();
      redis.disconnect();
      await server.stop();
    });

    const timed = (keyId: string, limit: number) => limiter.consume(keyId, limit);

    it("stalled (SIGSTOP): the insurance share is enforced, and once the breaker is open a call costs no wait", async () => {
      for (let i = 0; i < 5; i++) expect((await timed("stall", 40)).source).toBe("shared");
      server.pause();
      const sentBefore = sent;
      const during = [];
      for (let i = 0; i < 20; i++) during.push(await timed("stall", 40));
      const sentDuringStall = sent - sentBefore;
      server.resume();
      // 25 % of 40 = 10 calls pass on insurance; the remaining headers count that budget down.
      expect(during.filter((d) => d.allowed)).toHaveLength(10);
      expect(during.every((d) => d.source === "insurance")).toBe(true);
      expect(during.map((d) => d.remaining).slice(0, 10)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      // Only the first three calls went to Redis (each waiting for the command timeout); then
      // the breaker skipped it: no wait and no command for the other seventeen.
      expect(sentDuringStall).toBe(3);

      // Back: after the half-open delay the shared budget (35 left) answers again.
      await sleep(400);
      const back = await timed("stall", 40);
      // Calls that timed out were still sent: Redis counts them when it wakes (never over).
      expect(back).toMatchObject({ source: "shared", allowed: true });
      expect(back.remaining).toBeGreaterThanOrEqual(31);
      expect(back.remaining).toBeLessThanOrEqual(34);
    });

    it("killed: refused at once by the insurance share, then the shared budget after a restart", async () => {
      await server.kill();
      const during = [];
      for (let i = 0; i < 6; i++) during.push(await timed("killed", 8));
      expect(during.map((d) => d.allowed)).toEqual([true, true, false, false, false, false]);
      expect(during.every((d) => d.source === "insurance")).toBe(true);
      await server.restart();
      let back = await timed("killed", 8);
      for (let i = 0; i < 50 && back.source !== "shared"; i++) {
        await sleep(100);
        back = await timed("killed", 8);
      }
      expect(back).toMatchObject({ source: "shared", allowed: true });
      expect(metrics.snapshot().RateLimiterInsurance).toBeGreaterThanOrEqual(26);
    });
  },
);
