import { Metrics } from "@aws-lambda-powertools/metrics";
import {
  type AggregateWriteRepository,
  createAggregateWriteRepository,
  createAnalyticsRepository,
  type InventoryChange,
} from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  bookingItem,
  flightOfferItem,
  searchEventBatchItem,
  searchEventItem,
  streamEvent,
  streamRecord,
} from "../test/stream-events.js";
import { createAnalyticsAggregator, ROW_WRITES_IN_FLIGHT } from "./aggregator.js";
import { BUSINESS_METRICS, createBusinessMetrics } from "./metrics.js";
import { createAnalyticsService } from "./service.js";
import { createStreamConsumer } from "./stream-consumer.js";

const clock = { now: () => new Date("2026-03-20T00:00:00Z") };

describe("stream consumer on the embedded engine", () => {
  let engine: LocalEngine;
  // Each test uses its own days, so the tests share one engine without seeing each other.
  let analytics: ReturnType<typeof createAnalyticsService>;

  beforeAll(async () => {
    engine = await startLocalEngine();
    analytics = createAnalyticsService({ db: engine.db, clock, shards: 4 });
  });
  afterAll(async () => {
    await engine.stop();
  });

  it("turns searches, bookings and cancellations into daily totals per route and overall", async () => {
    const db = engine.db;
    const day = "2026-03-01";
    const pending = bookingItem(db, {
      bookingId: "bkg_a",
      route: "JFK-LAX",
      status: "pending",
      totalMinor: 24_900,
      day,
    });
    const confirmed = bookingItem(db, {
      bookingId: "bkg_a",
      route: "JFK-LAX",
      status: "confirmed",
      totalMinor: 24_900,
      day,
    });
    const hotelConfirmed = bookingItem(db, {
      bookingId: "bkg_b",
      route: "PAR",
      status: "confirmed",
      totalMinor: 51_050,
      currency: "EUR",
      day,
    });
    const second = bookingItem(db, {
      bookingId: "bkg_c",
      route: "JFK-LAX",
      status: "confirmed",
      totalMinor: 10_001,
      day,
    });
    const cancelled = bookingItem(db, {
      bookingId: "bkg_c",
      route: "JFK-LAX",
      status: "cancelled",
      totalMinor: 10_001,
      day,
    });

    const response = await analytics.consumer.handle(
      streamEvent([
        streamRecord({
          eventName: "INSERT",
          newItem: searchEventItem(db, {
            searchId: "srch_1",
            route: "JFK-LAX",
            day,
            cacheStatus: "miss",
          }),
        }),
        streamRecord({
          eventName: "INSERT",
          newItem: searchEventItem(db, {
            searchId: "srch_2",
            route: "JFK-LAX",
            day,
            cacheStatus: "hit",
          }),
        }),
        streamRecord({
          eventName: "INSERT",
          newItem: searchEventItem(db, {
            searchId: "srch_3",
            route: "PAR",
            day,
            cacheStatus: "stale",
          }),
        }),
        streamRecord({ eventName: "INSERT", newItem: pending }),
        streamRecord({ eventName: "MODIFY", oldItem: pending, newItem: confirmed }),
        streamRecord({ eventName: "INSERT", newItem: hotelConfirmed }),
        streamRecord({ eventName: "INSERT", newItem: second }),
        streamRecord({ eventName: "MODIFY", oldItem: second, newItem: cancelled }),
        // Not aggregated: inventory, a search event's TTL removal, an item of no known model.
        streamRecord({
          eventName: "MODIFY",
          oldItem: flightOfferItem(db, "off_x", 9),
          newItem: flightOfferItem(db, "off_x", 8),
        }),
        streamRecord({
          eventName: "REMOVE",
          oldItem: searchEventItem(db, {
            searchId: "srch_1",
            route: "JFK-LAX",
            day,
            cacheStatus: "miss",
          }),
        }),
        streamRecord({ eventName: "INSERT", newItem: { pk: "legacy#1", sk: "x", anything: 1 } }),
      ]),
    );

    expect(response.batchItemFailures).toEqual([]);
    const summary = await analytics.queries.summary({ from: day, to: day });
    expect(summary).toMatchObject({
      searches: 3,
      cacheHits: 2,
      cacheHitRatio: 0.6667,
      bookings: 3,
      cancellations: 1,
      conversionRate: 1,
      revenue: [
        { amount: "510.50", currency: "EUR" },
        { amount: "349.01", currency: "USD" },
      ],
      cancelledRevenue: [{ amount: "100.01", currency: "USD" }],
    });
    expect(summary.topRoutes).toEqual([
      { route: "JFK-LAX", type: "flight", searches: 2, bookings: 2 },
      { route: "PAR", type: "hotel", searches: 1, bookings: 1 },
    ]);
    const route = await analytics.queries.route({
      route: "JFK-LAX",
      from: "2026-02-28",
      to: "2026-03-02",
    });
    expect(route.days).toEqual([
      { date: "2026-02-28", searches: 0, bookings: 0, cancellations: 0, revenue: [] },
      {
        date: day,
        searches: 2,
        bookings: 2,
        cancellations: 1,
        revenue: [{ amount: "349.01", currency: "USD" }],
      },
      { date: "2026-03-02", searches: 0, bookings: 0, cancellations: 0, revenue: [] },
    ]);
  });

  it("counts a record delivered twice (same eventID) once, in one batch or across batches", async () => {
    const db = engine.db;
    const day = "2026-03-02";
    const search = streamRecord({
      eventName: "INSERT",
      newItem: searchEventItem(db, {
        searchId: "srch_d",
        route: "LHR-CDG",
        day,
        cacheStatus: "hit",
      }),
    });
    const booking = streamRecord({
      eventName: "INSERT",
      newItem: bookingItem(db, {
        bookingId: "bkg_d",
        route: "LHR-CDG",
        status: "confirmed",
        totalMinor: 9_999,
        day,
      }),
    });

    const first = await analytics.consumer.handle(streamEvent([search, booking, search]));
    const again = await analytics.consumer.handle(streamEvent([booking, search]));

    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    const summary = await analytics.queries.summary({ from: day, to: day });
    expect(summary).toMatchObject({
      searches: 1,
      cacheHits: 1,
      bookings: 1,
      revenue: [{ amount: "99.99", currency: "USD" }],
    });
  });

  it("tells onCounted of each record's contributions once, with tenant and instant, however often it is delivered", async () => {
    const db = engine.db;
    const day = "2026-07-03";
    const told: { tenantId: string; at: string; kind: string }[] = [];
    const live = createAnalyticsService({
      db,
      clock,
      shards: 4,
      onCounted: (contributions) => {
        for (const c of contributions)
          told.push({ tenantId: c.tenantId, at: c.at, kind: c.events.kind });
      },
    });
    const search = streamRecord({
      eventName: "INSERT",
      newItem: searchEventItem(db, {
        searchId: "srch_live",
        route: "JFK-LAX",
        day,
        cacheStatus: "miss",
      }),
    });
    const booking = streamRecord({
      eventName: "INSERT",
      newItem: bookingItem(db, {
        bookingId: "bkg_live",
        route: "JFK-LAX",
        status: "confirmed",
        totalMinor: 1_000,
        day,
      }),
    });
    await live.consumer.handle(streamEvent([search, booking, search]));
    await live.consumer.handle(streamEvent([booking, search]));
    expect(told).toEqual([
      { tenantId: "tenant-a", at: `${day}T10:00:00.000Z`, kind: "search" },
      { tenantId: "tenant-a", at: `${day}T12:00:00.000Z`, kind: "booking" },
    ]);
  });

  it.each([
    ["deflated", "2026-04"],
    ["plain JSON (items written before deflating)", "2026-05"],
  ] as const)(
    "counts every search of a %s batch item once, per day and route, also when it is delivered twice",
    async (_form, month) => {
      const db = engine.db;
      const [day1, day2] = [`${month}-10`, `${month}-11`];
      const searches = [
        { searchId: "srch_b1", route: "JFK-LAX", day: day1, cacheStatus: "hit" as const },
        { searchId: "srch_b2", route: "JFK-LAX", day: day1, cacheStatus: "miss" as const },
        { searchId: "srch_b3", route: "LHR", day: day1, cacheStatus: "stale" as const },
        // A batch flushed just after midnight holds searches of two days.
        { searchId: "srch_b4", route: "JFK-LAX", day: day2, cacheStatus: "hit" as const },
      ];
      const record = streamRecord({
        eventName: "INSERT",
        newItem: await searchEventBatchItem(
          db,
          `sbat_${month}`,
          searches,
          month === "2026-05" ? "json" : "deflate",
        ),
        eventID: `batch-${month}`,
      });
      // Delivered, then redelivered in a later batch (at-least-once).
      expect((await analytics.consumer.handle(streamEvent([record]))).batchItemFailures).toEqual(
        [],
      );
      expect((await analytics.consumer.handle(streamEvent([record]))).batchItemFailures).toEqual(
        [],
      );

      const first = await analytics.queries.summary({ from: day1, to: day1 });
      expect(first).toMatchObject({ searches: 3, cacheHits: 2 });
      expect(first.topRoutes).toEqual([
        { route: "JFK-LAX", type: "flight", searches: 2, bookings: 0 },
        { route: "LHR", type: "hotel", searches: 1, bookings: 0 },
      ]);
      const both = await analytics.queries.summary({ from: day1, to: day2 });
      expect(both).toMatchObject({ searches: 4, cacheHits: 3 });
      const route = await analytics.queries.route({ route: "JFK-LAX", from: day1, to: day2 });
      expect(route.days.map((d) => d.searches)).toEqual([2, 1]);
    },
  );

  it("writes a 500-search item touching 200 routes with at most ROW_WRITES_IN_FLIGHT row writes in flight, and counts it exactly", async () => {
    const repository = createAnalyticsRepository(engine.db);
    const writes = createAggregateWriteRepository(engine.db);
    let inFlight = 0;
    let peak = 0;
    const counted =
      <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await fn(...args);
        } finally {
          inFlight--;
        }
      };
    const watched: AggregateWriteRepository = {
      ...writes,
      addRow: counted(writes.addRow),
      releaseTokens: counted(writes.releaseTokens),
    };
    const consumer = createStreamConsumer({
      parser: repository,
      handlers: [
        createAnalyticsAggregator({
          writes: watched,
          metrics: createBusinessMetrics(undefined),
          clock,
          shards: 4,
        }),
      ],
    });
    const routes = Array.from({ length: 200 }, (_, i) => `R${String(i).padStart(2, "0")}`);
    const searches = Array.from({ length: 500 }, (_, i) => ({
      searchId: `srch_wide_${i}`,
      route: routes[i % routes.length] as string,
      day: "2026-06-01",
      cacheStatus: i % 2 ? ("hit" as const) : ("miss" as const),
    }));
    const record = streamRecord({
      eventName: "INSERT",
      newItem: await searchEventBatchItem(engine.db, "sbat_wide", searches),
      eventID: "batch-wide",
    });
    expect((await consumer.handle(streamEvent([record]))).batchItemFailures).toEqual([]);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(ROW_WRITES_IN_FLIGHT);
    const summary = await analytics.queries.summary({ from: "2026-06-01", to: "2026-06-01" });
    expect(summary).toMatchObject({ searches: 500, cacheHits: 250 });
  });

  it("refuses a batch item whose searches are malformed, alone, without failing the batch", async () => {
    const db = engine.db;
    const good = streamRecord({
      eventName: "INSERT",
      newItem: searchEventItem(db, {
        searchId: "srch_ok",
        route: "JFK-LAX",
        day: "2026-04-12",
        cacheStatus: "hit",
      }),
    });
    const badItem = await searchEventBatchItem(db, "sbat_bad", [
      { searchId: "srch_x", route: "JFK-LAX", day: "2026-04-12", cacheStatus: "hit" },
    ]);
    const bad = streamRecord({
      eventName: "INSERT",
      newItem: { ...badItem, events: JSON.stringify([{ searchId: "srch_x", day: "not a day" }]) },
      eventID: "bad-batch",
    });
    const result = await analytics.consumer.handle(streamEvent([good, bad]));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: bad.dynamodb?.SequenceNumber }]);
    const summary = await analytics.queries.summary({ from: "2026-04-12", to: "2026-04-12" });
    expect(summary.searches).toBe(1);
  });

  it("reports a poison record alone in batchItemFailures and applies the rest", async () => {
    const db = engine.db;
    const day = "2026-03-04";
    const good1 = streamRecord({
      eventName: "INSERT",
      newItem: searchEventItem(db, {
        searchId: "srch_p1",
        route: "SEA-DEN",
        day,
        cacheStatus: "miss",
      }),
    });
    const poison = streamRecord({
      eventName: "INSERT",
      newItem: {
        ...bookingItem(db, {
          bookingId: "bkg_p",
          route: "SEA-DEN",
          status: "confirmed",
          totalMinor: 100,
          day,
        }),
        totalMinor: "lots",
      },
    });
    const good2 = streamRecord({
      eventName: "INSERT",
      newItem: bookingItem(db, {
        bookingId: "bkg_q",
        route: "SEA-DEN",
        status: "confirmed",
        totalMinor: 12_345,
        day,
      }),
    });

    const response = await analytics.consumer.handle(streamEvent([good1, poison, good2]));

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: poison.dynamodb?.SequenceNumber },
    ]);
    const summary = await analytics.queries.summary({ from: day, to: day });
    expect(summary).toMatchObject({
      searches: 1,
      bookings: 1,
      revenue: [{ amount: "123.45", currency: "USD" }],
    });
  });

  it("fails a record that is not a stream record without failing the batch", async () => {
    const day = "2026-03-05";
    const good = streamRecord({
      eventName: "INSERT",
      newItem: searchEventItem(engine.db, {
        searchId: "srch_s",
        route: "SEA-DEN",
        day,
        cacheStatus: "hit",
      }),
    });
    const shapeless = {
      eventID: "f00d",
      eventName: "INSERT",
      dynamodb: { SequenceNumber: "1", NewImage: "??" },
    };

    const response = await analytics.consumer.handle(streamEvent([good, shapeless as never]));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "1" }]);
    expect((await analytics.queries.summary({ from: day, to: day })).searches).toBe(1);
  });

  it("passes the parsed FlightOfferRecord of an inventory MODIFY to a registered listener", async () => {
    const received: InventoryChange[] = [];
    const withListener = createAnalyticsService({
      db: engine.db,
      clock,
      shards: 4,
      inventoryListener: { inventoryChanged: async (changes) => void received.push(...changes) },
    });
    const record = streamRecord({
      eventName: "MODIFY",
      oldItem: flightOfferItem(engine.db, "off_inv", 9),
      newItem: flightOfferItem(engine.db, "off_inv", 7),
    });

    const response = await withListener.consumer.handle(streamEvent([record]));

    expect(response.batchItemFailures).toEqual([]);
    expect(received).toEqual([
      {
        type: "flightOffer",
        record: {
          offerId: "off_inv",
          origin: "JFK",
          destination: "LAX",
          departDate: "2026-12-01",
          departAt: "2026-12-01T13:15:00.000Z",
          arriveAt: "2026-12-01T19:40:00.000Z",
          durationMinutes: 385,
          stops: 0,
          carrier: "AA",
          flightNumber: "AA100",
          cabin: "economy",
          seatsAvailable: 7,
          seatsTotal: 180,
          priceMinor: 24_900,
          currency: "USD",
          version: 3,
          updatedAt: "2026-11-01T00:00:00.000Z",
        },
      },
    ]);
  });

  describe("business metrics (EMF)", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("writes valid EMF JSON with the _aws block for searches, bookings and failures", async () => {
      const lines: string[] = [];
      vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
      const metered = createAnalyticsService({
        db: engine.db,
        clock,
        shards: 4,
        metrics: new Metrics(BUSINESS_METRICS),
      });
      const db = engine.db;
      const day = "2026-03-06";
      const search1 = streamRecord({
        eventName: "INSERT",
        newItem: searchEventItem(db, {
          searchId: "srch_m1",
          route: "JFK-LAX",
          day,
          cacheStatus: "hit",
        }),
      });
      await metered.consumer.handle(
        streamEvent([
          search1,
          search1,
          streamRecord({
            eventName: "INSERT",
            newItem: searchEventItem(db, {
              searchId: "srch_m2",
              route: "JFK-LAX",
              day,
              cacheStatus: "miss",
            }),
          }),
          streamRecord({
            eventName: "INSERT",
            newItem: bookingItem(db, {
              bookingId: "bkg_m",
              route: "JFK-LAX",
              status: "confirmed",
              totalMinor: 100,
              day,
            }),
          }),
          streamRecord({
            eventName: "MODIFY",
            oldItem: bookingItem(db, {
              bookingId: "bkg_f",
              route: "JFK-LAX",
              status: "pending",
              totalMinor: 100,
              day,
            }),
            newItem: bookingItem(db, {
              bookingId: "bkg_f",
              route: "JFK-LAX",
              status: "failed",
              totalMinor: 100,
              day,
              failureReason: "sold_out",
            }),
          }),
        ]),
      );
      vi.restoreAllMocks();

      const documents = lines
        .flatMap((chunk) => chunk.split("\n"))
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: EmfMetadata });
      expect(documents).toHaveLength(2);
      for (const doc of documents) {
        expect(typeof doc._aws.Timestamp).toBe("number");
        expect(doc._aws.CloudWatchMetrics).toHaveLength(1);
        expect(doc._aws.CloudWatchMetrics[0]?.Namespace).toBe("TravelPlatform");
        expect(doc.service).toBe("travel-api");
        // Every dimension named in the metadata is a member of the document, as EMF requires.
        for (const set of doc._aws.CloudWatchMetrics[0]?.Dimensions ?? []) {
          for (const name of set) expect(doc).toHaveProperty(name);
        }
        for (const metric of doc._aws.CloudWatchMetrics[0]?.Metrics ?? []) {
          expect(doc).toHaveProperty(metric.Name);
        }
      }
      const [batch, failure] = documents as [
        Record<string, unknown> & { _aws: EmfMetadata },
        Record<string, unknown> & { _aws: EmfMetadata },
      ];
      expect(batch).toMatchObject({ Searches: 2, CacheHits: 1, CacheHitRatio: 50, Bookings: 1 });
      expect(batch._aws.CloudWatchMetrics[0]?.Metrics).toEqual(
        expect.arrayContaining([
          { Name: "Searches", Unit: "Count" },
          { Name: "CacheHitRatio", Unit: "Percent" },
        ]),
      );
      expect(failure).toMatchObject({ BookingFailures: 1, reason: "sold_out" });
      expect(failure._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "reason"]]);
    });
  });
});

interface EmfMetadata {
  Timestamp: number;
  CloudWatchMetrics: {
    Namespace: string;
    Dimensions: string[][];
    Metrics: { Name: string; Unit: string }[];
  }[];
}
