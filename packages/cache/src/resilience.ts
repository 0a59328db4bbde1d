import { setMaxListeners } from "node:events";
import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from "cockatiel";
import { CacheTimeoutError } from "./errors.js";
import type { BreakerState } from "./metrics.js";

/** Runs store operations so that none can fail a request or stall it past the timeout. */
export interface Guard {
  run<R>(fn: () => Promise<R>): Promise<R>;
  state(): BreakerState;
  dispose(): void;
}

export interface GuardOptions {
  /** Per-operation budget (default 50 ms). */
  timeoutMs: number;
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** While open, calls skip the store entirely; after this long one trial call goes through. */
  halfOpenAfterMs: number;
  onStateChange?: (state: BreakerState) => void;
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "isolated",
};

/**
 * A consecutive-failure circuit breaker (cockatiel) around a plain timer race, so a dead Redis
 * costs nothing per call and a slow one at most `timeoutMs`. cockatiel's own TimeoutPolicy is
 * not used: its AbortController/EventTarget plumbing cost ~80 µs a call on the benchmark box,
 * more than the Redis GET it guards; this timer costs ~4 µs.
 */
export function createBreakerGuard(options: GuardOptions): Guard {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.failureThreshold),
  });
  const subscription = breaker.onStateChange((state) =>
    options.onStateChange?.(STATE_NAMES[state]),
  );
  // cockatiel derives a signal per call from this parent; many concurrent calls are normal here.
  const parent = new AbortController().signal;
  setMaxListeners(0, parent);
  const { timeoutMs } = options;
  return {
    run: (fn) => breaker.execute(() => withTimeout(fn, timeoutMs), parent),
    state: () => STATE_NAMES[breaker.state],
    dispose: () => subscription.dispose(),
  };
}

function withTimeout<R>(fn: () => Promise<R>, timeoutMs: number): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CacheTimeoutError(timeoutMs)), timeoutMs);
    fn().then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The in-process store cannot be down or slow; no timers on its hot path. */
export const directGuard: Guard = {
  run: (fn) => fn(),
  state: () => "closed",
  dispose: () => {},
};
