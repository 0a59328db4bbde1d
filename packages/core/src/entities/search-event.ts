import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/** One search, for analytics (fed to the stream consumer). Expires via TTL after a week. */
export function createSearchEventEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "searchEvent", version: "1", service: serviceName },
      attributes: {
        searchId: { type: "string", required: true, readOnly: true },
        tenantId: { type: "string", required: true, readOnly: true },
        kind: { type: ["flight", "hotel"] as const, required: true, readOnly: true },
        route: { type: "string", required: true, readOnly: true },
        day: { type: "string", required: true, readOnly: true },
        cacheStatus: { type: ["hit", "miss", "stale"] as const, required: true, readOnly: true },
        resultCount: { type: "number", required: true, readOnly: true },
        createdAt: { type: "string", required: true, readOnly: true },
        ttl: { type: "number", required: true },
      },
      indexes: {
        byId: {
          pk: { field: "pk", composite: ["searchId"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type SearchEventEntity = ReturnType<typeof createSearchEventEntity>;

/**
 * Many searches in one item: what a long-lived process writes per flush of its search-event
 * queue (one PutItem and one stream record for up to `MAX_SEARCH_EVENTS_PER_BATCH` searches,
 * instead of one of each per search). Same TTL as single events.
 */
export function createSearchEventBatchEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "searchEventBatch", version: "1", service: serviceName },
      attributes: {
        batchId: { type: "string", required: true, readOnly: true },
        /**
         * The searches as one string (`encodeSearchEventBatch`: deflated JSON of SearchEventRecord
         * objects; plain JSON in items written before): one attribute to marshal, validate and
         * stream instead of a list of up to 500 maps of 8 attributes.
         */
        events: { type: "string", required: true, readOnly: true },
        /** How many searches `events` holds. */
        count: { type: "number", required: true, readOnly: true },
        createdAt: { type: "string", required: true, readOnly: true },
        ttl: { type: "number", required: true },
      },
      indexes: {
        byId: {
          pk: { field: "pk", composite: ["batchId"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type SearchEventBatchEntity = ReturnType<typeof createSearchEventBatchEntity>;
