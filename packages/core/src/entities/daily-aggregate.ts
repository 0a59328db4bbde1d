import { Entity } from "electrodb";
import { serviceName } from "../table.js";
import type { EntityConfig } from "./types.js";

/**
 * Daily analytics counters of one scope ("ALL" or a route such as "JFK-LAX") in one write
 * shard of one day. The partition is the day *and* shard, the sort key the scope: every
 * counter update of a day is spread over N partitions (shard = hash(stream eventID) % N), and
 * one Query per (day, shard) reads the overall row and every route row of that day, which is
 * how readers build per-route totals without scanning. Revenue is kept per currency in flat
 * attributes `rev_<CUR>` / `cxlrev_<CUR>` (DynamoDB cannot `ADD` into a map member that does
 * not exist yet), and `pending` is the set of stream eventIDs whose `ADD` is in flight (see
 * `repositories/analytics.ts`). Written and read through `repositories/analytics.ts` only.
 */
export function createDailyAggregateEntity({ client, table }: EntityConfig) {
  return new Entity(
    {
      model: { entity: "dailyAggregate", version: "1", service: serviceName },
      attributes: {
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
        byDayShard: {
          pk: { field: "pk", composite: ["day", "shard"], casing: "none" },
          sk: { field: "sk", composite: ["scope"], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type DailyAggregateEntity = ReturnType<typeof createDailyAggregateEntity>;
