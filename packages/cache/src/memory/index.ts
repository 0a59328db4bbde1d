import { trace } from "@opentelemetry/api";
import type { Cache } from "../cache.js";
import type { CacheDeps, MemoryCacheConfig } from "../config.js";
import { memoryCacheConfigSchema } from "../config.js";
import { parseConfig } from "../config-error.js";
import { CacheEngine } from "../engine.js";
import { CacheMetrics } from "../metrics.js";
import { directGuard } from "../resilience.js";
import { createSerializer } from "../serializer.js";
import { MemoryStore } from "./memory-store.js";

export type MemoryCacheOptions = Omit<MemoryCacheConfig, "backend"> & CacheDeps;

/**
 * The in-process cache for local mode (no `REDIS_URL`): bounded by encoded bytes, same
 * contract as the Redis cache except that single flight and invalidation are per process.
 *
 * @example
 * const cache = createMemoryCache({ maxBytes: 32 * 1024 * 1024 });
 * const { value, status } = await cache.getOrLoad("k", loadIt, { namespace: "search" });
 */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const { clock = Date, tracer, random = Math.random, ...rest } = options;
  const config = parseConfig(
    memoryCacheConfigSchema,
    { ...rest, backend: "memory" },
    "memory cache config",
  );
  const store = new MemoryStore({
    maxBytes: config.maxBytes,
    maxTagStamps: config.maxTagStamps,
    clock,
  });
  return new CacheEngine({
    store,
    guard: directGuard,
    serializer: createSerializer({ compressThresholdBytes: config.compressThresholdBytes }),
    metrics: new CacheMetrics(),
    clock,
    random,
    tracer: tracer ?? trace.getTracer("@travel/cache"),
    namespaces: config.namespaces,
    tagRetentionMs: config.tagRetentionSeconds * 1000,
    lock: { ttlMs: 0, waitMs: 0, pollMs: 1 },
  });
}
