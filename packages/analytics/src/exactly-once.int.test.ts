import {
  type AggregateWriteRepository,
  createAggregateWriteRepository,
  createAnalyticsRepository,
} from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import type { DynamoDBRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookingItem, searchEventItem, streamEvent, streamRecord } from "../test/stream-events.js";
import { createAnalyticsAggregator } from "./aggregator.js";
import { createBusinessMetrics } from "./metrics.js";
import { createAnalyticsQueries } from "./queries.js";
import { createStreamConsumer } from "./stream-consumer.js";

const clock = { now: () => new Date("2026-03-20T00:00:00Z") };
const SHARDS = 4;
const ROUTES = ["JFK-LAX", "LHR-CDG", "PAR"];

/** The write steps of the protocol, in the order a fresh batch runs them. */
const WRITE_STEPS = [
  "claimRecords",
  "createBatch",
  "addRow",
  "markBatchApplied",
  "releaseTokens",
] as const;

/** A writes repository that throws on its `failAt`-th write (a crash at that point). */
function failingWrites(writes: AggregateWriteRepository, failAt: number) {
  let count = 0;
  const wrapped = { ...writes };
  for (const step of WRITE_STEPS) {
    const original = writes[step] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[step] = async (...args: unknown[]) => {
      count++;
      if (count === failAt) throw new Error(`crash at write ${failAt} (${step})`);
      return original(...args);
    };
  }
  return { writes: wrapped as AggregateWriteRepository, writesSeen: () => count };
}

describe("exactly-once by batch", () => {
  let engine: LocalEngine;

  beforeAll(async () => {
    engine = await startLocalEngine();
  });
  afterAll(async () => {
    await engine.stop();
  });

  /** A consumer as one Lambda container (or one local process) would hold it. */
  function consumerWith(writes: AggregateWriteRepository) {
    return createStreamConsumer({
      parser: createAnalyticsRepository(engine.db),
      handlers: [
        createAnalyticsAggregator({
          writes,
          metrics: createBusinessMetrics(undefined),
          clock,
          shards: SHARDS,
        }),
      ],
    });
  }

  /** `searches` searches and `bookings` confirmed bookings of `day`, spread over ROUTES. */
  function records(day: string, searches: number, bookings: number): DynamoDBRecord[] {
    const out: DynamoDBRecord[] = [];
    for (let i = 0; i < searches; i++) {
      out.push(
        streamRecord({
          eventName: "INSERT",
          newItem: searchEventItem(engine.db, {
            searchId: `srch_${day}_${i}`,
            route: ROUTES[i % ROUTES.length] as string,
            day,
            cacheStatus: i % 2 ? "hit" : "miss",
          }),
        }),
      );
    }
    for (let i = 0; i < bookings; i++) {
      out.push(
        streamRecord({
          eventName: "INSERT",
          newItem: bookingItem(engine.db, {
            bookingId: `bkg_${day}_${i}`,
            route: ROUTES[i % ROUTES.length] as string,
            status: "confirmed",
            totalMinor: 1_000,
            day,
          }),
        }),
      );
    }
    return out;
  }

  async function totals(day: string) {
    const queries = createAnalyticsQueries({
      repository: createAnalyticsRepository(engine.db),
      shards: SHARDS,
    });
    const summary = await queries.summary({ from: day, to: day });
    return {
      searches: summary.searches,
      cacheHits: summary.cacheHits,
      bookings: summary.bookings,
      revenue: summary.revenue,
      routes: Object.fromEntries(summary.topRoutes.map((r) => [r.route, r.searches + r.bookings])),
    };
  }

  const truth = {
    searches: 9,
    cacheHits: 4,
    bookings: 3,
    revenue: [{ amount: "30.00", currency: "USD" }],
    routes: { "JFK-LAX": 4, "LHR-CDG": 4, PAR: 4 },
  };

  it("counts a record delivered twice once: in one batch, in the next batch, and after a partial failure", async () => {
    const day = "2026-07-01";
    const batch = records(day, 9, 3);
    const consumer = consumerWith(createAggregateWriteRepository(engine.db));
    const duplicated = [...batch, batch[0] as DynamoDBRecord, batch[5] as DynamoDBRecord];

    expect((await consumer.handle(streamEvent(duplicated))).batchItemFailures).toEqual([]);
    // Lambda retries from a failed record: the records after it went through already.
    expect((await consumer.handle(streamEvent(batch.slice(4)))).batchItemFailures).toEqual([]);
    // A new container (no memory of the first) gets the whole batch again.
    const restarted = consumerWith(createAggregateWriteRepository(engine.db));
    expect((await restarted.handle(streamEvent(batch))).batchItemFailures).toEqual([]);

    expect(await totals(day)).toEqual(truth);
  });

  it("counts every record once whichever write the first delivery crashed at, retried whole or bisected", async () => {
    const healthy = createAggregateWriteRepository(engine.db);
    // A clean run of one batch: claims, the batch, 8 day rows (ALL + 3 routes, and the tenant's
    // own total + 3 routes), 4 minute rows (ALL and the tenant's, for the searches' minute and
    // the bookings'), applied.
    const probe = failingWrites(healthy, Number.POSITIVE_INFINITY);
    await consumerWith(probe.writes).handle(streamEvent(records("2026-07-02", 9, 3)));
    const writesPerBatch = probe.writesSeen();
    expect(writesPerBatch).toBe(15);

    for (let failAt = 1; failAt <= writesPerBatch; failAt++) {
      for (const retry of ["whole", "bisected"] as const) {
        const day = `2026-08-${String(failAt).padStart(2, "0")}`;
        const month = retry === "whole" ? day : day.replace("2026-08", "2026-09");
        const batch = records(month, 9, 3);
        const crashing = consumerWith(failingWrites(healthy, failAt).writes);
        const first = await crashing.handle(streamEvent(batch));
        expect(first.batchItemFailures.length, `write ${failAt} failed the batch`).toBe(
          batch.length,
        );

        // Lambda retries in a fresh invocation; bisectBatchOnFunctionError splits it in two.
        const retried = consumerWith(healthy);
        const parts = retry === "whole" ? [batch] : [batch.slice(0, 5), batch.slice(5)];
        for (const part of parts) {
          expect((await retried.handle(streamEvent(part))).batchItemFailures).toEqual([]);
        }
        expect(await totals(month), `crash at write ${failAt}, ${retry} retry`).toEqual(truth);
      }
    }
  });

  it("counts concurrent batches of two lanes (parallelizationFactor 2) on the same rows exactly", async () => {
    const day = "2026-07-03";
    const all = records(day, 60, 12);
    const lanes = [
      consumerWith(createAggregateWriteRepository(engine.db)),
      consumerWith(createAggregateWriteRepository(engine.db)),
    ];
    // Each lane runs its batches one after the other, the two lanes at the same time.
    await Promise.all(
      lanes.map(async (lane, index) => {
        const mine = all.filter((_, i) => i % 2 === index);
        for (let i = 0; i < mine.length; i += 6) {
          const response = await lane.handle(streamEvent(mine.slice(i, i + 6)));
          expect(response.batchItemFailures).toEqual([]);
        }
      }),
    );
    expect(await totals(day)).toMatchObject({ searches: 60, cacheHits: 30, bookings: 12 });
  });

  it("counts a booking's changes the same when a shard split hands its later records to a child shard", async () => {
    const day = "2026-07-04";
    const at = (status: "pending" | "confirmed" | "cancelled") =>
      bookingItem(engine.db, {
        bookingId: "bkg_split",
        route: "JFK-LAX",
        status,
        totalMinor: 5_000,
        day,
      });
    const insert = streamRecord({ eventName: "INSERT", newItem: at("pending") });
    const confirm = streamRecord({
      eventName: "MODIFY",
      oldItem: at("pending"),
      newItem: at("confirmed"),
    });
    const cancel = streamRecord({
      eventName: "MODIFY",
      oldItem: at("confirmed"),
      newItem: at("cancelled"),
    });
    // Parent shard: insert + confirm; child shard (after the split): cancel, then the parent's
    // last batch again (its checkpoint had not been written when the split happened).
    const consumer = consumerWith(createAggregateWriteRepository(engine.db));
    await consumer.handle(streamEvent([insert, confirm]));
    await consumer.handle(streamEvent([cancel]));
    await consumer.handle(streamEvent([confirm, cancel]));

    const queries = createAnalyticsQueries({
      repository: createAnalyticsRepository(engine.db),
      shards: SHARDS,
    });
    expect(await queries.summary({ from: day, to: day })).toMatchObject({
      bookings: 1,
      cancellations: 1,
      revenue: [{ amount: "50.00", currency: "USD" }],
      cancelledRevenue: [{ amount: "50.00", currency: "USD" }],
    });
  });

  it("writes each aggregate row once per batch and leaves no batch token behind one batch later", async () => {
    const day = "2026-07-05";
    const writes = createAggregateWriteRepository(engine.db);
    let rowWrites = 0;
    const counted = {
      ...writes,
      addRow: (...args: Parameters<AggregateWriteRepository["addRow"]>) => {
        rowWrites++;
        return writes.addRow(...args);
      },
    };
    const consumer = consumerWith(counted);
    const batch = records(day, 90, 10);
    await consumer.handle(streamEvent(batch.slice(0, 50)));
    await consumer.handle(streamEvent(batch.slice(50)));
    // Day rows: ALL + 3 routes and the tenant's own total + 3 routes, per batch (16). Minute rows
    // (ALL and the tenant's per minute a record happened in): the searches' minute in the first
    // batch, the searches' and the bookings' in the second (6). 100 records cost 22.
    expect(rowWrites).toBe(22);
    // The tokens of the first batch went with the second batch's writes; the second's stay
    // until the next batch (none here), so at most one batch's tokens are in the rows.
    const tokens = new Set<string>();
    for (let shard = 0; shard < SHARDS; shard++) {
      for (const scope of ["ALL", ...ROUTES]) {
        for (const token of await writes.rowTokens(day, shard, scope)) tokens.add(token);
      }
    }
    expect(tokens.size).toBe(1);
  });
});
