import { Entity } from "electrodb";
import { serviceName } from "../table.js";
import type { EntityConfig } from "./types.js";

/** Marks one change-stream record as processed (conditional put), so redelivery counts once. */
export function createStreamMarkerEntity({ client, table }: EntityConfig) {
  return new Entity(
    {
      model: { entity: "streamMarker", version: "1", service: serviceName },
      attributes: {
        eventId: { type: "string", required: true, readOnly: true },
        processedAt: { type: "string", required: true, readOnly: true },
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
