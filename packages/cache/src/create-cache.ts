import type { Cache } from "./cache.js";
import type { CacheConfig, CacheDeps } from "./config.js";
import { CacheConfigError } from "./errors.js";
import { createMemoryCache } from "./memory/index.js";
import type { RedisConnectionConfig } from "./redis/client.js";
import { createRedisCache } from "./redis/index.js";

/**
 * Picks the backend from configuration (parsed once at start; a bad value throws
 * `CacheConfigError` naming the field).
 *
 * @example
 * const cache = createCache(
 *   process.env.REDIS_URL
 *     ? { backend: "redis", url: process.env.REDIS_URL, keyPrefix: `${stage}:` }
 *     : { backend: "memory", maxBytes: 64 * 1024 * 1024 },
 * );
 */
export function createCache(config: CacheConfig, deps: CacheDeps = {}): Cache {
  const backend = (config as { backend?: unknown } | undefined)?.backend;
  if (backend === "memory") {
    const { backend: _, ...rest } = config as Extract<CacheConfig, { backend: "memory" }>;
    return createMemoryCache({ ...rest, ...deps });
  }
  if (backend === "redis") {
    const {
      backend: _,
      url,
      host,
      port,
      username,
      password,
      db,
      tls,
      cluster,
      connectTimeoutMs,
      ...options
    } = config as Extract<CacheConfig, { backend: "redis" }>;
    const redis: RedisConnectionConfig = {
      url,
      host,
      port,
      username,
      password,
      db,
      tls,
      cluster,
      connectTimeoutMs,
    };
    return createRedisCache({ ...options, ...deps, redis: dropUndefined(redis) });
  }
  throw new CacheConfigError(
    `invalid cache config: backend: expected "memory" or "redis", got ${JSON.stringify(backend)}`,
  );
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
