import { randomBytes } from "node:crypto";
import { createWebhookRepository, type TravelService } from "@travel/core";
import {
  createSecretBox,
  createUrlPolicy,
  createWebhookService,
  type Resolver,
  type RetryPolicy,
  type SecretBox,
  type UrlPolicy,
  type WebhookService,
} from "@travel/webhooks";
import type { AppConfig } from "./config.js";
import type { AppLogger } from "./observability.js";

/**
 * The webhooks module as the API uses it: endpoints, secrets and test events. Nothing here signs
 * or sends: the delivery Lambda does in AWS, local mode's worker (`local-webhooks.ts`) locally.
 */
export interface WebhookDeps {
  service: WebhookService;
  repository: ReturnType<typeof createWebhookRepository>;
  /** The endpoint secrets' box and the URL policy, for local mode's sender. */
  secrets: SecretBox;
  urlPolicy: UrlPolicy;
  retry?: RetryPolicy;
}

/** What tests may swap: DNS (to play a rebinding host) and the retry schedule. */
export interface WebhookOverrides {
  resolve?: Resolver;
  retry?: RetryPolicy;
}

/**
 * Builds the webhooks module from the configuration: the endpoint secrets' box (the
 * `WEBHOOK_SECRET_KEY`, or a per-process key with a warning), the URL policy (local receivers
 * only when `WEBHOOK_LOCAL_RECEIVERS=on`, which only local mode sets) and the endpoints' service.
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
  return {
    service: createWebhookService({ repository, secrets, urlPolicy, clock }),
    repository,
    secrets,
    urlPolicy,
    ...(input.overrides?.retry ? { retry: input.overrides.retry } : {}),
  };
}
