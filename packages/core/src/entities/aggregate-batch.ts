import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/**
 * The write-ahead record of one batch of counter updates of the analytics consumer: the rows it
 * adds to (day, scope and delta, as JSON) and its write shard. Written after its records'
 * claims and before any row, marked `applied` once every row counted it; a redelivered record
 * claimed by a `pending` batch finishes that batch instead of counting again (see
 * `repositories/aggregate-writes.ts`). Expires via TTL like the claims.
 */
export function createAggregateBatchEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "aggregateBatch", version: "1", service: serviceName },
      attributes: {
        batchId: { type: "string", required: true, readOnly: true },
        state: { type: ["pending", "applied"] as const, required: true },
        shard: { type: "number", required: true },
        /** `[{ day, scope, delta }]` as JSON (rows of one batch, summed). */
        rows: { type: "string", required: true },
        createdAt: { type: "string", required: true },
        ttl: { type: "number", required: true },
      },
      indexes: {
        byBatchId: {
          pk: { field: "pk", composite: ["batchId"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type AggregateBatchEntity = ReturnType<typeof createAggregateBatchEntity>;
