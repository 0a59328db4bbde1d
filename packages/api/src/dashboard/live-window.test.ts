import type { Contribution } from "@travel/analytics";
import { describe, expect, it } from "vitest";
import { createLiveWindow } from "./live-window.js";

function fakeClock(iso: string) {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

const search = (
  tenantId: string,
  at: string,
  cacheStatus: "hit" | "miss" | "stale",
  route = "JFK-LAX",
): Contribution => ({
  day: at.slice(0, 10),
  at,
  tenantId,
  route,
  delta: { searches: 1, cacheHits: cacheStatus === "miss" ? 0 : 1 },
  events: { kind: "search", cacheHit: cacheStatus !== "miss", cacheStatus },
});

const booking = (tenantId: string, at: string, minor: number, currency = "USD"): Contribution => ({
  day: at.slice(0, 10),
  at,
  tenantId,
  route: "JFK-LAX",
  delta: { bookings: 1, revenue: { minor, currency } },
  events: { kind: "booking" },
});

describe("live window", () => {
  it("counts per minute and per tenant, and one tenant's view holds only its own", () => {
    const clock = fakeClock("2026-03-01T10:02:30Z");
    const live = createLiveWindow({ clock });
    live.counted([
      search("a", "2026-03-01T10:00:10Z", "miss"),
      search("a", "2026-03-01T10:02:01Z", "hit"),
      search("b", "2026-03-01T10:02:05Z", "stale", "LHR-CDG"),
    ]);
    live.counted([
      booking("a", "2026-03-01T10:02:20Z", 12_345),
      booking("b", "2026-03-01T10:01:00Z", 500, "EUR"),
    ]);

    const a = live.snapshot({ tenantId: "a", minutes: 3 });
    expect(a.perMinute).toEqual([
      { minute: "2026-03-01T10:00:00.000Z", searches: 1, cacheHits: 0, bookings: 0 },
      { minute: "2026-03-01T10:01:00.000Z", searches: 0, cacheHits: 0, bookings: 0 },
      { minute: "2026-03-01T10:02:00.000Z", searches: 1, cacheHits: 1, bookings: 1 },
    ]);
    expect(a.totals).toMatchObject({ searches: 2, cacheHits: 1, bookings: 1, cacheHitRatio: 0.5 });
    expect(a.totals.revenue).toEqual([{ currency: "USD", minor: 12_345 }]);
    expect(a.topRoutes).toEqual([{ route: "JFK-LAX", searches: 2, bookings: 1 }]);

    const all = live.snapshot({ tenantId: undefined, minutes: 3 });
    expect(all.totals).toMatchObject({
      searches: 3,
      cacheHits: 2,
      staleHits: 1,
      bookings: 2,
      freshRatio: 0.5,
    });
    expect(all.totals.revenue).toEqual([
      { currency: "EUR", minor: 500 },
      { currency: "USD", minor: 12_345 },
    ]);
  });

  it("forgets minutes older than the window and ignores contributions that are already older", () => {
    const clock = fakeClock("2026-03-01T10:00:30Z");
    const live = createLiveWindow({ clock, minutes: 5 });
    live.counted([search("a", "2026-03-01T10:00:00Z", "miss")]);
    live.counted([search("a", "2026-03-01T09:50:00Z", "miss")]);
    expect(live.snapshot({ tenantId: "a", minutes: 5 }).totals.searches).toBe(1);
    clock.advance(6 * 60_000);
    live.counted([search("a", "2026-03-01T10:06:00Z", "hit")]);
    const view = live.snapshot({ tenantId: "a", minutes: 60 });
    expect(view.perMinute).toHaveLength(5);
    expect(view.totals.searches).toBe(1);
  });

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
    expect(live.snapshot({ tenantId: "a", minutes: 1 }).latency).toEqual([
      { route: "GET /v1/flights/search", count: 100, p50Ms: 50, p99Ms: 99 },
    ]);
    expect(live.snapshot({ tenantId: undefined, minutes: 1 }).latency.map((l) => l.route)).toEqual([
      "GET /v1/flights/search",
      "POST /v1/bookings",
    ]);
    clock.advance(6 * 60_000);
    expect(live.snapshot({ tenantId: "a", minutes: 1 }).latency).toEqual([]);
  });

  it("reports stream lag as the consumer's iterator age, growing while records wait", () => {
    const clock = fakeClock("2026-03-01T10:00:10Z");
    const live = createLiveWindow({ clock });
    expect(live.snapshot({ tenantId: undefined, minutes: 1 }).stream).toEqual({
      lagSeconds: null,
      queued: null,
      deadLettered: null,
    });
    let queued = 0;
    live.attachStream(() => ({ queued, deadLettered: 2 }));
    live.recordHandled(new Date("2026-03-01T10:00:08Z"));
    expect(live.snapshot({ tenantId: undefined, minutes: 1 }).stream).toEqual({
      lagSeconds: 2,
      queued: 0,
      deadLettered: 2,
    });
    queued = 5;
    clock.advance(10_000);
    expect(live.snapshot({ tenantId: undefined, minutes: 1 }).stream.lagSeconds).toBe(12);
  });
});
