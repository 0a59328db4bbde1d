import { randomUUID } from "node:crypto";
import { STREAM_CONSUMED_ENTITIES } from "@travel/core";
import type { EngineChange, EngineChangeListener } from "@travel/core/local";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

/** Entities whose changes reach the consumer (core's list; the deployed filter passes the same). */
export const STREAM_ENTITIES = STREAM_CONSUMED_ENTITIES;

export interface LocalChangeFeedOptions {
  /** The embedded engine (`startLocalEngine()`), source of every committed write. */
  engine: { onChange(listener: EngineChangeListener): () => void };
  /** The consumer, exactly as Lambda would call it. */
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  region?: string;
  accountId?: string;
  /** Largest batch, like the event source mapping's `BatchSize` (default 100). */
  batchSize?: number;
  /** How long the first record of a batch may wait for more (`MaximumBatchingWindowInSeconds`). */
  batchWindowMs?: number;
  /** Retries of a failing batch before its failed records go to `deadLetters` (default 3). */
  maxRetries?: number;
  /** Delay before the first retry, doubled per retry (default 100 ms). */
  retryDelayMs?: number;
  /** Only records of these entities (`__edb_e__`) are delivered, like the deployed filter. */
  entities?: readonly string[];
  /** Records held at most; beyond it the oldest are dropped and counted (default 100,000). */
  maxQueue?: number;
  logger?: {
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
  };
}

export interface LocalChangeFeedStats {
  delivered: number;
  retried: number;
  dropped: number;
  queued: number;
  /** eventIDs given up after `maxRetries` (the on-failure destination of the deployed stack). */
  deadLetters: string[];
}

export interface LocalChangeFeed {
  /** Subscribes to the engine; writes from now on are delivered. */
  start(): void;
  /** Unsubscribes and waits for delivery of what was already captured. */
  stop(): Promise<void>;
  /** Delivers everything captured so far now (no batching wait) and waits until it is done. */
  drain(): Promise<void>;
  stats(): LocalChangeFeedStats;
}

/**
 * Local mode's DynamoDB Streams: every committed write to the embedded engine becomes a stream
 * record in AWS's shape (NEW_AND_OLD_IMAGES, `eventID`, increasing `SequenceNumber`, the
 * stream's `eventSourceARN`), and records are handed to the consumer in batches, in commit
 * order, AFTER the write succeeded: capture only enqueues, delivery runs on its own loop, so a
 * slow or failing consumer never blocks or fails the write that produced the record.
 *
 * Delivery follows the Lambda event source for one shard: one batch at a time; when the
 * handler reports `batchItemFailures`, the batch is retried from the first failed record
 * (records after it are delivered again, which the consumer's eventID dedup absorbs); when it
 * throws, the whole batch is retried; after `maxRetries` the failed records are set aside in
 * `deadLetters` and the feed moves on.
 *
 * @example
 * const feed = createLocalChangeFeed({ engine, handler: consumer.handle });
 * feed.start();
 * ...
 * await feed.drain(); // every write so far is aggregated
 */
export function createLocalChangeFeed(options: LocalChangeFeedOptions): LocalChangeFeed {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "000000000000";
  const batchSize = options.batchSize ?? 100;
  const batchWindowMs = options.batchWindowMs ?? 100;
  const maxRetries = options.maxRetries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const maxQueue = options.maxQueue ?? 100_000;
  const entities = new Set(options.entities ?? STREAM_ENTITIES);
  const streamLabel = new Date().toISOString().replace("Z", "");
  // Sequence numbers: numeric strings that only grow (AWS's are 21+ digits, per shard).
  let sequence = BigInt(Date.now()) * 1_000_000n;

  const queue: DynamoDBRecord[] = [];
  const stats: LocalChangeFeedStats = {
    delivered: 0,
    retried: 0,
    dropped: 0,
    queued: 0,
    deadLetters: [],
  };
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  function toRecord(change: EngineChange): DynamoDBRecord {
    sequence += 1n;
    const images = {
      Keys: change.keys,
      ...(change.newImage ? { NewImage: change.newImage } : {}),
      ...(change.oldImage ? { OldImage: change.oldImage } : {}),
    };
    return {
      eventID: randomUUID().replaceAll("-", ""),
      eventName: change.eventName,
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(change.committedAt / 1000),
        ...(images as Pick<
          NonNullable<DynamoDBRecord["dynamodb"]>,
          "Keys" | "NewImage" | "OldImage"
        >),
        SequenceNumber: sequence.toString(),
        SizeBytes: Buffer.byteLength(JSON.stringify(images)),
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
      eventSourceARN: `arn:aws:dynamodb:${region}:${accountId}:table/${change.tableName}/stream/${streamLabel}`,
    };
  }

  function passesFilter(change: EngineChange): boolean {
    const image = change.newImage ?? change.oldImage;
    const entity = image?.__edb_e__?.S;
    return entity !== undefined && entities.has(entity);
  }

  const onChange: EngineChangeListener = (change) => {
    if (!passesFilter(change)) return;
    queue.push(toRecord(change));
    if (queue.length > maxQueue) {
      queue.shift();
      stats.dropped++;
    }
    schedule();
  };

  function schedule(): void {
    if (running) return;
    if (queue.length >= batchSize) kick();
    else timer ??= setTimeout(kick, batchWindowMs);
  }

  function kick(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (running || queue.length === 0) return;
    running = deliverAll().finally(() => {
      running = undefined;
      if (queue.length > 0) schedule();
    });
  }

  async function deliverAll(): Promise<void> {
    while (queue.length > 0) {
      await deliver(queue.splice(0, batchSize));
    }
  }

  async function deliver(batch: DynamoDBRecord[]): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      let failedFrom: number;
      try {
        const response = await options.handler({ Records: pending });
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        // Lambda checkpoints streams at the lowest failed SequenceNumber and resumes there.
        failedFrom = pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ""));
      } catch (error) {
        options.logger?.warn("change feed batch failed", {
          records: pending.length,
          error: error instanceof Error ? error.message : String(error),
        });
        failedFrom = 0;
      }
      if (failedFrom < 0) {
        stats.delivered += pending.length;
        return;
      }
      stats.delivered += failedFrom;
      pending = pending.slice(failedFrom);
      if (attempt >= maxRetries) {
        // Like an on-failure destination: give up on the failing record, go on with the rest.
        const [first, ...rest] = pending;
        if (first?.eventID) stats.deadLetters.push(first.eventID);
        options.logger?.error("change feed gave up on a record", { eventId: first?.eventID });
        pending = rest;
        attempt = -1;
        continue;
      }
      stats.retried++;
      await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** attempt));
    }
  }

  return {
    start() {
      unsubscribe ??= options.engine.onChange(onChange);
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      await this.drain();
    },
    async drain() {
      while (queue.length > 0 || running) {
        kick();
        await running;
      }
    },
    stats() {
      return { ...stats, queued: queue.length, deadLetters: [...stats.deadLetters] };
    },
  };
}
