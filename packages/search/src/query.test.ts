import { describe, expect, it } from "vitest";
import type { Clock } from "./clock.js";
import { SearchValidationError } from "./errors.js";
import { createFlightQuerySchema, createHotelQuerySchema, parseOrThrow } from "./query.js";

const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const noon = at("2026-06-15T12:00:00Z");
const flights = createFlightQuerySchema(noon);
const hotels = createHotelQuerySchema(noon);

const flight = (overrides: Record<string, string | undefined> = {}) => ({
  origin: "JFK",
  destination: "LAX",
  departureDate: "2026-07-01",
  ...overrides,
});
const hotel = (overrides: Record<string, string | undefined> = {}) => ({
  city: "LAX",
  checkIn: "2026-07-01",
  checkOut: "2026-07-04",
  ...overrides,
});

/** The `errors` a 422 would carry for this input. */
function fieldErrors(schema: typeof flights | typeof hotels, input: unknown) {
  try {
    parseOrThrow(schema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(SearchValidationError);
    const e = error as SearchValidationError;
    expect(e.status).toBe(422);
    expect(e.code).toBe("validation_failed");
    return e.errors ?? [];
  }
  throw new Error("expected the input to be rejected");
}

const paths = (schema: typeof flights | typeof hotels, input: unknown) =>
  fieldErrors(schema, input).map((e) => e.path);

describe("flight query", () => {
  it("folds case and whitespace and fills the defaults", () => {
    const q = parseOrThrow(flights, flight({ origin: "  jfk ", destination: "lAx" }));
    expect(q).toEqual({
      origin: "JFK",
      destination: "LAX",
      departureDate: "2026-07-01",
      adults: 1,
      children: 0,
      infants: 0,
      maxStops: 1,
      cabin: "economy",
      sort: "price",
      limit: 20,
    });
  });

  it("parses numbers, carriers and price from query strings", () => {
    const q = parseOrThrow(
      flights,
      flight({
        adults: " 3 ",
        maxStops: "0",
        maxPrice: "450.5",
        carriers: "dl, aa,DL",
        sort: "duration",
        limit: "100",
        cabin: "business",
      }),
    );
    expect(q).toMatchObject({
      adults: 3,
      maxStops: 0,
      maxPrice: "450.5",
      carriers: ["AA", "DL"],
      sort: "duration",
      limit: 100,
      cabin: "business",
    });
  });

  it("refuses an unknown airport instead of answering an empty result", () => {
    expect(fieldErrors(flights, flight({ destination: "ZZZ" }))).toEqual([
      { path: "destination", message: "is not a known airport or city code" },
    ]);
    expect(paths(flights, flight({ origin: "JFKX" }))).toEqual(["origin"]);
    expect(paths(flights, flight({ origin: "J1K" }))).toEqual(["origin"]);
  });

  it("refuses the same origin and destination", () => {
    expect(paths(flights, flight({ origin: "lax", destination: "LAX" }))).toEqual(["destination"]);
  });

  it.each([["abc"], ["1.5"], [""], ["0x2"], ["0"], ["10"], ["-1"]])(
    "refuses adults=%j as a validation error, never NaN",
    (adults) => {
      expect(paths(flights, flight({ adults }))).toEqual(["adults"]);
    },
  );

  it.each([
    ["maxStops", "3"],
    ["maxPrice", "-5"],
    ["maxPrice", "12.3456"],
    ["maxPrice", "1e3"],
    ["carriers", " , "],
    ["sort", "cheapest"],
    ["cabin", "coach"],
    ["limit", "0"],
    ["limit", "101"],
  ])("refuses %s=%j", (field, value) => {
    expect(paths(flights, flight({ [field]: value }))).toEqual([field]);
  });

  it("points at the bad carrier in the list", () => {
    expect(fieldErrors(flights, flight({ carriers: "AA,AAA" }))).toEqual([
      { path: "carriers.1", message: "each carrier must be a 2-character IATA airline code" },
    ]);
  });

  it("accepts today … today + 365 days and nothing outside", () => {
    expect(parseOrThrow(flights, flight({ departureDate: "2026-06-15" })).departureDate).toBe(
      "2026-06-15",
    );
    expect(parseOrThrow(flights, flight({ departureDate: "2027-06-15" })).departureDate).toBe(
      "2027-06-15",
    );
    expect(fieldErrors(flights, flight({ departureDate: "2026-06-14" }))).toEqual([
      { path: "departureDate", message: "must not be before 2026-06-15" },
    ]);
    expect(paths(flights, flight({ departureDate: "2027-06-16" }))).toEqual(["departureDate"]);
    expect(paths(flights, flight({ departureDate: "2026-02-30" }))).toEqual(["departureDate"]);
    expect(paths(flights, flight({ departureDate: "15/07/2026" }))).toEqual(["departureDate"]);
  });

  it("takes 'today' at the origin, not in UTC", () => {
    // 02:00 UTC on 15 June is still 14 June in New York, already 15 June in London.
    const early = createFlightQuerySchema(at("2026-06-15T02:00:00Z"));
    expect(
      parseOrThrow(early, flight({ origin: "JFK", departureDate: "2026-06-14" })).departureDate,
    ).toBe("2026-06-14");
    expect(paths(early, flight({ origin: "LHR", departureDate: "2026-06-14" }))).toEqual([
      "departureDate",
    ]);
  });

  it("reads the clock at every parse, not when the schema was built", () => {
    let now = new Date("2026-06-15T12:00:00Z");
    const schema = createFlightQuerySchema({ now: () => now });
    expect(schema.safeParse(flight({ departureDate: "2026-06-15" })).success).toBe(true);
    now = new Date("2026-06-17T12:00:00Z");
    expect(schema.safeParse(flight({ departureDate: "2026-06-15" })).success).toBe(false);
  });
});

describe("hotel query", () => {
  it("normalises and fills the defaults", () => {
    expect(parseOrThrow(hotels, hotel({ city: " lax" }))).toEqual({
      city: "LAX",
      checkIn: "2026-07-01",
      checkOut: "2026-07-04",
      guests: 1,
      rooms: 1,
      sort: "price",
      limit: 20,
    });
  });

  it("needs 1 to 30 nights", () => {
    expect(paths(hotels, hotel({ checkOut: "2026-07-01" }))).toEqual(["checkOut"]);
    expect(paths(hotels, hotel({ checkOut: "2026-06-30" }))).toEqual(["checkOut"]);
    expect(parseOrThrow(hotels, hotel({ checkOut: "2026-07-31" })).checkOut).toBe("2026-07-31");
    expect(paths(hotels, hotel({ checkOut: "2026-08-01" }))).toEqual(["checkOut"]);
  });

  it("refuses a check-in in the past, an unknown city and bad counts", () => {
    expect(paths(hotels, hotel({ checkIn: "2026-06-14", checkOut: "2026-06-16" }))).toEqual([
      "checkIn",
    ]);
    expect(paths(hotels, hotel({ city: "ZZZ" }))).toEqual(["city"]);
    expect(paths(hotels, hotel({ rooms: "5", guests: "8" }))).toEqual(["rooms"]);
    expect(paths(hotels, hotel({ guests: "9" }))).toEqual(["guests"]);
    expect(paths(hotels, hotel({ guests: "two" }))).toEqual(["guests"]);
    expect(paths(hotels, hotel({ rooms: "3", guests: "2" }))).toEqual(["guests"]);
    expect(paths(hotels, hotel({ sort: "duration" }))).toEqual(["sort"]);
  });
});

describe("date window", () => {
  it("refuses a date once it is yesterday at the origin, at local midnight", () => {
    // 23:59:30 on 14 June in New York is 03:59:30 UTC on the 15th.
    let now = new Date("2026-06-15T03:59:30Z");
    const schema = createFlightQuerySchema({ now: () => now });
    const query = flight({ departureDate: "2026-06-14" });
    expect(schema.safeParse(query).success).toBe(true);
    now = new Date("2026-06-15T04:00:30Z"); // 00:00:30 on the 15th in New York
    expect(paths(schema, query)).toEqual(["departureDate"]);
    // The same for hotels, in the city's time zone (Los Angeles: UTC-7 in June).
    now = new Date("2026-06-15T06:59:30Z");
    const hotelSchema = createHotelQuerySchema({ now: () => now });
    const stay = hotel({ checkIn: "2026-06-14", checkOut: "2026-06-16" });
    expect(hotelSchema.safeParse(stay).success).toBe(true);
    now = new Date("2026-06-15T07:00:30Z");
    expect(paths(hotelSchema, stay)).toEqual(["checkIn"]);
  });
});

describe("v2: strict queries and city codes", () => {
  it("names every unknown parameter", () => {
    expect(fieldErrors(flights, { ...flight(), currency: "EUR", foo: "1" })).toEqual([
      { path: "currency", message: "is not a known parameter" },
      { path: "foo", message: "is not a known parameter" },
    ]);
    expect(paths(hotels, { ...hotel(), returnDate: "2026-07-09" })).toEqual(["returnDate"]);
  });

  it("accepts metropolitan city codes and refuses places sharing an airport", () => {
    const q = parseOrThrow(flights, flight({ origin: "nyc", destination: "LON" }));
    expect([q.origin, q.destination]).toEqual(["NYC", "LON"]);
    expect(paths(flights, flight({ origin: "NYC", destination: "JFK" }))).toEqual(["destination"]);
    expect(paths(flights, flight({ origin: "LGW", destination: "LON" }))).toEqual(["destination"]);
    expect(paths(flights, flight({ origin: "QQQ" }))).toEqual(["origin"]);
    expect(parseOrThrow(hotels, hotel({ city: "PAR" })).city).toBe("PAR");
  });
});
