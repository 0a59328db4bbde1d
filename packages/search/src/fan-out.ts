import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  isBrokenCircuitError,
  isTaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import { errorName, type Logger } from "./logger.js";
import type { Supplier, SupplierCallOptions } from "./suppliers/supplier.js";

export interface FanOutOptions {
  /** Per supplier call; the call is abandoned (and its signal aborted) after this. Default 2000. */
  timeoutMs?: number;
  /** Consecutive failures (errors or timeouts) that open a supplier's breaker. Default 5. */
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
  breakerStates(): Record<string, BreakerState>;
}

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
  const guarded = suppliers.map((supplier) => {
    const breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, {
      halfOpenAfter: options.halfOpenAfterMs ?? 30_000,
      breaker: new ConsecutiveBreaker(options.breakerFailures ?? 5),
    });
    breaker.onBreak(() =>
      options.logger.warn("supplier circuit opened", { supplier: supplier.name }),
    );
    breaker.onReset(() =>
      options.logger.warn("supplier circuit closed again", { supplier: supplier.name }),
    );
    // dangerouslyUnref: a pending timeout must not keep a Lambda or test process alive.
    const policy = wrap(breaker, timeout(timeoutMs, TimeoutStrategy.Aggressive).dangerouslyUnref());
    return { supplier, breaker, policy };
  });

  async function callOne<R>(
    entry: (typeof guarded)[number],
    operation: SupplierOperation,
    call: (supplier: Supplier, options: SupplierCallOptions) => Promise<R>,
    now: Date,
  ): Promise<{ ok: true; value: R } | { ok: false }> {
    const { supplier, policy } = entry;
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
          const outcome = isBrokenCircuitError(error)
            ? "breaker_open"
            : isTaskCancelledError(error)
              ? "timeout"
              : "error";
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
        guarded.map((g) => [g.supplier.name, STATE_NAMES[g.breaker.state]]),
      );
    },
  };
}
