import type { ApplyResult, VersionedEntry, VersionedRecord, VersionedRecordMap } from "./cache.js";
import { CacheArgumentError, CacheUnavailableError } from "./errors.js";
import type { Guard } from "./resilience.js";
import type { Serializer } from "./serializer.js";
import type { Store } from "./store.js";

/**
 * The versioned record map over a store. Unlike `getOrLoad`, failures throw
 * `CacheUnavailableError`: a read model must know whether its write landed.
 */
export function createRecordMap(
  store: Store,
  guard: Guard,
  serializer: Serializer,
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
  return {
    applyIfNewer: (key, entries, { ttlSeconds }) => apply(key, entries, ttlSeconds, false),
    fill: (key, entries, ttlSeconds) => apply(key, entries, ttlSeconds, true),
    async getRecords<V>(key: string) {
      checkKey(key);
      const raw = await run("getRecords", key, () => store.getRecords(recordKey(key)));
      if (raw === null) return null;
      const out = new Map<string, VersionedRecord<V>>();
      for (const [field, { version, bytes }] of raw) {
        out.set(field, { version, value: serializer.decode(bytes) as V });
      }
      return out;
    },
    async delete(key) {
      checkKey(key);
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
