export type {
  ApplyResult,
  Cache,
  CacheResult,
  CacheStatus,
  Clock,
  EntryOptions,
  GetOrLoadOptions,
  HealthStatus,
  KeyOptions,
  TagsOption,
  VersionedEntry,
  VersionedRecord,
  VersionedRecordMap,
} from "./cache.js";
export {
  type CacheConfig,
  type CacheDeps,
  cacheConfigSchema,
  type MemoryCacheConfig,
  type NearCacheConfig,
  type RedisCacheOptions,
} from "./config.js";
export { createCache } from "./create-cache.js";
export {
  CacheArgumentError,
  CacheConfigError,
  CacheError,
  CacheTimeoutError,
  CacheUnavailableError,
} from "./errors.js";
export { createMemoryCache, type MemoryCacheOptions } from "./memory/index.js";
export type {
  BreakerState,
  LatencySummary,
  MetricEvent,
  MetricsSnapshot,
} from "./metrics.js";
export {
  createRedisClient,
  type RedisConnectionConfig,
  redisConnectionSchema,
} from "./redis/client.js";
export { createRedisCache, type RedisCacheFactoryOptions } from "./redis/index.js";
export type { RedisClient } from "./redis/redis-store.js";
export {
  DEFAULT_TTL_SECONDS,
  SEARCH_NAMESPACE,
  SEARCH_TTL_MAX_SECONDS,
  SEARCH_TTL_MIN_SECONDS,
  searchTtl,
} from "./ttl.js";
