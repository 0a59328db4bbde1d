export type { RetryPolicy } from "./backoff.js";
export { DEFAULT_RETRY_POLICY, nextAttemptAt } from "./backoff.js";
export {
  WebhookLimitError,
  WebhookNotFoundError,
  WebhookSecretError,
  WebhookUrlRejectedError,
} from "./errors.js";
export type { BookingEvent, WebhookEventType } from "./events.js";
export { bookingEvents, TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from "./events.js";
export type { LocalWebhookWorker, LocalWebhookWorkerOptions } from "./local-worker.js";
export { createLocalWebhookWorker } from "./local-worker.js";
export type { DeliveryDispatcher, WebhookProducer, WebhookProducerDeps } from "./producer.js";
export { createWebhookProducer, WEBHOOK_STREAM_ENTITIES } from "./producer.js";
export type { SecretBox } from "./secrets.js";
export { createSecretBox, generateWebhookSecret } from "./secrets.js";
export type { AttemptResult, DeliveryRef, WebhookSender, WebhookSenderDeps } from "./sender.js";
export { createWebhookSender } from "./sender.js";
export type { WebhookService, WebhookServiceDeps } from "./service.js";
export {
  createWebhookService,
  MAX_ENDPOINTS_PER_TENANT,
  ROTATION_OVERLAP_MS,
} from "./service.js";
export { signatureHeaders } from "./signature.js";
export type { SendResult, WebhookTransport, WebhookTransportOptions } from "./transport.js";
export { createWebhookTransport } from "./transport.js";
export type { CheckedUrl, Resolver, UrlPolicy, UrlPolicyOptions } from "./url-policy.js";
export { createUrlPolicy, isPublicAddress, systemResolver } from "./url-policy.js";
