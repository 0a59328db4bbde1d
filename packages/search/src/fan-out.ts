import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { DomainError, isDependencyFailure } from "@travel/core";
import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import { errorName, type Logger } from "./logger.js";
import type { Supplier, SupplierCallOptions } from "./suppliers/supplier.js";

export interface FanOutOptions {
  /** Per supplier call; the call is abandoned (and its signal aborted) after this. Default 2000. */
  timeoutMs?: number;
  /**
   * Consecutive dependency failures (timeouts, connection errors, 5xx: `isDependencyFailure`)
   * that open a supplier's breaker; bad input and bugs never count. Default 5.
   */
  breakerFailures?: number;
  /** How long an open breaker refuses calls before one trial call. Default 30 s. */
  halfOpenAfterMs?: number;
  tracer: Tracer;
  logger: Logger;
}

export type SupplierOperation = "searchFlights" | "searchHotels" | "priceOffer";

export interface FanOutResult<T> {
  /** Every answering supplier's values, in supplier order. */
  values: T[];
  /** Suppliers that failed, timed out or whose breaker is open. */
  missing: string[];
}

export type BreakerState = "closed" | "open" | "half-open" | "isolated";

/**
 * Each supplier has one breaker per kind of call: search fills and offer re-pricing fail apart
 * (a run of failed re-pricings never stops searches, nor the other way round).
 */
export type BreakerKind = "search" | "price";

const KIND_OF: Record<SupplierOperation, BreakerKind> = {
  searchFlights: "search",
  searchHotels: "search",
  priceOffer: "price",
};

export interface FanOut {
  /**
   * Calls every supplier `which` selects (all by default) at once; a failing one is reported in
   * `missing`, never thrown.
   */
  all<T>(
    operation: SupplierOperation,
    call: (supplier: Supplier, options: SupplierCallOptions) => Promise<readonly T[]>,
    now: Date,
    which?: (supplier: Supplier) => boolean,
  ): Promise<FanOutResult<T>>;
  /**
   * One supplier's call under its breaker, timeout and span (the inventory read model uses it:
   * its answer carries more than offers). `ok: false` when it failed, timed out or is open.
   */
  one<R>(
    supplier: Supplier,
    operation: SupplierOperation,
    call: (supplier: Supplier, options: SupplierCallOptions) => Promise<R>,
    now: Date,
  ): Promise<{ ok: true; value: R } | { ok: false }>;
  /**
   * Asks the suppliers `which` selects (all by default); the answer of the first one, in
   * supplier order, that knows it.
   */
  first<T>(
    operation: SupplierOperation,
    call: (supplier: Supplier, options: SupplierCallOptions) => Promise<T | undefined>,
    now: Date,
    which?: (supplier: Supplier) => boolean,
  ): Promise<{ value: T | undefined; missing: string[]; asked: number }>;
  /** Every breaker's state, keyed `<supplier>.<kind>` (e.g. `inventory.price`). */
  breakerStates(): Record<string, BreakerState>;
}

/**
 * True for the timeout policy's cancellation. Not cockatiel's `isTaskCancelledError`: in 3.2 it
 * tests for the bulkhead's marker and is false for every timeout.
 */
const isTimeout = (error: unknown) => error instanceof TaskCancelledError;

/** What a breaker counts: the call timed out or the dependency failed (never bad input or bugs). */
const countsAsFailure = (error: Error) => isTimeout(error) || isDependencyFailure(error);

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "isolated",
};

/**
 * Supplier calls guarded by cockatiel: a circuit breaker (consecutive failures) around an
 * aggressive timeout, one pair per supplier, so a slow or failing source costs at most one
 * timeout per call while closed and nothing while open. Each call runs in an OpenTelemetry span.
 */
export function createFanOut(suppliers: readonly Supplier[], options: FanOutOptions): FanOut {
  const names = new Set<string>();
  for (const s of suppliers) {
    if (names.has(s.name)) throw new RangeError(`duplicate supplier name "${s.name}"`);
    names.add(s.name);
  }
  const timeoutMs = options.timeoutMs ?? 2000;
  const guardedCall = (supplier: Supplier, kind: BreakerKind) => {
    const breaker: CircuitBreakerPolicy = circuitBreaker(handleWhen(countsAsFailure), {
      halfOpenAfter: options.halfOpenAfterMs ?? 30_000,
      breaker: new ConsecutiveBreaker(options.breakerFailures ?? 5),
    });
    breaker.onBreak(() =>
      options.logger.warn("supplier circuit opened", { supplier: supplier.name, kind }),
    );
    breaker.onReset(() =>
      options.logger.warn("supplier circuit closed again", { supplier: supplier.name, kind }),
    );
    // dangerouslyUnref: a pending timeout must not keep a Lambda or test process alive.
    const policy = wrap(breaker, timeout(timeoutMs, TimeoutStrategy.Aggressive).dangerouslyUnref());
    return { breaker, policy };
  };
  const guarded = suppliers.map((supplier) => ({
    supplier,
    kinds: { search: guardedCall(supplier, "search"), price: guardedCall(supplier, "price") },
  }));

  async function callOne<R>(
    entry: (typeof guarded)[number],
    operation: SupplierOperation,
    call: (supplier: Supplier, options: SupplierCallOptions) => Promise<R>,
    now: Date,
  ): Promise<{ ok: true; value: R } | { ok: false }> {
    const { supplier } = entry;
    const { policy } = entry.kinds[KIND_OF[operation]];
    return options.tracer.startActiveSpan(
      `supplier.${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { "travel.supplier": supplier.name, "travel.operation": operation },
      },
      async (span) => {
        try {
          const value = await policy.execute(({ signal }) => call(supplier, { signal, now }));
          if (Array.isArray(value)) span.setAttribute("travel.offers", value.length);
          span.setAttribute("travel.supplier.outcome", "ok");
          return { ok: true as const, value };
        } catch (error) {
          // A supplier's verdict on the request (not found, invalid) is the answer, not a failure.
          if (error instanceof DomainError) throw error;
          const outcome = isBrokenCircuitError(error)
            ? "breaker_open"
            : isTimeout(error)
              ? "timeout"
              : isDependencyFailure(error)
                ? "error"
                : "bug";
          span.setAttribute("travel.supplier.outcome", outcome);
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          if (outcome !== "breaker_open") {
            options.logger.warn("supplier call failed", {
              supplier: supplier.name,
              operation,
              outcome,
              error: errorName(error),
            });
          }
          return { ok: false as const };
        } finally {
          span.end();
        }
      },
    );
  }

  return {
    async all(operation, call, now, which = () => true) {
      const asked = guarded.filter((g) => which(g.supplier));
      const results = await Promise.all(asked.map((g) => callOne(g, operation, call, now)));
      const values = [];
      const missing: string[] = [];
      for (const [i, result] of results.entries()) {
        if (result.ok) values.push(...result.value);
        else missing.push(asked[i]?.supplier.name ?? "unknown");
      }
      return { values, missing };
    },

    one(supplier, operation, call, now) {
      const entry = guarded.find((g) => g.supplier === supplier);
      if (!entry) throw new RangeError(`supplier "${supplier.name}" is not part of this fan-out`);
      return callOne(entry, operation, call, now);
    },

    async first(operation, call, now, which = () => true) {
      const asked = guarded.filter((g) => which(g.supplier));
      const results = await Promise.all(asked.map((g) => callOne(g, operation, call, now)));
      const missing: string[] = [];
      for (const [i, result] of results.entries()) {
        if (result.ok && result.value !== undefined) {
          return { value: result.value, missing, asked: asked.length };
        }
        if (!result.ok) missing.push(asked[i]?.supplier.name ?? "unknown");
      }
      return { value: undefined, missing, asked: asked.length };
    },

    breakerStates() {
      return Object.fromEntries(
        guarded.flatMap((g) =>
          Object.entries(g.kinds).map(([kind, { breaker }]) => [
            `${g.supplier.name}.${kind}`,
            STATE_NAMES[breaker.state],
          ]),
        ),
      );
    },
  };
}
