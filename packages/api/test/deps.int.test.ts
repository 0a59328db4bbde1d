import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import { startLocalEngine } from "@travel/core/local";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createAppDeps } from "../src/deps.js";
import { TEST_CURSOR_KEY } from "./harness.js";

describe("CACHE_DECODED_REUSE reaches the cache the API builds", () => {
  let engine: Awaited<ReturnType<typeof startLocalEngine>>;
  beforeAll(async () => {
    engine = await startLocalEngine();
  });
  afterAll(async () => {
    await engine.stop();
  });

  it.each([
    ["on", true],
    ["off", false],
  ])("%s: repeated hits share one value: %s", async (setting, shared) => {
    const config = loadConfig({
      LOG_LEVEL: "SILENT",
      CURSOR_SIGNING_KEY: TEST_CURSOR_KEY,
      CACHE_DECODED_REUSE: setting,
    });
    const deps = await createAppDeps(config, { dynamo: engine.clients, db: engine.db });
    try {
      const load = async () => ({ offers: [{ id: "off_1" }] });
      await deps.cache.getOrLoad("k", load);
      const a = await deps.cache.getOrLoad("k", load);
      const b = await deps.cache.getOrLoad("k", load);
      expect(a.status).toBe("hit");
      expect(a.value === b.value).toBe(shared);
      expect(Object.isFrozen(a.value)).toBe(shared);
    } finally {
      await deps.close();
    }
  });
});

async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for MONITOR");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describeRedis("CACHE_READ_BATCH reaches the Redis cache the API builds", ({ url }) => {
  let engine: Awaited<ReturnType<typeof startLocalEngine>>;
  const admin = new Redis(url);
  const prefixes: string[] = [];
  beforeAll(async () => {
    engine = await startLocalEngine();
  });
  afterAll(async () => {
    await engine.stop();
    for (const prefix of prefixes) await deleteKeysWithPrefix(admin, prefix);
    admin.disconnect();
  });

  it.each([
    ["on", ["mget"], 12], // the 10 keys and the invalidation sequence
    ["off", Array(10).fill("get"), 2],
  ])("%s: 10 hits started together reach Redis as %j", async (setting, commands, argsEach) => {
    const prefix = uniqueKeyPrefix("api-batch").slice(0, -1);
    prefixes.push(`${prefix}:`);
    const config = loadConfig({
      LOG_LEVEL: "SILENT",
      CURSOR_SIGNING_KEY: TEST_CURSOR_KEY,
      REDIS_URL: url,
      REDIS_KEY_PREFIX: prefix,
      CACHE_READ_BATCH: setting,
    });
    const deps = await createAppDeps(config, { dynamo: engine.clients, db: engine.db });
    // What Redis itself executed for this cache's entries (MONITOR sees every client).
    const monitor = await admin.monitor();
    const seen: string[][] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.some((arg) => arg.startsWith(`${prefix}:e:`))) seen.push(args);
    });
    // MONITOR shows commands in the order Redis ran them: a marker read on another connection
    // separates what came before it (the fill) from what comes after (the measured hits).
    const marker = async () => {
      const name = `${prefix}:e:marker:${seen.length}`;
      await admin.get(name);
      await until(() => seen.some((args) => args.includes(name)));
    };
    try {
      const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
      for (const key of keys) await deps.cache.getOrLoad(key, async () => ({ key }));
      await marker();
      seen.length = 0;
      const results = await Promise.all(
        keys.map((key) => deps.cache.getOrLoad(key, async () => ({ key: "reloaded" }))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill("hit"));
      expect(results.map((r) => r.value)).toEqual(keys.map((key) => ({ key })));
      await marker();
      const measured = seen.slice(0, -1); // without the marker
      expect(measured.map((args) => args[0]?.toLowerCase())).toEqual(commands);
      for (const args of measured) expect(args).toHaveLength(argsEach);
    } finally {
      monitor.disconnect();
      await deps.close();
    }
  });
});
