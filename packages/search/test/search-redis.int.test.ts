import type { Cache } from "@travel/cache";
import { createRedisCache, createRedisClient } from "@travel/cache";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import { searchScenarios } from "./scenarios.js";

describeRedis("search over dynalite with the real Redis cache", ({ url }) => {
  let caches: Cache[] = [];
  let keyPrefix = "";
  const connect = () => {
    const cache = createRedisCache({ redis: { url }, keyPrefix });
    caches.push(cache);
    return cache;
  };
  searchScenarios({
    async create() {
      keyPrefix = uniqueKeyPrefix("search");
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
  });
});
