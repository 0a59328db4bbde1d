import { type ApiKeyRecord, type ApiKeyRepository, hashApiKey } from "@travel/core";
import { LRUCache } from "lru-cache";

/** Finds the record of a presented plain key; what the auth middleware depends on. */
export interface ApiKeyLookup {
  /** `reads`, when given, is told before and after every read of the key table this causes. */
  find(plainKey: string, reads?: LookupReadHooks): Promise<ApiKeyRecord | undefined>;
  /** Drops a key from this process's cache at once (after a revocation here). */
  forget(keyHash: string): void;
}

interface Entry {
  record: ApiKeyRecord | undefined;
}

/** Around a read of the key table (not a cache hit): throttling of unknown-key floods. */
export interface LookupReadHooks {
  /** May throw to refuse the read (then nothing is read or cached). */
  beforeRead(): Promise<void>;
  afterRead(found: boolean): Promise<void>;
}

async function readThrough(
  repository: Pick<ApiKeyRepository, "findByPlainKey">,
  plainKey: string,
  reads: LookupReadHooks | undefined,
): Promise<ApiKeyRecord | undefined> {
  await reads?.beforeRead();
  const record = await repository.findByPlainKey(plainKey);
  await reads?.afterRead(record !== undefined);
  return record;
}

/**
 * A bounded in-process cache (lru-cache) in front of the key table, keyed by the key's hash so
 * no plain secret is kept in memory. Found keys are kept `ttlSeconds` (≤ 30), unknown keys
 * `negativeTtlSeconds`, so a revoked key is refused everywhere within `ttlSeconds` and a flood
 * of bad keys does not become a flood of reads. Concurrent misses for one key share one read.
 *
 * @example
 * const lookup = createApiKeyLookup({ repository: createApiKeyRepository(db), ttlSeconds: 30 });
 * const record = await lookup.find(request.headers["x-api-key"]);
 */
export function createApiKeyLookup(options: {
  repository: Pick<ApiKeyRepository, "findByPlainKey">;
  ttlSeconds?: number;
  negativeTtlSeconds?: number;
  maxEntries?: number;
}): ApiKeyLookup {
  const ttlMs = Math.min(options.ttlSeconds ?? 30, 30) * 1000;
  const negativeTtlMs = Math.min(options.negativeTtlSeconds ?? 5, 30) * 1000;
  const { repository } = options;

  if (ttlMs === 0) {
    return { find: (plainKey, reads) => readThrough(repository, plainKey, reads), forget() {} };
  }

  const cache = new LRUCache<
    string,
    Entry,
    { plainKey: string; reads: LookupReadHooks | undefined }
  >({
    max: options.maxEntries ?? 10_000,
    ttl: ttlMs,
    ttlAutopurge: false,
    fetchMethod: async (_hash, _stale, { context, options: entryOptions }) => {
      const record = await readThrough(repository, context.plainKey, context.reads);
      if (!record) entryOptions.ttl = negativeTtlMs;
      // A zero negative TTL means "do not remember misses".
      if (!record && negativeTtlMs === 0) entryOptions.ttl = 1;
      return { record };
    },
  });

  return {
    async find(plainKey, reads) {
      const hash = hashApiKey(plainKey);
      // A fresh entry is answered by `get` (what nearly every request finds); `fetch` (which
      // also shares one read among concurrent misses) only when there is none.
      const known = cache.get(hash);
      if (known) return known.record;
      return (await cache.fetch(hash, { context: { plainKey, reads } }))?.record;
    },
    forget(keyHash) {
      cache.delete(keyHash);
    },
  };
}
