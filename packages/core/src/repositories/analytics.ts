import { BatchGetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors.js";
import type { TravelService } from "../service.js";
import { monthOf } from "../time.js";

/** The scope of the platform-wide counters; every other scope is a route ("JFK-LAX", "PAR"). */
export const ALL_SCOPE = "ALL";

/** What one change-stream record adds to one scope's counters of one day. */
export interface AggregateDelta {
  searches?: number;
  cacheHits?: number;
  bookings?: number;
  cancellations?: number;
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

const REVENUE_PREFIX = "rev_";
const CANCELLED_REVENUE_PREFIX = "cxlrev_";
const CURRENCY = /^[A-Z]{3}$/;
const BATCH_GET_LIMIT = 100;

type Key = Record<string, string>;

/**
 * Storage of the analytics aggregates and of the consumer's per-record progress.
 *
 * Exactly-once counting without transactions (the embedded engine has none): a record is
 * applied in four idempotent steps, and every crash point between them is safe to retry.
 * 1. `claim(eventId)` creates the record's marker as `claimed`, or returns `applied` if a
 *    previous delivery finished (→ duplicate, skip).
 * 2. `addOnce(...)` per scope: ONE conditional UpdateItem that `ADD`s the counters *and* adds
 *    the eventID to the row's `pending` set, on condition that the set does not contain it yet.
 *    Counting and remembering are atomic in the same item, so a retry after a crash between
 *    "added" and "marked" fails the condition instead of counting twice.
 * 3. `markApplied(eventId)`: from now on redeliveries stop at step 1.
 * 4. `releasePending(...)` removes the eventID from each row's `pending` set, which therefore
 *    only holds records in flight and stays small. A redelivery after a crash between 3 and 4
 *    stops at step 1 and runs 4 again (a DELETE from a set is idempotent).
 * Markers expire via TTL after the stream's 24 h retention plus margin.
 *
 * @example
 * const analytics = createAnalyticsRepository(db);
 * if ((await analytics.claim(id, now)) === "claimed") { ... }
 */
export function createAnalyticsRepository(db: TravelService) {
  const { dailyAggregate, streamMarker } = db.entities;
  const client = db.client;

  function aggregateKey(day: string, shard: number, scope: string): Key {
    return dailyAggregate.get({ month: monthOf(day), day, shard, scope }).params().Key as Key;
  }

  return {
    /** Step 1: returns "applied" when an earlier delivery of this record already finished. */
    async claim(
      eventId: string,
      now: Date,
      ttlSeconds = 48 * 3600,
    ): Promise<"claimed" | "applied"> {
      const params = streamMarker.get({ eventId }).params();
      const result = await client.send(
        new UpdateCommand({
          TableName: params.TableName,
          Key: params.Key,
          UpdateExpression:
            "SET #state = if_not_exists(#state, :claimed), #processedAt = :now, #ttl = :ttl, #e = :e, #v = :v, #eventId = :eventId",
          ExpressionAttributeNames: {
            "#state": "state",
            "#processedAt": "processedAt",
            "#ttl": "ttl",
            "#e": "__edb_e__",
            "#v": "__edb_v__",
            "#eventId": "eventId",
          },
          ExpressionAttributeValues: {
            ":claimed": "claimed",
            ":now": now.toISOString(),
            ":ttl": Math.floor(now.getTime() / 1000) + ttlSeconds,
            ":e": "streamMarker",
            ":v": "1",
            ":eventId": eventId,
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return result.Attributes?.state === "applied" ? "applied" : "claimed";
    },

    /**
     * Step 2: adds `delta` to one row, at most once per eventID. Returns false when the row
     * already counted this eventID (a retry after a crash), true when it counted it now.
     */
    async addOnce(input: {
      eventId: string;
      day: string;
      shard: number;
      scope: string;
      delta: AggregateDelta;
    }): Promise<boolean> {
      const names: Record<string, string> = {
        "#pending": "pending",
        "#e": "__edb_e__",
        "#v": "__edb_v__",
        "#month": "month",
        "#day": "day",
        "#shard": "shard",
        "#scope": "scope",
      };
      const values: Record<string, unknown> = {
        ":id": input.eventId,
        ":ids": new Set([input.eventId]),
        ":e": "dailyAggregate",
        ":v": "2",
        ":month": monthOf(input.day),
        ":day": input.day,
        ":shard": input.shard,
        ":scope": input.scope,
      };
      const adds = ["#pending :ids"];
      const counter = (attribute: string, amount: number | undefined) => {
        if (!amount) return;
        const token = `c${adds.length}`;
        names[`#${token}`] = attribute;
        values[`:${token}`] = amount;
        adds.push(`#${token} :${token}`);
      };
      counter("searches", input.delta.searches);
      counter("cacheHits", input.delta.cacheHits);
      counter("bookings", input.delta.bookings);
      counter("cancellations", input.delta.cancellations);
      for (const [prefix, money] of [
        [REVENUE_PREFIX, input.delta.revenue],
        [CANCELLED_REVENUE_PREFIX, input.delta.cancelledRevenue],
      ] as const) {
        if (!money) continue;
        if (!CURRENCY.test(money.currency)) {
          throw new RangeError(`"${money.currency}" is not an ISO 4217 currency code`);
        }
        counter(`${prefix}${money.currency}`, money.minor);
      }
      try {
        await client.send(
          new UpdateCommand({
            TableName: db.table,
            Key: aggregateKey(input.day, input.shard, input.scope),
            UpdateExpression: `SET #e = :e, #v = :v, #month = :month, #day = :day, #shard = :shard, #scope = :scope ADD ${adds.join(", ")}`,
            ConditionExpression: "attribute_not_exists(#pending) OR NOT contains(#pending, :id)",
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    /** Step 3. */
    async markApplied(eventId: string, now: Date): Promise<void> {
      await streamMarker
        .patch({ eventId })
        .set({ state: "applied", processedAt: now.toISOString() })
        .go({ response: "none" });
    },

    /** Step 4: forgets the eventID in a row's in-flight set (idempotent). */
    async releasePending(input: {
      eventId: string;
      day: string;
      shard: number;
      scope: string;
    }): Promise<void> {
      await client
        .send(
          new UpdateCommand({
            TableName: db.table,
            Key: aggregateKey(input.day, input.shard, input.scope),
            UpdateExpression: "DELETE #pending :ids",
            ConditionExpression: "attribute_exists(#pending)",
            ExpressionAttributeNames: { "#pending": "pending" },
            ExpressionAttributeValues: { ":ids": new Set([input.eventId]) },
          }),
        )
        .catch((error: unknown) => {
          // The row has no in-flight set at all: nothing to release.
          if (!isConditionalCheckFailed(error)) throw error;
        });
    },

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
        const params = dailyAggregate.query
          .byMonthShard({ month, shard })
          .between({ day: from }, { day: after })
          .params();
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({ ...(params as object), ExclusiveStartKey } as ConstructorParameters<
              typeof QueryCommand
            >[0]),
          );
          for (const item of page.Items ?? []) {
            const day = String(item.day);
            if (day < from || day > to) continue;
            const scope = String(item.scope);
            const sum = rows.get(scope) ?? emptyCounts();
            rows.set(scope, addCounts(sum, countsOf(item)));
          }
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
      }
      return rows;
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
