import { LRUCache } from "lru-cache";
import type { ApplyResult, VersionedEntry, VersionedRecord, VersionedRecordMap } from "./cache.js";
import { CacheArgumentError, CacheUnavailableError } from "./errors.js";
import type { Guard } from "./resilience.js";
import type { Serializer } from "./serializer.js";
import type { Store } from "./store.js";

/** Decoded values take ~5–6× their MessagePack bytes on the heap (flight offers). */
const HEAP_PER_ENCODED_BYTE = 6;

export interface RecordsNearCacheOptions {
  /** Heap the decoded copies may take, estimated as 6 × the MessagePack they decode from. */
  maxBytes: number;
  /** A decoded copy is reused at most this long, even when its generation still matches. */
  maxAgeMs: number;
}

interface DecodedRecords {
  generation: string;
  records: ReadonlyMap<string, VersionedRecord<unknown>>;
  bytes: number;
}

/**
 * The versioned record map over a store. Unlike `getOrLoad`, failures throw
 * `CacheUnavailableError`: a read model must know whether its write landed.
 *
 * With `nearCache` (stores that track a generation: Redis), decoded maps are kept in process and
 * a read costs one small `HGET` of the generation instead of reading and decoding every field,
 * shared by the reads of that key that started in the same turn of the event loop; a map whose
 * generation moved is read again, so a read never returns less than the store held when it
 * started.
 * Bytes that do not decode are reported as `CacheUnavailableError` (callers fall back to their
 * source), never as a crash.
 */
export function createRecordMap(
  store: Store,
  guard: Guard,
  serializer: Serializer,
  nearCache?: RecordsNearCacheOptions,
): VersionedRecordMap {
  const run = async <R>(operation: string, key: string, fn: () => Promise<R>): Promise<R> => {
    try {
      return await guard.run(fn);
    } catch (error) {
      throw new CacheUnavailableError(`record map ${operation} failed for "${key}"`, {
        cause: error,
      });
    }
  };
  const generationOf = store.recordsGeneration?.bind(store);
  const decoded =
    nearCache && generationOf
      ? new LRUCache<string, DecodedRecords>({
          maxSize: nearCache.maxBytes,
          sizeCalculation: (entry) => Math.max(1, entry.bytes * HEAP_PER_ENCODED_BYTE),
          ttl: nearCache.maxAgeMs,
          ttlAutopurge: false,
        })
      : undefined;

  const apply = async <V>(
    key: string,
    entries: readonly VersionedEntry<V>[],
    ttlSeconds: number,
    fill: boolean,
  ): Promise<ApplyResult> => {
    checkKey(key);
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      throw new CacheArgumentError(`ttlSeconds must be > 0, got ${ttlSeconds}`);
    }
    const encoded = entries.map((entry) => {
      checkEntry(entry);
      return { field: entry.field, version: entry.version, bytes: serializer.encode(entry.value) };
    });
    return run(fill ? "fill" : "applyIfNewer", key, () =>
      store.applyRecords(recordKey(key), encoded, ttlSeconds * 1000, fill),
    );
  };

  /**
   * Generation reads waiting to be sent, per stored key. Every read of a key that starts before
   * the batch's `HGET` is sent joins it, and it is sent from `setImmediate`, after the reads
   * the current turn of the event loop started (e.g. every request that arrived on it). A write
   * acknowledged before a read started was applied by Redis before that `HGET` was even sent,
   * so a joined read never misses it: as strict as one `HGET` per read, with one per key per
   * turn under load. (Joining an `HGET` already sent would not be: a write could be applied
   * between its processing and the read's start.) The command budget (`commandTimeoutMs`)
   * counts from the send, and the breaker counts one failure per batch. Under fake timers
   * that also fake `setImmediate` (vitest's default), such reads wait until the timers run.
   */
  const generationBatches = new Map<string, Promise<string | null>>();
  const batchedGeneration = (
    key: string,
    stored: string,
    generation: (key: string) => Promise<string | null>,
  ): Promise<string | null> => {
    let batch = generationBatches.get(stored);
    if (!batch) {
      batch = new Promise((resolve, reject) => {
        setImmediate(() => {
          // Closed before sending: nobody may join a read that is already on its way.
          generationBatches.delete(stored);
          run("getRecords", key, () => generation(stored)).then(resolve, reject);
        });
      });
      generationBatches.set(stored, batch);
    }
    return batch;
  };

  async function read<V>(key: string): Promise<ReadonlyMap<string, VersionedRecord<V>> | null> {
    checkKey(key);
    const stored = recordKey(key);
    const known = decoded?.get(stored);
    if (known && generationOf) {
      const generation = await batchedGeneration(key, stored, generationOf);
      if (generation === known.generation) {
        return known.records as ReadonlyMap<string, VersionedRecord<V>>;
      }
      decoded?.delete(stored);
    }
    const raw = await run("getRecords", key, () => store.getRecords(stored));
    if (raw === null) return null;
    const out = new Map<string, VersionedRecord<V>>();
    let bytes = 0;
    try {
      for (const [field, { version, bytes: stored }] of raw.fields) {
        // Charged by the MessagePack, inflated if deflated.
        const { value, packedBytes } = serializer.decodeMeasured(stored);
        out.set(field, Object.freeze({ version, value: value as V }));
        bytes += packedBytes + field.length;
      }
    } catch (error) {
      throw new CacheUnavailableError(`record map "${key}" holds bytes that do not decode`, {
        cause: error,
      });
    }
    if (decoded && raw.generation) {
      decoded.set(stored, { generation: raw.generation, records: out, bytes });
    }
    return out;
  }

  return {
    applyIfNewer: (key, entries, { ttlSeconds }) => apply(key, entries, ttlSeconds, false),
    fill: (key, entries, ttlSeconds) => apply(key, entries, ttlSeconds, true),
    getRecords: read,
    async delete(key) {
      checkKey(key);
      decoded?.delete(recordKey(key));
      await run("delete", key, () => store.deleteRecords(recordKey(key)));
    },
    async memoryUsage(key) {
      checkKey(key);
      return run("memoryUsage", key, () => store.recordsMemoryUsage(recordKey(key)));
    },
  };
}

function recordKey(key: string): string {
  return `r:${key}`;
}

function checkKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) {
    throw new CacheArgumentError("record map key must be a non-empty string");
  }
}

function checkEntry(entry: VersionedEntry<unknown>): void {
  if (typeof entry.field !== "string" || entry.field.length === 0) {
    throw new CacheArgumentError("record field must be a non-empty string");
  }
  if (!Number.isSafeInteger(entry.version) || entry.version < 0) {
    throw new CacheArgumentError(
      `record version must be a non-negative safe integer, got ${entry.version} for "${entry.field}"`,
    );
  }
}
