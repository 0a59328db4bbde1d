import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/**
 * Progress of one change-stream record through the analytics consumer: `claimed` while its
 * counter updates run, `applied` once they all landed. Expires via TTL after the stream's
 * retention (24 h) plus margin, when no redelivery of the record is possible any more.
 */
export function createStreamMarkerEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "streamMarker", version: "1", service: serviceName },
      attributes: {
        eventId: { type: "string", required: true, readOnly: true },
        state: { type: ["claimed", "applied"] as const, required: true },
        processedAt: { type: "string", required: true },
        ttl: { type: "number", required: true },
      },
      indexes: {
        byEventId: {
          pk: { field: "pk", composite: ["eventId"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type StreamMarkerEntity = ReturnType<typeof createStreamMarkerEntity>;
