import { randomBytes } from "node:crypto";
import {
  createAnalyticsRepository,
  createWebhookRepository,
  type TravelService,
} from "@travel/core";
import {
  createLocalWebhookWorker,
  createSecretBox,
  createUrlPolicy,
  createWebhookProducer,
  createWebhookSender,
  createWebhookService,
  createWebhookTransport,
  type LocalWebhookWorker,
  type Resolver,
  type RetryPolicy,
  type WebhookProducer,
  type WebhookSender,
  type WebhookService,
} from "@travel/webhooks";
import type { AppConfig } from "./config.js";
import type { AppLogger } from "./observability.js";

/** The webhooks module as the API and local mode use it. */
export interface WebhookDeps {
  service: WebhookService;
  /** Makes delivery attempts (the local worker's; the AWS delivery Lambda builds its own). */
  sender: WebhookSender;
  repository: ReturnType<typeof createWebhookRepository>;
}

/** What tests may swap: DNS (to play a rebinding host) and the retry schedule. */
export interface WebhookOverrides {
  resolve?: Resolver;
  retry?: RetryPolicy;
}

/**
 * Builds the webhooks module from the configuration: the endpoint secrets' box (the
 * `WEBHOOK_SECRET_KEY`, or a per-process key with a warning), the URL policy (local receivers
 * only when `WEBHOOK_LOCAL_RECEIVERS=on`, which only local mode sets) and the sender.
 */
export function createWebhookDeps(input: {
  config: AppConfig;
  db: TravelService;
  clock: { now(): Date };
  logger: AppLogger;
  overrides?: WebhookOverrides;
}): WebhookDeps {
  const { config, logger, clock } = input;
  if (!config.webhookSecretKey) {
    logger.warn(
      "WEBHOOK_SECRET_KEY is not set: using a per-process key (webhook secrets stored now cannot be used after a restart)",
    );
  }
  const secrets = createSecretBox(config.webhookSecretKey ?? randomBytes(32).toString("base64url"));
  const urlPolicy = createUrlPolicy({
    allowLocalReceivers: config.webhookLocalReceivers,
    ...(input.overrides?.resolve ? { resolve: input.overrides.resolve } : {}),
  });
  const repository = createWebhookRepository(input.db);
  const sender = createWebhookSender({
    repository,
    secrets,
    transport: createWebhookTransport({ policy: urlPolicy }),
    clock,
    ...(input.overrides?.retry ? { retry: input.overrides.retry } : {}),
    logger: { warn: (message, fields) => logger.warn(message, { ...fields }) },
  });
  return {
    service: createWebhookService({ repository, secrets, urlPolicy, clock }),
    sender,
    repository,
  };
}

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
  const worker = createLocalWebhookWorker({
    repository: input.webhooks.repository,
    sender: input.webhooks.sender,
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
