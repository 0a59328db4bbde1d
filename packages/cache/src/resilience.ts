import { setMaxListeners } from "node:events";
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
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
 * cockatiel does the work: an aggressive timeout (the caller stops waiting at `timeoutMs`)
 * inside a consecutive-failure circuit breaker (so a dead Redis costs nothing per call).
 */
export function createBreakerGuard(options: GuardOptions): Guard {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.failureThreshold),
  });
  const policy = wrap(
    breaker,
    timeout(options.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }),
  );
  const subscription = breaker.onStateChange((state) =>
    options.onStateChange?.(STATE_NAMES[state]),
  );
  // cockatiel links every call's timeout to the parent signal; many concurrent calls are normal here.
  const parent = new AbortController().signal;
  setMaxListeners(0, parent);
  return {
    run: (fn) => policy.execute(() => fn(), parent),
    state: () => STATE_NAMES[breaker.state],
    dispose: () => subscription.dispose(),
  };
}

/** The in-process store cannot be down or slow; no timers on its hot path. */
export const directGuard: Guard = {
  run: (fn) => fn(),
  state: () => "closed",
  dispose: () => {},
};
