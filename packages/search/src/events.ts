import { MAX_SEARCH_EVENTS_PER_BATCH, type SearchEventRecord } from "@travel/core";
import { errorName, type Logger } from "./logger.js";

/** Where a search reports itself for analytics: synchronous, never throws, never blocks. */
export interface SearchEventRecorder {
  record(event: SearchEventRecord): void;
}

/**
 * The write side: core's `createSearchEventRepository(db)` fits. `recordBatch` (many searches in
 * one item) is preferred when present, then `recordMany` (one item each, written in batches).
 */
export interface SearchEventSink {
  record(event: SearchEventRecord): Promise<void>;
  recordMany?(events: readonly SearchEventRecord[]): Promise<void>;
  /** Many searches in one item; may report how many it left out as invalid (`rejected`). */
  recordBatch?(events: readonly SearchEventRecord[]): Promise<unknown>;
}

export interface SearchEventQueueOptions {
  sink: SearchEventSink;
  logger: Logger;
  /** Events held at most; beyond it new events are dropped and counted. Default 5000. */
  maxQueued?: number;
  /** Events written per batch (DynamoDB BatchWriteItem takes 25). Default 25. */
  batchSize?: number;
  /** Events per item when the sink has `recordBatch`. Default and maximum 500 (core's limit). */
  eventsPerItem?: number;
  /** A batch is written this long after the first queued event at the latest. Default 200 ms. */
  flushAfterMs?: number;
}

export interface SearchEventQueueStats {
  queued: number;
  written: number;
  failed: number;
  dropped: number;
}

export interface SearchEventQueue extends SearchEventRecorder {
  /** Resolves once every event recorded before the call is written (or has failed). */
  flush(): Promise<void>;
  stats(): SearchEventQueueStats;
}

/**
 * A small bounded in-process queue that takes search events off the response path: `record`
 * only pushes; a timer (or a full batch) writes them in batches: with a `recordBatch` sink, one
 * item per flush of up to 500 searches (a busy long-lived server writes one item per 200 ms or per
 * 500 searches instead of one per search: each PutItem costs ~1 ms of CPU in the AWS SDK and
 * ElectroDB here, whatever its size; a Lambda invocation still writes its own one). Call `flush()` before a
 * Lambda invocation returns or the process exits, so nothing recorded is lost on shutdown.
 * Write errors are logged and counted, never thrown into a search.
 *
 * @example
 * const events = createSearchEventQueue({ sink: createSearchEventRepository(db), logger });
 * const search = createSearchService({ ..., events });
 * await events.flush(); // at shutdown / end of invocation
 */
export function createSearchEventQueue(options: SearchEventQueueOptions): SearchEventQueue {
  const maxQueued = options.maxQueued ?? 5000;
  const batchSize = options.sink.recordBatch
    ? Math.max(
        1,
        Math.min(MAX_SEARCH_EVENTS_PER_BATCH, options.eventsPerItem ?? MAX_SEARCH_EVENTS_PER_BATCH),
      )
    : (options.batchSize ?? 25);
  const flushAfterMs = options.flushAfterMs ?? 200;
  const queue: SearchEventRecord[] = [];
  const stats = { written: 0, failed: 0, dropped: 0 };
  let timer: NodeJS.Timeout | undefined;
  /** The drain in progress; writes are sequential so `flush` can wait for everything before it. */
  let draining: Promise<void> = Promise.resolve();

  async function writeBatch(batch: SearchEventRecord[]): Promise<void> {
    try {
      if (options.sink.recordBatch) {
        const rejected = rejectedCount(await options.sink.recordBatch(batch));
        if (rejected > 0) {
          stats.failed += rejected;
          stats.written += batch.length - rejected;
          options.logger.error("search events not recorded", {
            count: rejected,
            error: "InvalidSearchEvent",
          });
          return;
        }
      } else if (options.sink.recordMany) {
        await options.sink.recordMany(batch);
      } else {
        const results = await Promise.allSettled(batch.map((e) => options.sink.record(e)));
        const failures = results.filter((r) => r.status === "rejected");
        stats.written += batch.length - failures.length;
        stats.failed += failures.length;
        if (failures[0]?.status === "rejected") {
          options.logger.error("search events not recorded", {
            count: failures.length,
            error: errorName(failures[0].reason),
          });
        }
        return;
      }
      stats.written += batch.length;
    } catch (error) {
      stats.failed += batch.length;
      options.logger.error("search events not recorded", {
        count: batch.length,
        error: errorName(error),
      });
    }
  }

  function schedule(): void {
    if (!timer && queue.length > 0) {
      timer = setTimeout(() => void drain(true), flushAfterMs);
      timer.unref();
    }
  }

  /**
   * Writes full batches; with `all`, also the partial one (the timer, `flush()`). Events that
   * arrive while a write is in flight join the next full batch or wait for the timer, so a busy
   * process writes full batches rather than a small one per round trip.
   */
  function drain(all: boolean): Promise<void> {
    if (all && timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    draining = draining
      .then(async () => {
        // With `all`: what is queued now, not what keeps arriving during the writes (that would
        // turn one timed flush into a stream of small items).
        let due = all ? queue.length : 0;
        while (queue.length >= batchSize || due > 0) {
          const batch = queue.splice(0, batchSize);
          due -= batch.length;
          await writeBatch(batch);
        }
      })
      // writeBatch never throws; if logging itself did, the queue must still keep working.
      .catch(() => {})
      .finally(schedule);
    return draining;
  }

  return {
    record(event) {
      if (queue.length >= maxQueued) {
        stats.dropped++;
        if (stats.dropped === 1 || stats.dropped % 100 === 0) {
          options.logger.warn("search event queue full, events dropped", {
            dropped: stats.dropped,
          });
        }
        return;
      }
      queue.push(event);
      if (queue.length === batchSize) void drain(false);
      else schedule();
    },
    flush: () => drain(true),
    stats: () => ({ queued: queue.length, ...stats }),
  };
}

/** `rejected` of a batch sink's answer (core's `{ batchId, rejected }`), 0 when it says nothing. */
function rejectedCount(result: unknown): number {
  if (typeof result !== "object" || result === null) return 0;
  const rejected = (result as { rejected?: unknown }).rejected;
  return typeof rejected === "number" && rejected > 0 ? rejected : 0;
}
