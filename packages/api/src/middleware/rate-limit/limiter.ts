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

/** Points this instance takes from Redis at once for a key with `limit` per window. */
export function leaseSize(limit: number, share: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(limit * share)));
}

interface Lease {
  /** Points taken from Redis and not yet spent here. */
  left: number;
  /** What Redis had left for everybody after our lease. */
  sharedRemaining: number;
  /** The window's end (epoch ms); the lease dies with it. */
  resetAt: number;
}

/**
 * Per-key fixed-window limits with rate-limiter-flexible: `RateLimiterRedis` on the shared Redis
 * (every API instance spends from one budget per key) or `RateLimiterMemory` when there is no
 * Redis. Keys carry their own limit, so one limiter is kept per distinct limit value.
 *
 * Leases: for a high limit, an instance takes `limit × leaseShare` points (at most `maxLease`)
 * from Redis in one call and spends them in process, so a busy key costs one Redis round trip per
 * lease instead of one per request. The shared budget is never exceeded (points are taken before
 * they are spent); the price is that a key may be refused up to `(instances − 1) × (lease − 1)`
 * requests early while other instances hold unspent points (≤ 1 % of the limit per instance with
 * the defaults). Limits under `1 / leaseShare` (100) use one point per call, exactly as before.
 * A window found exhausted is remembered until it resets, so refused requests do not hit Redis.
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
  /** Share of a key's limit taken from Redis at once (default 0.01; 0 turns leases off). */
  leaseShare?: number;
  /** Largest lease (default 50). */
  maxLease?: number;
}): KeyRateLimiter {
  const windowSeconds = options.windowSeconds ?? 60;
  const leaseShare = options.leaseShare ?? 0.01;
  const maxLease = options.maxLease ?? 50;
  const limiters = new Map<number, RateLimiterAbstract>();
  const leases = new Map<string, Lease>();
  /** Leases being taken, per key; resolve with the store error when it failed. */
  const leasing = new Map<string, Promise<{ error: unknown } | undefined>>();
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

  function failOpen(limit: number, rejection: unknown): RateLimitDecision {
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

  const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

  /** Spends one point of a lease held here; undefined when there is none to spend. */
  function spendLease(leaseKey: string, limit: number, now: number): RateLimitDecision | undefined {
    const lease = leases.get(leaseKey);
    if (!lease) return undefined;
    if (lease.resetAt <= now) {
      leases.delete(leaseKey);
      return undefined;
    }
    const resetSeconds = secondsUntil(lease.resetAt, now);
    if (lease.left > 0) {
      lease.left--;
      const remaining = lease.sharedRemaining + lease.left;
      return { allowed: true, limit, remaining, resetSeconds, failedOpen: false };
    }
    // Spent: refuse without asking Redis only when Redis had nothing left for anybody either.
    if (lease.sharedRemaining === 0) {
      return { allowed: false, limit, remaining: 0, resetSeconds, failedOpen: false };
    }
    leases.delete(leaseKey);
    return undefined;
  }

  /** Takes a lease of `size` points (or what is left of the window) from Redis. */
  async function takeLease(
    keyId: string,
    leaseKey: string,
    limit: number,
    size: number,
  ): Promise<{ error: unknown } | undefined> {
    try {
      const res = await limiterFor(limit).consume(keyId, size);
      const now = Date.now();
      leases.set(leaseKey, {
        left: size,
        sharedRemaining: res.remainingPoints,
        resetAt: now + res.msBeforeNext,
      });
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return { error: rejection };
      // Redis counted the whole lease; what was still free before it is ours.
      const free = Math.max(0, Math.min(size, limit - (rejection.consumedPoints - size)));
      leases.set(leaseKey, {
        left: free,
        sharedRemaining: 0,
        resetAt: Date.now() + rejection.msBeforeNext,
      });
    }
    if (leases.size > 10_000) {
      const now = Date.now();
      for (const [key, lease] of leases) if (lease.resetAt <= now) leases.delete(key);
    }
    return undefined;
  }

  async function consumeLeased(
    keyId: string,
    limit: number,
    size: number,
  ): Promise<RateLimitDecision> {
    const leaseKey = `${limit}:${keyId}`;
    for (;;) {
      const spent = spendLease(leaseKey, limit, Date.now());
      if (spent) return spent;
      let pending = leasing.get(leaseKey);
      if (!pending) {
        pending = takeLease(keyId, leaseKey, limit, size).finally(() => leasing.delete(leaseKey));
        leasing.set(leaseKey, pending);
      }
      // Every request that waited on a failed lease fails open (and is counted) by itself.
      const failed = await pending;
      if (failed) return failOpen(limit, failed.error);
    }
  }

  return {
    backend: options.redis ? "redis" : "memory",
    async consume(keyId, limit) {
      if (firstConnect) {
        await firstConnect;
        firstConnect = undefined;
      }
      const size = options.redis ? leaseSize(limit, leaseShare, maxLease) : 1;
      if (size > 1) return consumeLeased(keyId, limit, size);
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
        return failOpen(limit, rejection);
      }
    },
  };
}
