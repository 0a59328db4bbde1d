import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/** One `Idempotency-Key` of one tenant: the request's hash, its booking and, once done, the answer. */
export function createIdempotencyEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "idempotency", version: "1", service: serviceName },
      attributes: {
        tenantId: { type: "string", required: true, readOnly: true },
        idempotencyKey: { type: "string", required: true, readOnly: true },
        requestHash: { type: "string", required: true, readOnly: true },
        status: { type: ["in_progress", "completed"] as const, required: true },
        bookingId: { type: "string", required: true, readOnly: true },
        responseStatus: { type: "number" },
        responseBody: { type: "string" },
        lockedUntil: { type: "number" },
        createdAt: { type: "string", required: true, readOnly: true },
        /** Epoch seconds; DynamoDB TTL removes the record 24 h after creation. */
        ttl: { type: "number", required: true },
      },
      indexes: {
        byKey: {
          pk: { field: "pk", composite: ["tenantId", "idempotencyKey"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type IdempotencyEntity = ReturnType<typeof createIdempotencyEntity>;
