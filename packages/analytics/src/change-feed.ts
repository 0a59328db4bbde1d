import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
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
  /** Where records that keep failing go (default: kept in memory, see `stats().deadLetters`). */
  deadLetters?: DeadLetterStore;
  logger?: {
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
  };
}

/** A record the feed gave up on, with why (the deployed stack's on-failure destination). */
export interface DeadLetter {
  eventId: string;
  sequenceNumber: string;
  /** The failure: the handler's error (message and cause chain) or its partial-failure report. */
  error: string;
  failedAt: string;
  record: DynamoDBRecord;
}

/** Where dead letters are kept; `createFileDeadLetterStore` keeps them next to the engine's data. */
export interface DeadLetterStore {
  add(letter: DeadLetter): void;
}

export interface LocalChangeFeedStats {
  delivered: number;
  retried: number;
  /** Records captured and not yet delivered, over both lanes. */
  queued: number;
  /** Age of the oldest undelivered record (ms; 0 when none): the feed's lag. */
  lagMs: number;
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

/** Entities of the inventory lane (the read-model backstop); every other entity is analytics. */
const INVENTORY_ENTITIES = new Set(["flightOffer", "roomNight"]);

/**
 * Local mode's DynamoDB Streams: every committed write to the embedded engine becomes a stream
 * record in AWS's shape (NEW_AND_OLD_IMAGES, `eventID`, increasing `SequenceNumber`, the
 * stream's `eventSourceARN`), and records are handed to the consumer in batches, in commit
 * order per item, AFTER the write succeeded: capture only enqueues, delivery runs on its own
 * loop, so a slow or failing consumer never blocks or fails the write that produced the record.
 * Nothing is dropped for size.
 *
 * Two lanes, like Lambda's parallelizationFactor 2 (ordered per item, not across items):
 * inventory records (`flightOffer`, `roomNight`, the read-model backstop; a first start's
 * seeding writes ~144,000 of them) and everything else (searches and bookings, the
 * aggregates). An item's records are always in the same lane, so commit order per item holds,
 * and a seeding backlog never delays a search or a booking reaching the summary.
 *
 * Delivery in each lane follows the Lambda event source for one shard: one batch at a time;
 * when the handler reports `batchItemFailures`, the batch is retried from the first failed
 * record (records after it are delivered again, which the consumer absorbs); when it throws,
 * the whole batch is retried; retries back off exponentially; after `maxRetries` the failing
 * record goes to the dead-letter store with its error, is logged, and the lane moves on.
 *
 * Subscribers: `handler` receives `DynamoDBStreamEvent`s exactly as Lambda would pass them,
 * so any consumer written for the deployed stream (analytics, webhooks) runs here unchanged.
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
  const entities = new Set(options.entities ?? STREAM_ENTITIES);
  const streamLabel = new Date().toISOString().replace("Z", "");
  // Sequence numbers: numeric strings that only grow (AWS's are 21+ digits, per shard).
  let sequence = BigInt(Date.now()) * 1_000_000n;

  const stats = { delivered: 0, retried: 0, deadLetters: [] as string[] };
  const lanes = { analytics: createLane("analytics"), inventory: createLane("inventory") };
  let unsubscribe: (() => void) | undefined;

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

  function entityOf(change: EngineChange): string | undefined {
    const image = change.newImage ?? change.oldImage;
    return image?.__edb_e__?.S;
  }

  const onChange: EngineChangeListener = (change) => {
    const entity = entityOf(change);
    if (entity === undefined || !entities.has(entity)) return;
    const lane = INVENTORY_ENTITIES.has(entity) ? lanes.inventory : lanes.analytics;
    lane.push(toRecord(change), change.committedAt);
  };

  function deadLetter(record: DynamoDBRecord, error: string): void {
    const eventId = record.eventID ?? "";
    stats.deadLetters.push(eventId);
    options.deadLetters?.add({
      eventId,
      sequenceNumber: record.dynamodb?.SequenceNumber ?? "",
      error,
      failedAt: new Date().toISOString(),
      record,
    });
    options.logger?.error("change feed gave up on a record; it is in the dead-letter store", {
      eventId,
      error,
    });
  }

  /** One ordered delivery loop (a shard, or one lane of parallelizationFactor). */
  function createLane(name: string) {
    const queue: { record: DynamoDBRecord; committedAt: number }[] = [];
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;

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
        const batch = queue.slice(0, batchSize).map((entry) => entry.record);
        await deliver(batch);
        queue.splice(0, batch.length);
      }
    }

    async function deliver(batch: DynamoDBRecord[]): Promise<void> {
      let pending = batch;
      let lastError = "";
      for (let attempt = 0; pending.length > 0; attempt++) {
        let failedFrom: number;
        try {
          const response = await options.handler({ Records: pending });
          const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
          // Lambda checkpoints streams at the lowest failed SequenceNumber and resumes there.
          failedFrom = pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ""));
          lastError = "reported in batchItemFailures (the consumer logged why)";
        } catch (error) {
          lastError = describe(error);
          options.logger?.warn("change feed batch failed; retrying", {
            lane: name,
            records: pending.length,
            attempt,
            error,
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
          const [first, ...rest] = pending;
          if (first) deadLetter(first, lastError);
          pending = rest;
          attempt = -1;
          continue;
        }
        stats.retried++;
        await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** attempt));
      }
    }

    return {
      push(record: DynamoDBRecord, committedAt: number): void {
        queue.push({ record, committedAt });
        schedule();
      },
      async drain(): Promise<void> {
        while (queue.length > 0 || running) {
          kick();
          await running;
        }
      },
      queued: () => queue.length,
      oldest: () => queue[0]?.committedAt,
    };
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
      await Promise.all([lanes.analytics.drain(), lanes.inventory.drain()]);
    },
    stats() {
      const oldest = Math.min(
        lanes.analytics.oldest() ?? Number.POSITIVE_INFINITY,
        lanes.inventory.oldest() ?? Number.POSITIVE_INFINITY,
      );
      return {
        ...stats,
        queued: lanes.analytics.queued() + lanes.inventory.queued(),
        lagMs: Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0,
        deadLetters: [...stats.deadLetters],
      };
    },
  };
}

/** An error's message with its cause chain ("A: B: C"). */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" ← ");
}

/**
 * A dead-letter store in a JSON-lines file (one `DeadLetter` per line), for local mode: kept
 * next to the engine's data so `pnpm feed redrive` can replay it after a restart.
 */
export function createFileDeadLetterStore(path: string): DeadLetterStore & {
  list(): DeadLetter[];
  clear(): void;
} {
  return {
    add(letter) {
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${JSON.stringify(letter)}\n`);
    },
    list() {
      if (!existsSync(path)) return [];
      return readFileSync(path, "utf8")
        .split("\n")
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as DeadLetter);
    },
    clear() {
      if (existsSync(path)) writeFileSync(path, "");
    },
  };
}
