import type { MetricEvent, MetricsSnapshot } from "./metrics.js";

/** Where a `getOrLoad` answer came from. */
export type CacheStatus = "hit" | "miss" | "stale";

/** Milliseconds since the epoch; injected so tests and replays can drive time. */
export interface Clock {
  now(): number;
}

/** What every read answers: the value plus how fresh it is. */
export interface CacheResult<T> {
  value: T;
  /** `hit`: fresh from cache · `miss`: the loader ran for this call · `stale`: served while a refresh runs. */
  status: CacheStatus;
  /** Whole seconds since the value was loaded (0 on a miss). */
  ageSeconds: number;
  /** The entry's fresh lifetime in whole seconds, after jitter. */
  ttlSeconds: number;
}

/** Tags known up front, or computed from the loaded value (a search knows its offers only after loading). */
export type TagsOption<T> = readonly string[] | ((value: T) => readonly string[]);

export interface EntryOptions<T> {
  /** Groups keys and selects the namespace TTL policy (default `"default"`). */
  namespace?: string;
  /** Fresh lifetime; defaults to the namespace TTL (10 min). ±10% jitter is applied. */
  ttlSeconds?: number;
  /** How long after expiry a stale value may still be served while one refresh runs. */
  staleTtlSeconds?: number;
  /** Tags for `invalidate(tag)`. */
  tags?: TagsOption<T>;
}

export interface GetOrLoadOptions<T> extends EntryOptions<T> {
  /** Values for which `isEmpty` is true are cached for this long instead (negative caching). */
  negativeTtlSeconds?: number;
  /** Default: `null`, `undefined` or an empty array. */
  isEmpty?: (value: T) => boolean;
}

export interface KeyOptions {
  namespace?: string;
}

/** One field write for the versioned record map. */
export interface VersionedEntry<V = unknown> {
  field: string;
  /** Monotonic per field (integer ≤ 2^53). A write with a version ≤ the stored one is ignored. */
  version: number;
  value: V;
}

export interface VersionedRecord<V = unknown> {
  version: number;
  value: V;
}

export interface ApplyResult {
  /** Fields written by this call. */
  applied: string[];
  /** Fields skipped because the stored version was equal or newer. */
  ignored: string[];
}

/**
 * A per-key map of `field → { version, value }` where an older or duplicate version can never
 * overwrite a newer one (atomic per key: Lua in Redis, synchronous in process).
 *
 * A key is *present* once `fill` has run for it. `applyIfNewer` on an absent key keeps the
 * newer fields but leaves the key absent, so a partial map is never mistaken for a complete one,
 * and a later `fill` with an older snapshot cannot undo a change it raced with.
 */
export interface VersionedRecordMap {
  applyIfNewer<V>(
    key: string,
    entries: readonly VersionedEntry<V>[],
    options: { ttlSeconds: number },
  ): Promise<ApplyResult>;
  /** Writes a full snapshot (only fields newer than the stored ones), marks the key present and sets its TTL. */
  fill<V>(
    key: string,
    entries: readonly VersionedEntry<V>[],
    ttlSeconds: number,
  ): Promise<ApplyResult>;
  /**
   * `null` when the key is absent (never filled or expired); an empty map when present but empty.
   * The map and its records are shared read-only snapshots (a near cache may hand the same one to
   * several callers): copy before changing.
   */
  getRecords<V>(key: string): Promise<ReadonlyMap<string, Readonly<VersionedRecord<V>>> | null>;
  delete(key: string): Promise<void>;
  /** Approximate bytes the key occupies in the store, `null` when absent. */
  memoryUsage(key: string): Promise<number | null>;
}

export type HealthStatus = "ok" | "down";

/** The one cache interface; `createCache` picks the Redis or in-process implementation. */
export interface Cache {
  readonly backend: "redis" | "memory";
  /**
   * Cache-aside read with stale-while-revalidate, single flight and negative caching. Never
   * throws for cache faults. Treat the value as read-only: with the near cache on, a hit may be
   * a value shared with other callers in the process.
   */
  getOrLoad<T>(
    key: string,
    loader: () => Promise<T>,
    options?: GetOrLoadOptions<T>,
  ): Promise<CacheResult<T>>;
  /** A fresh or stale entry, or `undefined` (also when the store is unreachable). Read-only, as `getOrLoad`. */
  get<T>(key: string, options?: KeyOptions): Promise<CacheResult<T> | undefined>;
  /** Returns false when the store could not be written (counted as an error, never thrown). */
  set<T>(key: string, value: T, options?: EntryOptions<T>): Promise<boolean>;
  delete(key: string, options?: KeyOptions): Promise<boolean>;
  /**
   * Every entry carrying one of the tags becomes a miss at once, for every process sharing the
   * store. Returns false when the store could not be written (counted as an error); with
   * `throwOnError` it throws that store error instead (e.g. `CacheTimeoutError`), for callers
   * that must report why.
   */
  invalidate(
    tagOrTags: string | readonly string[],
    options?: { throwOnError?: boolean },
  ): Promise<boolean>;
  readonly records: VersionedRecordMap;
  /** Quick ping bounded by the command timeout. */
  health(): Promise<HealthStatus>;
  metrics(): MetricsSnapshot;
  /**
   * Subscribe to metric events; returns the unsubscribe function. Events are frozen and may be
   * shared between calls (a hit's event is built once per namespace): copy one to keep or extend it.
   */
  onMetric(listener: (event: MetricEvent) => void): () => void;
  close(): Promise<void>;
}
