import { hotelOfferId, PROBLEM_CODES } from "@travel/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, flightRecords, HOTELS, insertInventory, roomNights } from "./fixtures.js";
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

// Issue 17's findings, as generators: impossible and far dates, amounts past exact minor units,
// limits in other notations, control characters, birth dates in the future.
const edgeDate = fc.oneof(
  fc.constantFrom(
    "2026-13-45",
    "2026-14-01",
    "2026-02-30",
    "2027-02-29",
    "9999-12-31",
    "9999-12-01",
    "0000-01-01",
    "1899-12-31",
    "2026-1-1",
    "20261201",
    "2026-12-01T00:00:00Z",
  ),
  fc.integer({ min: -800, max: 4_000 }).map(dayFromToday),
);
const edgeAmount = fc.oneof(
  fc.constantFrom(
    "999999999999999.99",
    "99999999999999999999",
    "1e3",
    "0.001",
    "-1.00",
    "1.5",
    "0",
    "250.00",
    "500.00",
    " 250.00",
    "250,00",
    "NaN",
    "Infinity",
  ),
  fc.integer({ min: 0, max: 10_000_000 }).map((n) => (n / 100).toFixed(2)),
);
const money = fc.record({
  amount: fc.oneof(edgeAmount, fc.double().map(String)),
  currency: fc.constantFrom("USD", "GBP", "JPY", "usd", "XXX", ""),
});
const edgeLimit = fc.oneof(
  fc.constantFrom("0x10", "1e1", "0b11", "0o7", "+5", " 5", "5.0", "-1", "0", "101", "16", ""),
  fc.integer({ min: -5, max: 200 }).map(String),
);
const controlText = fc.oneof(
  fc.constantFrom(
    "Ada",
    "\u001b[31mred\u001b[0m",
    "line\nbreak",
    "nul\u0000",
    "bidi\u202eevil",
    "zero\u200bwidth",
    "\u0007bell",
    " ",
    "a".repeat(300),
  ),
  fc.string({ maxLength: 20 }),
);
const crafted = (date: string) => [
  "off_01JD8X3Z5K7M9P1Q3R5T7V9XA1",
  hotelOfferId({ hotelId: HOTELS[0]!.hotelId, checkIn: "2026-13-45", checkOut: "2026-14-01" }),
  hotelOfferId({ hotelId: HOTELS[0]!.hotelId, checkIn: "9999-12-30", checkOut: "9999-12-31" }),
  hotelOfferId({ hotelId: HOTELS[0]!.hotelId, checkIn: date, checkOut: dayFromToday(8) }),
  hotelOfferId({ hotelId: HOTELS[0]!.hotelId, checkIn: date, checkOut: dayFromToday(400) }),
  "off_",
  "off_%00",
];

describe("every route with the inputs issue 17 found holes in", () => {
  let t: TestApp;
  let key: string;
  const date = dayFromToday(6);
  const offerIds = fc.oneof(fc.constantFrom(...crafted(date)), controlText.map(encodeURIComponent));

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.createKey(["search", "book", "keys", "inventory", "analytics"], {
      tenantId: "tenant-edges",
    });
    await insertInventory(t.engine.db, {
      flights: flightRecords(date),
      hotels: HOTELS,
      nights: roomNights(date, dayFromToday(9)),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const booking = fc.record({
    offerId: fc.oneof(fc.constantFrom(...crafted(date)), controlText),
    quantity: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constant(1.5)),
    travelers: fc.array(
      fc.record(
        {
          givenName: controlText,
          familyName: controlText,
          dateOfBirth: fc.oneof(edgeDate, fc.integer({ min: 1, max: 30 }).map(dayFromToday)),
        },
        { requiredKeys: ["givenName", "familyName"] },
      ),
      { minLength: 0, maxLength: 3 },
    ),
    contact: fc.record({ email: fc.constantFrom("ada@example.org", "x", "a@b\u0000.c") }),
    expectedTotal: money,
  });

  interface EdgeRequest {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    /** The status the contract demands for this input, where it is certain. */
    mustBe?: number;
  }
  const requests: fc.Arbitrary<EdgeRequest> = fc.oneof(
    fc.tuple(booking, controlText).map(([b, idem]) => ({
      method: "POST",
      path: "/v1/bookings",
      headers: { "idempotency-key": `edge-${idem.replace(/[^\x21-\x7e]/g, "")}-key` },
      body: JSON.stringify(b),
      // A birth date after today anywhere is refused before anything else happens.
      ...(b.travelers.some((traveler) => (traveler.dateOfBirth ?? "") > dayFromToday(1))
        ? { mustBe: 422 }
        : {}),
    })),
    fc
      .tuple(edgeLimit, fc.constantFrom("", "confirmed", "failed", "CONFIRMED"))
      .map(([limit, status]) => ({
        method: "GET",
        path: `/v1/bookings?limit=${encodeURIComponent(limit)}${status ? `&status=${status}` : ""}`,
        // Only plain digits 1–100 are a limit (as on search): "0x10", "1e1", "+5" are 422.
        ...(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 100
          ? {}
          : { mustBe: 422 }),
      })),
    fc
      .tuple(
        offerIds,
        fc.record(
          {
            price: money,
            seatsAvailable: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.constant(1e20)),
            roomsAvailable: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.constant(2.5)),
          },
          { requiredKeys: [] },
        ),
      )
      .map(([id, update]) => ({
        method: "PATCH",
        path: `/v1/admin/offers/${id}`,
        body: JSON.stringify(update),
      })),
    offerIds.map((id) => ({ method: "GET", path: `/v1/offers/${id}` })),
    fc.tuple(edgeDate, edgeDate).map(([from, to]) => ({
      method: "GET",
      path: `/v1/analytics/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    })),
    fc.tuple(edgeDate, edgeDate).map(([from, to]) => ({
      method: "GET",
      path: `/v1/analytics/routes/JFK-LAX?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    })),
    fc.tuple(edgeDate, edgeLimit).map(([d, limit]) => ({
      method: "GET",
      path: `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${encodeURIComponent(d)}&limit=${encodeURIComponent(limit)}`,
    })),
    fc.tuple(edgeDate, edgeDate, edgeLimit).map(([checkIn, checkOut, limit]) => ({
      method: "GET",
      path: `/v1/hotels/search?city=LHR&checkIn=${encodeURIComponent(checkIn)}&checkOut=${encodeURIComponent(checkOut)}&limit=${encodeURIComponent(limit)}`,
    })),
    fc
      .tuple(controlText, fc.oneof(fc.integer({ min: -1, max: 2_000_000 }), fc.constant(1e21)))
      .map(([name, rateLimitPerMinute]) => ({
        method: "POST",
        path: "/v1/admin/api-keys",
        body: JSON.stringify({ name, scopes: ["search"], rateLimitPerMinute }),
      })),
    fc.tuple(edgeLimit, controlText).map(([limit, tenantId]) => ({
      method: "GET",
      path: `/v1/admin/api-keys?limit=${encodeURIComponent(limit)}&tenantId=${encodeURIComponent(tenantId)}`,
    })),
    controlText.map((url) => ({
      method: "POST",
      path: "/v1/webhooks",
      body: JSON.stringify({ url, events: ["booking.confirmed"] }),
    })),
    edgeLimit.map((limit) => ({
      method: "GET",
      path: `/v1/webhooks?limit=${encodeURIComponent(limit)}`,
    })),
    fc.constant({ method: "GET", path: "/health" }),
  );

  it("never answers 5xx; errors are contract problem+json; a refused request writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const before = request.method === "GET" ? "" : await tableSnapshot(t.engine);
        const res = await t.request(request.path, {
          method: request.method,
          key,
          headers: { "content-type": "application/json", ...request.headers },
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        const label = `${request.method} ${request.path} ${request.body ?? ""}`;
        expect(res.status, label).toBeLessThan(500);
        if (request.mustBe !== undefined) expect(res.status, label).toBe(request.mustBe);
        if (res.status >= 400) {
          const problem = await readProblem(res);
          expect(problem.status, label).toBe(res.status);
          expect(CONTRACT_CODES.has(String(problem.code)), label).toBe(true);
          // Validation refusals write nothing (stored booking outcomes such as a 409 do).
          if (request.method !== "GET" && [400, 413, 415, 422].includes(res.status)) {
            expect(await tableSnapshot(t.engine), label).toBe(before);
          }
        } else {
          await res.arrayBuffer();
        }
      }),
      { numRuns: 250 },
    );
  });
});
