import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createDynamoClients, createTravelService, createWebhookRepository } from "@travel/core";
import type { SQSEvent } from "aws-lambda";
import { createSecretBox } from "../secrets.js";
import { createWebhookSender } from "../sender.js";
import { createSqsDeliveryHandler } from "../sqs.js";
import { createWebhookTransport } from "../transport.js";
import { createUrlPolicy } from "../url-policy.js";
import { webhookLambdaEnvironment } from "./environment.js";

/**
 * Lambda entry of the webhook sender: the FIFO queue's consumer. Deployed stages never allow
 * local receivers; the function runs outside the VPC, so even a bug in the address checks
 * could not reach a private address of ours.
 */
const env = webhookLambdaEnvironment({ secretKey: true });
const logger = new Logger({ serviceName: "travel-webhooks" });
const clients = createDynamoClients({ ...(env.region ? { region: env.region } : {}) });
const db = createTravelService({ client: clients.document, table: env.tableName });
const clock = { now: () => new Date() };
const sender = createWebhookSender({
  repository: createWebhookRepository(db),
  secrets: createSecretBox(env.secretKey),
  transport: createWebhookTransport({ policy: createUrlPolicy({ allowLocalReceivers: false }) }),
  clock,
  logger: { warn: (message, fields) => logger.warn(message, { ...fields }) },
});
const handle = createSqsDeliveryHandler({
  sender,
  client: new SQSClient({}),
  queueUrl: env.queueUrl,
  clock,
});

export const handler = (event: SQSEvent) => handle(event);
