/**
 * `pnpm start`: the whole API on http://localhost:3000 with the embedded DynamoDB engine (data in
 * `.data/dynamo`), an in-process cache unless `REDIS_URL` is set, seeded inventory and a demo key
 * holding every scope. Serving starts as soon as the nearest days are loaded; the rest loads in
 * the background.
 */
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ANALYTICS_FEED_LANES,
  createFileDeadLetterStore,
  createLocalChangeFeed,
} from "@travel/analytics";
import { startReconcilerLoop } from "@travel/booking";
import {
  type ApiKeyRepository,
  addDays,
  apiKeyScopeSchema,
  createInventoryRepository,
} from "@travel/core";
import { LocalDataDirInUseError, startLocalEngine } from "@travel/core/local";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { createAppDeps } from "./deps.js";
import { ConfigError } from "./errors.js";
import { changeFeedDir, DEAD_LETTER_FILES, WEBHOOK_FEED_LANES } from "./local/feed.js";
import { redisUnreachable, shownRedisUrl } from "./local/redis-check.js";
import { planSeeding, runSeeding } from "./local/seeding.js";
import { createLocalState, type LocalState } from "./local/state.js";
import { createLocalWebhooks } from "./local-webhooks.js";
import { serveApp } from "./node-server.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Local state (engine data, demo key, seeding marker); `LOCAL_DATA_DIR` moves it (e.g. a scratch run). */
const DATA_DIR = resolve(REPO_ROOT, process.env.LOCAL_DATA_DIR ?? ".data");

/** A path as the user would type it from here: relative inside the working directory. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}
/** Days loaded before serving (nearest first); the rest loads while serving. */
const READY_AFTER_DAYS = 3;

/**
 * Background work other modules run in local mode (the analytics change feed, the booking
 * reconciler loop): started after the server listens, stopped before the engine on shutdown.
 */
export interface LocalBackgroundTask {
  name: string;
  stop(): Promise<void>;
}

async function ensureDemoKey(state: LocalState, apiKeys: ApiKeyRepository): Promise<string> {
  const saved = state.demoKey();
  if (saved) {
    const record = await apiKeys.findByPlainKey(saved);
    // A key saved before scopes were added (e.g. v1's `admin`) is replaced by one holding all.
    const holdsAll = apiKeyScopeSchema.options.every((scope) => record?.scopes.includes(scope));
    if (record && !record.revokedAt && holdsAll) return saved;
  }
  const { plainKey } = await apiKeys.create({
    tenantId: "demo",
    name: "local demo key",
    scopes: [...apiKeyScopeSchema.options],
    rateLimitPerMinute: 100_000,
    now: new Date(),
  });
  state.saveDemoKey(plainKey);
  return plainKey;
}

async function main(): Promise<void> {
  // The SDK's "node >=22 from 2027" notice is noise on every local start (Lambda runs 22): the
  // SDK's own switch silences that one warning and no other.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const started = performance.now();
  const state = createLocalState(DATA_DIR);
  let stopping = false;
  const config = loadConfig({
    ...process.env,
    CURSOR_SIGNING_KEY: process.env.CURSOR_SIGNING_KEY || state.cursorKey(),
    WEBHOOK_SECRET_KEY: process.env.WEBHOOK_SECRET_KEY || state.webhookKey(),
    // Local mode lets test receivers on this machine register (http://127.0.0.1:<port>/…).
    WEBHOOK_LOCAL_RECEIVERS: process.env.WEBHOOK_LOCAL_RECEIVERS || "on",
    // A shared laptop or CI box running the seeding beside the API stalls Redis answers past
    // Lambda's 100 ms budget (BENCHMARKS.md, "cache store call latency"): locally the budget is
    // 250 ms unless set. The breaker still opens after a few failed calls, so a stalled Redis
    // costs the first calls only.
    CACHE_COMMAND_TIMEOUT_MS: process.env.CACHE_COMMAND_TIMEOUT_MS || "250",
  });
  const engine = await startLocalEngine({
    dataDir: resolve(DATA_DIR, "dynamo"),
    port: Number(process.env.LOCAL_DYNAMO_PORT ?? 0),
    tableName: config.tableName,
    // The local change feeds' durable journal (stream records kept with the data, in the same
    // write as each item): every committed change is delivered, also after a crash.
    journal: { lanes: { ...ANALYTICS_FEED_LANES, ...WEBHOOK_FEED_LANES } },
  });
  // The horizon is what this data directory's seeding covers (known once the plan is read).
  let seededUntil: string | undefined;
  const deps = await createAppDeps(config, {
    dynamo: engine.clients,
    db: engine.db,
    ...(process.env.INVENTORY_HORIZON_DAYS
      ? {}
      : {
          inventoryHorizon: () =>
            seededUntil ??
            addDays(new Date().toISOString().slice(0, 10), config.inventoryHorizonDays - 1),
        }),
  });
  const { logger } = deps;
  if (config.redisUrl) {
    // Said once, at start: otherwise every cache call would time out (and fall open) in silence.
    const why = await redisUnreachable(config.redisUrl);
    if (why) {
      logger.warn(
        `REDIS_URL ${shownRedisUrl(config.redisUrl)} is unreachable (${why}): serving without the shared cache until it answers`,
      );
    }
  }

  const plan = await planSeeding({
    state,
    tableReused: engine.reused,
    inventory: createInventoryRepository(engine.db),
    today: new Date().toISOString().slice(0, 10),
  });
  const marker = plan.action === "seed" ? plan.marker : state.seedMarker();
  if (marker) seededUntil = addDays(marker.startDate, marker.days - 1);
  let seedingInProgress = false;
  if (plan.action === "seed") {
    seedingInProgress = true;
    logger.info(plan.resumed ? "resuming interrupted seeding" : "seeding inventory (first start)", {
      startDate: plan.marker.startDate,
      days: plan.marker.days,
    });
    const seeding = runSeeding({
      db: engine.db,
      state,
      marker: plan.marker,
      readyAfterDays: READY_AFTER_DAYS,
      onProgress: (p) => {
        if (p.phase === "day" && p.daysLoaded % 10 !== 0 && p.daysLoaded !== READY_AFTER_DAYS)
          return;
        logger.info("seeding progress", {
          phase: p.phase,
          daysLoaded: p.daysLoaded,
          daysTotal: p.daysTotal,
          items: p.items,
          itemsPerSecond: Math.round(p.itemsPerSecond),
        });
      },
    });
    seeding.done.then(
      (summary) => {
        seedingInProgress = false;
        logger.info("seeding complete", {
          items: summary.items,
          seconds: Math.round(summary.elapsedMs / 100) / 10,
          itemsPerSecond: Math.round(summary.itemsPerSecond),
        });
      },
      (error: unknown) => {
        seedingInProgress = false;
        if (!stopping) {
          logger.error("seeding failed; the next start resumes it", { error: error as Error });
        }
      },
    );
    await seeding.ready;
  } else {
    logger.info("inventory already loaded", { reason: plan.reason });
  }

  const demoKey = await ensureDemoKey(state, deps.apiKeys);
  const app = createApp(deps);
  const server = serveApp(app, { port: config.port, hostname: config.host });
  await new Promise<void>((resolvePromise, reject) => {
    server.once("listening", resolvePromise);
    server.once("error", reject);
  });

  // Hooks: other packages' local loops are started here and stopped on shutdown.
  const background: LocalBackgroundTask[] = [];
  // Booking reconciler: settles bookings a crashed request left half-done, every 15 s (in AWS
  // the scheduled `reconciler-lambda.ts` runs the same function).
  const reconcilerLoop = startReconcilerLoop(deps.reconciler, {
    intervalMs: 15_000,
    olderThanMs: 60_000,
    onReport: (report) => {
      if (report.examined === 0 && report.errors.length === 0) return;
      logger.info("booking reconciler run", { ...report, errors: report.errors.length });
    },
    onError: (error) => logger.error("booking reconciler run failed", { error: error as Error }),
  });
  background.push({ name: "booking reconciler", stop: () => reconcilerLoop.stop() });
  // Local DynamoDB Streams: every write to the engine reaches the analytics consumer as a
  // stream record, batched and after the write: search events and bookings for the aggregates,
  // flight offers and room nights for search's read model (the backstop behind the write
  // paths). The records are journaled by the engine in the same write as each item and leave
  // the journal once delivered, so a crash or kill loses none: the next start resumes.
  // Background seeding's inserts pass too (they complete month entries a search filled while
  // seeding ran), in their own lane: a seeding backlog never delays searches and bookings
  // reaching the aggregates. Records that keep failing are kept, with their error, next to the
  // engine's data (`pnpm feed redrive` hands them back).
  const feedLogger = {
    warn: (message: string, fields?: Record<string, unknown>) =>
      logger.warn(message, { ...fields }),
    error: (message: string, fields?: Record<string, unknown>) =>
      logger.error(message, { ...fields }),
  };
  const analyticsDeadLetters = createFileDeadLetterStore(
    resolve(changeFeedDir(DATA_DIR), DEAD_LETTER_FILES[0]),
  );
  const changeFeed = createLocalChangeFeed({
    engine,
    handler: deps.analytics.consumer.handle,
    lanes: ANALYTICS_FEED_LANES,
    deadLetters: analyticsDeadLetters,
    logger: feedLogger,
  });
  // Webhooks: a second consumer of the same changes (bookings → deliveries → the worker),
  // and the in-process worker that sends them (the SQS queue and delivery Lambda in AWS).
  const localWebhooks = createLocalWebhooks({
    webhooks: deps.webhooks,
    db: engine.db,
    clock: deps.clock,
    logger,
  });
  const webhookDeadLetters = createFileDeadLetterStore(
    resolve(changeFeedDir(DATA_DIR), DEAD_LETTER_FILES[1]),
  );
  const webhookFeed = createLocalChangeFeed({
    engine,
    handler: localWebhooks.producer.handle,
    lanes: WEBHOOK_FEED_LANES,
    deadLetters: webhookDeadLetters,
    logger: feedLogger,
  });
  changeFeed.start();
  webhookFeed.start();
  const feedStatus = () => {
    const [analytics, webhooks] = [changeFeed.stats(), webhookFeed.stats()];
    return {
      queued: analytics.queued + webhooks.queued,
      lagMs: Math.max(analytics.lagMs, webhooks.lagMs),
      deadLettered: analytics.deadLettered + webhooks.deadLettered,
    };
  };
  deps.live.attachStream(feedStatus);
  deps.changeFeed.attach(feedStatus);
  background.push({ name: "analytics change feed", stop: () => changeFeed.stop() });
  localWebhooks.worker.start();
  background.push({ name: "webhook change feed", stop: () => webhookFeed.stop() });
  background.push({ name: "webhook worker", stop: () => localWebhooks.worker.stop() });

  const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    [
      "",
      `  Travel Platform API serving on ${url}  (ready in ${seconds} s)`,
      `  API reference:  ${url}/docs   OpenAPI: ${url}/openapi.json`,
      `  Demo API key (every scope, kept in ${shownPath(resolve(DATA_DIR, "demo-key"))}):`,
      `    ${demoKey}`,
      `  Try: curl -H "x-api-key: ${demoKey}" "${url}/v1/flights/search?origin=JFK&destination=LAX&departureDate=${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)}"`,
      `  DynamoDB (embedded): ${engine.endpoint}   cache: ${deps.cache.backend}`,
      "",
    ].join("\n"),
  );

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    // Never hang on the way out (e.g. a client holding a keep-alive connection open).
    setTimeout(() => process.exit(1), 10_000).unref();
    await new Promise<void>((r) => server.close(() => r()));
    for (const task of background.reverse()) await task.stop();
    await deps.close();
    if (seedingInProgress) {
      // The seed loader cannot be cancelled; stopping the engine under its writes would crash.
      // Exiting is safe: written items are on disk and the marker makes the next start resume.
      logger.info("seeding interrupted; the next start resumes it");
    } else {
      await engine.stop();
    }
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  // Expected failures (bad configuration, data directory in use) are one line; the stack of
  // anything only with LOG_LEVEL=DEBUG.
  if (process.env.LOG_LEVEL?.trim().toUpperCase() === "DEBUG") console.error(error);
  else if (error instanceof ConfigError || error instanceof LocalDataDirInUseError) {
    const hint =
      error instanceof LocalDataDirInUseError
        ? " (is pnpm start already running? stop it, or set LOCAL_DATA_DIR to another directory)"
        : "";
    console.error(`pnpm start: ${error.message}${hint}`);
  } else {
    console.error(
      `pnpm start failed: ${error instanceof Error ? error.message : String(error)} (LOG_LEVEL=DEBUG shows the stack)`,
    );
  }
  process.exit(1);
});
