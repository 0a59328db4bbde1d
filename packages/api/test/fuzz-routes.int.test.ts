import { PROBLEM_CODES } from "@travel/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, flightRecords, insertInventory } from "./fixtures.js";
import { readProblem, startTestApp, type TestApp, tableSnapshot } from "./harness.js";

/** Every `code` the public contract defines. */
const CONTRACT_CODES = new Set<string>(PROBLEM_CODES);

/** Path segments that are sometimes plausible, sometimes hostile. */
const segment = fc.oneof(
  fc.constantFrom(
    "off_01ARZ3NDEKTSV4RRFFQ69G5FAV",
    "bkg_01ARZ3NDEKTSV4RRFFQ69G5FAV",
    "key_01ARZ3NDEKTSV4RRFFQ69G5FAV",
    "JFK-LAX",
    "jfk-lax",
    "JFK-ZZZ",
    "JFK-JFK",
    "..",
    "%2e%2e",
    "%E0%A4%A",
    "%00",
    "%FF%FE",
    "null",
    "undefined",
    "__proto__",
    "constructor",
    "off_",
    "😀",
  ),
  fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s)),
  fc.string({ minLength: 300, maxLength: 3_000 }).map((s) => encodeURIComponent(s)),
);

const queryValue = fc.oneof(
  fc.constantFrom(
    dayFromToday(1),
    dayFromToday(-400),
    "2026-02-30",
    "9999-99-99",
    "",
    "0",
    "-1",
    "1e309",
    "NaN",
    "tenant-fuzz",
    "search,book",
    "%",
    "%E0%A4%A",
  ),
  fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s)),
);
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom("from", "to", "tenantId", "limit", "cursor", "status", "x", "from[]"),
      queryValue,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));

const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    "",
    "{",
    "null",
    "[]",
    '{"price":{"amount":"-1.00","currency":"USD"}}',
    '{"price":{"amount":"1.001","currency":"USD"}}',
    '{"price":{"amount":"1e3","currency":"usd"}}',
    '{"seatsAvailable":-5}',
    '{"seatsAvailable":1.5}',
    '{"roomsAvailable":99999999999999999999}',
    '{"tenantId":"","name":"x","scopes":["root"]}',
    '{"tenantId":"t","name":"x","scopes":[]}',
    '{"__proto__":{"admin":true}}',
    "\u0000",
  ),
  fc.string({ maxLength: 100 }),
);

const routes = fc.oneof(
  fc
    .tuple(fc.constant("PATCH"), segment)
    .map(([m, s]) => ({ method: m, path: `/v1/admin/offers/${s}` })),
  fc
    .tuple(fc.constant("DELETE"), segment)
    .map(([m, s]) => ({ method: m, path: `/v1/admin/api-keys/${s}` })),
  fc.constant({ method: "POST", path: "/v1/admin/api-keys" }),
  fc
    .tuple(fc.constant("POST"), segment)
    .map(([m, s]) => ({ method: m, path: `/v1/bookings/${s}/cancel` })),
  fc.tuple(fc.constant("GET"), segment).map(([m, s]) => ({ method: m, path: `/v1/bookings/${s}` })),
  fc.tuple(fc.constant("GET"), segment).map(([m, s]) => ({ method: m, path: `/v1/offers/${s}` })),
  fc
    .tuple(fc.constant("GET"), segment)
    .map(([m, s]) => ({ method: m, path: `/v1/analytics/routes/${s}` })),
  fc.constant({ method: "GET", path: "/v1/analytics/summary" }),
  fc.constant({ method: "GET", path: "/v1/analytics/live" }),
  fc.constant({ method: "GET", path: "/v1/bookings" }),
  fc.constant({ method: "GET", path: "/v1/admin/api-keys" }),
  fc
    .tuple(fc.constantFrom("PUT", "DELETE", "PATCH", "POST", "GET"), segment, segment)
    .map(([m, a, b]) => ({ method: m, path: `/v1/${a}/${b}` })),
);

const WRITES = new Set(["POST", "PATCH", "DELETE", "PUT"]);

describe("every route under random paths, queries and bodies", () => {
  let t: TestApp;
  let key: string;

  const snapshot = () => tableSnapshot(t.engine);

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.createKey(["search", "book", "keys", "inventory", "analytics"], {
      tenantId: "tenant-fuzz",
    });
    await insertInventory(t.engine.db, { flights: flightRecords(dayFromToday(5)) });
  });
  afterAll(async () => {
    await t.close();
  });

  it("never answers 5xx; every error is contract problem+json; a refused write changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        routes,
        query,
        body,
        fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-16", ""),
        async (route, search, payload, contentType) => {
          const write = WRITES.has(route.method);
          const before = write ? await snapshot() : "";
          const headers: Record<string, string> = { "idempotency-key": "fuzz-key-0001" };
          if (contentType) headers["content-type"] = contentType;
          const res = await t.request(`${route.path}${search}`, {
            method: route.method,
            key,
            headers,
            ...(route.method === "GET" ? {} : { body: payload }),
          });
          expect(res.status, `${route.method} ${route.path}${search}`).toBeLessThan(500);
          if (res.status >= 400) {
            const problem = await readProblem(res);
            expect(problem.status).toBe(res.status);
            expect(CONTRACT_CODES.has(String(problem.code)), String(problem.code)).toBe(true);
            if (write) expect(await snapshot()).toBe(before);
          } else {
            await res.arrayBuffer();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
