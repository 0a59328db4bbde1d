import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, flightRecords, insertInventory } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

const FLIGHT_KEYS = [
  "origin",
  "destination",
  "departureDate",
  "adults",
  "cabin",
  "maxStops",
  "maxPrice",
  "carriers",
  "sort",
  "limit",
  "cursor",
];
const HOTEL_KEYS = [
  "city",
  "checkIn",
  "checkOut",
  "guests",
  "rooms",
  "maxPrice",
  "sort",
  "limit",
  "cursor",
];

/** Values that are sometimes right, sometimes subtly wrong, sometimes garbage. */
const value = fc.oneof(
  fc.constantFrom(
    "JFK",
    "lax",
    " LHR ",
    "ZZZ",
    "JF",
    "",
    "economy",
    "first",
    "price",
    "rating",
    "duration",
  ),
  fc.constantFrom(dayFromToday(3), dayFromToday(-1), dayFromToday(400), "2026-02-30", "tomorrow"),
  fc.constantFrom(
    "0",
    "1",
    "9",
    "10",
    "-1",
    "1.5",
    "1e3",
    "NaN",
    "Infinity",
    "0x10",
    "999999999999",
  ),
  fc.constantFrom("AA,DL", "aa, ,dl", ",,,", "AAA", "123.45", "0.001", "1e2"),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);

const structuredQuery = (keys: string[]) =>
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 10 })), value), {
      maxLength: 14,
    })
    .map((pairs) => new URLSearchParams(pairs).toString());

/** Raw query strings, including broken percent-encoding and stray separators. */
const rawQuery = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "origin=",
        "destination=",
        "&",
        "=",
        "%",
        "%E0%A4%A",
        "%ZZ",
        "+",
        "?",
        "#",
        "[]",
        "limit[]=1",
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(""));

/** A valid flight query with one or two fields replaced by random values (reaches the service). */
const mutatedValidQuery = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...FLIGHT_KEYS), value),
      fc.constantFrom<[string, string]>(
        ["adults", "2"],
        ["cabin", "business"],
        ["sort", "duration"],
        ["sort", "departure"],
        ["limit", "2"],
        ["maxStops", "0"],
        ["maxPrice", "260.00"],
        ["carriers", "aa,dl"],
        ["origin", " jfk"],
      ),
    ),
    { minLength: 1, maxLength: 2 },
  )
  .map((mutations) => {
    const params = new URLSearchParams({
      origin: "JFK",
      destination: "LAX",
      departureDate: dayFromToday(3),
    });
    for (const [k, v] of mutations) params.set(k, v);
    return params.toString();
  });

describe("search routes under random query strings", () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    await insertInventory(t.engine.db, { flights: flightRecords(dayFromToday(3)) });
    key = await t.createKey(["search"]);
  });
  afterAll(async () => {
    await t.close();
  });

  it("never answers 5xx, and every error is a problem+json 4xx", async () => {
    let ok = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(
            fc.constantFrom("/v1/flights/search", "/v1/hotels/search"),
            fc.oneof(structuredQuery(FLIGHT_KEYS), structuredQuery(HOTEL_KEYS), rawQuery),
          ),
          fc.tuple(fc.constant("/v1/flights/search"), mutatedValidQuery),
        ),
        async ([path, query]) => {
          const res = await t.request(`${path}?${query.replace(/#/g, "%23")}`, { key });
          expect(res.status, `${path}?${query}`).toBeLessThan(500);
          if (res.status !== 200) {
            expect(res.headers.get("content-type")).toContain("application/problem+json");
            const body = (await res.json()) as { code: string; status: number };
            expect(body.status).toBe(res.status);
          } else {
            ok++;
            await res.arrayBuffer();
          }
        },
      ),
      { numRuns: 250 },
    );
    // The generators reach the happy path too, not only validation errors.
    expect(ok).toBeGreaterThan(5);
  });
});
