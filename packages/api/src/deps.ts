import { randomBytes } from "node:crypto";
import type { Tracer } from "@opentelemetry/api";
import { type AnalyticsService, createAnalyticsService } from "@travel/analytics";
import {
  type BookingService,
  createBookingRepositories,
  createBookingService,
  createReconciler,
  type Reconciler,
} from "@travel/booking";
import { type Cache, createCache } from "@travel/cache";
import {
  type ApiKeyRepository,
  addDays,
  createApiKeyRepository,
  createDynamoClients,
  createInventoryRepository,
  createSearchEventRepository,
  createTravelService,
  type DynamoClients,
  describeTableIdentity,
  type TravelService,
} from "@travel/core";
import { seedNetwork } from "@travel/core/seed";
import {
  createInventoryReadModel,
  createRouteNetwork,
  createSearchEventQueue,
  createSearchService,
  type SearchEventQueue,
  type SearchService,
} from "@travel/search";
import { Redis } from "ioredis";
import type { AppConfig } from "./config.js";
import { createLiveWindow, type LiveWindow } from "./dashboard/live-window.js";
import {
  type ChangeFeedHealth,
  createChangeFeedHealth,
  createHealthChecks,
  type HealthChecks,
} from "./health.js";
import {
  type ApiKeyLookup,
  createApiKeyLookup,
  createUnknownKeyGuard,
  type UnknownKeyGuard,
} from "./middleware/auth/index.js";
import { createKeyRateLimiter, type KeyRateLimiter } from "./middleware/rate-limit/index.js";
import {
  type AppLogger,
  type AppMetrics,
  createLogger,
  createMetrics,
  createTracer,
  domainLogger,
} from "./observability.js";
import { createWebhookDeps, type WebhookDeps, type WebhookOverrides } from "./webhooks.js";

/** Time source injected everywhere time matters (tests and replays drive it). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Everything the routes need, built once per process (per Lambda cold start) by
 * `createAppDeps`. Route modules receive this object and use only what they need.
 */
export interface AppDeps {
  config: AppConfig;
  clock: Clock;
  logger: AppLogger;
  metrics: AppMetrics;
  tracer: Tracer;
  dynamo: DynamoClients;
  db: TravelService;
  apiKeys: ApiKeyRepository;
  keyLookup: ApiKeyLookup;
  /** Per-address budget of key-table reads for unknown keys (undefined: no limit). */
  unknownKeyGuard: UnknownKeyGuard | undefined;
  rateLimiter: KeyRateLimiter;
  health: HealthChecks;
  /** Local mode's change feed as `/health` reports it (nothing attached in Lambda). */
  changeFeed: ChangeFeedHealth;
  cache: Cache;
  search: SearchService;
  /** Search events on their way to the table (flushed by `flush()`). */
  searchEvents: SearchEventQueue;
  /** Bookings (`/v1/bookings`): holds, idempotency, cancellation. */
  bookings: BookingService;
  /** Finishes bookings a crashed request left half-done (scheduled in AWS, a loop locally). */
  reconciler: Reconciler;
  /** Analytics queries (`/v1/analytics`) and the change-stream consumer local mode feeds. */
  analytics: AnalyticsService;
  /** Webhook endpoints (`/v1/webhooks`) and the sender local mode's worker uses. */
  webhooks: WebhookDeps;
  /** The last hour minute by minute, for the live operations page (`/v1/analytics/live`). */
  live: LiveWindow;
  /** HMAC secret for opaque page cursors (search results, key lists). */
  cursorSecret: string;
  /** Flushes buffered work (search events, metrics); called at the end of every Lambda invocation and at shutdown. */
  flush(): Promise<void>;
  /** Flushes, then releases connections. */
  close(): Promise<void>;
}

/** Collaborators an entry file or a test may supply instead of having them built from config. */
export interface AppDepsOverrides {
  clock?: Clock;
  /** An already-built DynamoDB client pair (e.g. the embedded engine's). */
  dynamo?: DynamoClients;
  db?: TravelService;
  logger?: AppLogger;
  metrics?: AppMetrics;
  tracer?: Tracer;
  /** Emit CloudWatch EMF metrics (Lambda). */
  emitEmf?: boolean;
  cache?: Cache;
  /**
   * False for processes that never sign or read page cursors (the booking reconciler): a missing
   * `CURSOR_SIGNING_KEY` is then expected and not warned about. Default true.
   */
  servesCursors?: boolean;
  webhooks?: WebhookOverrides;
  /** The last date with published inventory (local mode knows what it seeded). */
  inventoryHorizon?: () => string;
}

/**
 * The composition root: builds the SDK, ioredis and ElectroDB instances from the parsed config
 * and wires every service. Only entry files (`local.ts`, `lambda.ts`, tests) call it.
 *
 * @example
 * const deps = await createAppDeps(loadConfig(process.env));
 * const app = createApp(deps);
 */
export async function createAppDeps(
  config: AppConfig,
  overrides: AppDepsOverrides = {},
): Promise<AppDeps> {
  const clock = overrides.clock ?? systemClock;
  const logger =
    overrides.logger ??
    createLogger({ serviceName: config.serviceName, logLevel: config.logLevel });
  const metrics =
    overrides.metrics ??
    createMetrics({ serviceName: config.serviceName, emitEmf: overrides.emitEmf ?? false });
  const tracer = overrides.tracer ?? createTracer();

  const dynamo =
    overrides.dynamo ??
    createDynamoClients({
      region: config.region,
      ...(config.dynamoEndpoint
        ? {
            endpoint: config.dynamoEndpoint,
            credentials: { accessKeyId: "local", secretAccessKey: "local" },
          }
        : {}),
    });
  const db =
    overrides.db ?? createTravelService({ client: dynamo.document, table: config.tableName });

  // The limiter's own connection: no offline queue and a short command timeout, so a dead or
  // stalled Redis is noticed at once and the limiter's breaker moves to its insurance share.
  const limiterRedis = config.redisUrl
    ? new Redis(config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 2_000,
        commandTimeout: 50,
      })
    : undefined;
  limiterRedis?.on("error", (error: Error) => {
    logger.debug("rate limiter redis error", { error: error.message });
  });

  const cursorSecret = config.cursorSigningKey ?? randomBytes(32).toString("base64url");
  if (!config.cursorSigningKey && overrides.servesCursors !== false) {
    logger.warn(
      "CURSOR_SIGNING_KEY is not set: using a per-process secret (cursors will not survive a restart or cross instances)",
    );
  }

  const apiKeys = createApiKeyRepository(db);
  const keyLookup = createApiKeyLookup({
    repository: apiKeys,
    ttlSeconds: config.apiKeyCacheSeconds,
    negativeTtlSeconds: config.apiKeyNegativeCacheSeconds,
  });
  const rateLimiter = createKeyRateLimiter({
    redis: limiterRedis,
    keyPrefix: `${config.redisKeyPrefix}:rl`,
    logger,
    metrics,
    insuranceShare: config.rateLimitInsurancePercent / 100,
  });

  // Cached search data is bound to the table instance it was derived from (finding 7): a new or
  // restored table (or local mode over a fresh data directory) never reads an old namespace
  // left in a shared Redis. The in-process cache dies with the process, so it needs none.
  const cacheCommon = {
    keyPrefix:
      config.redisUrl && !overrides.cache
        ? `${config.redisKeyPrefix}:${await describeTableIdentity(dynamo.raw, config.tableName)}:`
        : `${config.redisKeyPrefix}:`,
  };
  const cache =
    overrides.cache ??
    createCache(
      config.redisUrl
        ? {
            ...cacheCommon,
            backend: "redis",
            url: config.redisUrl,
            commandTimeoutMs: config.cacheCommandTimeoutMs,
            recordsNearCache: { enabled: config.readModelNearCache },
          }
        : { ...cacheCommon, backend: "memory" },
      { clock: { now: () => clock.now().getTime() }, tracer },
    );

  const inventory = createInventoryRepository(db);
  const searchEvents = createSearchEventQueue({
    sink: createSearchEventRepository(db),
    logger: domainLogger(logger),
  });
  // Our own inventory is served from the read model in the cache, updated in place by the
  // write paths (admin updates, bookings) and by the change stream consumer (issue #8).
  // External suppliers, when there are any, go in `suppliers` (TTL cache-aside).
  const readModel = createInventoryReadModel({
    cache,
    inventory,
    clock,
    logger: domainLogger(logger),
  });
  const search = createSearchService({
    suppliers: [],
    readModel,
    // The sandbox's network is the seed's (deterministic): it says which entries a search reads.
    network: createRouteNetwork(seedNetwork()),
    inventoryHorizon:
      overrides.inventoryHorizon ??
      (() => addDays(clock.now().toISOString().slice(0, 10), config.inventoryHorizonDays - 1)),
    inventory,
    cache,
    clock,
    cursorSecret,
    events: searchEvents,
    tracer,
    logger: domainLogger(logger),
    options: { ttlSeconds: config.searchCacheTtlSeconds },
  });

  // Bookings tell search about every inventory change before answering, so the read model
  // holds the new seats/rooms and availability stays truthful.
  // Refreshing them is best effort: a booking that is written answers as written, and the
  // change stream's consumer repairs what a failed refresh left behind.
  const onRefreshFailed = (error: unknown, changes: readonly { type: string }[]) => {
    metrics.increment("CacheRefreshFailed");
    logger.warn("cached search data not refreshed after a booking; the change stream repairs it", {
      items: changes.length,
      error: error as Error,
    });
  };
  const bookingRepositories = createBookingRepositories(db);
  const bookings = createBookingService({
    ...bookingRepositories,
    clock,
    listener: search,
    onRefreshFailed,
    cursorSecret,
    tenantSharePercent: config.tenantInventorySharePercent,
    tracer,
  });
  const reconciler = createReconciler({
    ...bookingRepositories,
    clock,
    listener: search,
    onRefreshFailed,
  });

  // Local mode feeds the engine's changes to this consumer: it is also the read model's backstop.
  // The live page's counted figures are the consumer's minute rows (shared by every instance);
  // the live window keeps what this process measures itself (latency, the local stream's lag).
  const live = createLiveWindow({ clock });
  const analytics = createAnalyticsService({
    db,
    clock,
    inventoryListener: readModel,
    handlers: [
      {
        name: "live-window",
        handleBatch: async (changes) => {
          for (const change of changes) live.recordHandled(change.approximateCreatedAt);
          return [];
        },
      },
    ],
    logger: domainLogger(logger),
  });

  const webhooks = createWebhookDeps({
    config,
    db,
    clock,
    logger,
    ...(overrides.webhooks ? { overrides: overrides.webhooks } : {}),
  });

  const health = createHealthChecks({
    dynamo,
    tableName: db.table,
    cache,
    onProbeError: (probe, error) =>
      logger.warn("health probe failed", {
        probe,
        error: error instanceof Error ? error.message : String(error),
      }),
  });

  // Services added by other modules register what must run at flush / close time here.
  const flushers: (() => Promise<void>)[] = [];
  const closers: (() => Promise<void>)[] = [];
  flushers.push(() => searchEvents.flush());
  if (!overrides.cache) closers.push(() => cache.close());
  if (limiterRedis) closers.push(async () => void limiterRedis.disconnect());

  const deps: AppDeps = {
    config,
    clock,
    logger,
    metrics,
    tracer,
    dynamo,
    db,
    apiKeys,
    keyLookup,
    unknownKeyGuard:
      config.unknownKeyLookupsPerMinute > 0
        ? createUnknownKeyGuard({ lookupsPerMinute: config.unknownKeyLookupsPerMinute })
        : undefined,
    rateLimiter,
    health,
    changeFeed: createChangeFeedHealth(),
    cache,
    search,
    searchEvents,
    bookings,
    reconciler,
    analytics,
    webhooks,
    live,
    cursorSecret,
    async flush() {
      const results = await Promise.allSettled(flushers.map((f) => f()));
      for (const r of results) {
        if (r.status === "rejected") logger.error("flush failed", { error: r.reason as Error });
      }
      metrics.flush();
    },
    async close() {
      await deps.flush();
      for (const close of closers.reverse()) await close();
    },
  };
  return deps;
}
