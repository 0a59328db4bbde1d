import { describe, it } from "vitest";
import { isRedisReachable, redisUrlForTests } from "./redis.js";

export {
  deleteKeysWithPrefix,
  isRedisReachable,
  redisUrlForTests,
  uniqueKeyPrefix,
} from "./redis.js";
export { type RedisServerHandle, startRedisServer } from "./redis-server.js";

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
