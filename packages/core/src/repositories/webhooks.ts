import { createHash } from "node:crypto";
import type { WebhookDeliveryStatus } from "../entities/webhook-delivery.js";
import { isConditionalCheckFailed } from "../errors.js";
import { ID_PREFIXES } from "../ids.js";
import type { TravelService } from "../service.js";

export type { WebhookDeliveryStatus } from "../entities/webhook-delivery.js";
export { WEBHOOK_DELIVERY_STATUSES } from "../entities/webhook-delivery.js";

export interface WebhookEndpointRecord {
  endpointId: string;
  tenantId: string;
  url: string;
  events: string[];
  secretCiphertext: string;
  previousSecretCiphertext?: string;
  previousSecretExpiresAt?: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookAttempt {
  at: string;
  /** The receiver's status code; absent when no answer came (refused, timeout, network). */
  statusCode?: number;
  /** Why the attempt failed, without the receiver's body. */
  error?: string;
  durationMs: number;
}

export interface WebhookDeliveryRecord {
  deliveryId: string;
  endpointId: string;
  tenantId: string;
  orderKey: string;
  eventId: string;
  eventType: string;
  occurredAt: string;
  payload: string;
  status: WebhookDeliveryStatus;
  attemptCount: number;
  attempts: WebhookAttempt[];
  nextAttemptAt: string;
  dueQueue: string;
  createdAt: string;
  updatedAt: string;
  settledAt?: string;
  ttl: number;
}

/** gsi2 partitions of the due queue, so a burst of pending deliveries spreads over several. */
export const WEBHOOK_DUE_SHARDS = 4;
/** Attempts kept in a delivery's log (the count goes on). */
export const MAX_LOGGED_ATTEMPTS = 30;
/** How long a delivery's log is kept after it was created. */
export const WEBHOOK_LOG_RETENTION_DAYS = 30;

function dueQueueFor(deliveryId: string): string {
  const shard = createHash("sha256").update(deliveryId).digest()[0]! % WEBHOOK_DUE_SHARDS;
  return `due#${shard}`;
}

export function webhookDueQueues(): string[] {
  return Array.from({ length: WEBHOOK_DUE_SHARDS }, (_, i) => `due#${i}`);
}

/** A deterministic id: the same inputs (a redelivered stream record) give the same id. */
export function derivedId(prefix: string, ...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest("base64url");
  return `${prefix}${digest.slice(0, 32)}`;
}

/** The event of `type` about `subject` (a booking): one id however often the change is seen. */
export function webhookEventId(subject: string, type: string): string {
  return derivedId(ID_PREFIXES.webhookEvent, subject, type);
}

export function webhookDeliveryId(eventId: string, endpointId: string): string {
  return derivedId(ID_PREFIXES.webhookDelivery, eventId, endpointId);
}

/** The outcome of one attempt, as the sender records it. */
export type WebhookAttemptOutcome =
  | { status: "delivered"; attempt: WebhookAttempt; now: Date }
  | { status: "failed"; attempt: WebhookAttempt; now: Date }
  | { status: "pending"; attempt: WebhookAttempt; now: Date; nextAttemptAt: Date };

type EndpointItem = Omit<WebhookEndpointRecord, "events"> & { events: string[] };

/**
 * Storage of webhook endpoints and deliveries. Every write is one conditional single-item
 * operation: creating a delivery twice (a redelivered stream record) is a no-op, and an attempt
 * is recorded only against the attempt count it was made at, so two senders racing on the same
 * delivery log it once.
 */
export function createWebhookRepository(db: TravelService) {
  const { webhookEndpoint, webhookDelivery } = db.entities;

  return {
    async createEndpoint(record: WebhookEndpointRecord): Promise<WebhookEndpointRecord> {
      await webhookEndpoint.create(record).go();
      return record;
    },

    async getEndpoint(endpointId: string): Promise<WebhookEndpointRecord | undefined> {
      const { data } = await webhookEndpoint.get({ endpointId }).go({ consistent: true });
      return (data as EndpointItem | null) ?? undefined;
    },

    /** A tenant's endpoints, oldest first (a tenant has a handful; at most `limit`). */
    async listEndpoints(tenantId: string, limit = 100): Promise<WebhookEndpointRecord[]> {
      const { data } = await webhookEndpoint.query.byTenant({ tenantId }).go({ limit });
      return data as EndpointItem[];
    },

    /** Deletes an endpoint; `false` when there was none. */
    async deleteEndpoint(endpointId: string): Promise<boolean> {
      const { data } = await webhookEndpoint.delete({ endpointId }).go({ response: "all_old" });
      return data !== null && data !== undefined;
    },

    /**
     * Replaces the signing secret; the old one keeps signing until `previousExpiresAt`.
     * `undefined` when the endpoint changed since `revision` was read (the caller re-reads).
     */
    async rotateSecret(input: {
      endpointId: string;
      revision: number;
      secretCiphertext: string;
      previousSecretCiphertext: string;
      previousExpiresAt: Date;
      now: Date;
    }): Promise<WebhookEndpointRecord | undefined> {
      try {
        const { data } = await webhookEndpoint
          .patch({ endpointId: input.endpointId })
          .set({
            secretCiphertext: input.secretCiphertext,
            previousSecretCiphertext: input.previousSecretCiphertext,
            previousSecretExpiresAt: input.previousExpiresAt.toISOString(),
            revision: input.revision + 1,
            updatedAt: input.now.toISOString(),
          })
          .where(({ revision }, { eq }) => eq(revision, input.revision))
          .go({ response: "all_new" });
        return data as EndpointItem;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    },

    /** Creates a pending delivery; `false` when it already exists (nothing is overwritten). */
    async createDelivery(input: {
      deliveryId: string;
      endpointId: string;
      tenantId: string;
      orderKey: string;
      eventId: string;
      eventType: string;
      occurredAt: string;
      payload: string;
      now: Date;
    }): Promise<boolean> {
      const at = input.now.toISOString();
      try {
        await webhookDelivery
          .create({
            ...input,
            status: "pending",
            attemptCount: 0,
            attempts: [],
            nextAttemptAt: at,
            dueQueue: dueQueueFor(input.deliveryId),
            createdAt: at,
            updatedAt: at,
            ttl: Math.floor(input.now.getTime() / 1000) + WEBHOOK_LOG_RETENTION_DAYS * 86_400,
          })
          .go();
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async getDelivery(key: {
      endpointId: string;
      orderKey: string;
      occurredAt: string;
      deliveryId: string;
    }): Promise<WebhookDeliveryRecord | undefined> {
      const { data } = await webhookDelivery.get(key).go({ consistent: true });
      return (data as WebhookDeliveryRecord | null) ?? undefined;
    },

    /** The group's deliveries in event order (one booking's events to one endpoint: a few). */
    async listGroup(endpointId: string, orderKey: string): Promise<WebhookDeliveryRecord[]> {
      const { data } = await webhookDelivery.query
        .byGroup({ endpointId, orderKey })
        .go({ consistent: true, pages: "all" });
      return data as WebhookDeliveryRecord[];
    },

    /** An endpoint's delivery log, newest first. */
    async listByEndpoint(
      endpointId: string,
      page: { limit: number; cursor?: string | null },
    ): Promise<{ items: WebhookDeliveryRecord[]; cursor: string | null }> {
      const { data, cursor } = await webhookDelivery.query
        .byEndpoint({ endpointId })
        .go({ order: "desc", limit: page.limit, cursor: page.cursor ?? null });
      return { items: data as WebhookDeliveryRecord[], cursor };
    },

    /** Pending deliveries whose next attempt is due at `now`, across the due-queue shards. */
    async listDue(now: Date, limit: number): Promise<WebhookDeliveryRecord[]> {
      const due = await Promise.all(
        webhookDueQueues().map(async (dueQueue) => {
          const { data } = await webhookDelivery.query
            .byDueQueue({ dueQueue })
            .lte({ nextAttemptAt: now.toISOString(), deliveryId: "\uffff" })
            .go({ limit });
          return data as WebhookDeliveryRecord[];
        }),
      );
      return due
        .flat()
        .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt))
        .slice(0, limit);
    },

    /**
     * Records one attempt made at `attemptCount` and the delivery's new state. `undefined` when
     * another sender recorded that attempt first, or the delivery settled meanwhile.
     */
    async recordAttempt(
      delivery: WebhookDeliveryRecord,
      outcome: WebhookAttemptOutcome,
    ): Promise<WebhookDeliveryRecord | undefined> {
      const at = outcome.now.toISOString();
      const attempts = [...delivery.attempts, outcome.attempt].slice(-MAX_LOGGED_ATTEMPTS);
      const settled = outcome.status !== "pending";
      try {
        const { data } = await webhookDelivery
          .patch({
            endpointId: delivery.endpointId,
            orderKey: delivery.orderKey,
            occurredAt: delivery.occurredAt,
            deliveryId: delivery.deliveryId,
          })
          .set({
            status: outcome.status,
            attemptCount: delivery.attemptCount + 1,
            attempts,
            nextAttemptAt: outcome.status === "pending" ? outcome.nextAttemptAt.toISOString() : at,
            dueQueue: settled ? "" : dueQueueFor(delivery.deliveryId),
            updatedAt: at,
            ...(settled ? { settledAt: at } : {}),
          })
          .where(
            ({ status, attemptCount }, { eq }) =>
              `${eq(status, "pending")} AND ${eq(attemptCount, delivery.attemptCount)}`,
          )
          .go({ response: "all_new" });
        return data as WebhookDeliveryRecord;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    },
  };
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
