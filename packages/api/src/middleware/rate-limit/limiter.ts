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

/** The largest lease an instance takes from Redis for a key with `limit` per window. */
export function leaseSize(limit: number, share: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(limit * share)));
}

/** A lease is grown when it was spent faster than this, shrunk when slower than `SLOW_MS`. */
const FAST_MS = 1_000;
const SLOW_MS = 10_000;
/** Single points once Redis has fewer than this many leases' worth left for everybody. */
const TAIL_LEASES = 20;

/**
 * The size of the next lease of a key: 1 for a key new here; doubled (up to `cap`) when the last
 * one was spent within a second, halved when it took over ten; 1 near the end of the shared
 * budget. A key that is busy *on this instance* earns big leases; one spread thinly over many
 * instances (Lambda environments) keeps taking single points, so none sits on unspent ones.
 */
export function nextLeaseSize(
  previous: { size: number; takenAt: number; sharedRemaining: number; resetAt: number } | undefined,
  cap: number,
  now: number,
): number {
  if (!previous || cap <= 1) return 1;
  const took = now - previous.takenAt;
  let size = previous.size;
  if (took < FAST_MS) size = Math.min(cap, size * 2);
  else if (took > SLOW_MS) size = Math.max(1, Math.floor(size / 2));
  const sameWindow = previous.resetAt > now;
  if (sameWindow && previous.sharedRemaining < TAIL_LEASES * size) return 1;
  return size;
}

interface Lease {
  /** Points taken from Redis and not yet spent here. */
  left: number;
  /** What Redis had left for everybody after our lease. */
  sharedRemaining: number;
  /** The window's end (epoch ms); the lease dies with it. */
  resetAt: number;
  /** Points this lease took, and when. */
  size: number;
  takenAt: number;
}

/**
 * Per-key fixed-window limits with rate-limiter-flexible: `RateLimiterRedis` on the shared Redis
 * (every API instance spends from one budget per key) or `RateLimiterMemory` when there is no
 * Redis. Keys carry their own limit, so one limiter is kept per distinct limit value.
 *
 * Leases: an instance takes several points from Redis in one call and spends them in process, so
 * a key that is busy here costs one Redis round trip per lease instead of one per request. Lease
 * sizes adapt per key (`nextLeaseSize`): they start at 1, double while each lease is spent within
 * a second, up to `limit × leaseShare` (at most `maxLease`), shrink when traffic slows, and fall
 * back to 1 near the end of the shared budget. The shared budget is never exceeded (points are
 * taken before they are spent); a key may be refused early by at most the unspent points other
 * instances hold, which only instances that are busy with that key have. Limits under
 * `2 / leaseShare` (200) always use one point per call, exactly. A window found exhausted is
 * remembered until it resets, so refused requests do not hit Redis.
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
  /** Clock (epoch ms) of lease timing; tests drive it. */
  now?: () => number;
}): KeyRateLimiter {
  const now = options.now ?? Date.now;
  const windowSeconds = options.windowSeconds ?? 60;
  const leaseShare = options.leaseShare ?? 0.01;
  const maxLease = options.maxLease ?? 50;
  const limiters = new Map<number, RateLimiterAbstract>();
  const leases = new Map<string, Lease>();
  /** Leases being taken, per key; resolve with the store error when it failed. */
  const leasing = new Map<string, Promise<{ error: unknown } | undefined>>();
  let lastFailLog = 0;
  let lastPrune = 0;

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
  function spendLease(leaseKey: string, limit: number, at: number): RateLimitDecision | undefined {
    const lease = leases.get(leaseKey);
    // An expired lease stays as the size hint of the next one; it has nothing to spend.
    if (!lease || lease.resetAt <= at) return undefined;
    const resetSeconds = secondsUntil(lease.resetAt, at);
    if (lease.left > 0) {
      lease.left--;
      const remaining = lease.sharedRemaining + lease.left;
      return { allowed: true, limit, remaining, resetSeconds, failedOpen: false };
    }
    // Spent: refuse without asking Redis only when Redis had nothing left for anybody either.
    if (lease.sharedRemaining === 0) {
      return { allowed: false, limit, remaining: 0, resetSeconds, failedOpen: false };
    }
    return undefined;
  }

  /** Takes the key's next lease (or what is left of the window) from Redis. */
  async function takeLease(
    keyId: string,
    leaseKey: string,
    limit: number,
    cap: number,
  ): Promise<{ error: unknown } | undefined> {
    // Timed from before the call: a lease never outlives the Redis window it came from.
    const takenAt = now();
    const size = nextLeaseSize(leases.get(leaseKey), cap, takenAt);
    try {
      const res = await limiterFor(limit).consume(keyId, size);
      leases.set(leaseKey, {
        left: size,
        sharedRemaining: res.remainingPoints,
        resetAt: takenAt + res.msBeforeNext,
        size,
        takenAt,
      });
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return { error: rejection };
      // Redis counted the whole lease; what was still free before it is ours.
      const free = Math.max(0, Math.min(size, limit - (rejection.consumedPoints - size)));
      leases.set(leaseKey, {
        left: free,
        sharedRemaining: 0,
        resetAt: takenAt + rejection.msBeforeNext,
        size,
        takenAt,
      });
    }
    if (leases.size > 10_000 && takenAt - lastPrune > 10_000) {
      lastPrune = takenAt;
      for (const [key, lease] of leases) {
        if (lease.resetAt <= takenAt) leases.delete(key);
      }
    }
    return undefined;
  }

  async function consumeLeased(
    keyId: string,
    limit: number,
    cap: number,
  ): Promise<RateLimitDecision> {
    const leaseKey = `${limit}:${keyId}`;
    for (;;) {
      const spent = spendLease(leaseKey, limit, now());
      if (spent) return spent;
      let pending = leasing.get(leaseKey);
      if (!pending) {
        pending = takeLease(keyId, leaseKey, limit, cap).finally(() => leasing.delete(leaseKey));
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
      const cap = options.redis ? leaseSize(limit, leaseShare, maxLease) : 1;
      if (cap > 1) return consumeLeased(keyId, limit, cap);
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
