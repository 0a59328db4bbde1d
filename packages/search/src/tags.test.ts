import type { FlightOfferRecord, RoomNightRecord } from "@travel/core";
import { describe, expect, it } from "vitest";
import { spread } from "./admin.js";
import { localDate, startOfLocalDay } from "./clock.js";
import { changeTags, stayNights } from "./tags.js";

describe("changeTags", () => {
  it("names the flight offer and its route/date", () => {
    const record = {
      offerId: "off_1",
      origin: "JFK",
      destination: "LAX",
      departDate: "2026-07-01",
    };
    expect(changeTags([{ type: "flightOffer", record: record as FlightOfferRecord }])).toEqual([
      "offer:off_1",
      "route:JFK-LAX:2026-07-01",
    ]);
  });

  it("names the hotel/night, and the city/night only for a brand-new night", () => {
    const night = { hotelId: "htl_1", city: "LAX", date: "2026-07-02", version: 4 };
    expect(changeTags([{ type: "roomNight", record: night as RoomNightRecord }])).toEqual([
      "hotel:htl_1:2026-07-02",
    ]);
    expect(
      changeTags([{ type: "roomNight", record: { ...night, version: 1 } as RoomNightRecord }]),
    ).toEqual(["hotel:htl_1:2026-07-02", "city:LAX:2026-07-02"]);
  });
});

describe("stayNights", () => {
  it("lists check-in up to the night before check-out, across a month end", () => {
    expect(stayNights("2026-06-29", "2026-07-02")).toEqual([
      "2026-06-29",
      "2026-06-30",
      "2026-07-01",
    ]);
    expect(stayNights("2026-07-01", "2026-07-01")).toEqual([]);
  });
});

describe("spread", () => {
  it("splits minor units exactly, remainder on the first nights", () => {
    expect(spread(100_00, 3)).toEqual([3334, 3333, 3333]);
    expect(spread(100_01, 3).reduce((a, b) => a + b)).toBe(100_01);
    expect(spread(5, 1)).toEqual([5]);
  });
});

describe("local dates", () => {
  it("knows the date at a place and when it starts, across DST", () => {
    expect(localDate(new Date("2026-12-01T03:00:00Z"), "America/Los_Angeles")).toBe("2026-11-30");
    expect(startOfLocalDay("2026-07-01", "America/New_York").toISOString()).toBe(
      "2026-07-01T04:00:00.000Z",
    );
    expect(startOfLocalDay("2026-01-15", "America/New_York").toISOString()).toBe(
      "2026-01-15T05:00:00.000Z",
    );
    expect(startOfLocalDay("2026-03-08", "America/New_York").toISOString()).toBe(
      "2026-03-08T05:00:00.000Z",
    );
    expect(startOfLocalDay("2026-07-01", "Asia/Kolkata").toISOString()).toBe(
      "2026-06-30T18:30:00.000Z",
    );
  });
});
