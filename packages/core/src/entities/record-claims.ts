import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/**
 * Which aggregate batch claimed the change-stream records created in one second (the records'
 * `ApproximateCreationDateTime`, which a redelivery carries unchanged), in one of a few buckets
 * (hash of the eventID): a string set of `<eventID>@<batchId>`. One small UpdateItem claims all
 * of a batch's records of one (second, bucket), instead of one marker item per record; a
 * redelivery reads the claims of its records' (second, bucket) keys. Expires via TTL after the
 * stream's retention (24 h) plus margin, when no redelivery is possible any more.
 */
export function createRecordClaimsEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "recordClaims", version: "1", service: serviceName },
      attributes: {
        /** Epoch second the records were created in the stream. */
        second: { type: "number", required: true, readOnly: true },
        bucket: { type: "number", required: true, readOnly: true },
        claims: { type: "set", items: "string" },
        ttl: { type: "number", required: true },
      },
      indexes: {
        bySecond: {
          pk: { field: "pk", composite: ["second", "bucket"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type RecordClaimsEntity = ReturnType<typeof createRecordClaimsEntity>;
