/**
 * Finishing touches on the generated OpenAPI document, applied once when it is first served:
 * what a client generator and a first "Try it out" need and that the per-route zod schemas do
 * not carry. Routes added later get the same treatment without editing this file (a derived
 * operationId, per-status problem examples).
 */
import type { ProblemCode } from "@travel/core";

// Structural view of the parts of the document touched here (the generator's types are wider).
type Json = Record<string, unknown>;
interface Operation extends Json {
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; example?: unknown; schema?: Json }[];
  responses?: Record<string, { content?: Record<string, Json> }>;
}
interface Document extends Json {
  info: Json;
  paths?: Record<string, Record<string, Operation>>;
}

/** Stable names for the contract's operations (what generated clients call their methods). */
const OPERATION_IDS: Record<string, string> = {
  "get /health": "getHealth",
  "get /v1/flights/search": "searchFlights",
  "get /v1/hotels/search": "searchHotels",
  "get /v1/offers/{offerId}": "getOffer",
  "post /v1/bookings": "createBooking",
  "get /v1/bookings": "listBookings",
  "get /v1/bookings/{id}": "getBooking",
  "post /v1/bookings/{id}/cancel": "cancelBooking",
  "patch /v1/admin/offers/{offerId}": "updateOffer",
  "post /v1/admin/api-keys": "createApiKey",
  "get /v1/admin/api-keys": "listApiKeys",
  "delete /v1/admin/api-keys/{id}": "revokeApiKey",
  "get /v1/analytics/summary": "getAnalyticsSummary",
  "get /v1/analytics/routes/{route}": "getRouteAnalytics",
};

/** `post /v1/webhooks/{id}/test` → `postWebhooksByIdTest`, for a route the table does not name. */
export function derivedOperationId(method: string, path: string): string {
  const words = path
    .split("/")
    .filter((part) => part !== "" && part !== "v1")
    .map((part) => (part.startsWith("{") ? `by-${part.slice(1, -1)}` : part))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]?.toUpperCase() + w.slice(1))].join("");
}

const PROBLEM = (
  status: number,
  code: ProblemCode,
  title: string,
  detail: string,
  extra?: Json,
) => ({
  type: `urn:travel:problem:${code}`,
  title,
  status,
  detail,
  code,
  requestId: "3f6c2a9e-8d41-4b7a-9c1e-5a2f7d0b6e14",
  ...extra,
});

/** Per status, the problems a client meets there (several when one status has several codes). */
const PROBLEM_EXAMPLES: Record<string, Record<string, { summary: string; value: Json }>> = {
  "400": {
    malformed_body: {
      summary: "The body is not JSON",
      value: PROBLEM(
        400,
        "validation_failed",
        "Bad Request",
        "The request body is not valid JSON.",
      ),
    },
  },
  "401": {
    unauthorized: {
      summary: "Missing or unknown API key",
      value: PROBLEM(
        401,
        "unauthorized",
        "Unauthorized",
        "Send a valid API key in the x-api-key header.",
      ),
    },
  },
  "403": {
    forbidden: {
      summary: "The key lacks the scope",
      value: PROBLEM(403, "forbidden", "Forbidden", "This API key does not have the 'book' scope."),
    },
  },
  "404": {
    not_found: {
      summary: "No such resource for this tenant",
      value: PROBLEM(404, "not_found", "Not Found", "No booking bkg_01JD8X3Z5K7M9P1Q3R5T7V9X1Z."),
    },
    offer_not_found: {
      summary: "The offer does not exist",
      value: PROBLEM(
        404,
        "offer_not_found",
        "Offer not found",
        "No offer off_01JD8X3Z5K7M9P1Q3R5T7V9X1Z.",
      ),
    },
  },
  "409": {
    sold_out: {
      summary: "Not enough seats or rooms left",
      value: PROBLEM(409, "sold_out", "Sold out", "Only 1 seat left on this offer; 2 requested."),
    },
    tenant_inventory_cap: {
      summary: "The tenant would hold more than its share of one flight or night",
      value: PROBLEM(
        409,
        "tenant_inventory_cap",
        "Tenant inventory cap",
        "Your bookings would hold more than your share of this flight's seats or of a night's rooms.",
      ),
    },
    price_changed: {
      summary: "The price moved since the search",
      value: PROBLEM(409, "price_changed", "Price changed", "The total is now 268.00 USD.", {
        currentTotal: { amount: "268.00", currency: "USD" },
      }),
    },
    idempotency_conflict: {
      summary: "Same Idempotency-Key, different body",
      value: PROBLEM(
        409,
        "idempotency_conflict",
        "Idempotency key conflict",
        "This Idempotency-Key was used with a different request body.",
      ),
    },
    booking_not_cancellable: {
      summary: "Too late to cancel",
      value: PROBLEM(
        409,
        "booking_not_cancellable",
        "Booking not cancellable",
        "The flight has departed; the booking can no longer be cancelled.",
      ),
    },
  },
  "410": {
    offer_expired: {
      summary: "The offer's departure or check-in has passed",
      value: PROBLEM(410, "offer_expired", "Offer expired", "This offer departed on 2026-12-01."),
    },
  },
  "413": {
    payload_too_large: {
      summary: "Body over the limit",
      value: PROBLEM(
        413,
        "payload_too_large",
        "Payload Too Large",
        "The body exceeds 65536 bytes.",
      ),
    },
  },
  "415": {
    unsupported_media_type: {
      summary: "Not JSON",
      value: PROBLEM(
        415,
        "unsupported_media_type",
        "Unsupported Media Type",
        "Send the body as application/json.",
      ),
    },
  },
  "422": {
    validation_failed: {
      summary: "A field is invalid (each one listed)",
      value: PROBLEM(422, "validation_failed", "Validation failed", "1 field is invalid.", {
        errors: [{ path: "query.departureDate", message: "must not be in the past" }],
      }),
    },
  },
  "429": {
    rate_limited: {
      summary: "Over the key's per-minute limit",
      value: PROBLEM(
        429,
        "rate_limited",
        "Too Many Requests",
        "Rate limit of 600 requests per minute exceeded; retry in 12 s.",
      ),
    },
  },
  "503": {
    service_unavailable: {
      summary: "A dependency did not answer in time",
      value: PROBLEM(
        503,
        "service_unavailable",
        "Service Unavailable",
        "No offer source answered in time; please retry shortly.",
      ),
    },
  },
};

/** ISO date `days` from `now` (UTC). */
function dayFrom(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Query parameters whose example must work on a first "Try it out": a seeded route and dates
 * inside the inventory horizon, computed when the document is generated. Optional filters
 * lose their example so that the first try is not narrowed to nothing.
 */
function requestExamples(now: Date): Record<string, unknown> {
  return {
    origin: "JFK",
    destination: "LAX",
    departureDate: dayFrom(now, 14),
    // One way on the first try (a round trip doubles a cold search's reads).
    returnDate: undefined,
    maxTotalPrice: undefined,
    city: "LHR",
    checkIn: dayFrom(now, 14),
    checkOut: dayFrom(now, 17),
    from: dayFrom(now, -30),
    to: dayFrom(now, 0),
    maxPrice: undefined,
    carriers: undefined,
  };
}

/**
 * Adds operationIds (table, else derived; unique), `security: []` on `/health`, the license,
 * per-status problem examples and working request examples to a generated document.
 */
export function finishOpenApiDocument<D extends object>(generated: D, now = new Date()): D {
  const doc = generated as unknown as Document;
  doc.info.license = { name: "MIT", identifier: "MIT" };
  const examples = requestExamples(now);
  const seen = new Set<string>();
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      if (typeof operation !== "object" || operation === null || !("responses" in operation))
        continue;
      operation.operationId ??=
        OPERATION_IDS[`${method} ${path}`] ?? derivedOperationId(method, path);
      if (seen.has(operation.operationId)) {
        throw new Error(`OpenAPI: operationId ${operation.operationId} is used twice`);
      }
      seen.add(operation.operationId);
      if (path === "/health") operation.security = [];
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== "query" || !(parameter.name in examples)) continue;
        const example = examples[parameter.name];
        if (parameter.schema) delete parameter.schema.example;
        if (example === undefined) delete parameter.example;
        else parameter.example = example;
      }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const problem = response.content?.["application/problem+json"];
        const named = PROBLEM_EXAMPLES[status];
        if (problem && named && !problem.examples && !problem.example) problem.examples = named;
      }
    }
  }
  return generated;
}
