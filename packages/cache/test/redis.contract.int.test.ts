import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { createRedisCache } from "../src/index.js";
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

  describeRedis("standalone client built from options", () => {
    runCacheContract(async (deps) => {
      const keyPrefix = uniqueKeyPrefix("contract");
      prefixes.push(keyPrefix);
      return createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 500, ...deps });
    });
  });

  describeRedis("tag stamps checked by a Lua script next to the GET", () => {
    runCacheContract(async (deps) => {
      const keyPrefix = uniqueKeyPrefix("contract-script");
      prefixes.push(keyPrefix);
      return createRedisCache({
        redis: { url },
        keyPrefix,
        commandTimeoutMs: 500,
        tagCheck: "script",
        ...deps,
      });
    });
  });

  describeRedis("decoded entries not reused (every read decodes a private copy)", () => {
    runCacheContract(async (deps) => {
      const keyPrefix = uniqueKeyPrefix("contract-decode");
      prefixes.push(keyPrefix);
      return createRedisCache({
        redis: { url },
        keyPrefix,
        commandTimeoutMs: 500,
        decodedReuse: { enabled: false },
        ...deps,
      });
    });
  });

  describeRedis("tag stamps checked with MGET (the cluster-mode path)", () => {
    runCacheContract(async (deps) => {
      const keyPrefix = uniqueKeyPrefix("contract-mget");
      prefixes.push(keyPrefix);
      return createRedisCache({
        redis: { url },
        keyPrefix,
        commandTimeoutMs: 500,
        tagCheck: "mget",
        ...deps,
      });
    });
  });

  describeRedis("with the near cache on", () => {
    runCacheContract(async (deps) => {
      const keyPrefix = uniqueKeyPrefix("contract-near");
      prefixes.push(keyPrefix);
      return createRedisCache({
        redis: { url },
        keyPrefix,
        commandTimeoutMs: 500,
        nearCache: { ttlMs: 60_000 },
        ...deps,
      });
    });
  });
});
