/** Base class of every error `@travel/core` raises on purpose. */
export class CoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CoreError";
  }
}

/** A money amount that cannot be represented exactly in its currency's minor units. */
export class InvalidMoneyError extends CoreError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidMoneyError";
  }
}

/** An id that does not carry the expected type prefix or shape. */
export class InvalidIdError extends CoreError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidIdError";
  }
}

/** A conditional write lost: the item was not in the state the write required. */
export class ConditionFailedError extends CoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConditionFailedError";
  }
}

/** True for DynamoDB's ConditionalCheckFailedException, however it was wrapped (ElectroDB wraps it). */
export function isConditionalCheckFailed(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const e = current as { name?: string; code?: string; message?: string; cause?: unknown };
    if (
      e.name === "ConditionalCheckFailedException" ||
      e.code === "ConditionalCheckFailedException"
    ) {
      return true;
    }
    if (typeof e.message === "string" && e.message.includes("The conditional request failed")) {
      return true;
    }
    current = e.cause;
  }
  return false;
}

/** The contract's stable, machine-readable problem codes. */
export const PROBLEM_CODES = [
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "offer_not_found",
  "offer_expired",
  "price_changed",
  "sold_out",
  "idempotency_key_required",
  "idempotency_conflict",
  "booking_not_cancellable",
  "rate_limited",
  "payload_too_large",
  "unsupported_media_type",
  "service_unavailable",
  "internal_error",
  "webhook_url_rejected",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/**
 * An expected failure that the API answers as RFC 9457 problem+json: the domain packages
 * (`search`, `booking`, `analytics`) throw subclasses, the API's single `onError` maps them by
 * `status` and `code`. `extensions` become extra members of the problem body (e.g. the current
 * `total` of a `price_changed`), `errors` the per-field list of a `validation_failed`.
 */
export class DomainError extends CoreError {
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly extensions: Record<string, unknown> | undefined;
  readonly errors: { path: string; message: string }[] | undefined;

  constructor(
    init: {
      status: number;
      code: ProblemCode;
      title: string;
      detail: string;
      extensions?: Record<string, unknown>;
      errors?: { path: string; message: string }[];
    },
    options?: { cause?: unknown },
  ) {
    super(init.detail, options);
    this.name = "DomainError";
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.extensions = init.extensions;
    this.errors = init.errors;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** Seed data could not be written (e.g. items stayed unprocessed after every retry). */
export class SeedLoadError extends CoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SeedLoadError";
  }
}
