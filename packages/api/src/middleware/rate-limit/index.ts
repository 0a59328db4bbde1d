import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.js";
import { RateLimitedError } from "../../errors.js";
import { problemResponse } from "../../problem.js";
import type { KeyRateLimiter } from "./limiter.js";

export type { KeyRateLimiter, RateLimitDecision } from "./limiter.js";
export { createKeyRateLimiter, insurancePoints } from "./limiter.js";

/**
 * Spends one request of the authenticated key's budget and puts `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` on the answer, whatever it is (errors included);
 * over the limit it answers 429 `rate_limited` with `Retry-After`. While Redis is out the
 * headers describe this instance's insurance budget (never the full one). Mount after `apiKeyAuth`.
 *
 * @example
 * app.use("/v1/*", apiKeyAuth({ keys }), rateLimit({ limiter }));
 */
export function rateLimit(options: { limiter: KeyRateLimiter }): MiddlewareHandler<AppEnv> {
  const { limiter } = options;
  return async function rateLimitMiddleware(c, next) {
    const key = c.get("apiKey");
    const decision = await limiter.consume(key.keyId, key.rateLimitPerMinute);
    if (decision.source === "insurance") c.get("logFields").rateLimit = "insurance";
    c.header("ratelimit-limit", String(decision.limit));
    c.header("ratelimit-remaining", String(decision.remaining));
    c.header("ratelimit-reset", String(decision.resetSeconds));
    if (decision.allowed) {
      await next();
    } else {
      // Thrown errors replace c.res *after* this middleware returns, so answer the 429 here.
      const error = new RateLimitedError(decision.resetSeconds);
      c.res = problemResponse(c, {
        status: error.status,
        code: error.code,
        title: error.title,
        detail: error.message,
        headers: { "retry-after": String(error.retryAfterSeconds) },
      });
    }
  };
}
