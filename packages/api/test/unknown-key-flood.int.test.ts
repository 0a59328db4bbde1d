import { randomBytes } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressBucket } from "../src/middleware/auth/index.js";
import { serveApp } from "../src/node-server.js";
import { startTestApp, type TestApp } from "./harness.js";

const BUDGET = 20;

function get(port: number, path: string, key: string, localAddress = "127.0.0.1") {
  return new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        localAddress,
        agent: new Agent(),
        headers: { "x-api-key": key },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers["retry-after"] as string,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * Finding 8: 300 random keys in 2 s used to cost 300 strongly consistent reads and answer 46 ×
 * 503. Unknown keys now spend a per-address budget before any read; past it, 429.
 */
describe("a flood of unknown keys from one address", { timeout: 120_000 }, () => {
  let t: TestApp;
  let port: number;
  let server: ReturnType<typeof serveApp>;
  let tableReads = 0;

  beforeAll(async () => {
    t = await startTestApp({ env: { UNKNOWN_KEY_LOOKUPS_PER_MINUTE: String(BUDGET) } });
    t.engine.clients.raw.middlewareStack.add(
      (next) => async (args) => {
        tableReads++;
        return next(args);
      },
      { step: "initialize", name: "countTableCalls" },
    );
    server = serveApp(t.app, { port: 0, hostname: "0.0.0.0" });
    await new Promise<void>((done) => server.once("listening", () => done()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await t.close();
  });

  it("is answered 429 (never 503) after at most the budget of table reads; other addresses and known keys still pass", async () => {
    const goodKey = await t.createKey(["keys"], { tenantId: "tenant-flood" });
    // A key used once is cached: the flood must not lock its owner out.
    expect((await get(port, "/v1/admin/api-keys", goodKey)).status).toBe(200);

    const readsBefore = tableReads;
    const answers: { status: number; retryAfter: string | undefined }[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        // 300 requests spread over 2 s.
        await new Promise((resolve) => setTimeout(resolve, Math.floor((i * 2_000) / 300)));
        answers.push(
          await get(port, "/v1/search/flights", `sk_${randomBytes(24).toString("hex")}`),
        );
      }),
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    const reads = tableReads - readsBefore;
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(BUDGET);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(300 - BUDGET);
    expect(answers.find((a) => a.status === 429)?.retryAfter).toMatch(/^\d+$/);
    // One key-table read per unknown key at most, and only within the budget.
    expect(reads).toBeLessThanOrEqual(BUDGET);

    // The cached key works from the flooding address; a new key from another address reads once.
    expect((await get(port, "/v1/admin/api-keys", goodKey)).status).toBe(200);
    const otherKey = await t.createKey(["keys"], { tenantId: "tenant-other" });
    expect((await get(port, "/v1/admin/api-keys", otherKey, "127.0.0.2")).status).toBe(200);
  });

  it("buckets IPv6 by /64 and IPv4-mapped addresses as IPv4", () => {
    expect(addressBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("2001:db8:0:1:aaaa::1")).toBe("2001:db8:0:1::/64");
    expect(addressBucket("2001:db8:0:1:bbbb:cccc:dddd:eeee")).toBe("2001:db8:0:1::/64");
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
  });
});
