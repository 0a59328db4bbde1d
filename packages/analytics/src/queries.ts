import {
  type AggregateCounts,
  ALL_SCOPE,
  type AnalyticsRepository,
  addCounts,
  emptyCounts,
  fromMinor,
  isKnownAirport,
  type Money,
  TENANT_SCOPE_PREFIX,
  tenantScope,
} from "@travel/core";
import { z } from "zod";
import { DEFAULT_AGGREGATE_SHARDS } from "./aggregate.js";
import { InvalidAnalyticsQueryError } from "./errors.js";

/** Longest range a query may cover, in days (both ends included). */
export const MAX_RANGE_DAYS = 366;
/** How many routes the summary ranks. */
export const TOP_ROUTES = 10;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Minutes the live figures reach back (their tenants list covers all of them). */
export const LIVE_TENANT_MINUTES = 60;

/** Earliest and latest day a query may name: a bounded range keeps every day's arithmetic exact. */
export const ANALYTICS_FIRST_DAY = "2000-01-01";
export const ANALYTICS_LAST_DAY = "2199-12-31";

/** `YYYY-MM-DD` that is a real calendar date from 2000-01-01 to 2199-12-31. */
export const analyticsDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(
    (value) => value >= ANALYTICS_FIRST_DAY && value <= ANALYTICS_LAST_DAY,
    `must be between ${ANALYTICS_FIRST_DAY} and ${ANALYTICS_LAST_DAY}`,
  )
  .refine((value) => {
    const time = Date.parse(`${value}T00:00:00Z`);
    return Number.isFinite(time) && new Date(time).toISOString().startsWith(value);
  }, "is not a calendar date");

/** Query of both endpoints; the range rules (from ≤ to, ≤ 366 days) are checked by the queries. */
export const analyticsRangeQuerySchema = z.object({
  from: analyticsDateSchema,
  to: analyticsDateSchema,
});
export type AnalyticsRange = z.infer<typeof analyticsRangeQuerySchema>;

/** `{origin}-{destination}` path segment: two IATA codes. */
export const analyticsRouteSchema = z
  .string()
  .regex(
    /^[A-Z]{3}-[A-Z]{3}$/,
    "must be ORIGIN-DESTINATION in upper-case IATA codes, e.g. JFK-LAX",
  );

const moneySchema = z.object({ amount: z.string(), currency: z.string() });

export const analyticsSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  searches: z.number().int(),
  cacheHits: z.number().int(),
  /** cacheHits / searches, 0..1 (0 when there were no searches). */
  cacheHitRatio: z.number(),
  bookings: z.number().int(),
  cancellations: z.number().int(),
  /** bookings / searches (0 when there were no searches). */
  conversionRate: z.number(),
  /** Gross value of bookings confirmed in the range, per currency. */
  revenue: z.array(moneySchema),
  /** Value of the bookings cancelled in the range, per currency (net = revenue − this). */
  cancelledRevenue: z.array(moneySchema),
  topRoutes: z.array(
    z.object({
      route: z.string(),
      type: z.enum(["flight", "hotel"]),
      searches: z.number().int(),
      bookings: z.number().int(),
    }),
  ),
});
export type AnalyticsSummary = z.infer<typeof analyticsSummarySchema>;

export const routeAnalyticsSchema = z.object({
  route: z.string(),
  days: z.array(
    z.object({
      date: z.string(),
      searches: z.number().int(),
      bookings: z.number().int(),
      cancellations: z.number().int(),
      revenue: z.array(moneySchema),
    }),
  ),
});
export type RouteAnalytics = z.infer<typeof routeAnalyticsSchema>;

export interface AnalyticsQueriesOptions {
  repository: AnalyticsRepository;
  /** Must be at least the writers' shard count (see `createAnalyticsAggregator`). */
  shards?: number;
  /** Parallel reads (one per shard, each a Query per month of the range) of one summary (default 16). */
  concurrency?: number;
}

/**
 * Reads of the daily aggregates behind `/v1/analytics/*`.
 *
 * The summary reads, for each shard and each month the range touches, one Query over the days
 * of the range that returns their ALL rows and every route row of that shard: totals come from
 * ALL rows, per-route totals (top routes) from the route rows, with no scan and no per-route
 * index to maintain (a 366-day summary is 13 × shards Queries). The route view is one
 * BatchGetItem per 100 (day, shard) keys of that route.
 *
 * @example
 * const queries = createAnalyticsQueries({ repository: createAnalyticsRepository(db) });
 * await queries.summary({ from: "2026-01-01", to: "2026-01-31" });
 */
export function createAnalyticsQueries(options: AnalyticsQueriesOptions) {
  const { repository } = options;
  const shards = options.shards ?? DEFAULT_AGGREGATE_SHARDS;
  const concurrency = options.concurrency ?? 16;

  return {
    /** Platform-wide figures, or one tenant's own with `tenantId`. */
    async summary(
      range: AnalyticsRange,
      whose: { tenantId?: string } = {},
    ): Promise<AnalyticsSummary> {
      daysOf(range); // validates the range
      const total = emptyCounts();
      const routes = new Map<string, AggregateCounts>();
      const totalScope = whose.tenantId === undefined ? ALL_SCOPE : tenantScope(whose.tenantId);
      const routePrefix = whose.tenantId === undefined ? undefined : `${totalScope}|`;
      const reads = Array.from({ length: shards }, (_, s) => s);
      await forEachLimited(reads, concurrency, async (s) => {
        const rows = await repository.readRangeShard(range.from, range.to, s);
        for (const [scope, counts] of rows) {
          if (scope === totalScope) {
            addCounts(total, counts);
            continue;
          }
          let route: string;
          if (routePrefix === undefined) {
            if (scope === ALL_SCOPE || scope.startsWith(TENANT_SCOPE_PREFIX)) continue;
            route = scope;
          } else {
            if (!scope.startsWith(routePrefix)) continue;
            route = scope.slice(routePrefix.length);
          }
          const sum = routes.get(route) ?? emptyCounts();
          routes.set(route, addCounts(sum, counts));
        }
      });
      const topRoutes = [...routes]
        .map(([route, counts]) => ({
          route,
          type: route.includes("-") ? ("flight" as const) : ("hotel" as const),
          searches: counts.searches,
          bookings: counts.bookings,
        }))
        .filter((r) => r.searches > 0 || r.bookings > 0)
        .sort(
          (a, b) =>
            b.bookings - a.bookings || b.searches - a.searches || a.route.localeCompare(b.route),
        )
        .slice(0, TOP_ROUTES);
      return {
        from: range.from,
        to: range.to,
        searches: total.searches,
        cacheHits: total.cacheHits,
        cacheHitRatio: ratio(total.cacheHits, total.searches),
        bookings: total.bookings,
        cancellations: total.cancellations,
        conversionRate: ratio(total.bookings, total.searches),
        revenue: moneyList(total.revenue),
        cancelledRevenue: moneyList(total.cancelledRevenue),
        topRoutes,
      };
    },

    /**
     * The live operations page's figures: the minute rows of the last `minutes` minutes up to
     * `now` (the current one included), platform-wide or one tenant's own, oldest first; and the
     * tenants with counted activity in the last `LIVE_TENANT_MINUTES`. Written by the consumer
     * with the day rows (same records, counted once), so every API instance reads the same
     * numbers. Reads one or two hour partitions per shard.
     */
    async minutes(
      input: { now: Date; minutes: number },
      whose: { tenantId?: string } = {},
    ): Promise<{ perMinute: { minute: string; counts: AggregateCounts }[]; tenants: string[] }> {
      const span = Math.min(Math.max(1, Math.floor(input.minutes)), LIVE_TENANT_MINUTES);
      const current = Math.floor(input.now.getTime() / MINUTE_MS) * MINUTE_MS;
      const minuteAt = (ms: number) => new Date(ms).toISOString().slice(0, 16);
      const first = minuteAt(current - (LIVE_TENANT_MINUTES - 1) * MINUTE_MS);
      const shown = minuteAt(current - (span - 1) * MINUTE_MS);
      const last = minuteAt(current);
      const scope = whose.tenantId === undefined ? ALL_SCOPE : tenantScope(whose.tenantId);
      const byMinute = new Map<string, AggregateCounts>();
      const tenants = new Set<string>();
      await forEachLimited(
        Array.from({ length: shards }, (_, s) => s),
        concurrency,
        async (s) => {
          const rows = await repository.readMinutesShard(first, last, s);
          for (const [minute, scopes] of rows) {
            for (const [rowScope, counts] of scopes) {
              if (rowScope.startsWith(TENANT_SCOPE_PREFIX) && !rowScope.includes("|")) {
                tenants.add(rowScope.slice(TENANT_SCOPE_PREFIX.length));
              }
              if (rowScope !== scope || minute < shown) continue;
              byMinute.set(minute, addCounts(byMinute.get(minute) ?? emptyCounts(), counts));
            }
          }
        },
      );
      const perMinute = [];
      for (let at = current - (span - 1) * MINUTE_MS; at <= current; at += MINUTE_MS) {
        const minute = minuteAt(at);
        perMinute.push({ minute, counts: byMinute.get(minute) ?? emptyCounts() });
      }
      return { perMinute, tenants: [...tenants].sort() };
    },

    /** One route's days, platform-wide or one tenant's own with `tenantId`. */
    async route(
      input: AnalyticsRange & { route: string },
      whose: { tenantId?: string } = {},
    ): Promise<RouteAnalytics> {
      const route = parseRoute(input.route);
      const days = daysOf(input);
      const scope = whose.tenantId === undefined ? route : tenantScope(whose.tenantId, route);
      const byDay = await repository.readScopeDays(scope, days, shards);
      return {
        route,
        days: days.map((date) => {
          const counts = byDay.get(date) ?? emptyCounts();
          return {
            date,
            searches: counts.searches,
            bookings: counts.bookings,
            cancellations: counts.cancellations,
            revenue: moneyList(counts.revenue),
          };
        }),
      };
    },
  };
}

export type AnalyticsQueries = ReturnType<typeof createAnalyticsQueries>;

/** Validates a range and lists its days; 422 when it is not a valid range of ≤ 366 days. */
export function daysOf(range: AnalyticsRange): string[] {
  const errors: { path: string; message: string }[] = [];
  for (const field of ["from", "to"] as const) {
    const result = analyticsDateSchema.safeParse(range[field]);
    if (!result.success)
      errors.push({ path: field, message: result.error.issues[0]?.message ?? "is invalid" });
  }
  if (errors.length > 0) throw new InvalidAnalyticsQueryError(errors);
  const from = Date.parse(`${range.from}T00:00:00Z`);
  const to = Date.parse(`${range.to}T00:00:00Z`);
  if (from > to) {
    throw new InvalidAnalyticsQueryError([{ path: "to", message: "must not be before from" }]);
  }
  const count = (to - from) / DAY_MS + 1;
  if (count > MAX_RANGE_DAYS) {
    throw new InvalidAnalyticsQueryError([
      { path: "to", message: `range covers ${count} days; at most ${MAX_RANGE_DAYS} are allowed` },
    ]);
  }
  return Array.from({ length: count }, (_, i) =>
    new Date(from + i * DAY_MS).toISOString().slice(0, 10),
  );
}

function parseRoute(route: string): string {
  const shape = analyticsRouteSchema.safeParse(route);
  if (!shape.success) {
    throw new InvalidAnalyticsQueryError([
      { path: "route", message: shape.error.issues[0]?.message ?? "is invalid" },
    ]);
  }
  const [origin = "", destination = ""] = route.split("-");
  const errors: { path: string; message: string }[] = [];
  if (!isKnownAirport(origin))
    errors.push({ path: "origin", message: `unknown airport ${origin}` });
  if (!isKnownAirport(destination)) {
    errors.push({ path: "destination", message: `unknown airport ${destination}` });
  }
  if (errors.length === 0 && origin === destination) {
    errors.push({ path: "destination", message: "must differ from origin" });
  }
  if (errors.length > 0) throw new InvalidAnalyticsQueryError(errors);
  return route;
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0;
}

function moneyList(byCurrency: Record<string, number>): Money[] {
  return Object.entries(byCurrency)
    .filter(([, minor]) => minor !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, minor]) => fromMinor(minor, currency));
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}
