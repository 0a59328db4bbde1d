import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/** Claims a 6-character booking reference so it is unique (conditional put on its own key). */
export function createBookingReferenceEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "bookingReference", version: "1", service: serviceName },
      attributes: {
        reference: { type: "string", required: true, readOnly: true },
        bookingId: { type: "string", required: true, readOnly: true },
        createdAt: { type: "string", required: true, readOnly: true },
      },
      indexes: {
        byReference: {
          pk: { field: "pk", composite: ["reference"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
      },
    },
    { client, table },
  );
}
