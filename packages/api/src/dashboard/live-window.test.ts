import { type AggregateCounts, emptyCounts } from "@travel/core";
import { describe, expect, it } from "vitest";
import { createLiveWindow, liveCounts } from "./live-window.js";

function fakeClock(iso: string) {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

const counts = (partial: Partial<AggregateCounts>): AggregateCounts => ({
  ...emptyCounts(),
  ...partial,
});

describe("live counts (from the aggregates' minute rows)", () => {
  it("lists the minutes oldest first and sums searches, hits, stale hits, bookings and revenue", () => {
    const view = liveCounts([
      { minute: "2026-03-01T10:00", counts: counts({ searches: 1 }) },
      { minute: "2026-03-01T10:01", counts: emptyCounts() },
      {
        minute: "2026-03-01T10:02",
        counts: counts({
          searches: 3,
          cacheHits: 2,
          staleHits: 1,
          bookings: 2,
          revenue: { USD: 12_345, EUR: 500 },
        }),
      },
    ]);
    expect(view.perMinute).toEqual([
      { minute: "2026-03-01T10:00:00.000Z", searches: 1, cacheHits: 0, bookings: 0 },
      { minute: "2026-03-01T10:01:00.000Z", searches: 0, cacheHits: 0, bookings: 0 },
      { minute: "2026-03-01T10:02:00.000Z", searches: 3, cacheHits: 2, bookings: 2 },
    ]);
    expect(view.totals).toEqual({
      searches: 4,
      cacheHits: 2,
      staleHits: 1,
      bookings: 2,
      cancellations: 0,
      cacheHitRatio: 0.5,
      freshRatio: 0.5,
      revenue: [
        { currency: "EUR", minor: 500 },
        { currency: "USD", minor: 12_345 },
      ],
    });
  });

  it("answers 0 hit ratio without searches and full freshness without cache answers", () => {
    const view = liveCounts([{ minute: "2026-03-01T10:00", counts: emptyCounts() }]);
    expect(view.totals).toMatchObject({ cacheHitRatio: 0, freshRatio: 1, revenue: [] });
  });
});

describe("live window (this process's own measurements)", () => {
  it("gives p50 and p99 latency per route over the recent requests, per tenant", () => {
    const clock = fakeClock("2026-03-01T10:00:00Z");
    const live = createLiveWindow({ clock });
    for (let ms = 1; ms <= 100; ms++) {
      live.request({
        tenantId: "a",
        method: "GET",
        route: "/v1/flights/search",
        status: 200,
        latencyMs: ms,
      });
    }
    live.request({
      tenantId: "b",
      method: "POST",
      route: "/v1/bookings",
      status: 201,
      latencyMs: 40,
    });
    live.request({
      tenantId: undefined,
      method: "GET",
      route: "unmatched",
      status: 404,
      latencyMs: 1,
    });
    expect(live.snapshot({ tenantId: "a" }).latency).toEqual([
      { route: "GET /v1/flights/search", count: 100, p50Ms: 50, p99Ms: 99 },
    ]);
    expect(live.snapshot({ tenantId: undefined }).latency.map((l) => l.route)).toEqual([
      "GET /v1/flights/search",
      "POST /v1/bookings",
    ]);
    clock.advance(6 * 60_000);
    expect(live.snapshot({ tenantId: "a" }).latency).toEqual([]);
  });

  it("reports stream lag as the consumer's iterator age, growing while records wait", () => {
    const clock = fakeClock("2026-03-01T10:00:10Z");
    const live = createLiveWindow({ clock });
    expect(live.snapshot({ tenantId: undefined }).stream).toEqual({
      lagSeconds: null,
      queued: null,
      deadLettered: null,
    });
    let queued = 0;
    live.attachStream(() => ({ queued, deadLettered: 2 }));
    live.recordHandled(new Date("2026-03-01T10:00:08Z"));
    expect(live.snapshot({ tenantId: undefined }).stream).toEqual({
      lagSeconds: 2,
      queued: 0,
      deadLettered: 2,
    });
    queued = 5;
    clock.advance(10_000);
    expect(live.snapshot({ tenantId: undefined }).stream.lagSeconds).toBe(12);
  });
});
