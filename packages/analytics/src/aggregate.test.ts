import { aggregatePartitionOf } from "@travel/core";
import { describe, expect, it } from "vitest";
import { contributionOf, rowsOf, shardOf } from "./aggregate.js";
import { MalformedStreamRecordError } from "./errors.js";
import type { StreamChange } from "./stream-record.js";

const booking = (status: string, extra: Record<string, unknown> = {}) => ({
  entity: "booking",
  item: {
    tenantId: "tenant-a",
    status,
    offerType: "flight",
    route: "JFK-LAX",
    totalMinor: 24_900,
    currency: "USD",
    createdAt: "2026-03-01T23:59:00.000Z",
    updatedAt: "2026-03-02T00:01:00.000Z",
    ...extra,
  },
});

function change(partial: Partial<StreamChange>): StreamChange {
  return {
    eventId: "e1",
    eventName: "MODIFY",
    approximateCreatedAt: new Date("2026-03-09T00:00:00Z"),
    oldImage: undefined,
    newImage: undefined,
    ...partial,
  };
}

describe("what a record contributes", () => {
  it("counts a booking on the day it was confirmed, not the day the record arrived", () => {
    const result = contributionOf(
      change({
        oldImage: booking("pending"),
        newImage: booking("confirmed", { confirmedAt: "2026-03-02T00:01:00.000Z" }),
      }),
    );
    expect(result.contribution).toEqual({
      day: "2026-03-02",
      at: "2026-03-02T00:01:00.000Z",
      tenantId: "tenant-a",
      route: "JFK-LAX",
      delta: { bookings: 1, revenue: { minor: 24_900, currency: "USD" } },
      events: { kind: "booking" },
    });
  });

  it("counts nothing for a confirmed booking modified again, or a pending one cancelled", () => {
    const confirmed = booking("confirmed", { confirmedAt: "2026-03-02T00:01:00.000Z" });
    expect(contributionOf(change({ oldImage: confirmed, newImage: confirmed }))).toEqual({});
    expect(
      contributionOf(change({ oldImage: booking("pending"), newImage: booking("cancelled") })),
    ).toEqual({});
  });

  it("reports a failed booking's reason, and 'unknown' when it has none", () => {
    expect(
      contributionOf(
        change({
          oldImage: booking("pending"),
          newImage: booking("failed", { failureReason: "sold_out" }),
        }),
      ),
    ).toEqual({ failure: { reason: "sold_out" } });
    expect(contributionOf(change({ eventName: "INSERT", newImage: booking("failed") }))).toEqual({
      failure: { reason: "unknown" },
    });
  });

  it("throws MalformedStreamRecordError for a booking image its schema rejects", () => {
    expect(() =>
      contributionOf(
        change({ eventName: "INSERT", newImage: booking("confirmed", { currency: "dollars" }) }),
      ),
    ).toThrow(MalformedStreamRecordError);
  });

  it("ignores entities analytics does not aggregate", () => {
    expect(contributionOf(change({ newImage: { entity: "apiKey", item: {} } }))).toEqual({});
  });
});

describe("write shards", () => {
  it("spreads eventIDs evenly and always maps one eventID to the same shard", () => {
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) counts[shardOf(crypto.randomUUID().replaceAll("-", ""), 10)]++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
    expect(shardOf("abc", 10)).toBe(shardOf("abc", 10));
  });
});

describe("aggregate rows of a batch", () => {
  const search = (tenantId: string, at: string, cacheStatus: "hit" | "miss" | "stale") => ({
    day: at.slice(0, 10),
    at,
    tenantId,
    route: "JFK-LAX",
    delta: {
      searches: 1,
      cacheHits: cacheStatus === "miss" ? 0 : 1,
      ...(cacheStatus === "stale" ? { staleHits: 1 } : {}),
    },
    events: { kind: "search" as const, cacheHit: cacheStatus !== "miss", cacheStatus },
  });

  it("adds the live page's minute rows (ALL and the tenant's, stale hits counted) beside the day rows", () => {
    const rows = rowsOf([
      search("a", "2026-03-01T10:02:01Z", "hit"),
      search("a", "2026-03-01T10:02:59+00:00", "stale"),
      search("b", "2026-03-01T12:03:05+02:00", "miss"),
    ]);
    const minuteRows = rows
      .filter((r) => r.day.includes("T"))
      .map((r) => [r.day, r.scope, r.delta.searches, r.delta.cacheHits, r.delta.staleHits]);
    expect(minuteRows).toEqual([
      ["2026-03-01T10:02", "ALL", 2, 2, 1],
      ["2026-03-01T10:02", "tenant:a", 2, 2, 1],
      ["2026-03-01T10:03", "ALL", 1, 0, 0],
      ["2026-03-01T10:03", "tenant:b", 1, 0, 0],
    ]);
    // Day rows never carry stale hits (the summary's figures are unchanged).
    for (const row of rows.filter((r) => !r.day.includes("T"))) {
      expect(row.delta.staleHits, `${row.day} ${row.scope}`).toBeUndefined();
    }
    expect(aggregatePartitionOf("2026-03-01T10:02")).toBe("2026-03-01T10");
    expect(aggregatePartitionOf("2026-03-01")).toBe("2026-03");
  });
});
