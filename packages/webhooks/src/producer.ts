import {
  type BookingRecord,
  type ParsedStreamImage,
  unmarshall,
  type WebhookRepository,
  webhookDeliveryId,
  webhookEventId,
} from "@travel/core";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { type DeliveryRef, deliveryRef } from "./delivery-ref.js";
import { bookingEventPayload, bookingEvents } from "./events.js";

/** Hands a new pending delivery to the sender's queue (SQS in AWS, the local worker locally). */
export type DeliveryDispatcher = (deliveries: readonly DeliveryRef[]) => Promise<void>;

export interface WebhookProducerDeps {
  repository: WebhookRepository;
  /** ElectroDB's parse of a stream image (`createAnalyticsRepository(db).parseImage`). */
  parseImage(image: Record<string, unknown>): ParsedStreamImage | undefined;
  dispatch: DeliveryDispatcher;
  clock: { now(): Date };
  logger?: { error(message: string, fields?: Record<string, unknown>): void };
}

/** The stream entities the producer reads (the deployed filter and the local feed pass these). */
export const WEBHOOK_STREAM_ENTITIES = ["booking", "webhookDelivery"] as const;

export interface WebhookProducer {
  handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse>;
}

/**
 * The webhook producer, a second consumer of the table's change stream. Two steps, each made
 * durable by the stream rather than by the request path:
 * 1. a booking that became confirmed or cancelled → one pending `webhookDelivery` per endpoint
 *    of its tenant subscribed to that event (created with a deterministic id: a redelivered
 *    record creates nothing new);
 * 2. a `webhookDelivery` INSERT → the delivery goes on the sender's queue. A crash between
 *    writing a delivery and queueing it therefore cannot lose it.
 *
 * Records are handled one after the other, in stream order, and a failure reports that record
 * and every later one (Lambda resumes a stream shard from the first failed record), so a
 * booking's deliveries are created, and queued, in the order its changes happened.
 *
 * @example
 * const producer = createWebhookProducer({ repository, parseImage, dispatch, clock });
 * export const handler = (event: DynamoDBStreamEvent) => producer.handle(event);
 */
export function createWebhookProducer(deps: WebhookProducerDeps): WebhookProducer {
  const { repository, clock } = deps;

  /**
   * The parsed image, or `undefined` for one that is not an item of ours. An image its own
   * model rejects is skipped with an error log rather than retried: retrying cannot fix it, and
   * it would hold back every later record of its shard.
   */
  function image(raw: unknown, eventId: string | undefined): ParsedStreamImage | undefined {
    if (!raw || typeof raw !== "object") return undefined;
    try {
      return deps.parseImage(unmarshall(raw as Parameters<typeof unmarshall>[0]));
    } catch (error) {
      deps.logger?.error("webhook producer skipped a malformed stream image", {
        eventId,
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  async function fromBooking(oldImage: BookingRecord | undefined, newImage: BookingRecord) {
    const events = bookingEvents(oldImage, newImage);
    if (events.length === 0) return;
    const endpoints = await repository.listEndpoints(newImage.tenantId);
    for (const event of events) {
      const subscribed = endpoints.filter((e) => e.events.includes(event.type));
      if (subscribed.length === 0) continue;
      const eventId = webhookEventId(newImage.bookingId, event.type);
      const payload = bookingEventPayload(eventId, event);
      for (const endpoint of subscribed) {
        await repository.createDelivery({
          deliveryId: webhookDeliveryId(eventId, endpoint.endpointId),
          endpointId: endpoint.endpointId,
          tenantId: newImage.tenantId,
          orderKey: newImage.bookingId,
          eventId,
          eventType: event.type,
          occurredAt: event.occurredAt,
          payload,
          now: clock.now(),
        });
      }
    }
  }

  async function handleRecord(record: DynamoDBRecord, queued: DeliveryRef[]): Promise<void> {
    const newImage = image(record.dynamodb?.NewImage, record.eventID);
    if (!newImage) return;
    if (newImage.entity === "booking") {
      const oldImage = image(record.dynamodb?.OldImage, record.eventID);
      await fromBooking(
        oldImage?.entity === "booking" ? (oldImage.item as unknown as BookingRecord) : undefined,
        newImage.item as unknown as BookingRecord,
      );
    } else if (newImage.entity === "webhookDelivery" && record.eventName === "INSERT") {
      queued.push(deliveryRef(newImage.item as unknown as DeliveryRef));
    }
  }

  return {
    async handle(event) {
      const records = event.Records ?? [];
      const queued: DeliveryRef[] = [];
      let failedFrom = records.length;
      for (let i = 0; i < records.length; i++) {
        const record = records[i] as DynamoDBRecord;
        try {
          await handleRecord(record, queued);
        } catch (error) {
          deps.logger?.error("webhook producer record failed", {
            eventId: record.eventID,
            error: error instanceof Error ? error.message : String(error),
          });
          failedFrom = i;
          break;
        }
      }
      try {
        // Queued in stream order, after the records before the failure were handled.
        if (queued.length > 0) await deps.dispatch(queued);
      } catch (error) {
        deps.logger?.error("webhook dispatch failed", {
          deliveries: queued.length,
          error: error instanceof Error ? error.message : String(error),
        });
        failedFrom = 0;
      }
      return {
        batchItemFailures: records.slice(failedFrom).map((r) => ({
          itemIdentifier: r.dynamodb?.SequenceNumber ?? r.eventID ?? "",
        })),
      };
    },
  };
}
