import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/**
 * A tenant's webhook endpoint. Its signing secrets are stored encrypted (`secretCiphertext`, and
 * during a rotation's 24 h overlap `previousSecretCiphertext`): the sender must sign with them,
 * so they cannot be hashed like API keys. `revision` guards rotations (single-item conditional
 * writes). Listed per tenant on gsi1, oldest first.
 */
export function createWebhookEndpointEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "webhookEndpoint", version: "1", service: serviceName },
      attributes: {
        endpointId: { type: "string", required: true, readOnly: true },
        tenantId: { type: "string", required: true, readOnly: true },
        url: { type: "string", required: true, readOnly: true },
        events: { type: "list", items: { type: "string" }, required: true, readOnly: true },
        secretCiphertext: { type: "string", required: true },
        previousSecretCiphertext: { type: "string" },
        /** Until when the previous secret still signs (ISO instant). */
        previousSecretExpiresAt: { type: "string" },
        revision: { type: "number", required: true },
        createdAt: { type: "string", required: true, readOnly: true },
        updatedAt: { type: "string", required: true },
      },
      indexes: {
        byId: {
          pk: { field: "pk", composite: ["endpointId"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
        byTenant: {
          index: "gsi1",
          pk: { field: "gsi1pk", composite: ["tenantId"], casing: "none" },
          sk: { field: "gsi1sk", composite: ["createdAt", "endpointId"], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type WebhookEndpointEntity = ReturnType<typeof createWebhookEndpointEntity>;
