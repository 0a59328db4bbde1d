import type { Cache } from "@travel/cache";
import { createRedisCache, createRedisClient } from "@travel/cache";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import { readModelScenarios } from "./read-model-scenarios.js";

describeRedis("read model over dynalite with the real Redis", ({ url }) => {
  let caches: Cache[] = [];
  let keyPrefix = "";
  const connect = () => {
    // A generous command timeout: fail-open is not under test here (a loaded box stalls).
    const cache = createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 2_000 });
    caches.push(cache);
    return cache;
  };
  readModelScenarios({
    async create() {
      keyPrefix = uniqueKeyPrefix("search-rm");
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
