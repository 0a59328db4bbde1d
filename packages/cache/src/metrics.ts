export type BreakerState = "closed" | "open" | "half-open" | "isolated";

export type MetricEvent =
  | { type: "hit" | "miss" | "stale"; namespace: string; layer?: "near" | "store" }
  | { type: "load"; namespace: string; durationMs: number; ok: boolean }
  | { type: "error"; operation: string; error: unknown }
  | { type: "breaker"; state: BreakerState };

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface MetricsSnapshot {
  hits: number;
  misses: number;
  staleServes: number;
  /** (hits + stale) / all reads; 0 before the first read. */
  hitRatio: number;
  /** Hits answered by the in-process near cache (subset of `hits`). */
  nearHits: number;
  loads: number;
  loaderErrors: number;
  /** Store errors and timeouts (each one fell open to the loader or was ignored). */
  errors: number;
  breakerState: BreakerState;
  /** Over the most recent loader calls (bounded reservoir). */
  loaderLatency: LatencySummary;
}

const RESERVOIR_SIZE = 1024;

/** Counters plus a listener hook; cheap enough to update on every call. */
export class CacheMetrics {
  #hits = 0;
  #misses = 0;
  #stale = 0;
  #nearHits = 0;
  #loads = 0;
  #loaderErrors = 0;
  #errors = 0;
  #breaker: BreakerState = "closed";
  #latencies = new Float64Array(RESERVOIR_SIZE);
  #latencyCount = 0;
  #latencySum = 0;
  #latencyMax = 0;
  #listeners = new Set<(event: MetricEvent) => void>();

  record(event: MetricEvent): void {
    switch (event.type) {
      case "hit":
        this.#hits++;
        if (event.layer === "near") this.#nearHits++;
        break;
      case "miss":
        this.#misses++;
        break;
      case "stale":
        this.#stale++;
        break;
      case "load":
        this.#loads++;
        if (!event.ok) this.#loaderErrors++;
        this.#latencies[this.#latencyCount % RESERVOIR_SIZE] = event.durationMs;
        this.#latencyCount++;
        this.#latencySum += event.durationMs;
        if (event.durationMs > this.#latencyMax) this.#latencyMax = event.durationMs;
        break;
      case "error":
        this.#errors++;
        break;
      case "breaker":
        this.#breaker = event.state;
        break;
    }
    if (this.#listeners.size === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A faulty metrics listener must never break a cache call; nothing sensible to report to.
      }
    }
  }

  subscribe(listener: (event: MetricEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  snapshot(): MetricsSnapshot {
    const reads = this.#hits + this.#misses + this.#stale;
    const n = Math.min(this.#latencyCount, RESERVOIR_SIZE);
    const sorted = Array.from(this.#latencies.subarray(0, n)).sort((a, b) => a - b);
    const pick = (q: number) => (n === 0 ? 0 : (sorted[Math.min(n - 1, Math.floor(q * n))] ?? 0));
    return {
      hits: this.#hits,
      misses: this.#misses,
      staleServes: this.#stale,
      hitRatio: reads === 0 ? 0 : (this.#hits + this.#stale) / reads,
      nearHits: this.#nearHits,
      loads: this.#loads,
      loaderErrors: this.#loaderErrors,
      errors: this.#errors,
      breakerState: this.#breaker,
      loaderLatency: {
        count: this.#latencyCount,
        meanMs: this.#latencyCount === 0 ? 0 : this.#latencySum / this.#latencyCount,
        p50Ms: pick(0.5),
        p99Ms: pick(0.99),
        maxMs: this.#latencyMax,
      },
    };
  }
}
