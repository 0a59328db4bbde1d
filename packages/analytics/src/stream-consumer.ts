import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { MalformedStreamRecordError } from "./errors.js";
import type { BusinessMetrics } from "./metrics.js";
import {
  type ImageParser,
  parseStreamRecord,
  type StreamBatchHandler,
  type StreamChange,
} from "./stream-record.js";

/** Where the consumer reports what it refused or failed (ids and errors only: images may hold PII). */
export interface ConsumerLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface StreamConsumerOptions {
  /** Parses images through the `@travel/core` models (`createAnalyticsRepository(db)`). */
  parser: ImageParser;
  /** Run on every batch, side by side; see `StreamBatchHandler`. */
  handlers: readonly StreamBatchHandler[];
  /** Published once per batch. */
  metrics?: BusinessMetrics;
  logger?: ConsumerLogger;
}

export interface StreamConsumer {
  /** The Lambda handler body: processes a batch, returns the records to retry. */
  handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse>;
}

/**
 * A DynamoDB Streams consumer that works by batch, with partial batch failures
 * (ReportBatchItemFailures): the batch's records are parsed, and every handler gets them all
 * at once (the analytics aggregates cost writes per row per batch, not per record). A record
 * that cannot be parsed, or that a handler refuses, is reported alone in `batchItemFailures`
 * (Lambda retries from it; the records after it that went through are idempotent). A handler
 * that throws fails every record of the batch, logged once with its cause.
 *
 * Powertools' BatchProcessor is not used: it runs a handler per record, which is what made
 * exactly-once cost several writes per record; the response here is its documented shape.
 *
 * @example
 * const consumer = createStreamConsumer({ parser: repository, handlers: [aggregator] });
 * export const handler = (event: DynamoDBStreamEvent) => consumer.handle(event);
 */
export function createStreamConsumer(options: StreamConsumerOptions): StreamConsumer {
  const { parser, handlers, metrics, logger } = options;

  return {
    async handle(event) {
      const records: DynamoDBRecord[] = Array.isArray(event?.Records) ? event.Records : [];
      const failed = new Set<DynamoDBRecord>();
      const changes: StreamChange[] = [];
      const recordsById = new Map<string, DynamoDBRecord[]>();
      for (const record of records) {
        try {
          const change = parseStreamRecord(record, parser);
          changes.push(change);
          const same = recordsById.get(change.eventId);
          if (same) same.push(record);
          else recordsById.set(change.eventId, [record]);
        } catch (error) {
          refuse(record, error);
        }
      }

      function refuse(record: DynamoDBRecord, error: unknown): void {
        failed.add(record);
        logger?.[error instanceof MalformedStreamRecordError ? "warn" : "error"](
          "stream record refused",
          { eventId: record?.eventID, error },
        );
      }

      try {
        const outcomes = await Promise.allSettled(
          handlers.map((handler) => handler.handleBatch(changes)),
        );
        outcomes.forEach((outcome, index) => {
          if (outcome.status === "fulfilled") {
            for (const { eventId, error } of outcome.value ?? []) {
              for (const record of recordsById.get(eventId) ?? []) refuse(record, error);
            }
            return;
          }
          logger?.error("stream batch failed", {
            handler: handlers[index]?.name,
            records: records.length,
            error: outcome.reason,
          });
          for (const record of records) failed.add(record);
        });
      } finally {
        metrics?.publish();
      }
      return {
        batchItemFailures: records
          .filter((record) => failed.has(record))
          .map((record) => ({ itemIdentifier: record?.dynamodb?.SequenceNumber ?? "" })),
      };
    },
  };
}
