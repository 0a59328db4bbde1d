import type { Contribution } from "@travel/analytics";

const MINUTE_MS = 60_000;

/** Counts of one minute for one tenant, as the change-stream consumer counted them. */
interface MinuteCounts {
  searches: number;
  /** Searches answered from the cache, fresh or stale (the aggregates' `cacheHits`). */
  cacheHits: number;
  /** Of those, answered from a stale entry while it was refreshed. */
  staleHits: number;
  bookings: number;
  cancellations: number;
  /** Gross value of bookings confirmed, minor units per currency (the aggregates' `revenue`). */
  revenue: Map<string, number>;
  routes: Map<string, { searches: number; bookings: number }>;
}

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
  /** Minutes of the per-minute series, the current one included (1..window). */
  minutes: number;
  /** Latency percentiles over the requests of the last this-many minutes. */
  latencyMinutes?: number;
}

export interface LiveSnapshot {
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
  topRoutes: { route: string; searches: number; bookings: number }[];
  latency: { route: string; count: number; p50Ms: number; p99Ms: number }[];
  stream: {
    /** Age of the newest record the consumer handled when it handled it; while records wait, since it was written. */
    lagSeconds: number | null;
    queued: number | null;
    deadLettered: number | null;
  };
}

export interface LiveWindowOptions {
  clock: { now(): Date };
  /** Minutes kept (default 60). */
  minutes?: number;
  /** Latency samples kept per tenant and route (default 1024, the newest). */
  latencySamples?: number;
}

/**
 * The last hour of the platform, minute by minute and tenant by tenant, in this process:
 * searches, cache hits, bookings and revenue as the change-stream consumer counts them for the
 * aggregates and the CloudWatch business metrics (the same contributions, first deliveries
 * only, on the minute they happened), and request latency per route as the access log
 * measures it. The live operations page (`GET /dashboard`) reads it through
 * `GET /v1/analytics/live`.
 *
 * It holds what this process saw: in local mode the consumer runs here, so it sees everything.
 *
 * @example
 * const live = createLiveWindow({ clock });
 * createAnalyticsService({ db, clock, onCounted: live.counted });
 * live.snapshot({ tenantId: "acme", minutes: 15 });
 */
export function createLiveWindow(options: LiveWindowOptions) {
  const { clock } = options;
  const windowMinutes = options.minutes ?? 60;
  const maxSamples = options.latencySamples ?? 1024;
  /** minute (epoch ms) → tenant → counts */
  const minutes = new Map<number, Map<string, MinuteCounts>>();
  /** "tenant\u0000METHOD route" → [time ms, latency ms] pairs, oldest first */
  const latencies = new Map<string, number[]>();
  let stream: (() => StreamStatus) | undefined;
  let lastRecord: { createdAt: number; handledAt: number } | undefined;

  const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  const oldestKept = () => minuteOf(clock.now().getTime()) - (windowMinutes - 1) * MINUTE_MS;

  function countsOf(minute: number, tenantId: string): MinuteCounts {
    let tenants = minutes.get(minute);
    if (!tenants) {
      tenants = new Map();
      minutes.set(minute, tenants);
      const oldest = oldestKept();
      for (const kept of minutes.keys()) if (kept < oldest) minutes.delete(kept);
    }
    let counts = tenants.get(tenantId);
    if (!counts) {
      counts = {
        searches: 0,
        cacheHits: 0,
        staleHits: 0,
        bookings: 0,
        cancellations: 0,
        revenue: new Map(),
        routes: new Map(),
      };
      tenants.set(tenantId, counts);
    }
    return counts;
  }

  return {
    /** The analytics consumer's `onCounted`: what one record contributed, counted once. */
    counted(contributions: readonly Contribution[]): void {
      const oldest = oldestKept();
      for (const c of contributions) {
        const at = Date.parse(c.at);
        if (!Number.isFinite(at) || minuteOf(at) < oldest) continue;
        const counts = countsOf(minuteOf(at), c.tenantId);
        const route = counts.routes.get(c.route) ?? { searches: 0, bookings: 0 };
        counts.routes.set(c.route, route);
        const { events, delta } = c;
        if (events.kind === "search") {
          counts.searches++;
          route.searches++;
          if (events.cacheHit) counts.cacheHits++;
          if (events.cacheStatus === "stale") counts.staleHits++;
        } else if (events.kind === "booking") {
          counts.bookings++;
          route.bookings++;
          if (delta.revenue) {
            const { currency, minor } = delta.revenue;
            counts.revenue.set(currency, (counts.revenue.get(currency) ?? 0) + minor);
          }
        } else {
          counts.cancellations++;
        }
      }
    },

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

    /** Tenants with counted activity in the window, sorted. */
    tenants(): string[] {
      const oldest = oldestKept();
      const seen = new Set<string>();
      for (const [minute, tenants] of minutes) {
        if (minute >= oldest) for (const tenantId of tenants.keys()) seen.add(tenantId);
      }
      return [...seen].sort();
    },

    snapshot(request: LiveSnapshotOptions): LiveSnapshot {
      const now = clock.now().getTime();
      const span = Math.min(Math.max(1, request.minutes), windowMinutes);
      const current = minuteOf(now);
      const perMinute: LiveSnapshot["perMinute"] = [];
      const total = {
        searches: 0,
        cacheHits: 0,
        staleHits: 0,
        bookings: 0,
        cancellations: 0,
        revenue: new Map<string, number>(),
      };
      const routes = new Map<string, { searches: number; bookings: number }>();
      for (let minute = current - (span - 1) * MINUTE_MS; minute <= current; minute += MINUTE_MS) {
        const row = {
          minute: new Date(minute).toISOString(),
          searches: 0,
          cacheHits: 0,
          bookings: 0,
        };
        for (const [tenantId, counts] of minutes.get(minute) ?? []) {
          if (request.tenantId !== undefined && tenantId !== request.tenantId) continue;
          row.searches += counts.searches;
          row.cacheHits += counts.cacheHits;
          row.bookings += counts.bookings;
          total.staleHits += counts.staleHits;
          total.cancellations += counts.cancellations;
          for (const [currency, minor] of counts.revenue) {
            total.revenue.set(currency, (total.revenue.get(currency) ?? 0) + minor);
          }
          for (const [route, c] of counts.routes) {
            const sum = routes.get(route) ?? { searches: 0, bookings: 0 };
            sum.searches += c.searches;
            sum.bookings += c.bookings;
            routes.set(route, sum);
          }
        }
        total.searches += row.searches;
        total.cacheHits += row.cacheHits;
        total.bookings += row.bookings;
        perMinute.push(row);
      }

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

      const cacheAnswers = total.cacheHits;
      return {
        perMinute,
        totals: {
          searches: total.searches,
          cacheHits: total.cacheHits,
          staleHits: total.staleHits,
          bookings: total.bookings,
          cancellations: total.cancellations,
          cacheHitRatio: ratio(total.cacheHits, total.searches, 0),
          freshRatio: ratio(cacheAnswers - total.staleHits, cacheAnswers, 1),
          revenue: [...total.revenue]
            .filter(([, minor]) => minor !== 0)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([currency, minor]) => ({ currency, minor })),
        },
        topRoutes: [...routes]
          .map(([route, c]) => ({ route, ...c }))
          .sort(
            (a, b) =>
              b.bookings - a.bookings || b.searches - a.searches || a.route.localeCompare(b.route),
          )
          .slice(0, 10),
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
