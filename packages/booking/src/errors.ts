import { DomainError, fromMinor, type Money, type ProblemCode } from "@travel/core";

/** Base of every expected booking failure; the API answers it as problem+json. */
export class BookingError extends DomainError {
  /** True when this answer is a replay of the stored answer of an earlier identical request. */
  replayed = false;

  constructor(init: ConstructorParameters<typeof DomainError>[0], options?: { cause?: unknown }) {
    super(init, options);
    this.name = "BookingError";
  }
}

export class OfferNotFoundError extends BookingError {
  constructor(detail = "No bookable offer has this id.") {
    super({ status: 404, code: "offer_not_found", title: "Offer not found", detail });
    this.name = "OfferNotFoundError";
  }
}

export class OfferExpiredError extends BookingError {
  constructor(detail = "The offer's departure or check-in has passed.") {
    super({ status: 410, code: "offer_expired", title: "Offer expired", detail });
    this.name = "OfferExpiredError";
  }
}

export class PriceChangedError extends BookingError {
  constructor(total: Money) {
    super({
      status: 409,
      code: "price_changed",
      title: "Price changed",
      detail: `The offer now costs ${total.amount} ${total.currency} in total; book again with that expectedTotal.`,
      extensions: { total },
    });
    this.name = "PriceChangedError";
  }

  static fromMinor(totalMinor: number, currency: string): PriceChangedError {
    return new PriceChangedError(fromMinor(totalMinor, currency));
  }
}

export class SoldOutError extends BookingError {
  constructor(detail = "Not enough seats or rooms are left for this offer.") {
    super({ status: 409, code: "sold_out", title: "Sold out", detail });
    this.name = "SoldOutError";
  }
}

/** 409 `tenant_inventory_cap`: the tenant would hold more than its share of a flight or night. */
export class TenantInventoryCapError extends BookingError {
  constructor(
    detail = "Your bookings would hold more than your share of this flight's seats or of a night's rooms.",
  ) {
    super({ status: 409, code: "tenant_inventory_cap", title: "Tenant inventory cap", detail });
    this.name = "TenantInventoryCapError";
  }
}

export class IdempotencyConflictError extends BookingError {
  constructor(detail: string) {
    super({ status: 409, code: "idempotency_conflict", title: "Idempotency key conflict", detail });
    this.name = "IdempotencyConflictError";
  }
}

export class BookingNotFoundError extends BookingError {
  constructor() {
    super({
      status: 404,
      code: "not_found",
      title: "Not found",
      detail: "No booking has this id.",
    });
    this.name = "BookingNotFoundError";
  }
}

export class BookingNotCancellableError extends BookingError {
  constructor(detail: string) {
    super({
      status: 409,
      code: "booking_not_cancellable",
      title: "Booking not cancellable",
      detail,
    });
    this.name = "BookingNotCancellableError";
  }
}

/** A request that is well-formed JSON but breaks a booking rule (422 `validation_failed`). */
export class BookingValidationError extends BookingError {
  constructor(errors: { path: string; message: string }[]) {
    super({
      status: 422,
      code: "validation_failed",
      title: "Validation failed",
      detail: errors.map((e) => `${e.path}: ${e.message}`).join("; "),
      errors,
    });
    this.name = "BookingValidationError";
  }
}

/** The stable members of a problem, as stored with an idempotency record and replayed. */
export interface StoredProblem {
  status: number;
  code: ProblemCode;
  title: string;
  detail: string;
  extensions?: Record<string, unknown>;
}

export function toStoredProblem(error: DomainError): StoredProblem {
  return {
    status: error.status,
    code: error.code,
    title: error.title,
    detail: error.message,
    ...(error.extensions ? { extensions: error.extensions } : {}),
  };
}

/** Rebuilds the error of a stored problem answer (first answer or replay alike). */
export function fromStoredProblem(problem: StoredProblem, replayed: boolean): BookingError {
  const error = new BookingError({
    status: problem.status,
    code: problem.code,
    title: problem.title,
    detail: problem.detail,
    ...(problem.extensions ? { extensions: problem.extensions } : {}),
  });
  error.replayed = replayed;
  return error;
}

/** True for the booking failures whose answer is stored under the idempotency key. */
export function isStorableOutcome(error: unknown): error is BookingError {
  return (
    error instanceof OfferNotFoundError ||
    error instanceof OfferExpiredError ||
    error instanceof PriceChangedError ||
    error instanceof SoldOutError
  );
}
