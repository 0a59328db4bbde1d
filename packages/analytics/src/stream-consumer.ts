import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { MalformedStreamRecordError } from "./errors.js";
import type { BusinessMetrics } from "./metrics.js";
import { type ImageParser, parseStreamRecord, type StreamRecordHandler } from "./stream-record.js";

/** Where the consumer reports what it skipped or failed (ids only: images may hold PII). */
export interface ConsumerLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface StreamConsumerOptions {
  /** Parses images through the `@travel/core` models (`createAnalyticsRepository(db)`). */
  parser: ImageParser;
  /** Run for every record, in order; a record fails when any of them throws. */
  handlers: readonly StreamRecordHandler[];
  /** Published once per batch. */
  metrics?: BusinessMetrics;
  logger?: ConsumerLogger;
  /**
   * Records processed at once within a batch (default 10). Powertools runs a batch's records
   * in parallel; unbounded, a 100-record batch would issue ~600 writes at once, which only
   * queues up in the HTTP agent and the table's partitions and times requests out.
   */
  maxConcurrency?: number;
}

export interface StreamConsumer {
  /** The Lambda handler body: processes a batch, returns the records to retry. */
  handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse>;
}

/**
 * A DynamoDB Streams consumer with partial batch failures (Powertools `BatchProcessor` +
 * `processPartialResponse`): each record is parsed and passed to every registered handler; a
 * record that throws is reported in `batchItemFailures` alone, so one poison record neither
 * fails nor replays the others' work (with ReportBatchItemFailures Lambda retries from the
 * first failed record; handlers are idempotent per eventID, so records after it that succeeded
 * are not counted again). When every record fails, Powertools throws and the whole batch is
 * retried, as AWS expects.
 *
 * @example
 * const consumer = createStreamConsumer({
 *   parser: repository,
 *   handlers: [createAnalyticsAggregator({ repository, metrics, clock })],
 *   metrics,
 * });
 * export const handler = (event: DynamoDBStreamEvent) => consumer.handle(event);
 */
export function createStreamConsumer(options: StreamConsumerOptions): StreamConsumer {
  const { parser, handlers, metrics, logger } = options;
  const limit = createLimiter(options.maxConcurrency ?? 10);

  async function processRecord(record: DynamoDBRecord): Promise<void> {
    await limit.acquire();
    try {
      const change = parseStreamRecord(record, parser);
      for (const handler of handlers) await handler.handle(change);
    } catch (error) {
      logger?.[error instanceof MalformedStreamRecordError ? "warn" : "error"](
        "stream record failed",
        {
          eventId: record?.eventID,
          error: error instanceof Error ? error.message : String(error),
        },
      );
      throw error;
    } finally {
      limit.release();
    }
  }

  return {
    async handle(event) {
      // One processor per batch: its state (successes, failures) belongs to this invocation.
      const processor = new BatchProcessor(EventType.DynamoDBStreams);
      try {
        return await processPartialResponse(event, processRecord, processor);
      } finally {
        metrics?.publish();
      }
    },
  };
}

/** A counting semaphore (no library needed for these few lines). */
function createLimiter(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async acquire(): Promise<void> {
      if (active < max) {
        active++;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else active--;
    },
  };
}
