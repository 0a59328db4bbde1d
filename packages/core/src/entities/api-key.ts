import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/**
 * An API key, stored by the SHA-256 of its secret (the secret itself is never stored), so
 * authentication is one strongly consistent GetItem. Listed per tenant on gsi1, found by its
 * public id on gsi2 for revocation.
 */
export function createApiKeyEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "apiKey", version: "1", service: serviceName },
      attributes: {
        keyHash: { type: "string", required: true, readOnly: true },
        keyId: { type: "string", required: true, readOnly: true },
        tenantId: { type: "string", required: true, readOnly: true },
        name: { type: "string", required: true },
        scopes: { type: "set", items: "string", required: true },
        rateLimitPerMinute: { type: "number", required: true },
        createdAt: { type: "string", required: true, readOnly: true },
        revokedAt: { type: "string" },
      },
      indexes: {
        byHash: {
          pk: { field: "pk", composite: ["keyHash"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
        byTenant: {
          index: "gsi1",
          pk: { field: "gsi1pk", composite: ["tenantId"], casing: "none" },
          sk: { field: "gsi1sk", composite: ["createdAt", "keyId"], casing: "none" },
        },
        byKeyId: {
          index: "gsi2",
          pk: { field: "gsi2pk", composite: ["keyId"], casing: "none" },
          sk: { field: "gsi2sk", composite: [], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type ApiKeyEntity = ReturnType<typeof createApiKeyEntity>;
