import {
  type Cache,
  createRedisCache,
  createRedisClient,
  type RedisCacheOptions,
} from "@travel/cache";
import { deleteKeysWithPrefix, uniqueKeyPrefix } from "@travel/cache/testing";
import type { CacheFactory } from "./scenarios.js";

/**
 * Scenario caches on the real Redis at `url`: each scenario gets its own key prefix, `peer()`
 * is another client on the same keys (a second process), and cleanup closes them all and
 * deletes what they wrote.
 */
export function redisCacheFactory(
  url: string,
  label: string,
  options: Partial<RedisCacheOptions> = {},
): CacheFactory {
  let caches: Cache[] = [];
  let keyPrefix = "";
  const connect = () => {
    const cache = createRedisCache({ redis: { url }, keyPrefix, ...options });
    caches.push(cache);
    return cache;
  };
  return {
    async create() {
      keyPrefix = uniqueKeyPrefix(label);
      caches = [];
      return { cache: connect(), peer: async () => connect() };
    },
    async cleanup() {
      await Promise.all(caches.map((c) => c.close()));
      const client = createRedisClient({ url });
      try {
        await deleteKeysWithPrefix(client, keyPrefix);
      } finally {
        await client.quit();
      }
    },
  };
}
