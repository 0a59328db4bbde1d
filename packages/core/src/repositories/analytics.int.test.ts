import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../local/engine.js";
import { createAggregateWriteRepository } from "./aggregate-writes.js";
import { ALL_SCOPE, createAnalyticsRepository, emptyCounts } from "./analytics.js";

let engine: LocalEngine;

beforeAll(async () => {
  engine = await startLocalEngine();
});

afterAll(async () => {
  await engine?.stop();
});

describe("analytics aggregates partitioned by month and shard", () => {
  it("sums exactly the days of a range, across months and years, in one shard", async () => {
    const analytics = createAnalyticsRepository(engine.db);
    const writes = createAggregateWriteRepository(engine.db);
    // One search per day on these days, in shard 2, overall and on JFK-LAX; one in shard 3.
    const days = [
      "2026-12-30",
      "2026-12-31",
      "2027-01-01",
      "2027-01-31",
      "2027-02-01",
      "2027-03-01",
    ];
    let n = 0;
    for (const day of days) {
      for (const scope of [ALL_SCOPE, "JFK-LAX"]) {
        const added = await writes.addRow(`b${n++}`, 2, {
          day,
          scope,
          delta: { ...emptyCounts(), searches: 1, cacheHits: day.endsWith("-01") ? 1 : 0 },
        });
        expect(added).toBe(true);
      }
    }
    await writes.addRow("other", 3, {
      day: "2027-01-15",
      scope: ALL_SCOPE,
      delta: { ...emptyCounts(), searches: 5 },
    });

    const range = async (from: string, to: string, shard = 2) => {
      const rows = await analytics.readRangeShard(from, to, shard);
      return {
        all: rows.get(ALL_SCOPE)?.searches ?? 0,
        route: rows.get("JFK-LAX")?.searches ?? 0,
        hits: rows.get(ALL_SCOPE)?.cacheHits ?? 0,
      };
    };
    // Both ends included, across a year boundary and three months.
    expect(await range("2026-12-31", "2027-02-01")).toEqual({ all: 4, route: 4, hits: 2 });
    // A single day, the first and the last of a month.
    expect(await range("2027-01-31", "2027-01-31")).toEqual({ all: 1, route: 1, hits: 0 });
    expect(await range("2027-03-01", "2027-03-01")).toEqual({ all: 1, route: 1, hits: 1 });
    // Nothing in range; a whole year.
    expect(await range("2027-01-02", "2027-01-30")).toEqual({ all: 0, route: 0, hits: 0 });
    expect(await range("2026-03-02", "2027-03-01")).toEqual({ all: 6, route: 6, hits: 3 });
    // Shards are apart.
    expect(await range("2027-01-01", "2027-01-31", 3)).toEqual({ all: 5, route: 0, hits: 0 });
  });
});
