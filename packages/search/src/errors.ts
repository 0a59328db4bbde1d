import { DomainError } from "@travel/core";

export interface FieldError {
  path: string;
  message: string;
}

/** Bad search input (query, cursor, admin body): answered as 422 `validation_failed`. */
export class SearchValidationError extends DomainError {
  constructor(detail: string, errors: FieldError[], options?: { cause?: unknown }) {
    super(
      { status: 422, code: "validation_failed", title: "Validation failed", detail, errors },
      options,
    );
    this.name = "SearchValidationError";
  }
}

/** The cursor was not issued by this service for this very query (tampered or foreign). */
export class InvalidCursorError extends SearchValidationError {
  constructor(message: string) {
    super("The cursor is not valid for this query.", [{ path: "cursor", message }]);
    this.name = "InvalidCursorError";
  }
}

export class OfferNotFoundError extends DomainError {
  constructor(offerId: string) {
    super({
      status: 404,
      code: "offer_not_found",
      title: "Offer not found",
      detail: `No offer ${truncate(offerId)} exists.`,
    });
    this.name = "OfferNotFoundError";
  }
}

/** The flight has departed or the check-in day has passed. */
export class OfferExpiredError extends DomainError {
  constructor(offerId: string) {
    super({
      status: 410,
      code: "offer_expired",
      title: "Offer expired",
      detail: `Offer ${truncate(offerId)} can no longer be booked.`,
    });
    this.name = "OfferExpiredError";
  }
}

/** Every supplier failed (or its breaker is open): there is nothing honest to answer with. */
export class SuppliersUnavailableError extends DomainError {
  constructor(suppliers: readonly string[], options?: { cause?: unknown }) {
    super(
      {
        status: 503,
        code: "service_unavailable",
        title: "Search temporarily unavailable",
        detail: "No offer source answered in time; please retry shortly.",
        extensions: { suppliers: { missing: [...suppliers] } },
      },
      options,
    );
    this.name = "SuppliersUnavailableError";
  }
}

function truncate(id: string): string {
  return id.length > 60 ? `${id.slice(0, 60)}…` : id;
}

/** The shared cache did not take an invalidation: answering now could show stale prices. */
export class SearchCacheUnavailableError extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super(
      {
        status: 503,
        code: "service_unavailable",
        title: "Cache unavailable",
        detail: "The change was saved but cached search results could not be refreshed; retry.",
      },
      options,
    );
    this.name = "SearchCacheUnavailableError";
  }
}
