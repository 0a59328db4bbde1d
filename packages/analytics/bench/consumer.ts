/**
 * `pnpm bench` (in packages/analytics): on the embedded engine (dynalite, in memory),
 * 1. consumer throughput: records/s the stream consumer sustains, fed 100-record batches of
 *    search-event and booking INSERTs in AWS's record shape (the change feed's shape);
 * 2. end-to-end delay in local mode: from a write's acknowledgement to the moment its
 *    aggregate is visible through the summary query (engine → change feed → consumer → query).
 */
import { createSearchEventRepository } from "@travel/core";
import { startLocalEngine } from "@travel/core/local";
import type { DynamoDBRecord } from "aws-lambda";
import { createLocalChangeFeed } from "../src/change-feed.js";
import { createAnalyticsService } from "../src/service.js";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 2_000);
const DELAY_SAMPLES = Number(process.env.BENCH_DELAY_SAMPLES ?? 30);
const clock = { now: () => new Date() };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function throughput(): Promise<void> {
  const engine = await startLocalEngine();
  const analytics = createAnalyticsService({ db: engine.db, clock });
  // Capture real records (AWS shape) from real writes, then replay them into the consumer.
  const captured: DynamoDBRecord[] = [];
  const feed = createLocalChangeFeed({
    engine,
    batchSize: 100,
    handler: async (event) => {
      captured.push(...event.Records);
      return { batchItemFailures: [] };
    },
  });
  feed.start();
  const searches = createSearchEventRepository(engine.db);
  const day = new Date().toISOString().slice(0, 10);
  const routes = ["JFK-LAX", "LHR-CDG", "SFO-SEA", "PAR", "NRT-HND"];
  for (let i = 0; i < RECORDS; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, RECORDS - i) }, (_, j) =>
        searches.record({
          searchId: `srch_bench${i + j}`,
          tenantId: "bench",
          kind: "flight",
          route: routes[(i + j) % routes.length] as string,
          day,
          cacheStatus: (i + j) % 3 === 0 ? "miss" : "hit",
          resultCount: 10,
          createdAt: new Date().toISOString(),
        }),
      ),
    );
  }
  await feed.stop();

  // Baseline: plain counter UpdateItems on this engine, this machine, 10 at a time.
  const baselineStarted = performance.now();
  const BASELINE = 600;
  for (let i = 0; i < BASELINE; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        engine.db.entities.dailyAggregate
          .update({ month: "1999-01", day: "1999-01-01", shard: j, scope: "BASELINE" })
          .add({ searches: 1 })
          .go({ response: "none" }),
      ),
    );
  }
  const baselinePerSecond = BASELINE / ((performance.now() - baselineStarted) / 1000);
  console.log(
    `baseline: ${Math.round(baselinePerSecond)} single UpdateItem/s on this engine (10 concurrent)`,
  );

  // Count the consumer's writes (its only DynamoDB writes in this phase) by command.
  const writes = { rows: 0, all: 0 };
  engine.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? "";
      if (/^(UpdateItem|PutItem|BatchWriteItem|DeleteItem)Command$/.test(command)) {
        writes.all++;
        const key = JSON.stringify((args.input as { Key?: unknown }).Key ?? {}).toLowerCase();
        if (command === "UpdateItemCommand" && key.includes("dailyaggregate")) writes.rows++;
      }
      return next(args);
    },
    { step: "initialize", name: "benchWriteCounter" },
  );
  const started = performance.now();
  for (let i = 0; i < captured.length; i += 100) {
    const response = await analytics.consumer.handle({ Records: captured.slice(i, i + 100) });
    if (response.batchItemFailures.length > 0) throw new Error("bench batch had failures");
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = await analytics.queries.summary({ from: day, to: day });
  if (summary.searches !== captured.length) {
    throw new Error(`expected ${captured.length} searches, aggregated ${summary.searches}`);
  }
  console.log(
    `consumer: ${captured.length} search records over ${routes.length} routes × 1 day, 100-record batches, 10 shards, verified total ${summary.searches}; ${(writes.rows / captured.length).toFixed(3)} row writes and ${(writes.all / captured.length).toFixed(3)} writes per record; ${captured.length} records in ${seconds.toFixed(2)} s = ${Math.round(captured.length / seconds)} records/s`,
  );
  await engine.stop();
}

async function endToEndDelay(): Promise<void> {
  const engine = await startLocalEngine();
  const analytics = createAnalyticsService({ db: engine.db, clock });
  const feed = createLocalChangeFeed({ engine, handler: analytics.consumer.handle });
  feed.start();
  const searches = createSearchEventRepository(engine.db);
  const day = new Date().toISOString().slice(0, 10);
  const delays: number[] = [];
  for (let i = 0; i < DELAY_SAMPLES; i++) {
    await searches.record({
      searchId: `srch_delay${i}`,
      tenantId: "bench",
      kind: "flight",
      route: "JFK-LAX",
      day,
      cacheStatus: "miss",
      resultCount: 1,
      createdAt: new Date().toISOString(),
    });
    const acknowledged = performance.now();
    for (;;) {
      const summary = await analytics.queries.summary({ from: day, to: day });
      if (summary.searches === i + 1) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    delays.push(performance.now() - acknowledged);
  }
  await feed.stop();
  delays.sort((a, b) => a - b);
  console.log(
    `end-to-end (write acknowledged → visible in summary), ${DELAY_SAMPLES} writes, default 100 ms batching window: p50 ${percentile(delays, 50).toFixed(0)} ms, p95 ${percentile(delays, 95).toFixed(0)} ms, max ${(delays.at(-1) ?? 0).toFixed(0)} ms`,
  );
  await engine.stop();
}

await throughput();
await endToEndDelay();
