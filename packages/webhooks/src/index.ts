/**
 * The endpoints' side of webhooks: registration, secrets, events, the producer, URL checks. What
 * signs and sends (the sender, the transport, the local worker) is `@travel/webhooks/delivery`,
 * so the API Lambda, which only registers endpoints and queues events, never bundles it.
 */
export type { RetryPolicy } from "./backoff.js";
export { DEFAULT_RETRY_POLICY, nextAttemptAt } from "./backoff.js";
export type { DeliveryRef } from "./delivery-ref.js";
export {
  WebhookLimitError,
  WebhookNotFoundError,
  WebhookSecretError,
  WebhookUrlRejectedError,
} from "./errors.js";
export type { BookingEvent, WebhookEventType } from "./events.js";
export { bookingEvents, TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from "./events.js";
export type { DeliveryDispatcher, WebhookProducer, WebhookProducerDeps } from "./producer.js";
export { createWebhookProducer, WEBHOOK_STREAM_ENTITIES } from "./producer.js";
export type { SecretBox } from "./secrets.js";
export { createSecretBox, generateWebhookSecret } from "./secrets.js";
export type { WebhookService, WebhookServiceDeps } from "./service.js";
export {
  createWebhookService,
  MAX_ENDPOINTS_PER_TENANT,
  ROTATION_OVERLAP_MS,
} from "./service.js";
export type { CheckedUrl, Resolver, UrlPolicy, UrlPolicyOptions } from "./url-policy.js";
export { createUrlPolicy, isPublicAddress, systemResolver } from "./url-policy.js";
