import {
  newId,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
  type WebhookRepository,
  webhookDeliveryId,
} from "@travel/core";
import { WebhookLimitError, WebhookNotFoundError } from "./errors.js";
import { eventPayload, TEST_EVENT_TYPE, type WebhookEventType } from "./events.js";
import { generateWebhookSecret, type SecretBox } from "./secrets.js";
import type { UrlPolicy } from "./url-policy.js";

/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** Endpoints one tenant may register. */
export const MAX_ENDPOINTS_PER_TENANT = 20;

export interface WebhookServiceDeps {
  repository: WebhookRepository;
  secrets: SecretBox;
  urlPolicy: UrlPolicy;
  clock: { now(): Date };
}

export type WebhookService = ReturnType<typeof createWebhookService>;

/**
 * What the API's `/v1/webhooks` routes do, per tenant. Secrets leave this module in plain text
 * only in the answers of `createEndpoint` and `rotateSecret`; everything stored is encrypted.
 *
 * @example
 * const { endpoint, secret } = await webhooks.createEndpoint("acme", { url, events });
 */
export function createWebhookService(deps: WebhookServiceDeps) {
  const { repository, secrets, clock } = deps;

  async function ownEndpoint(tenantId: string, endpointId: string) {
    const endpoint = await repository.getEndpoint(endpointId);
    if (!endpoint || endpoint.tenantId !== tenantId) throw new WebhookNotFoundError(endpointId);
    return endpoint;
  }

  return {
    /** Registers an endpoint after checking its URL (DNS included); the secret is shown once. */
    async createEndpoint(
      tenantId: string,
      input: { url: string; events: WebhookEventType[] },
    ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
      await deps.urlPolicy.check(input.url);
      const existing = await repository.listEndpoints(tenantId, MAX_ENDPOINTS_PER_TENANT + 1);
      if (existing.length >= MAX_ENDPOINTS_PER_TENANT) {
        throw new WebhookLimitError(MAX_ENDPOINTS_PER_TENANT);
      }
      const now = clock.now();
      const endpointId = newId("webhook", now.getTime());
      const secret = generateWebhookSecret();
      const endpoint = await repository.createEndpoint({
        endpointId,
        tenantId,
        url: input.url,
        events: [...new Set(input.events)],
        secretCiphertext: secrets.seal(secret, endpointId),
        revision: 0,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
      return { endpoint, secret };
    },

    list: (tenantId: string) => repository.listEndpoints(tenantId),

    get: ownEndpoint,

    async delete(tenantId: string, endpointId: string): Promise<WebhookEndpointRecord> {
      const endpoint = await ownEndpoint(tenantId, endpointId);
      await repository.deleteEndpoint(endpointId);
      return endpoint;
    },

    /** A new secret; the previous one keeps signing alongside it for 24 h. */
    async rotateSecret(
      tenantId: string,
      endpointId: string,
    ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
      for (let tries = 0; ; tries++) {
        const endpoint = await ownEndpoint(tenantId, endpointId);
        const now = clock.now();
        const secret = generateWebhookSecret();
        const rotated = await repository.rotateSecret({
          endpointId,
          revision: endpoint.revision,
          secretCiphertext: secrets.seal(secret, endpointId),
          previousSecretCiphertext: endpoint.secretCiphertext,
          previousExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
          now,
        });
        if (rotated) return { endpoint: rotated, secret };
        // A concurrent rotation won; rotate on top of it (the loser's secret was never shown).
        if (tries >= 3) throw new Error(`webhook ${endpointId}: rotation kept losing races`);
      }
    },

    /** Queues a `webhook.test` event to the endpoint (delivered like any other event). */
    async sendTest(
      tenantId: string,
      endpointId: string,
    ): Promise<{ eventId: string; delivery: { deliveryId: string; createdAt: string } }> {
      const endpoint = await ownEndpoint(tenantId, endpointId);
      const now = clock.now();
      const eventId = newId("webhookEvent", now.getTime());
      const createdAt = now.toISOString();
      const deliveryId = webhookDeliveryId(eventId, endpoint.endpointId);
      await repository.createDelivery({
        deliveryId,
        endpointId,
        tenantId,
        orderKey: eventId,
        eventId,
        eventType: TEST_EVENT_TYPE,
        occurredAt: createdAt,
        payload: eventPayload({
          eventId,
          type: TEST_EVENT_TYPE,
          createdAt,
          data: { webhookId: endpointId, message: "This is a test event." },
        }),
        now,
      });
      return { eventId, delivery: { deliveryId, createdAt } };
    },

    async listDeliveries(
      tenantId: string,
      endpointId: string,
      page: { limit: number; cursor?: string | null },
    ): Promise<{ items: WebhookDeliveryRecord[]; cursor: string | null }> {
      await ownEndpoint(tenantId, endpointId);
      return repository.listByEndpoint(endpointId, page);
    },
  };
}
