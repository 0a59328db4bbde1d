import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSearchEventRepository } from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANALYTICS_FEED_LANES,
  createFileDeadLetterStore,
  createLocalChangeFeed,
} from "./change-feed.js";
import { createAnalyticsService } from "./service.js";

const clock = { now: () => new Date("2026-04-01T00:00:00Z") };

function searchEvent(searchId: string, day: string, cacheStatus: "hit" | "miss" = "miss") {
  return {
    searchId,
    tenantId: "tenant-a",
    kind: "flight" as const,
    route: "JFK-LAX",
    day,
    cacheStatus,
    resultCount: 3,
    createdAt: `${day}T09:00:00.000Z`,
  };
}

describe("local change feed", () => {
  let engine: LocalEngine;

  beforeAll(async () => {
    engine = await startLocalEngine();
  });
  afterAll(async () => {
    await engine.stop();
  });

  it("delivers each committed write as a DynamoDB Streams record in AWS's shape, in commit order", async () => {
    const batches: DynamoDBRecord[][] = [];
    const feed = createLocalChangeFeed({
      engine,
      region: "eu-west-1",
      accountId: "123456789012",
      handler: async (event) => {
        batches.push(event.Records);
        return { batchItemFailures: [] };
      },
    });
    feed.start();
    const searches = createSearchEventRepository(engine.db);
    await searches.record(searchEvent("srch_shape1", "2026-04-01"));
    await searches.record(searchEvent("srch_shape2", "2026-04-01"));
    await engine.db.entities.searchEvent.remove({ searchId: "srch_shape1" }).go();
    await feed.stop();

    const records = batches.flat();
    expect(records.map((r) => r.eventName)).toEqual(["INSERT", "INSERT", "REMOVE"]);
    const [first, , removal] = records as [DynamoDBRecord, DynamoDBRecord, DynamoDBRecord];
    expect(first).toMatchObject({
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "eu-west-1",
      dynamodb: {
        StreamViewType: "NEW_AND_OLD_IMAGES",
        NewImage: {
          searchId: { S: "srch_shape1" },
          __edb_e__: { S: "searchEvent" },
          resultCount: { N: "3" },
        },
      },
    });
    expect(first.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect(first.eventSourceARN).toMatch(
      /^arn:aws:dynamodb:eu-west-1:123456789012:table\/travel\/stream\/\d{4}-\d{2}-\d{2}T[\d:.]+$/,
    );
    expect(Object.keys(first.dynamodb?.Keys ?? {}).sort()).toEqual(["pk", "sk"]);
    expect(first.dynamodb?.OldImage).toBeUndefined();
    expect(
      Math.abs((first.dynamodb?.ApproximateCreationDateTime ?? 0) - Date.now() / 1000),
    ).toBeLessThan(60);
    expect(first.dynamodb?.SizeBytes).toBeGreaterThan(0);
    expect(removal.dynamodb?.NewImage).toBeUndefined();
    expect(removal.dynamodb?.OldImage?.searchId).toEqual({ S: "srch_shape1" });
    const sequence = records.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? "0"));
    expect(sequence[0]! < sequence[1]! && sequence[1]! < sequence[2]!).toBe(true);
    expect(new Set(records.map((r) => r.eventID)).size).toBe(3);
  });

  it("batches records like the event source (at most batchSize per invocation)", async () => {
    const sizes: number[] = [];
    const feed = createLocalChangeFeed({
      engine,
      batchSize: 10,
      batchWindowMs: 50,
      handler: async (event) => {
        sizes.push(event.Records.length);
        return { batchItemFailures: [] };
      },
    });
    feed.start();
    const searches = createSearchEventRepository(engine.db);
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        searches.record(searchEvent(`srch_batch${i}`, "2026-04-02")),
      ),
    );
    await feed.stop();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
  });

  it("skips entities the deployed filter would not pass (the consumer's own writes included)", async () => {
    const seen: string[] = [];
    const feed = createLocalChangeFeed({
      engine,
      handler: async (event) => {
        for (const r of event.Records) seen.push(r.dynamodb?.NewImage?.__edb_e__?.S ?? "?");
        return { batchItemFailures: [] };
      },
    });
    feed.start();
    await engine.db.entities.streamMarker
      .put({ eventId: "e1", state: "applied", processedAt: "2026-04-01T00:00:00.000Z", ttl: 1 })
      .go();
    await createSearchEventRepository(engine.db).record(searchEvent("srch_filter", "2026-04-03"));
    await feed.stop();
    expect(seen).toEqual(["searchEvent"]);
  });

  it("never blocks or fails the write, and retries from the first failed record", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const analytics = createAnalyticsService({ db: engine.db, clock, shards: 2 });
    const deliveries: string[][] = [];
    let failOnce = true;
    const feed = createLocalChangeFeed({
      engine,
      batchWindowMs: 10,
      retryDelayMs: 10,
      handler: async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
        await gate;
        deliveries.push(event.Records.map((r) => r.eventID ?? ""));
        const response = await analytics.consumer.handle(event);
        if (failOnce && event.Records.length >= 3) {
          failOnce = false;
          // Report the second record as failed although it was applied: the feed must
          // redeliver it and the third, and the consumer must count neither twice.
          return {
            batchItemFailures: [
              { itemIdentifier: event.Records[1]?.dynamodb?.SequenceNumber ?? "" },
            ],
          };
        }
        return response;
      },
    });
    feed.start();
    const searches = createSearchEventRepository(engine.db);
    await searches.record(searchEvent("srch_retry0", "2026-04-04", "hit"));
    await new Promise((r) => setTimeout(r, 50));
    // The first batch is now stuck in the consumer behind the gate, yet every write completes.
    for (let i = 1; i < 4; i++)
      await searches.record(searchEvent(`srch_retry${i}`, "2026-04-04", "hit"));
    expect(deliveries).toEqual([]);
    release();
    await feed.drain();

    expect(deliveries.map((d) => d.length)).toEqual([1, 3, 2]);
    expect(deliveries[2]).toEqual(deliveries[1]?.slice(1));
    expect(feed.stats()).toMatchObject({ delivered: 4, retried: 1, deadLetters: [] });
    const summary = await analytics.queries.summary({ from: "2026-04-04", to: "2026-04-04" });
    expect(summary).toMatchObject({ searches: 4, cacheHits: 4 });
    await feed.stop();
  });

  it("gives up on a record that keeps failing after maxRetries and goes on", async () => {
    const delivered: string[] = [];
    let poisonId = "";
    const feed = createLocalChangeFeed({
      engine,
      batchWindowMs: 10,
      retryDelayMs: 1,
      maxRetries: 2,
      handler: async (event) => {
        const failures = [];
        for (const record of event.Records) {
          if (record.dynamodb?.NewImage?.searchId?.S === "srch_poison") {
            poisonId = record.eventID ?? "";
            failures.push({ itemIdentifier: record.dynamodb.SequenceNumber ?? "" });
          } else {
            delivered.push(record.dynamodb?.NewImage?.searchId?.S ?? "");
          }
        }
        return { batchItemFailures: failures };
      },
    });
    feed.start();
    const searches = createSearchEventRepository(engine.db);
    await searches.record(searchEvent("srch_poison", "2026-04-05"));
    await searches.record(searchEvent("srch_after", "2026-04-05"));
    await feed.stop();
    expect(feed.stats().deadLetters).toEqual([poisonId]);
    expect(delivered).toContain("srch_after");
  });

  it("puts a record whose batch keeps throwing in the dead-letter store with the error and its cause", async () => {
    const store = createFileDeadLetterStore(
      join(mkdtempSync(join(tmpdir(), "feed-dlq-")), "dead-letters.jsonl"),
    );
    const errors: unknown[] = [];
    const feed = createLocalChangeFeed({
      engine,
      batchWindowMs: 5,
      retryDelayMs: 1,
      maxRetries: 1,
      deadLetters: store,
      logger: { warn: () => {}, error: (_message, fields) => errors.push(fields?.error) },
      handler: async () => {
        throw new Error("aggregate write failed", {
          cause: new Error("cache store call exceeded 100 ms"),
        });
      },
    });
    feed.start();
    await createSearchEventRepository(engine.db).record(searchEvent("srch_dlq", "2026-04-06"));
    await feed.stop();

    const [letter, ...more] = store.list();
    expect(more).toEqual([]);
    expect(letter?.error).toBe(
      "Error: aggregate write failed ← Error: cache store call exceeded 100 ms",
    );
    expect(letter?.record.dynamodb?.NewImage?.searchId?.S).toBe("srch_dlq");
    expect(feed.stats().deadLetters).toEqual([letter?.eventId]);
    expect(errors).toEqual([letter?.error]);
  });

  it("delivers searches and bookings while an inventory backlog (seeding) is still queued", async () => {
    let releaseInventory: () => void = () => {};
    const inventoryGate = new Promise<void>((resolve) => {
      releaseInventory = resolve;
    });
    const seen: string[] = [];
    const feed = createLocalChangeFeed({
      engine,
      batchWindowMs: 5,
      handler: async (event) => {
        const entity = event.Records[0]?.dynamodb?.NewImage?.__edb_e__?.S ?? "";
        if (entity === "flightOffer") await inventoryGate;
        seen.push(...event.Records.map((r) => r.dynamodb?.NewImage?.__edb_e__?.S ?? ""));
        return { batchItemFailures: [] };
      },
    });
    feed.start();
    await engine.db.entities.flightOffer
      .put(
        Array.from({ length: 250 }, (_, i) => ({
          offerId: `off_backlog${String(i).padStart(4, "0")}`,
          origin: "JFK",
          destination: "LAX",
          departDate: "2026-12-01",
          departAt: "2026-12-01T13:15:00.000Z",
          arriveAt: "2026-12-01T19:40:00.000Z",
          durationMinutes: 385,
          stops: 0,
          carrier: "AA",
          flightNumber: "AA100",
          cabin: "economy" as const,
          seatsAvailable: 9,
          seatsTotal: 180,
          priceMinor: 24_900,
          currency: "USD",
          version: 1,
          updatedAt: "2026-11-01T00:00:00.000Z",
        })),
      )
      .go();
    await createSearchEventRepository(engine.db).record(searchEvent("srch_lane", "2026-04-07"));
    const deadline = Date.now() + 5_000;
    while (!seen.includes("searchEvent") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen).toEqual(["searchEvent"]);
    expect(feed.stats().queued).toBe(250);
    releaseInventory();
    await feed.stop();
    expect(seen.filter((e) => e === "flightOffer")).toHaveLength(250);
  });
});

describe("local change feed on the engine's durable journal", () => {
  const journal = { lanes: ANALYTICS_FEED_LANES };
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "feed-journal-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const searchIdOf = (r: DynamoDBRecord) => r.dynamodb?.NewImage?.searchId?.S ?? "";

  it("delivers after a restart what was committed but not delivered, in commit order, with the same eventIDs, and then never again", async () => {
    const dataDir = join(root, "restart");
    // First run: the consumer takes the first batch and never answers (the process dies).
    const first = await startLocalEngine({ dataDir, journal });
    const seenBeforeCrash: DynamoDBRecord[] = [];
    const stuck = createLocalChangeFeed({
      engine: first,
      batchWindowMs: 5,
      handler: (event) => {
        seenBeforeCrash.push(...event.Records);
        return new Promise(() => {});
      },
    });
    stuck.start();
    const searches = createSearchEventRepository(first.db);
    for (let i = 0; i < 5; i++) await searches.record(searchEvent(`srch_dur${i}`, "2026-05-01"));
    await first.db.entities.searchEvent.remove({ searchId: "srch_dur1" }).go();
    expect(stuck.stats()).toMatchObject({ durable: true, queued: 6 });
    await first.stop();

    // Second run on the same directory: everything comes (again), in order.
    const second = await startLocalEngine({ dataDir, journal });
    const delivered: DynamoDBRecord[] = [];
    const feed = createLocalChangeFeed({
      engine: second,
      batchWindowMs: 5,
      handler: async (event) => {
        delivered.push(...event.Records);
        return { batchItemFailures: [] };
      },
    });
    feed.start();
    await feed.drain();
    expect(
      delivered.map((r) => `${r.eventName} ${searchIdOf(r) || r.dynamodb?.OldImage?.searchId?.S}`),
    ).toEqual([
      "INSERT srch_dur0",
      "INSERT srch_dur1",
      "INSERT srch_dur2",
      "INSERT srch_dur3",
      "INSERT srch_dur4",
      "REMOVE srch_dur1",
    ]);
    expect(seenBeforeCrash.length).toBeGreaterThan(0);
    const redelivered = delivered.slice(0, seenBeforeCrash.length);
    expect(redelivered.map((r) => [r.eventID, r.dynamodb?.SequenceNumber])).toEqual(
      seenBeforeCrash.map((r) => [r.eventID, r.dynamodb?.SequenceNumber]),
    );
    expect(feed.stats()).toMatchObject({ queued: 0, lagMs: 0, delivered: 6 });
    await feed.stop();
    await second.stop();

    // Third run: delivered records are gone from the journal.
    const third = await startLocalEngine({ dataDir, journal });
    const again: DynamoDBRecord[] = [];
    const after = createLocalChangeFeed({
      engine: third,
      handler: async (event) => {
        again.push(...event.Records);
        return { batchItemFailures: [] };
      },
    });
    after.start();
    await createSearchEventRepository(third.db).record(searchEvent("srch_dur9", "2026-05-01"));
    await after.drain();
    await after.stop();
    expect(again.map(searchIdOf)).toEqual(["srch_dur9"]);
    const sequence = [...delivered, ...again].map((r) => BigInt(r.dynamodb?.SequenceNumber ?? "0"));
    expect(sequence.every((n, i) => i === 0 || n > (sequence[i - 1] ?? 0n))).toBe(true);
    await third.stop();
  });

  it("keeps records while the consumer fails, dead-letters the one that keeps failing, and delivers it again on redrive, counted once", async () => {
    const engine = await startLocalEngine({ journal });
    const store = createFileDeadLetterStore(join(root, "redrive", "dead-letters.jsonl"));
    const analytics = createAnalyticsService({ db: engine.db, clock, shards: 2 });
    let broken = true;
    const errors: unknown[] = [];
    const feed = createLocalChangeFeed({
      engine,
      batchWindowMs: 5,
      retryDelayMs: 1,
      maxRetries: 2,
      redrivePollMs: 20,
      deadLetters: store,
      logger: { warn: () => {}, error: (_message, fields) => errors.push(fields?.error) },
      handler: async (event) => {
        const poison = event.Records.find((r) => searchIdOf(r) === "srch_poisoned");
        if (broken && poison) {
          const response = await analytics.consumer.handle({
            Records: event.Records.filter((r) => r !== poison),
          });
          return {
            batchItemFailures: [
              ...(response.batchItemFailures ?? []),
              { itemIdentifier: poison.dynamodb?.SequenceNumber ?? "" },
            ],
          };
        }
        return analytics.consumer.handle(event);
      },
    });
    feed.start();
    const searches = createSearchEventRepository(engine.db);
    await searches.record(searchEvent("srch_fine1", "2026-05-02", "hit"));
    await searches.record(searchEvent("srch_poisoned", "2026-05-02", "hit"));
    await searches.record(searchEvent("srch_fine2", "2026-05-02", "hit"));
    await feed.drain();
    expect(store.count()).toBe(1);
    expect(store.list()[0]).toMatchObject({ lane: "analytics", record: { eventName: "INSERT" } });
    expect(feed.stats()).toMatchObject({ deadLettered: 1, queued: 0 });
    expect(errors).toHaveLength(1);
    const summary = () => analytics.queries.summary({ from: "2026-05-02", to: "2026-05-02" });
    expect(await summary()).toMatchObject({ searches: 2 });

    broken = false;
    expect(store.requestRedrive()).toBe(1);
    expect(store.count()).toBe(0);
    const deadline = Date.now() + 5_000;
    while (store.pendingRedrive() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await feed.drain();
    expect(store.pendingRedrive()).toBe(0);
    expect(feed.stats()).toMatchObject({ deadLettered: 0 });
    expect(await summary()).toMatchObject({ searches: 3, cacheHits: 3 });
    await feed.stop();
    await engine.stop();
  });

  it("refuses a feed whose lanes the engine does not journal (no silent in-memory fallback)", async () => {
    const engine = await startLocalEngine({ journal: { lanes: { webhooks: ["booking"] } } });
    expect(() =>
      createLocalChangeFeed({ engine, handler: async () => ({ batchItemFailures: [] }) }),
    ).toThrow(/no lane analytics, inventory/);
    await engine.stop();
  });
});
