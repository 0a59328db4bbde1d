import type { FlightOfferRecord, RoomNightRecord } from "@travel/core";
import { describe, expect, it } from "vitest";
import { combineCacheInfo } from "../service.js";
import {
  decodeHotelEntry,
  encodeNight,
  entryWrites,
  flightEntryKey,
  hotelEntryKey,
  nightField,
} from "./entries.js";
import { lastDayOfMonth } from "./read-model.js";

const flight = (
  offerId: string,
  version: number,
  departDate = "2030-03-31",
): FlightOfferRecord => ({
  offerId,
  origin: "JFK",
  destination: "LAX",
  departDate,
  departAt: `${departDate}T23:00:00Z`,
  arriveAt: `${departDate}T23:59:00Z`,
  durationMinutes: 59,
  stops: 0,
  carrier: "AA",
  flightNumber: "AA1",
  cabin: "economy",
  seatsAvailable: version,
  seatsTotal: 9,
  priceMinor: 100 * version,
  currency: "USD",
  version,
  updatedAt: "2030-03-10T00:00:00Z",
});

const night = (date: string, version: number): RoomNightRecord => ({
  hotelId: "htl_A1",
  city: "LAX",
  date,
  roomsAvailable: 3,
  roomsTotal: 5,
  priceMinor: 12_345,
  currency: "USD",
  version,
  updatedAt: "2030-03-10T00:00:00Z",
});

describe("read-model entries", () => {
  it("puts a change in the entry of its route and local departure month, a night in its city-month", () => {
    const writes = entryWrites([
      { type: "flightOffer", record: flight("off_1", 2) },
      { type: "flightOffer", record: flight("off_2", 1, "2030-04-01") },
      { type: "roomNight", record: night("2030-03-31", 4) },
    ]);
    expect([...writes.keys()]).toEqual([
      flightEntryKey("JFK", "LAX", "2030-03"),
      flightEntryKey("JFK", "LAX", "2030-04"),
      hotelEntryKey("LAX", "2030-03"),
    ]);
    expect(writes.get(hotelEntryKey("LAX", "2030-03"))).toEqual([
      { field: nightField("htl_A1", "2030-03-31"), version: 4, value: [3, 12_345, "USD"] },
    ]);
  });

  it("sends only the newest version of an item changed twice in one batch, whatever the order", () => {
    const writes = entryWrites([
      { type: "flightOffer", record: flight("off_1", 3) },
      { type: "flightOffer", record: flight("off_1", 5) },
      { type: "flightOffer", record: flight("off_1", 4) },
    ]);
    const entries = writes.get(flightEntryKey("JFK", "LAX", "2030-03")) ?? [];
    expect(entries.map((e) => e.version)).toEqual([5]);
  });

  it("reads nights and hotel descriptions back from an entry's fields", () => {
    const content = decodeHotelEntry(
      "LAX",
      new Map([
        [nightField("htl_A1", "2030-03-31"), { value: encodeNight(night("2030-03-31", 1)) }],
        ["h:htl_A1", { value: ["Hotel A", 4.5, "Double", "USD"] }],
        ["~fill", { value: 1 }],
      ]),
    );
    expect(content.hotels.get("htl_A1")).toEqual({
      hotelId: "htl_A1",
      city: "LAX",
      name: "Hotel A",
      rating: 4.5,
      roomType: "Double",
      currency: "USD",
    });
    expect(content.nights.get("htl_A1")?.get("2030-03-31")).toEqual({
      date: "2030-03-31",
      roomsAvailable: 3,
      priceMinor: 12_345,
      currency: "USD",
    });
  });

  it("knows the last day of every month, leap years included", () => {
    expect(["2030-02", "2032-02", "2030-04", "2030-12"].map(lastDayOfMonth)).toEqual([
      "2030-02-28",
      "2032-02-29",
      "2030-04-30",
      "2030-12-31",
    ]);
  });
});

describe("combineCacheInfo", () => {
  it("is a miss if any part was loaded, else stale if any part was stale, else a hit", () => {
    const hit = { status: "hit" as const, ageSeconds: 30, ttlSeconds: 86_400 };
    const stale = { status: "stale" as const, ageSeconds: 700, ttlSeconds: 600 };
    const miss = { status: "miss" as const, ageSeconds: 0, ttlSeconds: 600 };
    expect(combineCacheInfo([hit])).toEqual(hit);
    expect(combineCacheInfo([hit, stale])).toEqual({
      status: "stale",
      ageSeconds: 700,
      ttlSeconds: 600,
    });
    expect(combineCacheInfo([hit, miss]).status).toBe("miss");
    expect(combineCacheInfo([stale, miss]).status).toBe("miss");
  });
});
