import { describe, expect, it } from "vitest";
import { CacheConfigError } from "./errors.js";
import { jitterMs, searchTtl, validateTtl } from "./ttl.js";

describe("ttl", () => {
  it("searchTtl accepts 5–15 minutes only", () => {
    expect(searchTtl(300)).toBe(300);
    expect(searchTtl(900)).toBe(900);
    expect(() => searchTtl(299)).toThrow(CacheConfigError);
    expect(() => searchTtl(901)).toThrow(/between 300 and 900/);
    expect(() => searchTtl(Number.NaN)).toThrow(CacheConfigError);
  });

  it("validates the search namespace TTL but not others", () => {
    expect(() => validateTtl("search", "ttlSeconds", 60)).toThrow(CacheConfigError);
    expect(validateTtl("prices", "ttlSeconds", 60)).toBe(60);
    expect(() => validateTtl("prices", "staleTtlSeconds", -1)).toThrow(/prices/);
  });

  it("jitters within ±10% and spreads values", () => {
    expect(jitterMs(600_000, () => 0)).toBe(540_000);
    expect(jitterMs(600_000, () => 0.5)).toBe(600_000);
    const spread = new Set(Array.from({ length: 200 }, () => jitterMs(600_000, Math.random)));
    expect(spread.size).toBeGreaterThan(150);
    for (const ms of spread) {
      expect(ms).toBeGreaterThanOrEqual(540_000);
      expect(ms).toBeLessThanOrEqual(660_000);
    }
  });
});
