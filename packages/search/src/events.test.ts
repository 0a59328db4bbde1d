import { MAX_SEARCH_EVENTS_PER_BATCH, type SearchEventRecord } from "@travel/core";
import { describe, expect, it, vi } from "vitest";
import { createSearchEventQueue, type SearchEventSink } from "./events.js";

const event = (n: number): SearchEventRecord => ({
  searchId: `srch_${n}`,
  tenantId: "ten_1",
  kind: "flight",
  route: "JFK-LAX",
  day: "2030-03-10",
  cacheStatus: "hit",
  resultCount: 3,
  createdAt: "2030-03-10T12:00:00.000Z",
});
const quiet = { warn: () => {}, error: () => {} };

/** A batch sink that records each item's size and takes `roundTripMs` to write it. */
function sizeRecordingSink(roundTripMs = 0): { sink: SearchEventSink; sizes: number[] } {
  const sizes: number[] = [];
  return {
    sizes,
    sink: {
      record: async () => {},
      recordBatch: async (events) => {
        sizes.push(events.length);
        if (roundTripMs > 0) await new Promise((r) => setTimeout(r, roundTripMs));
      },
    },
  };
}

describe("search event queue", () => {
  it("writes full batch items while events keep coming, not one small item per round trip", async () => {
    const { sink, sizes } = sizeRecordingSink(5); // a round trip to the table
    const queue = createSearchEventQueue({
      sink,
      logger: quiet,
      flushAfterMs: 10_000,
      eventsPerItem: 100,
    });
    // 1,000 searches, ten every millisecond or so: slower than a write, so each write finds
    // only part of a batch waiting when it returns.
    for (let i = 0; i < 1_000; i++) {
      queue.record(event(i));
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 50));
    // Every write so far was a full item of 100; the rest waits for the timer or flush().
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.every((n) => n === 100)).toBe(true);
    await queue.flush();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(queue.stats()).toMatchObject({ queued: 0, written: 1_000 });
  });

  it("writes items of about everything that came in per timer period, under a steady trickle", async () => {
    vi.useFakeTimers();
    try {
      const { sink, sizes } = sizeRecordingSink(3); // a round trip
      const queue = createSearchEventQueue({
        sink,
        logger: quiet,
        flushAfterMs: 50,
        eventsPerItem: 100,
      });
      // 4 searches a millisecond for 600 ms: fewer than 100 per round trip, 200 per 50 ms.
      let n = 0;
      for (let ms = 0; ms < 600; ms++) {
        for (let i = 0; i < 4; i++) queue.record(event(n++));
        await vi.advanceTimersByTimeAsync(1);
      }
      const flushed = queue.flush();
      await vi.runAllTimersAsync();
      await flushed;
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(2_400);
      // Full items of 100 and one partial per timer period, not a small item per round trip.
      expect(sizes.filter((size) => size < 100).length).toBeLessThanOrEqual(13);
      expect(sizes.length).toBeLessThanOrEqual(24 + 13);
    } finally {
      vi.useRealTimers();
    }
  });

  it("fills items up to core's per-item maximum by default and writes the rest on flush", async () => {
    const { sink, sizes } = sizeRecordingSink();
    const queue = createSearchEventQueue({ sink, logger: quiet });
    for (let i = 0; i < 2 * MAX_SEARCH_EVENTS_PER_BATCH + 7; i++) queue.record(event(i));
    await queue.flush();
    expect(MAX_SEARCH_EVENTS_PER_BATCH).toBe(500);
    expect(sizes).toEqual([MAX_SEARCH_EVENTS_PER_BATCH, MAX_SEARCH_EVENTS_PER_BATCH, 7]);
    expect(queue.stats()).toMatchObject({ queued: 0, written: 1_007, dropped: 0 });
  });

  it("counts the searches a batch sink refused as failed, the rest as written", async () => {
    const queue = createSearchEventQueue({
      sink: { record: async () => {}, recordBatch: async () => ({ rejected: 2 }) },
      logger: quiet,
      eventsPerItem: 1_000,
    });
    for (let i = 0; i < 5; i++) queue.record(event(i));
    await queue.flush();
    expect(queue.stats()).toMatchObject({ written: 3, failed: 2, queued: 0 });
  });

  it("keeps writing after a logger that throws", async () => {
    let calls = 0;
    const queue = createSearchEventQueue({
      sink: {
        record: async () => {},
        recordBatch: async () => {
          calls++;
          throw new Error("table down");
        },
      },
      logger: {
        warn: () => {},
        error: () => {
          throw new Error("log sink broken");
        },
      },
    });
    queue.record(event(1));
    await queue.flush();
    queue.record(event(2));
    await queue.flush();
    expect(calls).toBe(2);
  });

  it("writes a partial batch when the timer fires", async () => {
    const sizes: number[] = [];
    const queue = createSearchEventQueue({
      sink: {
        record: async () => {},
        recordBatch: async (events) => void sizes.push(events.length),
      },
      logger: quiet,
      flushAfterMs: 20,
    });
    for (let i = 0; i < 7; i++) queue.record(event(i));
    expect(sizes).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    expect(sizes).toEqual([7]);
  });

  it("returns at once and writes everything by flush, in batches", async () => {
    const batches: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const sink: SearchEventSink = {
      record: async () => {},
      recordMany: async (events) => {
        await gate;
        batches.push(events.length);
      },
    };
    const queue = createSearchEventQueue({ sink, logger: quiet, batchSize: 25 });
    for (let i = 0; i < 60; i++) queue.record(event(i));
    // Nothing written yet: the sink is still blocked, and record() did not wait for it.
    expect(queue.stats().written).toBe(0);
    release();
    await queue.flush();
    expect(batches.reduce((a, b) => a + b, 0)).toBe(60);
    expect(Math.max(...batches)).toBeLessThanOrEqual(25);
    expect(queue.stats()).toEqual({ queued: 0, written: 60, failed: 0, dropped: 0 });
  });

  it("writes a lone event after the short delay without a flush", async () => {
    const written: string[] = [];
    const queue = createSearchEventQueue({
      sink: { record: async (e) => void written.push(e.searchId) },
      logger: quiet,
      flushAfterMs: 5,
    });
    queue.record(event(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(written).toEqual(["srch_1"]);
  });

  it("counts and logs failed writes instead of throwing", async () => {
    const logged: string[] = [];
    const queue = createSearchEventQueue({
      sink: {
        record: async (e) => {
          if (e.searchId === "srch_2") throw new Error("throttled");
        },
      },
      logger: { warn: () => {}, error: (m) => void logged.push(m) },
    });
    for (const n of [1, 2, 3]) queue.record(event(n));
    await queue.flush();
    expect(queue.stats()).toMatchObject({ written: 2, failed: 1 });
    expect(logged).toEqual(["search events not recorded"]);
  });

  it("drops (and counts) events beyond its bound rather than growing without limit", async () => {
    const queue = createSearchEventQueue({
      sink: { record: async () => {} },
      logger: quiet,
      maxQueued: 3,
      batchSize: 10,
    });
    for (let i = 0; i < 5; i++) queue.record(event(i));
    expect(queue.stats()).toMatchObject({ queued: 3, dropped: 2 });
    await queue.flush();
    expect(queue.stats()).toMatchObject({ queued: 0, written: 3, dropped: 2 });
  });
});
