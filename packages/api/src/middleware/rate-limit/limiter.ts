import type { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { AppLogger, AppMetrics } from "../../observability.js";

/** What one request's rate-limit check decided, and what the headers say. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  /** True when the store failed and the request was let through unchecked. */
  failedOpen: boolean;
}

export interface KeyRateLimiter {
  readonly backend: "redis" | "memory";
  /** Spends one request of `keyId`'s budget of `limitPerWindow`. */
  consume(keyId: string, limitPerWindow: number): Promise<RateLimitDecision>;
}

/**
 * Per-key fixed-window limits with rate-limiter-flexible: `RateLimiterRedis` on the shared Redis
 * (every API instance spends from one budget per key) or `RateLimiterMemory` when there is no
 * Redis. Keys carry their own limit, so one limiter is kept per distinct limit value.
 *
 * When Redis cannot answer, the request is let through (fail open): a cache outage must not
 * become an API outage. Each such pass is counted (`RateLimiterFailOpen`) and logged at most
 * once per 10 s.
 *
 * @example
 * const limiter = createKeyRateLimiter({ redis, keyPrefix: "travel:rl", logger, metrics });
 * const decision = await limiter.consume(key.keyId, key.rateLimitPerMinute);
 */
export function createKeyRateLimiter(options: {
  redis?: Redis | undefined;
  keyPrefix: string;
  logger: AppLogger;
  metrics: AppMetrics;
  windowSeconds?: number;
  /** How long the first requests wait for a connection still being set up (default 1 s). */
  connectWaitMs?: number;
}): KeyRateLimiter {
  const windowSeconds = options.windowSeconds ?? 60;
  const limiters = new Map<number, RateLimiterAbstract>();
  let lastFailLog = 0;

  function limiterFor(points: number): RateLimiterAbstract {
    let limiter = limiters.get(points);
    if (!limiter) {
      const common = {
        points,
        duration: windowSeconds,
        keyPrefix: `${options.keyPrefix}:${points}`,
      };
      limiter = options.redis
        ? new RateLimiterRedis({
            ...common,
            storeClient: options.redis,
            rejectIfRedisNotReady: true,
          })
        : new RateLimiterMemory(common);
      limiters.set(points, limiter);
    }
    return limiter;
  }

  // A cold start's first requests should not fail open just because the connection is still
  // being set up: wait (briefly, once) for it. An outage later fails fast instead.
  const redis = options.redis;
  let firstConnect: Promise<void> | undefined =
    redis &&
    (redis.status === "wait" || redis.status === "connecting" || redis.status === "connect")
      ? new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            redis.off("ready", done);
            redis.off("error", done);
            resolve();
          };
          const timer = setTimeout(done, options.connectWaitMs ?? 1_000);
          redis.once("ready", done);
          redis.once("error", done);
        })
      : undefined;

  return {
    backend: options.redis ? "redis" : "memory",
    async consume(keyId, limit) {
      if (firstConnect) {
        await firstConnect;
        firstConnect = undefined;
      }
      try {
        const res = await limiterFor(limit).consume(keyId, 1);
        return {
          allowed: true,
          limit,
          remaining: res.remainingPoints,
          resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
          failedOpen: false,
        };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return {
            allowed: false,
            limit,
            remaining: 0,
            resetSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
            failedOpen: false,
          };
        }
        options.metrics.increment("RateLimiterFailOpen");
        const now = Date.now();
        if (now - lastFailLog > 10_000) {
          lastFailLog = now;
          options.logger.warn("rate limiter store unavailable: failing open", {
            error: rejection instanceof Error ? rejection.message : String(rejection),
          });
        }
        return {
          allowed: true,
          limit,
          remaining: limit,
          resetSeconds: windowSeconds,
          failedOpen: true,
        };
      }
    },
  };
}
