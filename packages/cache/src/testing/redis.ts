import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { RedisClient } from "../redis/redis-store.js";

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
  // Tag stamps live under `{<prefix>…tags}` (a hash tag), also when the prefix was extended.
  for (const escaped of [`${glob(keyPrefix)}*`, `${glob(`{${keyPrefix}`)}*`]) {
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
