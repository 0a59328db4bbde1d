import { CacheTimeoutError, CacheUnavailableError } from "./errors.js";
import type { BreakerState } from "./metrics.js";

/** Runs store operations so that none can fail a request or stall it past the timeout. */
export interface Guard {
  run<R>(fn: () => Promise<R>): Promise<R>;
  /**
   * `run(fn).then(onValue, onError)` in one promise: the outcome is mapped where the guard
   * settles instead of in a further `then` (the cache hit path's only await). A throw from
   * either callback rejects the returned promise.
   */
  runThen<R, U>(
    fn: () => Promise<R>,
    onValue: (value: R) => U,
    onError: (error: unknown) => U,
  ): Promise<U>;
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
  /** Milliseconds, monotonic (default `performance.now`). */
  now?: () => number;
}

/** Thrown at once, without calling the store, while the breaker is open. */
export class BreakerOpenError extends CacheUnavailableError {
  constructor() {
    super("cache store circuit breaker is open");
    this.name = "BreakerOpenError";
  }
}

interface Pending {
  deadline: number;
  /** Index in the slot table while pending; -1 once settled. */
  slot: number;
  trial: boolean;
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
  /** `runThen`'s mappings, applied where the call settles. */
  onValue: ((value: never) => unknown) | undefined;
  onError: ((error: unknown) => unknown) | undefined;
}

/**
 * A consecutive-failure circuit breaker around a deadline, in one promise per call: closed, it
 * counts consecutive failures (a timeout is one); at `failureThreshold` it opens and calls fail
 * at once without touching the store; after `halfOpenAfterMs` one trial call goes through (the
 * others still fail at once), and its success closes the breaker, its failure re-opens it.
 *
 * Deadlines are enforced by one interval timer shared by every call (a fifth of the budget, so
 * a call is failed at most 20 % late), running only while calls are pending; pending calls sit
 * in a slot table with a free list.
 *
 * Hand-written rather than cockatiel's `circuitBreaker` + `TimeoutPolicy` (still used for the
 * search suppliers) because it wraps every Redis call of a cache hit: one promise and no timer
 * per call.
 */
export class BreakerGuard implements Guard {
  readonly #o: Required<Omit<GuardOptions, "onStateChange">> & Pick<GuardOptions, "onStateChange">;
  readonly #tickMs: number;
  /** Pending calls by slot; `undefined` where free. */
  #slots: (Pending | undefined)[] = [];
  #free: number[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #state: "closed" | "open" | "half-open" = "closed";
  #failures = 0;
  #openedAt = 0;
  #trialRunning = false;

  constructor(options: GuardOptions) {
    this.#o = { now: () => performance.now(), ...options };
    this.#tickMs = Math.max(1, Math.ceil(options.timeoutMs / 5));
  }

  run<R>(fn: () => Promise<R>): Promise<R> {
    return this.#call(fn, undefined, undefined) as Promise<R>;
  }

  runThen<R, U>(
    fn: () => Promise<R>,
    onValue: (value: R) => U,
    onError: (error: unknown) => U,
  ): Promise<U> {
    return this.#call(fn, onValue, onError) as Promise<U>;
  }

  #call<R>(
    fn: () => Promise<R>,
    onValue: ((value: never) => unknown) | undefined,
    onError: ((error: unknown) => unknown) | undefined,
  ): Promise<unknown> {
    let trial = false;
    if (this.#state !== "closed") {
      if (
        this.#state === "open" &&
        this.#o.now() - this.#openedAt >= this.#o.halfOpenAfterMs &&
        !this.#trialRunning
      ) {
        this.#setState("half-open");
      }
      if (this.#state !== "half-open" || this.#trialRunning) {
        const open = Promise.reject(new BreakerOpenError());
        return onError ? open.catch(onError) : open;
      }
      trial = true;
      this.#trialRunning = true;
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        deadline: this.#o.now() + this.#o.timeoutMs,
        slot: this.#free.pop() ?? this.#slots.length,
        trial,
        resolve: resolve as (value: never) => void,
        reject,
        onValue,
        onError,
      };
      this.#slots[pending.slot] = pending;
      this.#timer ??= setInterval(() => this.#sweep(), this.#tickMs).unref();
      let call: Promise<R>;
      try {
        call = fn();
      } catch (error) {
        this.#settle(pending, false, error);
        return;
      }
      call.then(
        (value) => this.#settle(pending, true, value),
        (error: unknown) => this.#settle(pending, false, error),
      );
    });
  }

  /** First outcome wins (the store's answer, its error, the deadline or `dispose`). */
  #settle(pending: Pending, ok: boolean, outcome: unknown): void {
    if (pending.slot < 0) return;
    this.#slots[pending.slot] = undefined;
    this.#free.push(pending.slot);
    pending.slot = -1;
    if (ok) this.#succeeded(pending.trial);
    else this.#failed(pending.trial);
    const map = ok ? pending.onValue : pending.onError;
    if (map === undefined) {
      if (ok) pending.resolve(outcome as never);
      else pending.reject(outcome);
      return;
    }
    try {
      pending.resolve(map(outcome as never) as never);
    } catch (error) {
      pending.reject(error);
    }
  }

  state(): BreakerState {
    return this.#state;
  }

  /** Calls still waiting for the store. */
  get pending(): number {
    return this.#slots.length - this.#free.length;
  }

  /**
   * Stops the deadline timer and fails every call still waiting (`CacheUnavailableError`):
   * after close, no caller waits on a store that may never answer.
   */
  dispose(): void {
    this.#stopTimer();
    for (const pending of this.#slots) {
      if (!pending) continue;
      this.#settle(
        pending,
        false,
        new CacheUnavailableError("cache closed while a store call was pending"),
      );
    }
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #succeeded(trial: boolean): void {
    this.#failures = 0;
    if (trial) {
      this.#trialRunning = false;
      this.#setState("closed");
    }
  }

  #failed(trial: boolean): void {
    if (trial) {
      this.#trialRunning = false;
      this.#open();
      return;
    }
    this.#failures++;
    if (this.#state === "closed" && this.#failures >= this.#o.failureThreshold) this.#open();
  }

  #open(): void {
    this.#openedAt = this.#o.now();
    this.#setState("open");
  }

  #setState(state: "closed" | "open" | "half-open"): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#o.onStateChange?.(state);
  }

  #sweep(): void {
    const now = this.#o.now();
    for (const pending of this.#slots) {
      if (pending && pending.deadline <= now) {
        this.#settle(pending, false, new CacheTimeoutError(this.#o.timeoutMs));
      }
    }
    if (this.pending === 0) {
      this.#stopTimer();
      // The table only grows to the highest concurrency seen; start small again when idle.
      this.#slots = [];
      this.#free = [];
    }
  }
}

/** The Redis guard: breaker + deadline (see `BreakerGuard`). */
export function createBreakerGuard(options: GuardOptions): Guard {
  return new BreakerGuard(options);
}

/** The in-process store cannot be down or slow; no timers on its hot path. */
export const directGuard: Guard = {
  run: (fn) => fn(),
  runThen: (fn, onValue, onError) => {
    try {
      return fn().then(onValue, onError);
    } catch (error) {
      return Promise.resolve(error).then(onError);
    }
  },
  state: () => "closed",
  dispose: () => {},
};
