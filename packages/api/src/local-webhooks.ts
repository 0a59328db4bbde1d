import { createAnalyticsRepository, type TravelService } from "@travel/core";
import { createWebhookProducer, type WebhookProducer } from "@travel/webhooks";
import {
  createLocalWebhookWorker,
  createWebhookSender,
  createWebhookTransport,
  type LocalWebhookWorker,
} from "@travel/webhooks/delivery";
import type { AppLogger } from "./observability.js";
import type { WebhookDeps } from "./webhooks.js";

/**
 * Local mode's webhook pipeline: the producer (fed by a local change feed of `booking` and
 * `webhookDelivery` changes) and the in-process worker it kicks.
 *
 * @example
 * const local = createLocalWebhooks({ webhooks: deps.webhooks, db, clock, logger });
 * createLocalChangeFeed({ engine, handler: local.producer.handle, entities: WEBHOOK_STREAM_ENTITIES });
 * local.worker.start();
 */
export function createLocalWebhooks(input: {
  webhooks: WebhookDeps;
  db: TravelService;
  clock: { now(): Date };
  logger: AppLogger;
  pollIntervalMs?: number;
}): { producer: WebhookProducer; worker: LocalWebhookWorker } {
  const log = {
    error: (message: string, fields?: Record<string, unknown>) =>
      input.logger.error(message, { ...fields }),
  };
  const { webhooks, logger } = input;
  // The local worker signs and sends here (the delivery Lambda does in AWS).
  const sender = createWebhookSender({
    repository: webhooks.repository,
    secrets: webhooks.secrets,
    transport: createWebhookTransport({ policy: webhooks.urlPolicy }),
    clock: input.clock,
    ...(webhooks.retry ? { retry: webhooks.retry } : {}),
    logger: { warn: (message, fields) => logger.warn(message, { ...fields }) },
  });
  const worker = createLocalWebhookWorker({
    repository: webhooks.repository,
    sender,
    clock: input.clock,
    ...(input.pollIntervalMs ? { pollIntervalMs: input.pollIntervalMs } : {}),
    logger: log,
  });
  const parser = createAnalyticsRepository(input.db);
  const producer = createWebhookProducer({
    repository: input.webhooks.repository,
    parseImage: (image) => parser.parseImage(image),
    dispatch: async () => worker.kick(),
    clock: input.clock,
    logger: log,
  });
  return { producer, worker };
}
