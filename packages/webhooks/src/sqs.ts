import { processPartialResponse, SqsFifoPartialProcessorAsync } from "@aws-lambda-powertools/batch";
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { z } from "zod";
import type { DeliveryRef } from "./delivery-ref.js";
import type { DeliveryDispatcher } from "./producer.js";
import type { WebhookSender } from "./sender.js";

/** SQS's longest visibility timeout: a later retry is shown again and put back until due. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;
const SEND_BATCH = 10;

const deliveryRefSchema = z.object({
  endpointId: z.string().min(1),
  orderKey: z.string().min(1),
  occurredAt: z.string().min(1),
  deliveryId: z.string().min(1),
});

/**
 * Queues deliveries on the FIFO queue: the message group is the ordering group (endpoint +
 * booking), so SQS hands a booking's deliveries to one endpoint over one at a time and in
 * order; the deduplication id is the delivery id, so a producer retry queues nothing twice.
 *
 * @example
 * const dispatch = createSqsDispatcher({ client: new SQSClient({}), queueUrl });
 */
export function createSqsDispatcher(options: {
  client: SQSClient;
  queueUrl: string;
}): DeliveryDispatcher {
  return async (deliveries) => {
    for (let i = 0; i < deliveries.length; i += SEND_BATCH) {
      const batch = deliveries.slice(i, i + SEND_BATCH);
      const result = await options.client.send(
        new SendMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: batch.map((ref, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(ref),
            MessageGroupId: `${ref.endpointId}:${ref.orderKey}`,
            MessageDeduplicationId: ref.deliveryId,
          })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        const first = result.Failed[0];
        throw new Error(
          `SQS refused ${result.Failed.length} webhook deliveries (${first?.Code}: ${first?.Message})`,
        );
      }
    }
  };
}

/**
 * The delivery Lambda's body (SQS FIFO event source with ReportBatchItemFailures): one attempt
 * per message. A delivery to retry later stays on the queue: its message is hidden until the
 * retry is due (ChangeMessageVisibility) and reported as failed, which also holds back the rest
 * of its message group (Powertools' FIFO processor skips the group's later messages), so order
 * per booking holds. Settled deliveries are done with their message.
 */
export function createSqsDeliveryHandler(options: {
  sender: WebhookSender;
  client: SQSClient;
  queueUrl: string;
  clock: { now(): Date };
}) {
  async function processRecord(record: SQSRecord): Promise<void> {
    const ref: DeliveryRef = deliveryRefSchema.parse(JSON.parse(record.body));
    const result = await options.sender.attempt(ref);
    if (result.kind === "settled") return;
    const waitSeconds = Math.ceil((result.at.getTime() - options.clock.now().getTime()) / 1000);
    await options.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: options.queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(Math.max(waitSeconds, 1), MAX_VISIBILITY_SECONDS),
      }),
    );
    throw new Error(
      `webhook delivery ${ref.deliveryId}: ${result.reason}, retry at ${result.at.toISOString()}`,
    );
  }

  return async function handle(event: SQSEvent): Promise<SQSBatchResponse> {
    const processor = new SqsFifoPartialProcessorAsync();
    // A retry is not an error of the batch: every message may be waiting for its retry.
    return processPartialResponse(event, processRecord, processor, {
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    });
  };
}
