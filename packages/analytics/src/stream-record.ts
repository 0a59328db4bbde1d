import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { type AnalyticsRepository, type ParsedStreamImage, unmarshall } from "@travel/core";
import type { DynamoDBRecord } from "aws-lambda";
import { MalformedStreamRecordError } from "./errors.js";

/** A DynamoDB Streams record with its images parsed through the `@travel/core` models. */
export interface StreamChange {
  eventId: string;
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  /** When DynamoDB wrote the record (second precision). */
  approximateCreatedAt: Date;
  /** Undefined for INSERT, and when the old image is not an item of this service. */
  oldImage: ParsedStreamImage | undefined;
  /** Undefined for REMOVE, and when the new image is not an item of this service. */
  newImage: ParsedStreamImage | undefined;
}

/** A record a handler refuses as it is (a poison record); the rest of its batch went through. */
export interface RecordRejection {
  eventId: string;
  error: Error;
}

/**
 * Something the stream consumer runs on every batch (analytics, a read model, webhooks, ...).
 * The consumer's subscriber interface: a second consumer of the change stream implements it.
 */
export interface StreamBatchHandler {
  readonly name: string;
  /**
   * Every parsed change of one batch, in stream order (commit order per item). Records arrive
   * at least once (a retry repeats records that already went through), so the handler must be
   * idempotent per `eventId`. Returns the records it refuses; throwing fails the whole batch,
   * which is then delivered again.
   */
  handleBatch(changes: readonly StreamChange[]): Promise<readonly RecordRejection[] | undefined>;
}

/** The ElectroDB parse step, `AnalyticsRepository.parseImage`. */
export type ImageParser = Pick<AnalyticsRepository, "parseImage">;

const EVENT_NAMES = new Set(["INSERT", "MODIFY", "REMOVE"]);

/**
 * Turns a Lambda DynamoDB Streams record into a `StreamChange`. Images that are not items of
 * this service come back as `undefined` (handlers ignore them); a record that is not a stream
 * record at all, or whose image its own model rejects, throws `MalformedStreamRecordError`.
 */
export function parseStreamRecord(record: DynamoDBRecord, parser: ImageParser): StreamChange {
  const eventId = typeof record?.eventID === "string" ? record.eventID : undefined;
  if (!eventId) throw new MalformedStreamRecordError(undefined, "has no eventID");
  if (!record.eventName || !EVENT_NAMES.has(record.eventName)) {
    throw new MalformedStreamRecordError(eventId, `has eventName ${String(record.eventName)}`);
  }
  const body = record.dynamodb;
  if (!body || typeof body !== "object") {
    throw new MalformedStreamRecordError(eventId, "has no dynamodb body");
  }
  const created = Number(body.ApproximateCreationDateTime);
  return {
    eventId,
    eventName: record.eventName,
    approximateCreatedAt: new Date(Number.isFinite(created) ? created * 1000 : Date.now()),
    oldImage: parseImage(eventId, body.OldImage, parser),
    newImage: parseImage(eventId, body.NewImage, parser),
  };
}

function parseImage(
  eventId: string,
  image: unknown,
  parser: ImageParser,
): ParsedStreamImage | undefined {
  if (image === undefined) return undefined;
  if (!image || typeof image !== "object") {
    throw new MalformedStreamRecordError(eventId, "has an image that is not an attribute map");
  }
  try {
    return parser.parseImage(unmarshall(image as Record<string, AttributeValue>));
  } catch (error) {
    throw new MalformedStreamRecordError(eventId, "has an image its model rejects", {
      cause: error,
    });
  }
}
