import { describe, expect, it } from "vitest";
import { hotelStayTimes, latestBookableUntil } from "./hotel-times.js";

describe("hotel stay times", () => {
  it("puts check-in at 15:00 and the booking deadline at midnight, in the city's zone", () => {
    expect(hotelStayTimes("JFK", "2026-12-01")).toEqual({
      checkInAt: new Date("2026-12-01T20:00:00.000Z"),
      bookableUntil: new Date("2026-12-02T05:00:00.000Z"),
    });
    expect(hotelStayTimes("HND", "2026-12-01")).toEqual({
      checkInAt: new Date("2026-12-01T06:00:00.000Z"),
      bookableUntil: new Date("2026-12-01T15:00:00.000Z"),
    });
  });

  it("follows daylight saving time (New York in July is UTC−4)", () => {
    expect(hotelStayTimes("JFK", "2026-07-01").checkInAt).toEqual(
      new Date("2026-07-01T19:00:00.000Z"),
    );
  });

  it("falls back to UTC for a city it does not know", () => {
    expect(hotelStayTimes("PAR", "2027-03-02")).toEqual({
      checkInAt: new Date("2027-03-02T15:00:00.000Z"),
      bookableUntil: new Date("2027-03-03T00:00:00.000Z"),
    });
  });

  it("never ends a check-in day later than the latest bound", () => {
    for (const city of ["JFK", "LAX", "HND", "SYD", "GRU", "LHR", "PAR"]) {
      const { bookableUntil } = hotelStayTimes(city, "2026-06-15");
      expect(bookableUntil.getTime()).toBeLessThanOrEqual(
        latestBookableUntil("2026-06-15").getTime(),
      );
    }
  });
});
