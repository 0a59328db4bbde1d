import { describe, expect, it } from "vitest";
import { daysBetween, localDate, localTimeToUtc, startOfLocalDay } from "./time.js";

describe("calendar helpers in IANA time zones", () => {
  it("gives the local calendar date of an instant", () => {
    expect(localDate(new Date("2026-12-01T03:00:00Z"), "America/Los_Angeles")).toBe("2026-11-30");
    expect(localDate(new Date("2026-12-01T23:30:00Z"), "Asia/Tokyo")).toBe("2026-12-02");
    expect(localDate(new Date("2026-12-01T12:00:00Z"), "UTC")).toBe("2026-12-01");
  });

  it("starts a local day at its first existing instant, across DST changes", () => {
    // New York springs forward at 02:00: midnight is still EST (UTC−5).
    expect(startOfLocalDay("2026-03-08", "America/New_York")).toEqual(
      new Date("2026-03-08T05:00:00Z"),
    );
    expect(startOfLocalDay("2026-07-01", "America/New_York")).toEqual(
      new Date("2026-07-01T04:00:00Z"),
    );
    // Santiago springs forward at midnight: 00:00 does not exist, the day starts at 01:00 (UTC−3).
    expect(startOfLocalDay("2026-09-06", "America/Santiago")).toEqual(
      new Date("2026-09-06T04:00:00Z"),
    );
    expect(localDate(startOfLocalDay("2026-09-06", "America/Santiago"), "America/Santiago")).toBe(
      "2026-09-06",
    );
  });

  it("converts wall-clock times and counts days", () => {
    expect(new Date(localTimeToUtc("2026-07-01", 8 * 60 + 15, "America/New_York"))).toEqual(
      new Date("2026-07-01T12:15:00Z"),
    );
    // 02:30 does not exist in New York on 2026-03-08: it moves forward by the gap, to 03:30 EDT.
    expect(new Date(localTimeToUtc("2026-03-08", 2 * 60 + 30, "America/New_York"))).toEqual(
      new Date("2026-03-08T07:30:00Z"),
    );
    expect(daysBetween("2026-02-27", "2026-03-02")).toBe(3);
    expect(daysBetween("2026-03-02", "2026-02-27")).toBe(-3);
  });

  it("gives the right local date around midnight and DST changes, asked in any order", () => {
    const zones = ["America/New_York", "America/Santiago", "Asia/Kolkata", "Pacific/Chatham"];
    const check = (ms: number, zone: string) => {
      const expected = new Intl.DateTimeFormat("en-CA", {
        timeZone: zone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      }).format(new Date(ms));
      expect(localDate(new Date(ms), zone)).toBe(expected);
    };
    const start = Date.parse("2026-03-07T00:00:00Z");
    // Every 17 minutes over ten days of March (a DST change in New York), then backwards.
    for (let ms = start; ms < start + 10 * 86_400_000; ms += 17 * 60_000) {
      for (const zone of zones) check(ms, zone);
    }
    for (let ms = start + 10 * 86_400_000; ms > start; ms -= 23 * 60_000) {
      for (const zone of zones) check(ms, zone);
    }
    const santiago = Date.parse("2026-09-06T03:59:59Z");
    check(santiago, "America/Santiago");
    check(santiago + 1000, "America/Santiago");
  });
});
