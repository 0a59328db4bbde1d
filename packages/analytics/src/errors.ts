import { DomainError } from "@travel/core";

/** Base class of every error `@travel/analytics` raises on purpose. */
export class AnalyticsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AnalyticsError";
  }
}

/**
 * A stream record that cannot be processed as it is (not a DynamoDB Streams record, or the image
 * of an aggregated entity that its model rejects). It fails alone: the batch processor reports
 * it in `batchItemFailures`, and the event source's retry limit and on-failure destination
 * take it out of the stream.
 */
export class MalformedStreamRecordError extends AnalyticsError {
  readonly eventId: string | undefined;
  constructor(eventId: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(`stream record ${eventId ?? "(no eventID)"}: ${reason}`, options);
    this.name = "MalformedStreamRecordError";
    this.eventId = eventId;
  }
}

/** A query the analytics endpoints refuse (bad date range, unknown route): 422. */
export class InvalidAnalyticsQueryError extends DomainError {
  constructor(errors: { path: string; message: string }[]) {
    super({
      status: 422,
      code: "validation_failed",
      title: "Validation failed",
      detail: errors.map((e) => `${e.path}: ${e.message}`).join("; "),
      errors,
    });
    this.name = "InvalidAnalyticsQueryError";
  }
}
