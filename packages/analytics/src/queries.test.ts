import { describe, expect, it } from "vitest";
import { InvalidAnalyticsQueryError } from "./errors.js";
import { daysOf } from "./queries.js";

function errorOf(fn: () => unknown): InvalidAnalyticsQueryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidAnalyticsQueryError) return error;
    throw error;
  }
  throw new Error("expected an InvalidAnalyticsQueryError");
}

describe("date ranges", () => {
  it("lists every day of a range, both ends included, across a leap day", () => {
    expect(daysOf({ from: "2028-02-27", to: "2028-03-01" })).toEqual([
      "2028-02-27",
      "2028-02-28",
      "2028-02-29",
      "2028-03-01",
    ]);
  });

  it("allows 366 days and refuses 367 with a 422 naming `to`", () => {
    expect(daysOf({ from: "2026-01-01", to: "2027-01-01" })).toHaveLength(366);
    const error = errorOf(() => daysOf({ from: "2026-01-01", to: "2027-01-02" }));
    expect(error.status).toBe(422);
    expect(error.code).toBe("validation_failed");
    expect(error.errors).toEqual([{ path: "to", message: expect.stringContaining("367 days") }]);
  });

  it("refuses to before from, and dates that do not exist", () => {
    expect(errorOf(() => daysOf({ from: "2026-03-02", to: "2026-03-01" })).errors).toEqual([
      { path: "to", message: "must not be before from" },
    ]);
    expect(errorOf(() => daysOf({ from: "2026-02-30", to: "2026-03-01" })).errors).toEqual([
      { path: "from", message: "is not a calendar date" },
    ]);
    expect(errorOf(() => daysOf({ from: "yesterday", to: "2026-03-01" })).errors?.[0]?.path).toBe(
      "from",
    );
  });
});
