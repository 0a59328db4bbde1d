export interface RetryPolicy {
  /** Delay before the second attempt; doubled after every failure (default 5 s). */
  baseDelayMs: number;
  /** Longest wait between two attempts (default 4 h). */
  maxDelayMs: number;
  /** Attempts stop this long after the event was created (default 24 h). */
  retryForMs: number;
  /** Random spread of each delay, ± this fraction (default 0.1), so retries do not stampede. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 5_000,
  maxDelayMs: 4 * 3_600_000,
  retryForMs: 24 * 3_600_000,
  jitter: 0.1,
};

/**
 * When to try again after the `failedAttempts`-th failure: exponential backoff (5 s, 10 s,
 * 20 s, … capped at 4 h), and one last attempt at the end of the retry window; `undefined`
 * once the window (24 h from `createdAt`) is spent.
 *
 * @example
 * nextAttemptAt({ createdAt, failedAttempts: 1, now }) // ≈ now + 5 s
 */
export function nextAttemptAt(
  input: { createdAt: Date; failedAttempts: number; now: Date },
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): Date | undefined {
  const deadline = input.createdAt.getTime() + policy.retryForMs;
  const now = input.now.getTime();
  if (now >= deadline) return undefined;
  const exponent = Math.min(Math.max(input.failedAttempts - 1, 0), 40);
  const delay = Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
  const spread = delay * policy.jitter * (2 * random() - 1);
  return new Date(Math.min(now + Math.max(delay + spread, 0), deadline));
}
