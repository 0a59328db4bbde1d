import type { StageConfig } from "../stage.js";
import { functionDefaults } from "./functions.js";

interface WebhookDependencies {
  table: sst.aws.Dynamo;
  webhookSecretKey: sst.Secret;
}

/** Deliveries retried on the queue this many times before a message is dead-lettered. */
export const WEBHOOK_MAX_RECEIVES = 50;

/**
 * Signed booking webhooks (@travel/webhooks):
 * - the producer, a second subscriber of the table's stream (bookings that became confirmed or
 *   cancelled, and newly written deliveries), turns booking changes into `webhookDelivery`
 *   items and queues each new delivery;
 * - a FIFO queue, grouped by endpoint + booking (order per booking), deduplicated by delivery
 *   id, with a FIFO dead-letter queue for messages that keep failing;
 * - the sender, the queue's consumer, makes the attempts; a delivery to retry later stays
 *   hidden on the queue until its backoff has passed (up to 24 h).
 *
 * Both functions run outside the VPC: they need only DynamoDB, SQS and the public internet,
 * and the sender can then not reach any private address of ours even if the address checks
 * failed.
 */
export function createWebhooks(config: StageConfig, deps: WebhookDependencies) {
  const deadLetterQueue = new sst.aws.Queue("WebhookDeadLetter", {
    fifo: true,
    transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
  });
  const queue = new sst.aws.Queue("WebhookQueue", {
    fifo: true,
    // At least the sender's timeout; a retry's own wait is set per message.
    visibilityTimeout: "4 minutes",
    dlq: { queue: deadLetterQueue.arn, retry: WEBHOOK_MAX_RECEIVES },
    transform: { queue: { messageRetentionSeconds: 4 * 24 * 3600 } },
  });
  // Stream records the producer could not handle after its retries (a standard queue: stream
  // on-failure destinations cannot be FIFO).
  const streamDeadLetter = new sst.aws.Queue("WebhookStreamDeadLetter", {
    transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
  });

  const defaults = functionDefaults(config, config.api.logRetention, deps.table);
  const producer = deps.table.subscribe(
    "WebhookProducer",
    {
      ...defaults,
      handler: "packages/webhooks/src/handlers/producer.handler",
      description: `${$app.name} ${$app.stage} webhook producer`,
      memory: "256 MB",
      timeout: "60 seconds",
      link: [deps.table, queue],
      permissions: [
        ...defaults.permissions,
        { actions: ["sqs:SendMessage"], resources: [streamDeadLetter.arn] },
      ],
    },
    {
      filters: [
        {
          dynamodb: {
            NewImage: {
              __edb_e__: { S: ["booking"] },
              status: { S: ["confirmed", "cancelled"] },
            },
          },
        },
        {
          eventName: ["INSERT"],
          dynamodb: { NewImage: { __edb_e__: { S: ["webhookDelivery"] } } },
        },
      ],
      transform: {
        eventSourceMapping: (args) => {
          args.startingPosition = "TRIM_HORIZON";
          args.batchSize = 100;
          args.maximumBatchingWindowInSeconds = 1;
          args.functionResponseTypes = ["ReportBatchItemFailures"];
          // Order per booking: a failed record is retried before any later one of its shard,
          // for as long as the stream keeps it (a dropped booking change is a lost event).
          args.bisectBatchOnFunctionError = false;
          args.maximumRetryAttempts = 10_000;
          args.maximumRecordAgeInSeconds = 86_400;
          args.destinationConfig = { onFailure: { destinationArn: streamDeadLetter.arn } };
        },
      },
    },
  );

  const sender = queue.subscribe(
    {
      ...defaults,
      handler: "packages/webhooks/src/handlers/delivery.handler",
      description: `${$app.name} ${$app.stage} webhook sender`,
      memory: "256 MB",
      // Ten attempts of at most 10 s each, one after the other (FIFO batches are ordered).
      timeout: "2 minutes",
      link: [deps.table, queue, deps.webhookSecretKey],
    },
    { batch: { size: 10, partialResponses: true } },
  );

  const producerFunctionName = producer.apply((s) => s.nodes.function.apply((fn) => fn.name));
  const senderFunctionName = sender.nodes.function.apply((fn) => fn.name);
  return {
    queue,
    deadLetterQueue,
    streamDeadLetter,
    producerFunctionName,
    senderFunctionName,
  };
}
