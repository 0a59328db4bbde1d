import type { Tracer } from "@opentelemetry/api";
import { z } from "zod";
import type { Clock } from "./cache.js";
import { redisConnectionSchema } from "./redis/client.js";
import { DEFAULT_COMPRESS_THRESHOLD_BYTES } from "./serializer.js";

const namespacePolicySchema = z.object({
  ttlSeconds: z.number().positive().optional(),
  staleTtlSeconds: z.number().min(0).optional(),
  negativeTtlSeconds: z.number().min(0).optional(),
});

/** Decoded record maps kept in process: on by default, bounded by estimated heap (32 MiB). */
const decodedCopiesSchema = z.object({
  enabled: z.boolean().default(true),
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
});

const commonSchema = z.object({
  /** Per stage, e.g. `"prod:"`; braces are reserved for hash slots. */
  keyPrefix: z
    .string()
    .regex(/^[^{}]*$/, "must not contain { or }")
    .default(""),
  /** TTL policy per namespace; the `search` namespace TTL must be 300–900 s. */
  namespaces: z.record(z.string(), namespacePolicySchema).default({}),
  compressThresholdBytes: z.number().int().min(0).default(DEFAULT_COMPRESS_THRESHOLD_BYTES),
  /** How long a tag invalidation is remembered; caps every entry's TTL + stale TTL. */
  tagRetentionSeconds: z.number().int().positive().default(86_400),
});

export const memoryCacheConfigSchema = commonSchema.extend({
  backend: z.literal("memory"),
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  maxTagStamps: z.number().int().positive().default(100_000),
});

const nearCacheSchema = z.object({
  maxEntries: z.number().int().positive().default(1_000),
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  ttlMs: z.number().int().positive().max(60_000).default(2_000),
});

const resilienceSchema = z.object({
  /** Budget per Redis call; slower calls fall open to the loader. */
  commandTimeoutMs: z.number().int().positive().default(50),
  breaker: z
    .object({
      failureThreshold: z.number().int().positive().default(5),
      halfOpenAfterMs: z.number().int().positive().default(1_000),
    })
    .prefault({}),
  lock: z
    .object({
      ttlMs: z.number().int().positive().default(5_000),
      waitMs: z.number().int().min(0).default(3_000),
      pollMs: z.number().int().positive().default(10),
    })
    .prefault({}),
  nearCache: nearCacheSchema.optional(),
  /**
   * Decoded record maps kept in process. A read first asks Redis for the map's generation (one
   * HGET of a small field) and reuses the decoded copy when it is unchanged, so it never serves
   * a map older than what Redis holds. `maxBytes` is estimated heap (6 × encoded bytes).
   * `maxAgeMs` bounds how long a copy is trusted at all: a writer running a version without
   * generations does not set one (turn this off while such writers still run).
   */
  recordsNearCache: decodedCopiesSchema
    .extend({ maxAgeMs: z.number().int().positive().max(300_000).default(10_000) })
    .prefault({}),
  /**
   * How a read checks the entry's tag stamps: `seq` (one MGET of the entry and the invalidation
   * sequence; the stamps only when something was invalidated since the entry was written;
   * standalone only), `mget` (GET then MGET; needed in cluster mode), `auto` (seq unless
   * cluster).
   */
  tagCheck: z.enum(["auto", "seq", "mget"]).default("auto"),
});

export const redisCacheOptionsSchema = commonSchema.extend(resilienceSchema.shape);

export const redisCacheConfigSchema = z.intersection(
  redisCacheOptionsSchema.extend({ backend: z.literal("redis") }),
  redisConnectionSchema,
);

export const cacheConfigSchema = z.union([memoryCacheConfigSchema, redisCacheConfigSchema]);

export type CacheConfig = z.input<typeof cacheConfigSchema>;
export type MemoryCacheConfig = z.input<typeof memoryCacheConfigSchema>;
export type RedisCacheOptions = z.input<typeof redisCacheOptionsSchema>;
export type NearCacheConfig = z.input<typeof nearCacheSchema>;

/** Collaborators, injected rather than configured. */
export interface CacheDeps {
  /** Default `Date`. */
  clock?: Clock;
  /** Default: the global OpenTelemetry tracer (a no-op unless an SDK is registered). */
  tracer?: Tracer;
  /** Source of TTL jitter, [0, 1). Default `Math.random`. */
  random?: () => number;
}
