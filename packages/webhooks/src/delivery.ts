/**
 * Signing and delivery: what the delivery Lambda (`handlers/delivery.ts`) and local mode's
 * in-process worker run. Kept out of the package's main entry so the API does not carry it.
 */
export type { LocalWebhookWorker, LocalWebhookWorkerOptions } from "./local-worker.js";
export { createLocalWebhookWorker } from "./local-worker.js";
export type { AttemptResult, WebhookSender, WebhookSenderDeps } from "./sender.js";
export { createWebhookSender } from "./sender.js";
export { signatureHeaders } from "./signature.js";
export type { SendResult, WebhookTransport, WebhookTransportOptions } from "./transport.js";
export { createWebhookTransport } from "./transport.js";
