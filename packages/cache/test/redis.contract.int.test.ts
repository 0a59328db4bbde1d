import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { createRedisCache, type RedisCacheOptions } from "../src/index.js";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "../src/testing/index.js";
import { runCacheContract } from "./contract.js";

describeRedis("redis cache: contract", ({ url }) => {
  const admin = new Redis(url);
  const prefixes: string[] = [];
  beforeAll(async () => {
    await admin.ping();
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeysWithPrefix(admin, prefix);
    admin.disconnect();
  });

  // One contract run per way of configuring the Redis cache.
  const variants: [title: string, options: Partial<RedisCacheOptions>][] = [
    ["standalone client built from options (defaults: an MGET of the entry and the sequence)", {}],
    ["tag stamps checked with MGET (the cluster-mode path)", { tagCheck: "mget" }],
    ["with the near cache on", { nearCache: { ttlMs: 60_000 } }],
  ];
  for (const [title, options] of variants) {
    describeRedis(title, () => {
      runCacheContract(async (deps) => {
        const keyPrefix = uniqueKeyPrefix("contract");
        prefixes.push(keyPrefix);
        return createRedisCache({
          redis: { url },
          keyPrefix,
          commandTimeoutMs: 500,
          ...options,
          ...deps,
        });
      });
    });
  }
});
