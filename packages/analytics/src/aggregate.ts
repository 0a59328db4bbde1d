import {
  type AggregateCounts,
  type AggregateDelta,
  type AggregateRowDelta,
  ALL_SCOPE,
  addCounts,
  emptyCounts,
  type ParsedStreamImage,
  parseSearchEventBatch,
  type SearchEventRecord,
  searchEventRecordSchema,
  tenantScope,
} from "@travel/core";
import { z } from "zod";
import { MalformedStreamRecordError } from "./errors.js";

/** A batch item (core's `searchEventBatch`): its searches as one string (deflated or plain JSON). */
const searchEventBatchSchema = z.object({ events: z.string() });

import type { StreamChange } from "./stream-record.js";

/** Default write shards per (day, scope): 10 × DynamoDB's 1,000 WCU/s per partition key. */
export const DEFAULT_AGGREGATE_SHARDS = 10;

const instant = z.string().datetime({ offset: true });

/** The part of a booking item analytics reads (no PII: travellers and contact are not read). */
const bookingImageSchema = z.object({
  tenantId: z.string().min(1),
  status: z.enum(["pending", "confirmed", "cancelled", "failed"]),
  offerType: z.enum(["flight", "hotel"]),
  route: z.string().min(1),
  totalMinor: z.number().int(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  failureReason: z.string().optional(),
  createdAt: instant,
  updatedAt: instant,
  confirmedAt: instant.optional(),
  cancelledAt: instant.optional(),
});
type BookingImage = z.infer<typeof bookingImageSchema>;

/** What one change-stream record contributes: counter deltas on a day and route, and events. */
export interface Contribution {
  day: string;
  /** The instant it happened (the search's, the confirmation's or the cancellation's). */
  at: string;
  /** Whose search or booking it is. */
  tenantId: string;
  /** "JFK-LAX" for flights, the city code for hotels. */
  route: string;
  delta: AggregateDelta;
  events:
    | { kind: "search"; cacheHit: boolean; cacheStatus: "hit" | "miss" | "stale" }
    | { kind: "booking" }
    | { kind: "cancellation" };
}

/** A booking that ended in `failed`: counted in the `BookingFailures{reason}` metric only. */
export interface FailureEvent {
  reason: string;
}

/**
 * The business meaning of one record, a pure function of its images.
 * - searchEvent INSERT → +1 search on the search's own `day`; +1 cache hit when the answer
 *   came from the cache (`hit`, and `stale` too: a stale answer is served from the cache while
 *   it is refreshed in the background, so it cost no supplier call).
 * - booking that becomes `confirmed` (pending → confirmed, or inserted confirmed) → +1 booking
 *   and its total to revenue, on the day of `confirmedAt`.
 * - booking confirmed → cancelled → +1 cancellation and its total to `cancelledRevenue`, on
 *   the day of `cancelledAt`. Revenue stays GROSS (never reduced): a cancellation on a later
 *   day would otherwise make that day's revenue negative; net = revenue − cancelledRevenue.
 * - booking that becomes `failed` → a failure event (metric only).
 * Days come from the items' own instants, not from the record's arrival, so a replay or a late
 * delivery lands on the day the thing happened. Everything else → nothing.
 */
export function contributionOf(change: StreamChange): {
  contribution?: Contribution;
  failure?: FailureEvent;
} {
  const entity = change.newImage?.entity ?? change.oldImage?.entity;
  if (entity === "searchEvent") {
    if (change.eventName !== "INSERT" || !change.newImage) return {};
    const search = validate(change, change.newImage, searchEventRecordSchema);
    return { contribution: searchContribution(search) };
  }
  if (entity === "booking") {
    if (change.newImage?.entity !== "booking") return {};
    const next = validate(change, change.newImage, bookingImageSchema);
    const previous =
      change.oldImage?.entity === "booking"
        ? validate(change, change.oldImage, bookingImageSchema)
        : undefined;
    return bookingContribution(previous, next);
  }
  return {};
}

/**
 * Every contribution of one record: a `searchEventBatch` INSERT contributes one search per event
 * it holds (summed per day and route), every other record what `contributionOf` says.
 */
export function contributionsOf(change: StreamChange): {
  contributions: Contribution[];
  failure?: FailureEvent;
} {
  const entity = change.newImage?.entity ?? change.oldImage?.entity;
  if (entity === "searchEventBatch") {
    if (change.eventName !== "INSERT" || !change.newImage) return { contributions: [] };
    const batch = validate(change, change.newImage, searchEventBatchSchema);
    let searches: SearchEventRecord[];
    try {
      searches = parseSearchEventBatch(batch.events);
    } catch (error) {
      throw new MalformedStreamRecordError(change.eventId, "searchEventBatch events invalid", {
        cause: error,
      });
    }
    return {
      contributions: searches.map(searchContribution),
    };
  }
  const { contribution, failure } = contributionOf(change);
  return { contributions: contribution ? [contribution] : [], ...(failure ? { failure } : {}) };
}

function searchContribution(search: SearchEventRecord): Contribution {
  const cacheHit = search.cacheStatus !== "miss";
  return {
    day: search.day,
    at: search.createdAt,
    tenantId: search.tenantId,
    route: search.route,
    delta: {
      searches: 1,
      cacheHits: cacheHit ? 1 : 0,
      ...(search.cacheStatus === "stale" ? { staleHits: 1 } : {}),
    },
    events: { kind: "search", cacheHit, cacheStatus: search.cacheStatus },
  };
}

function bookingContribution(
  previous: BookingImage | undefined,
  next: BookingImage,
): { contribution?: Contribution; failure?: FailureEvent } {
  const money = { minor: next.totalMinor, currency: next.currency };
  if (next.status === "confirmed" && previous?.status !== "confirmed") {
    const at = next.confirmedAt ?? next.updatedAt;
    return {
      contribution: {
        day: dayOf(at),
        at,
        tenantId: next.tenantId,
        route: next.route,
        delta: { bookings: 1, revenue: money },
        events: { kind: "booking" },
      },
    };
  }
  if (next.status === "cancelled" && previous?.status === "confirmed") {
    const at = next.cancelledAt ?? next.updatedAt;
    return {
      contribution: {
        day: dayOf(at),
        at,
        tenantId: next.tenantId,
        route: next.route,
        delta: { cancellations: 1, cancelledRevenue: money },
        events: { kind: "cancellation" },
      },
    };
  }
  if (next.status === "failed" && previous?.status !== "failed") {
    return { failure: { reason: next.failureReason ?? "unknown" } };
  }
  return {};
}

function validate<T>(change: StreamChange, image: ParsedStreamImage, schema: z.ZodType<T>): T {
  const result = schema.safeParse(image.item);
  if (!result.success) {
    const fields = result.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
    throw new MalformedStreamRecordError(
      change.eventId,
      `${image.entity} image invalid at ${fields}`,
    );
  }
  return result.data;
}

function dayOf(instant: string): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/** FNV-1a (32 bit): a cheap, stable spread of ids over shards. */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * What the records of one batch add, summed per aggregate row (day, scope), plus the minute rows
 * of the live operations page: the minute the thing happened (`YYYY-MM-DDTHH:MM`, UTC) for ALL
 * and for the tenant, with stale cache answers counted too. Minute rows live in hour partitions
 * and expire (core's `aggregatePartitionOf`), written and counted exactly like the day rows.
 */
export function rowsOf(contributions: Iterable<Contribution>): AggregateRowDelta[] {
  const byRow = new Map<string, AggregateRowDelta>();
  const add = (day: string, scope: string, counts: AggregateCounts) => {
    const key = `${day}|${scope}`;
    const row = byRow.get(key) ?? { day, scope, delta: emptyCounts() };
    addCounts(row.delta, counts);
    byRow.set(key, row);
  };
  for (const c of contributions) {
    const counts = countsOf(c.delta);
    // Each day's ALL row, its route's row, and the tenant's own two (`tenantScope`).
    for (const scope of [
      ALL_SCOPE,
      c.route,
      tenantScope(c.tenantId),
      tenantScope(c.tenantId, c.route),
    ]) {
      add(c.day, scope, counts);
    }
    const minute = minuteOf(c.at);
    if (minute === undefined) continue;
    const minuteCounts = { ...counts, staleHits: c.delta.staleHits ?? 0 };
    for (const scope of [ALL_SCOPE, tenantScope(c.tenantId)]) add(minute, scope, minuteCounts);
  }
  return [...byRow.values()];
}

/** `YYYY-MM-DDTHH:MM` (UTC) of an instant; undefined for one that does not parse. */
export function minuteOf(instant: string): string | undefined {
  const at = Date.parse(instant);
  return Number.isFinite(at) ? new Date(at).toISOString().slice(0, 16) : undefined;
}

function countsOf(delta: AggregateDelta): AggregateCounts {
  const counts = emptyCounts();
  counts.searches = delta.searches ?? 0;
  counts.cacheHits = delta.cacheHits ?? 0;
  counts.bookings = delta.bookings ?? 0;
  counts.cancellations = delta.cancellations ?? 0;
  if (delta.revenue) counts.revenue[delta.revenue.currency] = delta.revenue.minor;
  if (delta.cancelledRevenue) {
    counts.cancelledRevenue[delta.cancelledRevenue.currency] = delta.cancelledRevenue.minor;
  }
  return counts;
}
