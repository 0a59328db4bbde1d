import {
  type AggregateDelta,
  ALL_SCOPE,
  type AnalyticsRepository,
  type ParsedStreamImage,
  parseSearchEventBatch,
  type SearchEventRecord,
  searchEventRecordSchema,
} from "@travel/core";
import { z } from "zod";
import { MalformedStreamRecordError } from "./errors.js";

/** A batch item (core's `searchEventBatch`): its searches as one string (deflated or plain JSON). */
const searchEventBatchSchema = z.object({ events: z.string() });

import type { BusinessMetrics } from "./metrics.js";
import type { StreamChange, StreamRecordHandler } from "./stream-record.js";

/** Default write shards per (day, scope): 10 × DynamoDB's 1,000 WCU/s per partition key. */
export const DEFAULT_AGGREGATE_SHARDS = 10;

const instant = z.string().datetime({ offset: true });

/** The part of a booking item analytics reads (no PII: travellers and contact are not read). */
const bookingImageSchema = z.object({
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
  /** "JFK-LAX" for flights, the city code for hotels. */
  route: string;
  delta: AggregateDelta;
  events: { kind: "search"; cacheHit: boolean } | { kind: "booking" } | { kind: "cancellation" };
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
    const cacheHit = search.cacheStatus !== "miss";
    return {
      contribution: {
        day: search.day,
        route: search.route,
        delta: { searches: 1, cacheHits: cacheHit ? 1 : 0 },
        events: { kind: "search", cacheHit },
      },
    };
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
    } catch {
      throw new MalformedStreamRecordError(change.eventId, "searchEventBatch events invalid");
    }
    return {
      contributions: searches.map((search) => {
        const cacheHit = search.cacheStatus !== "miss";
        return {
          day: search.day,
          route: search.route,
          delta: { searches: 1, cacheHits: cacheHit ? 1 : 0 },
          events: { kind: "search" as const, cacheHit },
        };
      }),
    };
  }
  const { contribution, failure } = contributionOf(change);
  return { contributions: contribution ? [contribution] : [], ...(failure ? { failure } : {}) };
}

/** Adds `b` into `a`; money only in the same currency (one record never mixes them). */
function addDelta(a: AggregateDelta, b: AggregateDelta): AggregateDelta {
  const sum = (x?: number, y?: number) => (x ?? 0) + (y ?? 0) || undefined;
  const money = (
    x: AggregateDelta["revenue"],
    y: AggregateDelta["revenue"],
  ): AggregateDelta["revenue"] => {
    if (!x || !y) return x ?? y;
    if (x.currency !== y.currency) {
      throw new RangeError(`cannot add ${x.currency} and ${y.currency} in one counter row`);
    }
    return { minor: x.minor + y.minor, currency: x.currency };
  };
  const out: AggregateDelta = {};
  const searches = sum(a.searches, b.searches);
  const cacheHits = sum(a.cacheHits, b.cacheHits);
  const bookings = sum(a.bookings, b.bookings);
  const cancellations = sum(a.cancellations, b.cancellations);
  const revenue = money(a.revenue, b.revenue);
  const cancelledRevenue = money(a.cancelledRevenue, b.cancelledRevenue);
  if (searches) out.searches = searches;
  if (cacheHits) out.cacheHits = cacheHits;
  if (bookings) out.bookings = bookings;
  if (cancellations) out.cancellations = cancellations;
  if (revenue) out.revenue = revenue;
  if (cancelledRevenue) out.cancelledRevenue = cancelledRevenue;
  return out;
}

function bookingContribution(
  previous: BookingImage | undefined,
  next: BookingImage,
): { contribution?: Contribution; failure?: FailureEvent } {
  const money = { minor: next.totalMinor, currency: next.currency };
  if (next.status === "confirmed" && previous?.status !== "confirmed") {
    return {
      contribution: {
        day: dayOf(next.confirmedAt ?? next.updatedAt),
        route: next.route,
        delta: { bookings: 1, revenue: money },
        events: { kind: "booking" },
      },
    };
  }
  if (next.status === "cancelled" && previous?.status === "confirmed") {
    return {
      contribution: {
        day: dayOf(next.cancelledAt ?? next.updatedAt),
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

/** FNV-1a (32 bit): a cheap, stable spread of eventIDs over shards. */
export function shardOf(eventId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) {
    hash ^= eventId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * Row writes one record keeps in flight. A batch item of 500 searches can touch hundreds of
 * (day, route) rows; with the consumer's records in parallel on top, unbounded fan-out would
 * only queue up in the HTTP agent and the table's partitions.
 */
export const ROW_WRITES_IN_FLIGHT = 16;

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface AnalyticsAggregatorOptions {
  repository: AnalyticsRepository;
  metrics: BusinessMetrics;
  clock: { now(): Date };
  /**
   * Write shards per (day, scope). Hot keys: every record's counters go to the row of shard
   * hash(eventID) % shards, so the writes of one day (and of one busy route on that day) are
   * spread evenly over `shards` partition keys, each good for 1,000 WCU/s; readers sum the
   * shards. Raise it (never lower it: readers read shards 0..N-1) when a day's write rate
   * nears shards × ~250 records/s (a record costs about 2 small writes per row it touches on
   * that row's partition: the conditional ADD and the release).
   */
  shards?: number;
}

/**
 * The analytics record handler: applies each record's contribution to the ALL row and the
 * route row of its day exactly once, through the claim / addOnce / markApplied / release
 * protocol of `AnalyticsRepository` (why that is crash-safe is explained there), and counts
 * the business metrics of first deliveries only.
 */
export function createAnalyticsAggregator(
  options: AnalyticsAggregatorOptions,
): StreamRecordHandler {
  const { repository, metrics, clock } = options;
  const shards = options.shards ?? DEFAULT_AGGREGATE_SHARDS;
  return {
    name: "analytics",
    async handle(change) {
      const { contributions, failure } = contributionsOf(change);
      if (contributions.length === 0 && !failure) return;
      const eventId = change.eventId;
      const state = await repository.claim(eventId, clock.now());
      const shard = shardOf(eventId, shards);
      // One row per (day, scope): each day's ALL row and each route's row, deltas summed (a
      // batch of searches touches each row once). The first row is the first day's ALL row.
      const byRow = new Map<string, { day: string; scope: string; delta: AggregateDelta }>();
      for (const c of contributions) {
        for (const scope of [ALL_SCOPE, c.route]) {
          const key = `${c.day}|${scope}`;
          const row = byRow.get(key);
          if (row) row.delta = addDelta(row.delta, c.delta);
          else byRow.set(key, { day: c.day, scope, delta: c.delta });
        }
      }
      const rows = [...byRow.values()].map((row) => ({ eventId, shard, ...row }));
      const release = () =>
        mapLimit(rows, ROW_WRITES_IN_FLIGHT, ({ delta: _delta, ...row }) =>
          repository.releasePending(row),
        );
      if (state === "applied") {
        // A redelivery of a finished record: only make sure its in-flight marks are gone.
        await release();
        return;
      }
      let firstTime = rows.length === 0;
      if (rows.length > 0) {
        const added = await mapLimit(rows, ROW_WRITES_IN_FLIGHT, (row) => repository.addOnce(row));
        // The first row decides whether this delivery is the one that counted.
        firstTime = added[0] === true;
      }
      await repository.markApplied(eventId, clock.now());
      await release();
      if (!firstTime) return;
      if (failure) metrics.bookingFailure(failure.reason);
      for (const { events: event } of contributions) {
        if (event.kind === "search") metrics.search(event.cacheHit);
        if (event.kind === "booking") metrics.booking();
        if (event.kind === "cancellation") metrics.cancellation();
      }
    },
  };
}
