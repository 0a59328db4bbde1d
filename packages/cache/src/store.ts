import type { EntryMeta } from "./tags.js";

/**
 * The low-level operations both backends provide. The cache logic (SWR, single flight, tags,
 * fail-open, metrics) lives once in `engine.ts` on top of this; keys arrive fully prefixed.
 * Every method may throw or hang: the engine bounds and counts that.
 */
export interface Store {
  readonly kind: "redis" | "memory";
  /** True when concurrent processes share this store, so cross-process locks are worth it. */
  readonly shared: boolean;
  /**
   * The entry's bytes as stored (they may start with a tag header, see `entryBody`), or
   * undefined when absent or invalidated by one of its tags. `expectTags` hints that the entry
   * is probably tagged (picks the cheapest check).
   */
  getEntry(key: string, expectTags: boolean): Promise<Uint8Array | undefined>;
  setEntry(key: string, bytes: Uint8Array, ttlMs: number, meta?: EntryMeta): Promise<void>;
  deleteEntry(key: string): Promise<void>;
  /** The global invalidation sequence (0 before the first invalidation). */
  currentSeq(): Promise<number>;
  /** Bumps the sequence and stamps every tag with it; returns the new sequence. */
  invalidateTags(tags: readonly string[], retentionMs: number): Promise<number>;
  tryLock(key: string, token: string, ttlMs: number): Promise<boolean>;
  unlock(key: string, token: string): Promise<void>;
  applyRecords(
    key: string,
    entries: readonly { field: string; version: number; bytes: Uint8Array }[],
    ttlMs: number,
    fill: boolean,
  ): Promise<{ applied: string[]; ignored: string[] }>;
  /**
   * `null` when absent (not filled). `generation` changes whenever the map does (`null` when
   * the store does not track it).
   */
  getRecords(key: string): Promise<StoredRecords | null>;
  /** The map's current generation without reading it; absent on stores without one. */
  recordsGeneration?(key: string): Promise<string | null>;
  deleteRecords(key: string): Promise<void>;
  recordsMemoryUsage(key: string): Promise<number | null>;
  /** Tell other processes' near caches to drop these keys / tags. No-op without a bus. */
  publishInvalidation(message: InvalidationMessage): Promise<void>;
  onInvalidation(listener: (message: InvalidationMessage) => void): void;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoredRecords {
  fields: Map<string, { version: number; bytes: Uint8Array }>;
  generation: string | null;
}

export interface InvalidationMessage {
  /** Identifies the sender so it can ignore its own echo. */
  origin: string;
  keys?: string[];
  tags?: string[];
  /** Set when the subscription was re-established and messages may have been lost. */
  reset?: boolean;
}
