import { Redis } from "ioredis";

/** A Redis URL as it may be shown: without its password. */
export function shownRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(unparsable URL)";
  }
}

/**
 * Why `url` cannot be reached (one connection attempt, bounded by `timeoutMs`), or undefined when
 * it answers PING. Local start uses it to say so at once instead of serving with every cache
 * call timing out in silence.
 */
export async function redisUnreachable(
  url: string,
  timeoutMs = 2_000,
): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Connection errors are reported by connect()'s rejection; the event would only repeat them.
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${(error as Error).message}` : (error as Error).message;
  } finally {
    redis.disconnect();
  }
}
