import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * One event on its way to one endpoint, with its attempt log.
 *
 * The partition is the ordering group (endpoint + booking): the deliveries a booking's events
 * make to one endpoint share it, sorted by when the event happened. That keeps them in one
 * stream shard (their INSERTs reach the queue in order) and lets the sender find the group's
 * head with one Query. Listed per endpoint on gsi1 (the delivery log); while pending, on gsi2
 * under a due-queue shard sorted by the next attempt (what the local worker polls).
 */
export function createWebhookDeliveryEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "webhookDelivery", version: "1", service: serviceName },
      attributes: {
        deliveryId: { type: "string", required: true, readOnly: true },
        endpointId: { type: "string", required: true, readOnly: true },
        tenantId: { type: "string", required: true, readOnly: true },
        /** The booking id (events of one booking are delivered in order), or the event id. */
        orderKey: { type: "string", required: true, readOnly: true },
        eventId: { type: "string", required: true, readOnly: true },
        eventType: { type: "string", required: true, readOnly: true },
        /** When the event happened (ISO instant): the order within the group. */
        occurredAt: { type: "string", required: true, readOnly: true },
        /** The exact body that is signed and sent on every attempt. */
        payload: { type: "string", required: true, readOnly: true },
        status: { type: WEBHOOK_DELIVERY_STATUSES, required: true },
        attemptCount: { type: "number", required: true },
        /** `{ at, statusCode?, error?, durationMs }` per attempt, oldest first (capped). */
        attempts: { type: "any", required: true },
        nextAttemptAt: { type: "string", required: true },
        /** `due#<shard>` while pending, "" once settled (leaves gsi2). */
        dueQueue: { type: "string", required: true },
        createdAt: { type: "string", required: true, readOnly: true },
        updatedAt: { type: "string", required: true },
        settledAt: { type: "string" },
        /** Epoch seconds; DynamoDB TTL removes the log entry after the retention. */
        ttl: { type: "number", required: true },
      },
      indexes: {
        byGroup: {
          pk: { field: "pk", composite: ["endpointId", "orderKey"], casing: "none" },
          sk: { field: "sk", composite: ["occurredAt", "deliveryId"], casing: "none" },
        },
        byEndpoint: {
          index: "gsi1",
          pk: { field: "gsi1pk", composite: ["endpointId"], casing: "none" },
          sk: { field: "gsi1sk", composite: ["createdAt", "deliveryId"], casing: "none" },
        },
        byDueQueue: {
          index: "gsi2",
          condition: (attr) => typeof attr.dueQueue === "string" && attr.dueQueue.length > 0,
          pk: { field: "gsi2pk", composite: ["dueQueue"], casing: "none" },
          sk: { field: "gsi2sk", composite: ["nextAttemptAt", "deliveryId"], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type WebhookDeliveryEntity = ReturnType<typeof createWebhookDeliveryEntity>;
