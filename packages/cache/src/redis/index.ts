import { trace } from "@opentelemetry/api";
import type { Cache } from "../cache.js";
import type { CacheDeps, RedisCacheOptions } from "../config.js";
import { redisCacheOptionsSchema } from "../config.js";
import { parseConfig } from "../config-error.js";
import { CacheEngine } from "../engine.js";
import { CacheConfigError } from "../errors.js";
import { CacheMetrics } from "../metrics.js";
import { NearCache } from "../near-cache.js";
import { createBreakerGuard } from "../resilience.js";
import { createSerializer } from "../serializer.js";
import { createRedisClient, type RedisConnectionConfig } from "./client.js";
import { type RedisClient, RedisStore } from "./redis-store.js";

export type RedisCacheFactoryOptions = RedisCacheOptions &
  CacheDeps & {
    /** An ioredis client (not closed by `cache.close()`), or settings to build one (closed). */
    redis: RedisClient | RedisConnectionConfig;
  };

function isClient(value: RedisClient | RedisConnectionConfig): value is RedisClient {
  return typeof (value as RedisClient).getBuffer === "function";
}

/**
 * The Redis/Valkey cache: fail-open with a 50 ms budget and a circuit breaker, cross-process
 * single flight, tag invalidation, optional near cache.
 *
 * @example
 * const cache = createRedisCache({ redis: { url: process.env.REDIS_URL }, keyPrefix: "dev:" });
 */
export function createRedisCache(options: RedisCacheFactoryOptions): Cache {
  const { redis, clock = Date, tracer, random = Math.random, ...rest } = options;
  const config = parseConfig(redisCacheOptionsSchema, rest, "redis cache config");
  const metrics = new CacheMetrics();
  const owns = !isClient(redis);
  const client = isClient(redis) ? redis : createRedisClient(redis);
  const cluster = "nodes" in client;
  if (cluster && config.tagCheck === "seq") {
    if (owns) client.disconnect();
    // It reads the entry and the invalidation sequence together: different hash slots.
    throw new CacheConfigError(
      `tagCheck "${config.tagCheck}" needs a standalone server; use "mget" or "auto" with a cluster`,
    );
  }
  const tagCheck = config.tagCheck === "auto" ? (cluster ? "mget" : "seq") : config.tagCheck;
  const store = new RedisStore({
    client,
    keyPrefix: config.keyPrefix,
    ownsClient: owns,
    subscribe: config.nearCache !== undefined,
    tagCheck,
    onConnectionError: (error) => metrics.record({ type: "error", operation: "connection", error }),
  });
  const guard = createBreakerGuard({
    timeoutMs: config.commandTimeoutMs,
    failureThreshold: config.breaker.failureThreshold,
    halfOpenAfterMs: config.breaker.halfOpenAfterMs,
    onStateChange: (state) => metrics.record({ type: "breaker", state }),
  });
  return new CacheEngine({
    store,
    guard,
    serializer: createSerializer({ compressThresholdBytes: config.compressThresholdBytes }),
    metrics,
    clock,
    random,
    tracer: tracer ?? trace.getTracer("@travel/cache"),
    namespaces: config.namespaces,
    tagRetentionMs: config.tagRetentionSeconds * 1000,
    lock: config.lock,
    ...(config.nearCache ? { nearCache: new NearCache(config.nearCache, clock) } : {}),
    ...(config.recordsNearCache.enabled
      ? {
          recordsNearCache: {
            maxBytes: config.recordsNearCache.maxBytes,
            maxAgeMs: config.recordsNearCache.maxAgeMs,
          },
        }
      : {}),
  });
}
