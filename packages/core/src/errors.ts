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

/**
 * A dependency (a supplier's API, a store) failed: it timed out, refused the connection or
 * answered 5xx. Adapters throw it so circuit breakers count the failure (`isDependencyFailure`).
 */
export class DependencyFailureError extends CoreError {
  readonly dependency: string;
  constructor(dependency: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DependencyFailureError";
    this.dependency = dependency;
  }
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const UNAVAILABLE_NAMES = new Set([
  "TimeoutError",
  "TaskCancelledError",
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalServerError",
]);

/**
 * True when an error (or one it wraps, e.g. an ElectroDB error around an SDK error) says a
 * backing service could not be reached, timed out, is overloaded or answered 5xx: a failure of
 * the dependency that a client may retry and a circuit breaker should count. Bad input, a
 * missing item and bugs (`RangeError`, `TypeError`, domain errors) are not.
 */
export function isDependencyFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    if (current instanceof DependencyFailureError) return true;
    const e = current as {
      name?: unknown;
      code?: unknown;
      cause?: unknown;
      $fault?: unknown;
      $metadata?: { httpStatusCode?: unknown };
    };
    if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.name === "string" && UNAVAILABLE_NAMES.has(e.name)) return true;
    if (e.$fault === "server") return true;
    const status = e.$metadata?.httpStatusCode;
    if (typeof status === "number" && status >= 500) return true;
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
  "inventory_conflict",
  "tenant_inventory_cap",
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

/**
 * 409 `inventory_conflict`: an availability change would let more be sold than exists
 * (`available + held > total`), or the item kept changing under the update.
 */
export class InventoryConflictError extends DomainError {
  constructor(detail: string) {
    super({ status: 409, code: "inventory_conflict", title: "Inventory conflict", detail });
    this.name = "InventoryConflictError";
  }
}
