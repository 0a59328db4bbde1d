import type { AggregateCounts } from "@travel/core";

const MINUTE_MS = 60_000;

/** One answered request as the access log saw it (route pattern, never the raw path). */
export interface RequestSample {
  tenantId: string | undefined;
  method: string;
  route: string;
  status: number;
  latencyMs: number;
}

/** What the change feed behind the consumer reports (local mode's feed; see `attachStream`). */
export interface StreamStatus {
  /** Records captured and not yet handed to the consumer. */
  queued: number;
  /** Records given up after their retries (the deployed stack's on-failure destination). */
  deadLettered: number;
}

export interface LiveSnapshotOptions {
  /** One tenant's figures, or every tenant's when undefined. */
  tenantId: string | undefined;
  /** Latency percentiles over the requests of the last this-many minutes. */
  latencyMinutes?: number;
}

/** What this process measures itself: request latency and, where it runs, the stream's consumer. */
export interface LiveSnapshot {
  latency: { route: string; count: number; p50Ms: number; p99Ms: number }[];
  stream: {
    /** Age of the newest record the consumer handled when it handled it; while records wait, since it was written. */
    lagSeconds: number | null;
    queued: number | null;
    deadLettered: number | null;
  };
}

/** The counted figures of the live page, from the aggregates' minute rows. */
export interface LiveCounts {
  perMinute: { minute: string; searches: number; cacheHits: number; bookings: number }[];
  totals: {
    searches: number;
    cacheHits: number;
    staleHits: number;
    bookings: number;
    cancellations: number;
    /** cacheHits / searches (0 without searches): the aggregates' definition. */
    cacheHitRatio: number;
    /** Share of cache answers that were fresh, not stale (1 without cache answers). */
    freshRatio: number;
    revenue: { currency: string; minor: number }[];
  };
}

/**
 * The page's counted figures from the analytics minute rows (`AnalyticsQueries.minutes`), which
 * the change-stream consumer writes with the day rows, counting each record once: the same
 * source as `/v1/analytics/summary` and the CloudWatch business metrics, shared by every API
 * instance. Pure.
 */
export function liveCounts(
  perMinute: readonly { minute: string; counts: AggregateCounts }[],
): LiveCounts {
  const total = { searches: 0, cacheHits: 0, staleHits: 0, bookings: 0, cancellations: 0 };
  const revenue = new Map<string, number>();
  const rows = perMinute.map(({ minute, counts }) => {
    total.searches += counts.searches;
    total.cacheHits += counts.cacheHits;
    total.staleHits += counts.staleHits ?? 0;
    total.bookings += counts.bookings;
    total.cancellations += counts.cancellations;
    for (const [currency, minor] of Object.entries(counts.revenue)) {
      revenue.set(currency, (revenue.get(currency) ?? 0) + minor);
    }
    return {
      minute: new Date(`${minute}:00Z`).toISOString(),
      searches: counts.searches,
      cacheHits: counts.cacheHits,
      bookings: counts.bookings,
    };
  });
  return {
    perMinute: rows,
    totals: {
      ...total,
      cacheHitRatio: ratio(total.cacheHits, total.searches, 0),
      freshRatio: ratio(total.cacheHits - total.staleHits, total.cacheHits, 1),
      revenue: [...revenue]
        .filter(([, minor]) => minor !== 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, minor]) => ({ currency, minor })),
    },
  };
}

export interface LiveWindowOptions {
  clock: { now(): Date };
  /** Latency samples kept per tenant and route (default 1024, the newest). */
  latencySamples?: number;
}

/**
 * What the live operations page needs that is this process's own measurement: request latency
 * per route as the access log measures it (the figure CloudWatch has per function, not per
 * route), and the change-stream consumer's lag, queue and dead letters where the consumer runs
 * in this process (local mode). The counted figures (searches, hits, bookings, revenue) are NOT
 * here: they come from the aggregates' minute rows (`liveCounts`), shared by every instance.
 *
 * @example
 * const live = createLiveWindow({ clock });
 * app.use(accessLog({ onRequest: live.request }));
 * live.snapshot({ tenantId: "acme" });
 */
export function createLiveWindow(options: LiveWindowOptions) {
  const { clock } = options;
  const maxSamples = options.latencySamples ?? 1024;
  /** "tenant\u0000METHOD route" → [time ms, latency ms] pairs, oldest first */
  const latencies = new Map<string, number[]>();
  let stream: (() => StreamStatus) | undefined;
  let lastRecord: { createdAt: number; handledAt: number } | undefined;

  return {
    /** The access log's `onRequest`: one answered request. */
    request(sample: RequestSample): void {
      if (sample.route === "unmatched") return;
      const key = `${sample.tenantId ?? ""}\u0000${sample.method} ${sample.route}`;
      let samples = latencies.get(key);
      if (!samples) {
        samples = [];
        latencies.set(key, samples);
      }
      samples.push(clock.now().getTime(), sample.latencyMs);
      if (samples.length > maxSamples * 2) samples.splice(0, samples.length - maxSamples * 2);
    },

    /** When the consumer handled a record written at `createdAt` (the stream's IteratorAge). */
    recordHandled(createdAt: Date): void {
      const handledAt = clock.now().getTime();
      if (!lastRecord || createdAt.getTime() >= lastRecord.createdAt) {
        lastRecord = { createdAt: createdAt.getTime(), handledAt };
      }
    },

    /** Where queue depth and dead letters come from (local mode: the change feed's stats). */
    attachStream(status: () => StreamStatus): void {
      stream = status;
    },

    snapshot(request: LiveSnapshotOptions): LiveSnapshot {
      const now = clock.now().getTime();
      const since = now - (request.latencyMinutes ?? 5) * MINUTE_MS;
      const byRoute = new Map<string, number[]>();
      for (const [key, samples] of latencies) {
        const [tenantId, route = ""] = key.split("\u0000");
        if (request.tenantId !== undefined && tenantId !== request.tenantId) continue;
        const values = byRoute.get(route) ?? [];
        for (let i = 0; i < samples.length; i += 2) {
          if ((samples[i] as number) >= since) values.push(samples[i + 1] as number);
        }
        if (values.length > 0) byRoute.set(route, values);
      }
      const latency = [...byRoute]
        .map(([route, values]) => {
          values.sort((a, b) => a - b);
          return {
            route,
            count: values.length,
            p50Ms: percentile(values, 50),
            p99Ms: percentile(values, 99),
          };
        })
        .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));

      const status = stream?.();
      let lagSeconds: number | null = null;
      if (lastRecord) {
        const waiting = status !== undefined && status.queued > 0;
        const lagMs = (waiting ? now : lastRecord.handledAt) - lastRecord.createdAt;
        lagSeconds = Math.max(0, Math.round(lagMs / 100) / 10);
      }
      return {
        latency,
        stream: {
          lagSeconds,
          queued: status?.queued ?? null,
          deadLettered: status?.deadLettered ?? null,
        },
      };
    },
  };
}

export type LiveWindow = ReturnType<typeof createLiveWindow>;

function ratio(part: number, whole: number, empty: number): number {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : empty;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return Math.round((sorted[rank - 1] as number) * 100) / 100;
}
