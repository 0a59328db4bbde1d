import type {
  WebhookAttempt,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookRepository,
} from "@travel/core";
import { DEFAULT_RETRY_POLICY, nextAttemptAt, type RetryPolicy } from "./backoff.js";
import type { DeliveryRef } from "./delivery-ref.js";
import type { SecretBox } from "./secrets.js";
import { signatureHeaders } from "./signature.js";
import type { WebhookTransport } from "./transport.js";

/** One attempt's result, for the queue: done with the message, or see it again at `at`. */
export type AttemptResult =
  | { kind: "settled"; status: "delivered" | "failed" | "gone" }
  | { kind: "retry"; at: Date; reason: "failed" | "not_due" | "waiting_for_earlier" };

export interface WebhookSenderDeps {
  repository: WebhookRepository;
  secrets: SecretBox;
  transport: WebhookTransport;
  clock: { now(): Date };
  retry?: RetryPolicy;
  logger?: { warn(message: string, fields?: Record<string, unknown>): void };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;

/**
 * Makes one delivery attempt and records it. Shared by the SQS delivery Lambda and the local
 * worker, so both keep the same rules:
 * - only the head of its ordering group (the earliest pending delivery of one booking to one
 *   endpoint) is sent; a later one waits until the head has settled;
 * - an attempt is recorded against the attempt count it was made at (two senders given the same
 *   message log it once);
 * - a failure is retried with exponential backoff until 24 h after the event, then the delivery
 *   is `failed` (and the next one of its group goes).
 *
 * @example
 * const result = await sender.attempt(ref); // { kind: "retry", at } → show the message again then
 */
export function createWebhookSender(deps: WebhookSenderDeps) {
  const { repository, clock } = deps;
  const retry = deps.retry ?? DEFAULT_RETRY_POLICY;

  function signingSecrets(endpoint: WebhookEndpointRecord, now: Date): string[] {
    const secrets = [deps.secrets.open(endpoint.secretCiphertext, endpoint.endpointId)];
    if (
      endpoint.previousSecretCiphertext &&
      endpoint.previousSecretExpiresAt &&
      Date.parse(endpoint.previousSecretExpiresAt) > now.getTime()
    ) {
      secrets.push(deps.secrets.open(endpoint.previousSecretCiphertext, endpoint.endpointId));
    }
    return secrets;
  }

  /** Settles a delivery without sending it (endpoint gone, retry window spent unsent). */
  async function giveUp(delivery: WebhookDeliveryRecord, error: string, now: Date) {
    return repository.recordAttempt(delivery, {
      status: "failed",
      attempt: { at: now.toISOString(), error, durationMs: 0 },
      now,
    });
  }

  function expired(delivery: WebhookDeliveryRecord, now: Date): boolean {
    return now.getTime() >= Date.parse(delivery.createdAt) + retry.retryForMs;
  }

  async function attempt(ref: DeliveryRef): Promise<AttemptResult> {
    const delivery = await repository.getDelivery(ref);
    if (delivery?.status !== "pending") return { kind: "settled", status: "gone" };
    let now = clock.now();
    const due = Date.parse(delivery.nextAttemptAt);
    if (due > now.getTime() + 1_000) return { kind: "retry", at: new Date(due), reason: "not_due" };

    // Order per booking: the earliest pending delivery of the group goes first.
    const group = await repository.listGroup(delivery.endpointId, delivery.orderKey);
    for (const earlier of group) {
      if (earlier.deliveryId === delivery.deliveryId) break;
      if (earlier.status !== "pending") continue;
      if (expired(earlier, now)) {
        // Its own message was lost (or dead-lettered) before the window ended: settle it here
        // so the group is not blocked for ever.
        await giveUp(earlier, "retry window ended before it could be sent", now);
        continue;
      }
      const at = new Date(Math.max(Date.parse(earlier.nextAttemptAt), now.getTime() + 1_000));
      return { kind: "retry", at, reason: "waiting_for_earlier" };
    }

    const endpoint = await repository.getEndpoint(delivery.endpointId);
    if (!endpoint) {
      await giveUp(delivery, "the endpoint was deleted", now);
      return { kind: "settled", status: "failed" };
    }

    const started = performance.now();
    now = clock.now();
    const headers = signatureHeaders({
      id: delivery.eventId,
      timestamp: now,
      payload: delivery.payload,
      secrets: signingSecrets(endpoint, now),
    });
    const sent = await deps.transport({ url: endpoint.url, headers, body: delivery.payload });
    const record: WebhookAttempt = {
      at: now.toISOString(),
      durationMs: Math.round(performance.now() - started),
      ...(sent.statusCode !== undefined ? { statusCode: sent.statusCode } : {}),
      ...(sent.error ? { error: sent.code ? `${sent.code}: ${sent.error}` : sent.error } : {}),
    };
    const after = clock.now();
    if (sent.ok) {
      await repository.recordAttempt(delivery, {
        status: "delivered",
        attempt: record,
        now: after,
      });
      return { kind: "settled", status: "delivered" };
    }
    const next = nextAttemptAt(
      {
        createdAt: new Date(delivery.createdAt),
        failedAttempts: delivery.attemptCount + 1,
        now: after,
      },
      retry,
    );
    deps.logger?.warn("webhook attempt failed", {
      deliveryId: delivery.deliveryId,
      endpointId: delivery.endpointId,
      attempt: delivery.attemptCount + 1,
      statusCode: sent.statusCode,
      error: record.error,
      nextAttemptAt: next?.toISOString(),
    });
    if (!next) {
      await repository.recordAttempt(delivery, { status: "failed", attempt: record, now: after });
      return { kind: "settled", status: "failed" };
    }
    await repository.recordAttempt(delivery, {
      status: "pending",
      attempt: record,
      now: after,
      nextAttemptAt: next,
    });
    return { kind: "retry", at: next, reason: "failed" };
  }

  return { attempt };
}
