import { Entity } from "electrodb";
import { serviceName } from "../table.js";
import type { EntityConfig } from "./types.js";

/**
 * Daily analytics counters for one scope ("ALL" or a route such as "JFK-LAX"), write-sharded:
 * each counter lives in `shard` 0..N-1 items and readers sum the shards, so a hot day or route
 * spreads its `ADD`s over N partitions (see @travel/analytics).
 */
export function createDailyAggregateEntity({ client, table }: EntityConfig) {
  return new Entity(
    {
      model: { entity: "dailyAggregate", version: "1", service: serviceName },
      attributes: {
        scope: { type: "string", required: true, readOnly: true },
        day: { type: "string", required: true, readOnly: true },
        shard: { type: "number", required: true, readOnly: true },
        searches: { type: "number", default: 0 },
        cacheHits: { type: "number", default: 0 },
        bookings: { type: "number", default: 0 },
        cancellations: { type: "number", default: 0 },
        /** currency → minor units of revenue (bookings minus cancellations). */
        revenue: { type: "any" },
      },
      indexes: {
        byScopeDay: {
          pk: { field: "pk", composite: ["scope", "day", "shard"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type DailyAggregateEntity = ReturnType<typeof createDailyAggregateEntity>;
