import { BatchGetCommand, QueryCommand } from "../aws-sdk.js";
import type { TravelService } from "../service.js";
import { monthOf } from "../time.js";

/**
 * The scope of the platform-wide counters; the other scopes are a route ("JFK-LAX", "PAR") and
 * each tenant's own counters (`tenantScope`).
 */
export const ALL_SCOPE = "ALL";

/** Every tenant scope starts with this (routes and tenant ids never contain `:`). */
export const TENANT_SCOPE_PREFIX = "tenant:";

/**
 * The scope of one tenant's counters: `tenant:<id>` (its totals) or `tenant:<id>|<route>` (one
 * route of it).
 *
 * @example
 * tenantScope("acme") // "tenant:acme"
 * tenantScope("acme", "JFK-LAX") // "tenant:acme|JFK-LAX"
 */
export function tenantScope(tenantId: string, route?: string): string {
  return route === undefined
    ? `${TENANT_SCOPE_PREFIX}${tenantId}`
    : `${TENANT_SCOPE_PREFIX}${tenantId}|${route}`;
}

/**
 * The partition of an aggregate row: its month for a day row (`YYYY-MM-DD`), its hour for a
 * minute row (`YYYY-MM-DDTHH:MM`, the live operations page's counters). Minute rows so never
 * share a partition with day rows: range reads of days never see them, and reading the last
 * hour reads one or two hour partitions per shard.
 *
 * @example
 * aggregatePartitionOf("2026-12-08") // "2026-12"
 * aggregatePartitionOf("2026-12-08T03:17") // "2026-12-08T03"
 */
export function aggregatePartitionOf(day: string): string {
  return isMinuteRow(day) ? day.slice(0, 13) : monthOf(day);
}

/** Whether an aggregate row's `day` is a minute (`YYYY-MM-DDTHH:MM`) rather than a day. */
export function isMinuteRow(day: string): boolean {
  return day.length === 16 && day[10] === "T";
}

/** Minute rows expire this long after their minute (the page shows the last hour). */
export const MINUTE_ROW_RETENTION_SECONDS = 48 * 3600;

/** What one change-stream record adds to one scope's counters of one day. */
export interface AggregateDelta {
  searches?: number;
  cacheHits?: number;
  bookings?: number;
  cancellations?: number;
  /** Searches answered from a stale cache entry (counted in minute rows only). */
  staleHits?: number;
  /** Value of confirmed bookings, in minor units. */
  revenue?: { minor: number; currency: string };
  /** Value of cancelled bookings, in minor units (reported apart, never subtracted). */
  cancelledRevenue?: { minor: number; currency: string };
}

/** Counters of one scope summed over shards (and days, when readers add them up). */
export interface AggregateCounts {
  searches: number;
  cacheHits: number;
  bookings: number;
  cancellations: number;
  /** Of `cacheHits`, answered from a stale entry: present on minute rows only. */
  staleHits?: number;
  /** currency → minor units */
  revenue: Record<string, number>;
  cancelledRevenue: Record<string, number>;
}

export function emptyCounts(): AggregateCounts {
  return {
    searches: 0,
    cacheHits: 0,
    bookings: 0,
    cancellations: 0,
    revenue: {},
    cancelledRevenue: {},
  };
}

/** Adds `b` into `a` (mutates and returns `a`). */
export function addCounts(a: AggregateCounts, b: AggregateCounts): AggregateCounts {
  a.searches += b.searches;
  a.cacheHits += b.cacheHits;
  a.bookings += b.bookings;
  a.cancellations += b.cancellations;
  if (b.staleHits !== undefined) a.staleHits = (a.staleHits ?? 0) + b.staleHits;
  for (const [currency, minor] of Object.entries(b.revenue)) {
    a.revenue[currency] = (a.revenue[currency] ?? 0) + minor;
  }
  for (const [currency, minor] of Object.entries(b.cancelledRevenue)) {
    a.cancelledRevenue[currency] = (a.cancelledRevenue[currency] ?? 0) + minor;
  }
  return a;
}

/** Entities a stream image can belong to, parsed through their ElectroDB model. */
export interface ParsedStreamImage {
  entity: string;
  item: Record<string, unknown>;
}

export const REVENUE_PREFIX = "rev_";
export const CANCELLED_REVENUE_PREFIX = "cxlrev_";
const BATCH_GET_LIMIT = 100;

type Key = Record<string, string>;

/**
 * Reads of the analytics aggregates, and the parse step of stream images. The consumer's
 * writes (exactly-once, by batch) are `createAggregateWriteRepository` in `aggregate-writes.ts`.
 *
 * @example
 * const analytics = createAnalyticsRepository(db);
 * const rows = await analytics.readRangeShard("2026-01-01", "2026-01-31", 0);
 */
export function createAnalyticsRepository(db: TravelService) {
  const { dailyAggregate } = db.entities;
  const client = db.client;

  function aggregateKey(day: string, shard: number, scope: string): Key {
    return dailyAggregate.get({ month: aggregatePartitionOf(day), day, shard, scope }).params()
      .Key as Key;
  }

  /**
   * Visits every aggregate row of one partition (a month of day rows or an hour of minute rows)
   * and shard whose sort key lies between `from` and `after`, page by page.
   */
  async function forEachRow(
    partition: string,
    shard: number,
    from: string,
    after: string,
    visit: (item: Record<string, unknown>) => void,
  ): Promise<void> {
    const params = dailyAggregate.query
      .byMonthShard({ month: partition, shard })
      .between({ day: from }, { day: after })
      .params();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({ ...(params as object), ExclusiveStartKey } as ConstructorParameters<
          typeof QueryCommand
        >[0]),
      );
      for (const item of page.Items ?? []) visit(item);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  return {
    /**
     * Every scope's counters from `from` to `to` (days, both included) in one shard, summed over
     * those days: one Query (paginated) per month the range touches.
     */
    async readRangeShard(
      from: string,
      to: string,
      shard: number,
    ): Promise<Map<string, AggregateCounts>> {
      const rows = new Map<string, AggregateCounts>();
      // Sort keys are `…#day_<day>#scope_<scope>`: a day-only bound is a prefix, so the upper
      // bound is the day after `to` (exclusive in effect: its rows sort after the prefix).
      const after = dayAfter(to);
      for (const month of monthsBetween(from, to)) {
        await forEachRow(month, shard, from, after, (item) => {
          const day = String(item.day);
          if (day < from || day > to) return;
          const scope = String(item.scope);
          rows.set(scope, addCounts(rows.get(scope) ?? emptyCounts(), countsOf(item)));
        });
      }
      return rows;
    },

    /**
     * The minute rows (`YYYY-MM-DDTHH:MM`) from `from` to `to` (both included) in one shard:
     * minute → scope → counters. One Query (paginated) per hour partition the range touches.
     */
    async readMinutesShard(
      from: string,
      to: string,
      shard: number,
    ): Promise<Map<string, Map<string, AggregateCounts>>> {
      const minutes = new Map<string, Map<string, AggregateCounts>>();
      const after = minuteAfter(to);
      for (const hour of hoursBetween(from, to)) {
        await forEachRow(hour, shard, from, after, (item) => {
          const minute = String(item.day);
          if (minute < from || minute > to) return;
          let scopes = minutes.get(minute);
          if (!scopes) {
            scopes = new Map();
            minutes.set(minute, scopes);
          }
          const scope = String(item.scope);
          scopes.set(scope, addCounts(scopes.get(scope) ?? emptyCounts(), countsOf(item)));
        });
      }
      return minutes;
    },

    /** One scope's counters for each of `days`, summed over `shards` shards (BatchGetItem). */
    async readScopeDays(
      scope: string,
      days: readonly string[],
      shards: number,
    ): Promise<Map<string, AggregateCounts>> {
      const byDay = new Map<string, AggregateCounts>(days.map((day) => [day, emptyCounts()]));
      let keys: Key[] = [];
      for (const day of days) {
        for (let shard = 0; shard < shards; shard++) keys.push(aggregateKey(day, shard, scope));
      }
      while (keys.length > 0) {
        const chunk = keys.slice(0, BATCH_GET_LIMIT);
        keys = keys.slice(BATCH_GET_LIMIT);
        const result = await client.send(
          new BatchGetCommand({ RequestItems: { [db.table]: { Keys: chunk } } }),
        );
        for (const item of result.Responses?.[db.table] ?? []) {
          const counts = byDay.get(String(item.day));
          if (counts) addCounts(counts, countsOf(item));
        }
        const unprocessed = result.UnprocessedKeys?.[db.table]?.Keys as Key[] | undefined;
        if (unprocessed?.length) keys = [...unprocessed, ...keys];
      }
      return byDay;
    },

    /**
     * Parses a stream image (already unmarshalled) through the model of the entity it names
     * (`__edb_e__`). Returns undefined for items that are not ElectroDB items of this service
     * or whose entity this service does not know.
     */
    parseImage(image: Record<string, unknown>): ParsedStreamImage | undefined {
      const name = image.__edb_e__;
      if (typeof name !== "string" || !Object.hasOwn(db.entities, name)) return undefined;
      const entity = db.entities[name as keyof typeof db.entities];
      const parsed = (entity.parse as (input: { Item: object }) => { data: unknown })({
        Item: image,
      });
      if (!parsed.data || typeof parsed.data !== "object") return undefined;
      return { entity: name, item: parsed.data as Record<string, unknown> };
    },
  };
}

function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function minuteAfter(minute: string): string {
  return new Date(Date.parse(`${minute}:00Z`) + 60_000).toISOString().slice(0, 16);
}

/** Every hour partition (`YYYY-MM-DDTHH`) from the hour of `from` to the hour of `to`. */
function hoursBetween(from: string, to: string): string[] {
  const hours: string[] = [];
  const last = Date.parse(`${to.slice(0, 13)}:00:00Z`);
  for (let at = Date.parse(`${from.slice(0, 13)}:00:00Z`); at <= last; at += 3_600_000) {
    hours.push(new Date(at).toISOString().slice(0, 13));
  }
  return hours;
}

/** Every `YYYY-MM` from the month of `from` to the month of `to`. */
function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split("-").map(Number) as [number, number];
  const last = monthOf(to);
  for (;;) {
    const current = `${year}-${String(month).padStart(2, "0")}`;
    months.push(current);
    if (current >= last) return months;
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
}

function countsOf(item: Record<string, unknown>): AggregateCounts {
  const counts = emptyCounts();
  counts.searches = Number(item.searches ?? 0);
  counts.cacheHits = Number(item.cacheHits ?? 0);
  counts.bookings = Number(item.bookings ?? 0);
  counts.cancellations = Number(item.cancellations ?? 0);
  if (item.staleHits !== undefined) counts.staleHits = Number(item.staleHits);
  for (const [attribute, value] of Object.entries(item)) {
    if (attribute.startsWith(REVENUE_PREFIX)) {
      counts.revenue[attribute.slice(REVENUE_PREFIX.length)] = Number(value);
    } else if (attribute.startsWith(CANCELLED_REVENUE_PREFIX)) {
      counts.cancelledRevenue[attribute.slice(CANCELLED_REVENUE_PREFIX.length)] = Number(value);
    }
  }
  return counts;
}

export type AnalyticsRepository = ReturnType<typeof createAnalyticsRepository>;
