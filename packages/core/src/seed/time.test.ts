import { describe, expect, it } from "vitest";
import {
  dayOfWeek,
  daysBetween,
  daytimeOffsetMinutes,
  isoInstant,
  localTimeToUtc,
  zoneOffsetMinutes,
} from "./time.js";

const utc = (ms: number) => new Date(ms).toISOString();

describe("local times in IANA zones", () => {
  it("follows daylight saving time in New York (DST starts 2026-03-08)", () => {
    expect(utc(localTimeToUtc("2026-03-07", 8 * 60, "America/New_York"))).toBe(
      "2026-03-07T13:00:00.000Z",
    );
    expect(utc(localTimeToUtc("2026-03-09", 8 * 60, "America/New_York"))).toBe(
      "2026-03-09T12:00:00.000Z",
    );
    expect(daytimeOffsetMinutes("2026-03-08", "America/New_York")).toBe(-240);
  });

  it("follows the southern hemisphere's opposite season (Sydney)", () => {
    expect(zoneOffsetMinutes("Australia/Sydney", Date.parse("2026-01-15T00:00:00Z"))).toBe(660);
    expect(zoneOffsetMinutes("Australia/Sydney", Date.parse("2026-07-15T00:00:00Z"))).toBe(600);
    // 07:30 in Sydney on 1 July is the previous day in UTC.
    expect(utc(localTimeToUtc("2026-07-01", 7 * 60 + 30, "Australia/Sydney"))).toBe(
      "2026-06-30T21:30:00.000Z",
    );
  });

  it("handles zones with half-hour offsets and no DST", () => {
    expect(daytimeOffsetMinutes("2026-05-01", "Asia/Kolkata")).toBe(330);
    expect(utc(localTimeToUtc("2026-05-01", 0, "Asia/Kolkata"))).toBe("2026-04-30T18:30:00.000Z");
  });

  it("resolves times on either side of a DST change", () => {
    // London: clocks go forward at 01:00 UTC on 2026-03-29.
    expect(utc(localTimeToUtc("2026-03-29", 0, "Europe/London"))).toBe("2026-03-29T00:00:00.000Z");
    expect(utc(localTimeToUtc("2026-03-29", 12 * 60, "Europe/London"))).toBe(
      "2026-03-29T11:00:00.000Z",
    );
  });

  it("formats instants like the contract and does calendar arithmetic", () => {
    expect(isoInstant(Date.parse("2026-12-01T08:15:00.000Z"))).toBe("2026-12-01T08:15:00Z");
    expect(dayOfWeek("2026-05-02")).toBe(6); // a Saturday
    expect(daysBetween("2026-02-27", "2026-03-02")).toBe(3);
    expect(daysBetween("2026-03-02", "2026-02-27")).toBe(-3);
  });
});
