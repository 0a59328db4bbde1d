import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import {
  createAnalyticsRepository,
  createDynamoClients,
  createTravelService,
  createWebhookRepository,
} from "@travel/core";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { createWebhookProducer } from "../producer.js";
import { createSqsDispatcher } from "../sqs.js";
import { webhookLambdaEnvironment } from "./environment.js";

/**
 * Lambda entry of the webhook producer: a second subscriber of the table's stream (bookings and
 * new deliveries only, by the event-source filter), with ReportBatchItemFailures.
 */
const env = webhookLambdaEnvironment({ secretKey: false });
const logger = new Logger({ serviceName: "travel-webhooks" });
const clients = createDynamoClients({ ...(env.region ? { region: env.region } : {}) });
const db = createTravelService({ client: clients.document, table: env.tableName });
const parser = createAnalyticsRepository(db);
const producer = createWebhookProducer({
  repository: createWebhookRepository(db),
  parseImage: (image) => parser.parseImage(image),
  dispatch: createSqsDispatcher({ client: new SQSClient({}), queueUrl: env.queueUrl }),
  clock: { now: () => new Date() },
  logger: { error: (message, fields) => logger.error(message, { ...fields }) },
});

export const handler = (event: DynamoDBStreamEvent) => producer.handle(event);
