import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import { startLocalEngine } from "@travel/core/local";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { readProblem, startTestApp } from "./harness.js";

const LIST = "/v1/admin/api-keys";

describe("rate limits (in-process limiter, no REDIS_URL)", () => {
  it("counts down RateLimit-Remaining, then answers 429 rate_limited with Retry-After", async () => {
    const t = await startTestApp();
    try {
      const key = await t.createKey(["keys"], { rateLimitPerMinute: 3 });
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await t.request(LIST, { key });
        expect(res.status).toBe(200);
        expect(res.headers.get("ratelimit-limit")).toBe("3");
        expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
        remaining.push(res.headers.get("ratelimit-remaining") ?? "");
      }
      expect(remaining).toEqual(["2", "1", "0"]);
      const limited = await t.request(LIST, { key });
      expect(limited.status).toBe(429);
      expect(await readProblem(limited)).toMatchObject({ code: "rate_limited", status: 429 });
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get("ratelimit-remaining")).toBe("0");
      // Budgets are per key: another key of the same tenant is unaffected.
      const other = await t.createKey(["keys"], { rateLimitPerMinute: 3 });
      expect((await t.request(LIST, { key: other })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("enforces this instance's insurance share (and counts it) when the limiter's Redis is unreachable", async () => {
    const t = await startTestApp({ env: { REDIS_URL: "redis://127.0.0.1:1" } });
    try {
      const key = await t.createKey(["keys"], { rateLimitPerMinute: 8 });
      const answers: [number, string | null, string | null][] = [];
      for (let i = 0; i < 4; i++) {
        const res = await t.request(LIST, { key });
        answers.push([
          res.status,
          res.headers.get("ratelimit-limit"),
          res.headers.get("ratelimit-remaining"),
        ]);
      }
      // 25 % of 8 on this instance: two pass, then 429; the headers never claim the full budget.
      expect(answers).toEqual([
        [200, "8", "1"],
        [200, "8", "0"],
        [429, "8", "0"],
        [429, "8", "0"],
      ]);
      expect(t.deps.metrics.snapshot().RateLimiterInsurance).toBe(4);
    } finally {
      await t.close();
    }
  });
});

describeRedis("rate limits on the shared Redis", ({ url }) => {
  const prefix = uniqueKeyPrefix("api-rl").replace(/:$/, "");
  const admin = new Redis(url);
  afterAll(async () => {
    await deleteKeysWithPrefix(admin, prefix);
    admin.disconnect();
  });

  it("two app instances on one Redis spend one budget per key", async () => {
    const engine = await startLocalEngine();
    const env = { REDIS_URL: url, REDIS_KEY_PREFIX: prefix };
    const a = await startTestApp({ engine, env });
    const b = await startTestApp({ engine, env });
    try {
      const key = await a.createKey(["keys"], { rateLimitPerMinute: 4 });
      const statuses: number[] = [];
      for (const t of [a, b, a, b, a, b]) statuses.push((await t.request(LIST, { key })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      const limited = await b.request(LIST, { key });
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(a.deps.metrics.snapshot().RateLimiterInsurance ?? 0).toBe(0);
      expect(await admin.keys(`${prefix}:rl:*`)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
      await engine.stop();
    }
  });
});
