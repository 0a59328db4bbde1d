import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, it } from "vitest";
import type { RedisClient } from "../redis/redis-store.js";

export { type RedisServerHandle, startRedisServer } from "./redis-server.js";

/** `REDIS_URL`, or the local default `redis://127.0.0.1:6379`. */
export function redisUrlForTests(): string {
  return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** One PING with a hard deadline; never throws. */
export async function isRedisReachable(
  url = redisUrlForTests(),
  timeoutMs = 1_000,
): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {}); // the failed connect is the answer, not a crash
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * `describe` for suites that need the real Redis. When Redis is unreachable the suite is
 * skipped with a loud warning, except with `CI=true`, where it fails.
 *
 * @example
 * describeRedis("search cache", ({ url }) => {
 *   it("hits after a miss", async () => { … });
 * });
 */
export function describeRedis(
  name: string,
  fn: (context: { url: string }) => void | Promise<void>,
): void {
  describe(name, async () => {
    const url = redisUrlForTests();
    if (await isRedisReachable(url)) {
      await fn({ url });
      return;
    }
    const message = `Redis at ${url} is unreachable`;
    if (process.env.CI === "true") {
      it("needs Redis", () => {
        throw new Error(`${message}; with CI=true Redis-backed tests must run, not skip`);
      });
      return;
    }
    console.warn(
      `\n!!! SKIPPING "${name}": ${message}. Start Redis 7 or set REDIS_URL to run it. !!!\n`,
    );
    it.skip(`${name} (skipped: ${message})`, () => {});
  });
}

/** A key prefix no other test file or run shares. */
export function uniqueKeyPrefix(label: string): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/**
 * Test cleanup only: deletes the keys a cache with this prefix created (entries, locks, record
 * maps and tag stamps). Uses SCAN, which product code never does.
 */
export async function deleteKeysWithPrefix(
  client: RedisClient,
  keyPrefix: string,
): Promise<number> {
  let deleted = 0;
  const glob = (literal: string) => literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
  for (const escaped of [`${glob(keyPrefix)}*`, `${glob(`{${keyPrefix}tags}`)}*`]) {
    const nodes = "nodes" in client ? client.nodes("master") : [client];
    for (const node of nodes) {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", escaped, "COUNT", 500);
        cursor = next;
        if (keys.length > 0) deleted += await node.unlink(...keys);
      } while (cursor !== "0");
    }
  }
  return deleted;
}
