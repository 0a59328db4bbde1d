import { randomBytes } from "node:crypto";
import type { AggregateBatch, AggregateRowDelta, AggregateWriteRepository } from "@travel/core";
import {
  type Contribution,
  contributionsOf,
  DEFAULT_AGGREGATE_SHARDS,
  type FailureEvent,
  rowsOf,
  shardOf,
} from "./aggregate.js";
import { MalformedStreamRecordError } from "./errors.js";
import type { BusinessMetrics } from "./metrics.js";
import type { RecordRejection, StreamBatchHandler } from "./stream-record.js";

/** Row writes kept in flight at once (a batch item of 500 searches can touch hundreds of rows). */
export const ROW_WRITES_IN_FLIGHT = 16;
/** Records per aggregate batch: Lambda's batch size, bisected or not, fits in one. */
export const RECORDS_PER_AGGREGATE_BATCH = 100;
/** Rows per aggregate batch: keeps the batch item far below DynamoDB's 400 KB. */
export const ROWS_PER_AGGREGATE_BATCH = 1_000;

export interface AnalyticsAggregatorOptions {
  writes: AggregateWriteRepository;
  metrics: BusinessMetrics;
  clock: { now(): Date };
  /**
   * Write shards per (day, scope) (default `DEFAULT_AGGREGATE_SHARDS`; readers sum shards
   * 0..N-1, so raise it, never lower it). One aggregator (a Lambda container, the local
   * process) writes all its batches to ONE shard, picked at random when it is created: its
   * consecutive batches hit the same rows (so each row write also removes the previous batch's
   * token), while concurrent containers spread over the N partition keys.
   */
  shards?: number;
  /** Fresh batch ids (default: 16 random hex digits). */
  newBatchId?: () => string;
  /**
   * Told of each record's contributions once, when its first delivery is counted (the same
   * moment the business metrics count it), e.g. for a live view of the last minutes.
   */
  onCounted?: (contributions: readonly Contribution[]) => void;
}

interface Counted {
  eventId: string;
  createdSecond: number;
  contributions: Contribution[];
  failure?: FailureEvent;
}

/**
 * The analytics batch handler: exactly-once by batch, not by record. The records of a delivery
 * that were never counted are summed per aggregate row in memory, and each row is written once
 * through the protocol of `createAggregateWriteRepository` (core), which explains why a record
 * delivered twice, a batch retried from its middle (bisect, partial failures), a crash between
 * two row writes and concurrent batches all count once. Business metrics count first
 * deliveries only.
 */
export function createAnalyticsAggregator(options: AnalyticsAggregatorOptions): StreamBatchHandler {
  const { writes, metrics, clock } = options;
  const shards = options.shards ?? DEFAULT_AGGREGATE_SHARDS;
  const newBatchId = options.newBatchId ?? (() => randomBytes(8).toString("hex"));
  const tokens = createTokenLedger(writes);
  const shard = shardOf(newBatchId(), shards);

  /** Rolls forward a batch an earlier delivery claimed records for (it may have crashed). */
  async function finish(batch: AggregateBatch): Promise<void> {
    if (batch.state === "pending") {
      await mapLimit(batch.rows, ROW_WRITES_IN_FLIGHT, (row) =>
        writes.addRow(batch.batchId, batch.shard, row),
      );
      await writes.markBatchApplied(batch.batchId);
    }
    await mapLimit(batch.rows, ROW_WRITES_IN_FLIGHT, (row) =>
      writes.releaseTokens(batch.shard, row, [batch.batchId]),
    );
  }

  async function countFresh(records: readonly Counted[]): Promise<void> {
    const batchId = newBatchId();
    const rows = rowsOf(records.flatMap((r) => r.contributions));
    const now = clock.now();
    await writes.claimRecords(records, batchId, now);
    await writes.createBatch({ batchId, shard, rows }, now);
    await mapLimit(rows, ROW_WRITES_IN_FLIGHT, (row) =>
      tokens.withReleases(shard, row, (release) => writes.addRow(batchId, shard, row, release)),
    );
    await writes.markBatchApplied(batchId);
    await tokens.applied(batchId, shard, rows);
  }

  return {
    name: "analytics",
    async handleBatch(changes) {
      const rejections: RecordRejection[] = [];
      const counted = new Map<string, Counted>();
      for (const change of changes) {
        if (counted.has(change.eventId)) continue;
        try {
          const { contributions, failure } = contributionsOf(change);
          if (contributions.length === 0 && !failure) continue;
          counted.set(change.eventId, {
            eventId: change.eventId,
            createdSecond: Math.floor(change.approximateCreatedAt.getTime() / 1000),
            contributions,
            ...(failure ? { failure } : {}),
          });
        } catch (error) {
          if (!(error instanceof MalformedStreamRecordError)) throw error;
          rejections.push({ eventId: change.eventId, error });
        }
      }
      if (counted.size === 0) return rejections;

      const claims = await writes.findClaims([...counted.values()]);
      const named = new Set([...claims.values()].flat());
      const batches: Map<string, AggregateBatch> =
        named.size > 0 ? await writes.findBatches([...named]) : new Map();
      // A record is fresh unless a batch that claimed it exists (claims without a batch are
      // from a delivery that crashed before counting anything).
      const fresh = [...counted.values()].filter(
        (record) => !claims.get(record.eventId)?.some((batchId) => batches.has(batchId)),
      );
      // Earlier deliveries first: batches that crashed half way are finished, not redone.
      for (const batch of batches.values()) await finish(batch);
      for (const chunk of chunksOf(fresh)) await countFresh(chunk);

      for (const { contributions, failure } of fresh) {
        if (failure) metrics.bookingFailure(failure.reason);
        for (const { events: event } of contributions) {
          if (event.kind === "search") metrics.search(event.cacheHit);
          if (event.kind === "booking") metrics.booking();
          if (event.kind === "cancellation") metrics.cancellation();
        }
        if (contributions.length > 0) options.onCounted?.(contributions);
      }
      return rejections;
    },
  };
}

/**
 * The row tokens of this consumer's applied batches, not yet removed. The next write of a
 * batch to the same row removes them in the same UpdateItem (free); tokens of rows the next
 * batch did not write are removed on their own after it, so a token outlives its batch by at
 * most one batch (or stays, harmless, if the process dies: see `aggregate-writes.ts`).
 */
function createTokenLedger(writes: AggregateWriteRepository) {
  const held = new Map<string, { shard: number; day: string; scope: string; batchIds: string[] }>();
  let generation = 0;
  const since = new Map<string, number>();
  const keyOf = (shard: number, row: { day: string; scope: string }) =>
    `${shard}|${row.day}|${row.scope}`;
  return {
    async withReleases<R>(
      shard: number,
      row: AggregateRowDelta,
      write: (release: readonly string[]) => Promise<R>,
    ): Promise<R> {
      const key = keyOf(shard, row);
      const entry = held.get(key);
      const release = entry?.batchIds.splice(0, 32) ?? [];
      try {
        return await write(release);
      } catch (error) {
        if (release.length > 0) (held.get(key)?.batchIds ?? []).push(...release);
        throw error;
      }
    },
    async applied(batchId: string, shard: number, rows: readonly AggregateRowDelta[]) {
      const current = ++generation;
      for (const row of rows) {
        const key = keyOf(shard, row);
        const entry = held.get(key);
        if (entry) entry.batchIds.push(batchId);
        else held.set(key, { shard, day: row.day, scope: row.scope, batchIds: [batchId] });
        since.set(key, current);
      }
      const stale = [...held].filter(([key]) => (since.get(key) ?? 0) < current);
      for (const [key] of stale) {
        held.delete(key);
        since.delete(key);
      }
      await mapLimit(stale, ROW_WRITES_IN_FLIGHT, ([, entry]) =>
        entry.batchIds.length > 0
          ? writes.releaseTokens(entry.shard, entry, entry.batchIds)
          : Promise.resolve(),
      );
    },
  };
}

/** Splits records into aggregate batches of at most RECORDS_/ROWS_PER_AGGREGATE_BATCH. */
function chunksOf(records: readonly Counted[]): Counted[][] {
  const chunks: Counted[][] = [];
  let chunk: Counted[] = [];
  let rows = new Set<string>();
  for (const record of records) {
    const keys = record.contributions.flatMap((c) => [`${c.day}|ALL`, `${c.day}|${c.route}`]);
    const grown = new Set([...rows, ...keys]);
    if (
      chunk.length > 0 &&
      (chunk.length >= RECORDS_PER_AGGREGATE_BATCH || grown.size > ROWS_PER_AGGREGATE_BATCH)
    ) {
      chunks.push(chunk);
      chunk = [];
      rows = new Set(keys);
    } else {
      rows = grown;
    }
    chunk.push(record);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
