import { describe, expect, it } from "vitest";
import {
  flightCacheKey,
  flightQueryFingerprint,
  flightRequestOf,
  hotelCacheKey,
  hotelQueryFingerprint,
  hotelRequestOf,
} from "./cache-key.js";
import { createFlightQuerySchema, createHotelQuerySchema } from "./query.js";

const clock = { now: () => new Date("2026-06-15T12:00:00Z") };
const flights = createFlightQuerySchema(clock);
const hotels = createHotelQuerySchema(clock);
const base = { origin: "JFK", destination: "LAX", departureDate: "2026-07-01" };
const flightKey = (raw: Record<string, string>) =>
  flightCacheKey(flightRequestOf(flights.parse({ ...base, ...raw })));
const flightPrint = (raw: Record<string, string>) =>
  flightQueryFingerprint(flights.parse({ ...base, ...raw }));

describe("flight cache key", () => {
  it("is the same for every sort, page size, traveller count and filter", () => {
    const key = flightKey({});
    expect(key).toBe("flights:v1:JFK-LAX:2026-07-01:economy");
    const variants: Record<string, string>[] = [
      { sort: "duration" },
      { sort: "departure", limit: "5" },
      { adults: "4" },
      { maxStops: "0", maxPrice: "300", carriers: "AA" },
      { cursor: "anything" },
      { origin: " jfk", destination: "lax " },
    ];
    for (const variant of variants) {
      expect(flightKey(variant)).toBe(key);
    }
  });

  it("differs for what changes the result set: route, date, cabin", () => {
    const key = flightKey({});
    expect(flightKey({ origin: "EWR" })).not.toBe(key);
    expect(flightKey({ destination: "SFO" })).not.toBe(key);
    expect(flightKey({ departureDate: "2026-07-02" })).not.toBe(key);
    expect(flightKey({ cabin: "business" })).not.toBe(key);
  });
});

describe("query fingerprint (what a cursor is bound to)", () => {
  it("ignores spelling and position but not sort or filters", () => {
    const print = flightPrint({ maxPrice: "450", carriers: "DL,AA" });
    expect(flightPrint({ maxPrice: "450.00", carriers: "aa, dl", limit: "3" })).toBe(print);
    expect(flightPrint({ maxPrice: "450", carriers: "DL,AA", cursor: "x" })).toBe(print);
    expect(flightPrint({ maxPrice: "450", carriers: "DL,AA", sort: "duration" })).not.toBe(print);
    expect(flightPrint({ maxPrice: "450.01", carriers: "DL,AA" })).not.toBe(print);
    expect(flightPrint({ maxPrice: "450", carriers: "DL,AA", adults: "2" })).not.toBe(print);
    expect(flightPrint({ maxPrice: "450", carriers: "DL" })).not.toBe(print);
    // Pinned: cursors in users' hands carry it, so a change would refuse them all after a deploy.
    expect(print).toBe("dca5BmRNGzfJvrIo");
  });
});

describe("hotel cache key", () => {
  const stay = { city: "LAX", checkIn: "2026-07-01", checkOut: "2026-07-04" };
  const key = (raw: Record<string, string>) =>
    hotelCacheKey(hotelRequestOf(hotels.parse({ ...stay, ...raw })));

  it("is city and stay only: guests, rooms, price and sort share one entry", () => {
    expect(key({})).toBe("hotels:v1:LAX:2026-07-01:2026-07-04");
    expect(key({ guests: "4", rooms: "2", sort: "rating", maxPrice: "99", limit: "1" })).toBe(
      key({}),
    );
    expect(key({ checkOut: "2026-07-05" })).not.toBe(key({}));
  });

  it("binds cursors to rooms and sort", () => {
    const print = (raw: Record<string, string>) =>
      hotelQueryFingerprint(hotels.parse({ ...stay, ...raw }));
    expect(print({ guests: "2" })).toBe(print({ guests: "3" }));
    expect(print({ rooms: "2", guests: "2" })).not.toBe(print({}));
    expect(print({ sort: "rating" })).not.toBe(print({}));
  });
});
