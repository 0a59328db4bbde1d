import { randomUUID } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { STREAM_CONSUMED_ENTITIES } from "@travel/core";
import type { ChangeJournal, EngineChange, EngineChangeListener } from "@travel/core/local";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

/** Entities whose changes reach the consumer (core's list; the deployed filter passes the same). */
export const STREAM_ENTITIES = STREAM_CONSUMED_ENTITIES;

/** Entities of the inventory lane (the read-model backstop); every other entity is analytics. */
const INVENTORY_ENTITIES = new Set<string>(["flightOffer", "roomNight"]);

/**
 * The analytics consumer's lanes (lane → entities): searches and bookings in one, inventory
 * (the read-model backstop, which a first start's seeding fills) in the other. Pass them to
 * `startLocalEngine({ journal: { lanes } })` so the engine journals them durably.
 */
export const ANALYTICS_FEED_LANES: Readonly<Record<string, readonly string[]>> =
  lanesFor(STREAM_ENTITIES);

/** The two lanes (analytics, inventory) holding these entities (a lane without any is left out). */
function lanesFor(entities: readonly string[]): Record<string, readonly string[]> {
  const lanes: Record<string, string[]> = {};
  for (const entity of entities) {
    const lane = INVENTORY_ENTITIES.has(entity) ? "inventory" : "analytics";
    lanes[lane] = [...(lanes[lane] ?? []), entity];
  }
  return lanes;
}

export interface LocalChangeFeedOptions {
  /**
   * The embedded engine (`startLocalEngine()`), source of every committed write. With a
   * `journal` holding this feed's lanes, records are read from it (durable: a restart resumes
   * where delivery stopped); without, they are queued in memory from `start()` on.
   */
  engine: { onChange(listener: EngineChangeListener): () => void; journal?: ChangeJournal };
  /** The consumer, exactly as Lambda would call it. */
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  region?: string;
  accountId?: string;
  /** Largest batch, like the event source mapping's `BatchSize` (default 100). */
  batchSize?: number;
  /** How long the first record of a batch may wait for more (`MaximumBatchingWindowInSeconds`). */
  batchWindowMs?: number;
  /** Retries of a failing batch before its first failed record goes to `deadLetters` (default 8). */
  maxRetries?: number;
  /** Delay before the first retry, doubled per retry up to `maxRetryDelayMs` (default 100 ms). */
  retryDelayMs?: number;
  /** Longest delay between two retries (default 5 s). */
  maxRetryDelayMs?: number;
  /**
   * Lane → entities (`__edb_e__`) it delivers, each lane an ordered delivery loop like one lane
   * of Lambda's parallelizationFactor (default `ANALYTICS_FEED_LANES`). With a journal, the
   * names must be lanes of the engine's journal.
   */
  lanes?: Readonly<Record<string, readonly string[]>>;
  /** Only these entities, split into the default lanes (a shorthand for `lanes`). */
  entities?: readonly string[];
  /** Where records that keep failing go (default: kept in memory, see `stats().deadLetters`). */
  deadLetters?: DeadLetterStore;
  /** How often handed-back dead letters (`pnpm feed redrive`) are looked for (default 1 s). */
  redrivePollMs?: number;
  logger?: {
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
  };
}

/** A record the feed gave up on, with why (the deployed stack's on-failure destination). */
export interface DeadLetter {
  eventId: string;
  sequenceNumber: string;
  /** The lane it was delivered in (a redrive delivers it in the same one). */
  lane?: string;
  /** The failure: the handler's error (message and cause chain) or its partial-failure report. */
  error: string;
  failedAt: string;
  record: DynamoDBRecord;
}

/** Where dead letters are kept; `createFileDeadLetterStore` keeps them next to the engine's data. */
export interface DeadLetterStore {
  add(letter: DeadLetter): void;
  /** Letters in the store now (what `/health` reports). */
  count?(): number;
  /** Letters handed back for another delivery (`requestRedrive`); `done()` forgets them. */
  redrives?(): { letters: DeadLetter[]; done(): void }[];
}

export interface LocalChangeFeedStats {
  delivered: number;
  retried: number;
  /** Records captured and not yet delivered, over all lanes. */
  queued: number;
  /** Age of the oldest undelivered record (ms; 0 when none): the feed's lag. */
  lagMs: number;
  /** eventIDs given up after `maxRetries` since start (the deployed stack's on-failure destination). */
  deadLetters: string[];
  /** Records in the dead-letter store now (since start when the store cannot count). */
  deadLettered: number;
  /** Whether records are read from the engine's durable journal. */
  durable: boolean;
}

export interface LocalChangeFeed {
  /** Subscribes to the engine and starts delivering (a journal's backlog first). */
  start(): void;
  /**
   * Unsubscribes and waits: in memory, for delivery of everything captured; on a journal, for
   * the batches in hand only (the rest is delivered after the next `start()`).
   */
  stop(): Promise<void>;
  /** Delivers everything captured so far now (no batching wait) and waits until it is done. */
  drain(): Promise<void>;
  stats(): LocalChangeFeedStats;
}

/** A lane's undelivered records: the journal's (durable) or an in-memory queue. */
interface LaneSource {
  read(limit: number): Promise<{ record: DynamoDBRecord; committedAt: number; seq?: string }[]>;
  /** Forgets the first `count` records read (delivered or dead-lettered). */
  remove(entries: readonly { seq?: string }[]): Promise<void>;
  size(): number;
}

/**
 * Local mode's DynamoDB Streams: every committed write to the embedded engine becomes a stream
 * record in AWS's shape (NEW_AND_OLD_IMAGES, `eventID`, increasing `SequenceNumber`, the
 * stream's `eventSourceARN`), and records are handed to the consumer in batches, in commit
 * order per item, AFTER the write succeeded: delivery runs on its own loop, so a slow or failing
 * consumer never blocks or fails the write that produced the record. Nothing is dropped for size.
 *
 * Durable with the engine's journal (`startLocalEngine({ journal: { lanes } })`): each change is
 * on disk in the same batch as its write, and leaves the journal only once delivered or
 * dead-lettered, so after a `kill -9` the next start delivers every committed write (some of
 * the last batch perhaps twice, which the consumer absorbs: eventIDs come from the journal's
 * sequence numbers and are the same on every delivery).
 *
 * Lanes, like Lambda's parallelizationFactor (ordered per item, not across items): the default
 * ones are inventory records (`flightOffer`, `roomNight`, the read-model backstop; a first
 * start's seeding writes ~144,000 of them) and everything else (searches and bookings, the
 * aggregates). An item's records are always in the same lane, so commit order per item holds,
 * and a seeding backlog never delays a search or a booking reaching the summary.
 *
 * Delivery in each lane follows the Lambda event source for one shard: one batch at a time;
 * when the handler reports `batchItemFailures`, the batch is retried from the first failed
 * record (records after it are delivered again, which the consumer absorbs); when it throws,
 * the whole batch is retried; retries back off exponentially; after `maxRetries` the failing
 * record goes to the dead-letter store with its error (and cause chain), is logged once, and the
 * lane moves on. Letters handed back by `pnpm feed redrive` are delivered again.
 *
 * Subscribers: `handler` receives `DynamoDBStreamEvent`s exactly as Lambda would pass them,
 * so any consumer written for the deployed stream (analytics, webhooks) runs here unchanged.
 *
 * @example
 * const engine = await startLocalEngine({ dataDir, journal: { lanes: ANALYTICS_FEED_LANES } });
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
  const maxRetries = options.maxRetries ?? 8;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  const redrivePollMs = options.redrivePollMs ?? 1_000;
  const laneEntities =
    options.lanes ?? (options.entities ? lanesFor(options.entities) : ANALYTICS_FEED_LANES);
  const laneOfEntity = new Map<string, string>();
  for (const [lane, entities] of Object.entries(laneEntities)) {
    for (const entity of entities) laneOfEntity.set(entity, lane);
  }
  const journal = options.engine.journal;
  if (journal && !options.lanes && options.entities) {
    // The default lane names would be shared with the analytics feed's: each lane has ONE reader.
    throw new Error("a feed reading the engine's change journal names its lanes (`lanes`)");
  }
  const missing = journal
    ? Object.keys(laneEntities).filter((l) => !journal.lanes.includes(l))
    : [];
  if (journal && missing.length > 0) {
    throw new Error(
      `the engine's change journal has no lane ${missing.join(", ")} (pass this feed's lanes to startLocalEngine({ journal }))`,
    );
  }
  const streamLabel = new Date().toISOString().replace("Z", "");
  // In-memory sequence numbers: numeric strings that only grow (AWS's are 21+ digits, per shard).
  let sequence = BigInt(Date.now()) * 1_000_000n;

  const stats = { delivered: 0, retried: 0, deadLetters: [] as string[] };
  const lanes = new Map(Object.keys(laneEntities).map((name) => [name, createLane(name)] as const));
  let unsubscribe: (() => void) | undefined;
  let redriveTimer: NodeJS.Timeout | undefined;
  let redriving: Promise<void> | undefined;

  function toRecord(change: EngineChange, seq?: string): DynamoDBRecord {
    let eventID: string;
    let sequenceNumber: string;
    if (seq) {
      // The journal's sequence number: the same eventID on every delivery, across restarts.
      sequenceNumber = BigInt(seq).toString();
      eventID = seq.padStart(32, "0");
    } else {
      sequence += 1n;
      sequenceNumber = sequence.toString();
      eventID = randomUUID().replaceAll("-", "");
    }
    const images = {
      Keys: change.keys,
      ...(change.newImage ? { NewImage: change.newImage } : {}),
      ...(change.oldImage ? { OldImage: change.oldImage } : {}),
    };
    return {
      eventID,
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
        SequenceNumber: sequenceNumber,
        SizeBytes: Buffer.byteLength(JSON.stringify(images)),
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
      eventSourceARN: `arn:aws:dynamodb:${region}:${accountId}:table/${change.tableName}/stream/${streamLabel}`,
    };
  }

  function laneOf(change: EngineChange): string | undefined {
    const entity = (change.newImage ?? change.oldImage)?.__edb_e__?.S;
    return entity === undefined ? undefined : laneOfEntity.get(entity);
  }

  const onChange: EngineChangeListener = (change) => {
    const lane = laneOf(change);
    if (lane !== undefined) lanes.get(lane)?.captured(change);
  };

  // Dead letters without a store stay in memory (counted in stats).
  const memoryLetters: DeadLetter[] = [];
  const deadLetters: DeadLetterStore = options.deadLetters ?? { add: (l) => memoryLetters.push(l) };

  function deadLetter(lane: string, record: DynamoDBRecord, error: string): void {
    const eventId = record.eventID ?? "";
    stats.deadLetters.push(eventId);
    deadLetters.add({
      eventId,
      sequenceNumber: record.dynamodb?.SequenceNumber ?? "",
      lane,
      error,
      failedAt: new Date().toISOString(),
      record,
    });
    options.logger?.error("change feed gave up on a record; it is in the dead-letter store", {
      lane,
      eventId,
      error,
    });
  }

  /**
   * Delivers `batch` like Lambda delivers one shard's batch: retries from the first failed
   * record with backoff, dead-letters a record that keeps failing and goes on.
   */
  async function deliver(lane: string, batch: DynamoDBRecord[]): Promise<void> {
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
        // Logged once per failing batch; the dead letter, if it comes to that, says the rest.
        if (attempt === 0) {
          options.logger?.warn("change feed batch failed; retrying with backoff", {
            lane,
            records: pending.length,
            error,
          });
        }
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
        if (first) deadLetter(lane, first, lastError);
        pending = rest;
        attempt = -1;
        continue;
      }
      stats.retried++;
      await sleep(Math.min(maxRetryDelayMs, retryDelayMs * 2 ** attempt));
    }
  }

  function memorySource(): LaneSource & { push(record: DynamoDBRecord, at: number): void } {
    const queue: { record: DynamoDBRecord; committedAt: number }[] = [];
    return {
      push: (record, committedAt) => queue.push({ record, committedAt }),
      read: async (limit) => queue.slice(0, limit),
      remove: async (entries) => void queue.splice(0, entries.length),
      size: () => queue.length,
    };
  }

  function journalSource(j: ChangeJournal, lane: string): LaneSource {
    return {
      async read(limit) {
        const entries = await j.read(lane, limit);
        return entries.map(({ seq, change }) => ({
          record: toRecord(change, seq),
          committedAt: change.committedAt,
          seq,
        }));
      },
      remove: (entries) =>
        j.remove(
          lane,
          entries.map((e) => e.seq ?? ""),
        ),
      size: () => j.size(lane),
    };
  }

  /** One ordered delivery loop (a shard, or one lane of parallelizationFactor). */
  function createLane(name: string) {
    const memory = journal ? undefined : memorySource();
    const source: LaneSource = journal ? journalSource(journal, name) : (memory as LaneSource);
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    /** When the oldest undelivered record we know of was committed (for the lag). */
    let oldest: number | undefined;
    /** Journal mode's stop: the batch in hand is finished, the rest waits in the journal. */
    let halted = false;

    function schedule(): void {
      if (halted || running || source.size() === 0) return;
      if (source.size() >= batchSize) kick();
      else timer ??= setTimeout(kick, batchWindowMs);
    }

    function kick(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (halted || running || source.size() === 0) return;
      running = deliverAll()
        .catch((error: unknown) => {
          // The journal could not be read or trimmed: nothing is lost (it stays in the
          // journal); try again after a pause.
          options.logger?.error("change feed could not read its journal; retrying", {
            lane: name,
            error,
          });
          return sleep(maxRetryDelayMs);
        })
        .finally(() => {
          running = undefined;
          schedule();
        });
    }

    async function deliverAll(): Promise<void> {
      while (!halted) {
        const batch = await source.read(batchSize);
        if (batch.length === 0) break;
        oldest = batch[0]?.committedAt;
        await deliver(
          name,
          batch.map((entry) => entry.record),
        );
        await source.remove(batch);
      }
      oldest = undefined;
    }

    return {
      captured(change: EngineChange): void {
        memory?.push(toRecord(change), change.committedAt);
        oldest ??= change.committedAt;
        schedule();
      },
      schedule,
      async halt(): Promise<void> {
        halted = true;
        if (timer) clearTimeout(timer);
        timer = undefined;
        await running;
      },
      resume(): void {
        halted = false;
        schedule();
      },
      async drain(): Promise<void> {
        while (!halted && (source.size() > 0 || running)) {
          kick();
          await running;
        }
      },
      queued: () => source.size(),
      oldest: () => (source.size() > 0 ? oldest : undefined),
    };
  }

  /** Delivers the letters `pnpm feed redrive` handed back, in their lanes, then forgets them. */
  async function redrive(): Promise<void> {
    for (const handedBack of deadLetters.redrives?.() ?? []) {
      const byLane = new Map<string, DynamoDBRecord[]>();
      for (const letter of handedBack.letters) {
        const lane = letter.lane ?? [...lanes.keys()][0] ?? "";
        byLane.set(lane, [...(byLane.get(lane) ?? []), letter.record]);
      }
      await Promise.all(
        [...byLane].map(async ([lane, records]) => {
          for (let i = 0; i < records.length; i += batchSize) {
            await deliver(lane, records.slice(i, i + batchSize));
          }
        }),
      );
      handedBack.done();
      options.logger?.warn("change feed redelivered dead letters", {
        records: handedBack.letters.length,
      });
    }
  }

  function redriveNow(): Promise<void> {
    redriving ??= redrive()
      .catch((error: unknown) =>
        options.logger?.error("change feed redrive failed; the letters stay handed back", {
          error,
        }),
      )
      .finally(() => {
        redriving = undefined;
      });
    return redriving;
  }

  return {
    start() {
      if (unsubscribe) return;
      unsubscribe = options.engine.onChange(onChange);
      for (const lane of lanes.values()) lane.resume();
      if (deadLetters.redrives) {
        void redriveNow();
        redriveTimer = setInterval(() => void redriveNow(), redrivePollMs);
        redriveTimer.unref();
      }
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      if (redriveTimer) clearInterval(redriveTimer);
      redriveTimer = undefined;
      if (journal) {
        // What is not delivered yet stays in the journal for the next start: finish the batches
        // in hand only (a seeding backlog would hold a shutdown for minutes).
        await Promise.all([...[...lanes.values()].map((lane) => lane.halt()), redriving]);
        return;
      }
      await this.drain();
    },
    async drain() {
      await Promise.all([...[...lanes.values()].map((lane) => lane.drain()), redriving]);
    },
    stats() {
      let queued = 0;
      let oldest = Number.POSITIVE_INFINITY;
      for (const lane of lanes.values()) {
        queued += lane.queued();
        oldest = Math.min(oldest, lane.oldest() ?? Number.POSITIVE_INFINITY);
      }
      return {
        ...stats,
        queued,
        lagMs: Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0,
        deadLetters: [...stats.deadLetters],
        deadLettered: deadLetters.count?.() ?? stats.deadLetters.length,
        durable: journal !== undefined,
      };
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An error's message with its cause chain ("A ← B ← C"). */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" ← ");
}

/** A file dead-letter store: the feed's side and `pnpm feed redrive`'s. */
export interface FileDeadLetterStore extends DeadLetterStore {
  list(): DeadLetter[];
  count(): number;
  clear(): void;
  /**
   * Hands every letter back to the feed (`pnpm feed redrive`): the file moves aside at once
   * (new letters start a new file), and the running feed (or the next start) delivers them
   * again and forgets them. Returns how many were handed back.
   */
  requestRedrive(): number;
  /** Letters handed back and not yet delivered again. */
  pendingRedrive(): number;
  redrives(): { letters: DeadLetter[]; done(): void }[];
}

/**
 * A dead-letter store in a JSON-lines file (one `DeadLetter` per line), for local mode: kept
 * next to the engine's data so it outlives restarts and `pnpm feed redrive` can replay it.
 * Several processes may use the same file: appends are single writes, and a redrive renames
 * the file away before anyone reads it.
 */
export function createFileDeadLetterStore(path: string): FileDeadLetterStore {
  const redrivePrefix = `${basename(path)}.redrive-`;
  let counted: { key: string; count: number } | undefined;

  function readLetters(file: string): DeadLetter[] {
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as DeadLetter);
  }

  function handedBack(): string[] {
    if (!existsSync(dirname(path))) return [];
    return readdirSync(dirname(path))
      .filter((name) => name.startsWith(redrivePrefix))
      .sort()
      .map((name) => join(dirname(path), name));
  }

  return {
    add(letter) {
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${JSON.stringify(letter)}\n`);
    },
    list: () => readLetters(path),
    count() {
      // Re-read only when the file changed (health probes call this often).
      if (!existsSync(path)) return 0;
      const { size, mtimeMs } = statSync(path);
      const key = `${size}:${mtimeMs}`;
      if (counted?.key !== key) counted = { key, count: readLetters(path).length };
      return counted.count;
    },
    clear() {
      if (existsSync(path)) writeFileSync(path, "");
    },
    requestRedrive() {
      if (!existsSync(path)) return 0;
      const target = join(dirname(path), `${redrivePrefix}${Date.now()}-${process.pid}`);
      renameSync(path, target);
      return readLetters(target).length;
    },
    pendingRedrive: () => handedBack().reduce((n, file) => n + readLetters(file).length, 0),
    redrives() {
      return handedBack().map((file) => ({
        letters: readLetters(file),
        done: () => rmSync(file, { force: true }),
      }));
    },
  };
}
