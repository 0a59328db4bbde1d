import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from "cockatiel";
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
  /**
   * Which budget decided: the shared one in Redis (or memory without Redis), or this instance's
   * insurance share while Redis cannot answer.
   */
  source: "shared" | "insurance";
}

export interface KeyRateLimiter {
  readonly backend: "redis" | "memory";
  /** Spends one request of `keyId`'s budget of `limitPerWindow`. */
  consume(keyId: string, limitPerWindow: number): Promise<RateLimitDecision>;
}

/** This instance's budget for a key while Redis is out: `limit × share`, at least 1. */
export function insurancePoints(limit: number, share: number): number {
  return Math.max(1, Math.floor(limit * share));
}

/**
 * Per-key fixed-window limits with rate-limiter-flexible: `RateLimiterRedis` on the shared Redis
 * (every API instance spends from one budget per key, one round trip per request) or
 * `RateLimiterMemory` when there is no Redis. Keys carry their own limit, so one limiter pair is
 * kept per distinct limit value.
 *
 * Redis faults never open the gates: while Redis cannot answer (an error, a command timeout on
 * the limiter's own connection), each instance enforces its insurance share of the budget
 * (`RateLimiterMemory`, `limit × insuranceShare` per window), and the headers say what that
 * budget has left. A cockatiel breaker around the Redis call opens after `breakerFailures`
 * consecutive faults, so a stalled Redis costs nothing per request (the insurance limiter
 * answers at once) until one trial call after `breakerHalfOpenMs` finds it back. Refusals by the
 * shared limit are answers, not faults, and never count. Each decision taken on insurance is
 * counted (`RateLimiterInsurance`); faults are logged at most once per 10 s.
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
  /** Share of a key's limit this instance allows on its own while Redis is out (default 0.25). */
  insuranceShare?: number;
  /** Consecutive Redis faults that open the breaker (default 3). */
  breakerFailures?: number;
  /** How long the open breaker skips Redis before one trial call (default 5 s). */
  breakerHalfOpenMs?: number;
}): KeyRateLimiter {
  const windowSeconds = options.windowSeconds ?? 60;
  const insuranceShare = options.insuranceShare ?? 0.25;
  const shared = new Map<number, RateLimiterAbstract>();
  const insurance = new Map<number, RateLimiterAbstract>();
  const { redis } = options;
  let lastFaultLog = 0;

  const breaker: CircuitBreakerPolicy = circuitBreaker(
    handleWhen((error) => !(error instanceof RateLimiterRes)),
    {
      halfOpenAfter: options.breakerHalfOpenMs ?? 5_000,
      breaker: new ConsecutiveBreaker(options.breakerFailures ?? 3),
    },
  );
  breaker.onBreak(() => options.logger.warn("rate limiter: Redis breaker open, using insurance"));
  breaker.onReset(() => options.logger.info("rate limiter: Redis breaker closed again"));

  function limiterOf(
    cache: Map<number, RateLimiterAbstract>,
    limit: number,
    build: () => RateLimiterAbstract,
  ) {
    let limiter = cache.get(limit);
    if (!limiter) {
      limiter = build();
      cache.set(limit, limiter);
    }
    return limiter;
  }

  const sharedFor = (limit: number) =>
    limiterOf(shared, limit, () => {
      const common = {
        points: limit,
        duration: windowSeconds,
        keyPrefix: `${options.keyPrefix}:${limit}`,
      };
      return redis
        ? new RateLimiterRedis({ ...common, storeClient: redis, rejectIfRedisNotReady: true })
        : new RateLimiterMemory(common);
    });

  const insuranceFor = (limit: number) =>
    limiterOf(
      insurance,
      limit,
      () =>
        new RateLimiterMemory({
          points: insurancePoints(limit, insuranceShare),
          duration: windowSeconds,
          keyPrefix: `${options.keyPrefix}:insurance:${limit}`,
        }),
    );

  const secondsOf = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  async function decide(
    limiter: RateLimiterAbstract,
    keyId: string,
    limit: number,
    source: RateLimitDecision["source"],
  ): Promise<RateLimitDecision> {
    try {
      const res = await limiter.consume(keyId, 1);
      return {
        allowed: true,
        limit,
        remaining: res.remainingPoints,
        resetSeconds: secondsOf(res.msBeforeNext),
        source,
      };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return {
        allowed: false,
        limit,
        remaining: 0,
        resetSeconds: secondsOf(rejection.msBeforeNext),
        source,
      };
    }
  }

  function onFault(error: unknown): void {
    options.metrics.increment("RateLimiterInsurance");
    if (error instanceof BrokenCircuitError) return;
    const now = Date.now();
    if (now - lastFaultLog > 10_000) {
      lastFaultLog = now;
      options.logger.warn(
        "rate limiter: Redis did not answer, using this instance's insurance share",
        {
          error: error instanceof Error ? error.message : String(error),
        },
      );
    }
  }

  return {
    backend: redis ? "redis" : "memory",
    async consume(keyId, limit) {
      if (!redis) return decide(sharedFor(limit), keyId, limit, "shared");
      try {
        return await breaker.execute(() => decide(sharedFor(limit), keyId, limit, "shared"));
      } catch (error) {
        onFault(error);
        return decide(insuranceFor(limit), keyId, limit, "insurance");
      }
    },
  };
}
