import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/**
 * Daily analytics counters of one scope ("ALL" or a route such as "JFK-LAX") in one write
 * shard of one day. The partition is the *month* and shard, the sort key the day and scope:
 * counter updates are spread over N partitions (shard = hash(stream eventID) % N; the writes of
 * a day all land in its month, so a month partition takes what a day partition would), and one
 * Query per (month, shard) with a day range reads the overall rows and every route row of those
 * days, which is how readers build totals and per-route totals without scanning: a year is
 * 13 × N Queries, not 366 × N. Revenue is kept per currency in flat
 * attributes `rev_<CUR>` / `cxlrev_<CUR>` (DynamoDB cannot `ADD` into a map member that does
 * not exist yet), and attributes `b_<batchId>` mark the consumer's batches that counted the row
 * and may still be rolled forward (see `repositories/aggregate-writes.ts`; `pending` is the
 * in-flight set of the earlier per-record protocol). Written through `repositories/aggregate-writes.ts`
 * and read through `repositories/analytics.ts` only.
 */
export function createDailyAggregateEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "dailyAggregate", version: "2", service: serviceName },
      attributes: {
        /** `YYYY-MM` of `day` (the partition). */
        month: { type: "string", required: true, readOnly: true },
        day: { type: "string", required: true, readOnly: true },
        shard: { type: "number", required: true, readOnly: true },
        scope: { type: "string", required: true, readOnly: true },
        searches: { type: "number", default: 0 },
        cacheHits: { type: "number", default: 0 },
        bookings: { type: "number", default: 0 },
        cancellations: { type: "number", default: 0 },
        pending: { type: "set", items: "string" },
      },
      indexes: {
        byMonthShard: {
          pk: { field: "pk", composite: ["month", "shard"], casing: "none" },
          sk: { field: "sk", composite: ["day", "scope"], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type DailyAggregateEntity = ReturnType<typeof createDailyAggregateEntity>;
