import { createRoute, z } from "@hono/zod-openapi";
import {
  BookingError,
  bookingListQuerySchema,
  bookingRequestSchema,
  bookingResponseSchema,
  idempotencyKeySchema,
} from "@travel/booking";
import { DomainError } from "@travel/core";
import type { Context } from "hono";
import type { AppDeps } from "../deps.js";
import type { AppEnv } from "../env.js";
import { ValidationFailedError } from "../errors.js";
import { problemResponse, problemResponses, zodIssuesToErrors } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

const IDEMPOTENCY_HEADER = "idempotency-key";

/** 400 `idempotency_key_required`: the contract's answer to a POST without the header. */
class IdempotencyKeyRequiredError extends DomainError {
  constructor() {
    super({
      status: 400,
      code: "idempotency_key_required",
      title: "Idempotency-Key required",
      detail: "Send an Idempotency-Key header (8–128 printable characters) with every booking.",
    });
    this.name = "IdempotencyKeyRequiredError";
  }
}

// The booking package's schemas are plain zod, built before `@hono/zod-openapi` extends zod, so
// they are re-wrapped here (same shape, same rules) to carry OpenAPI component names.
const bookingSchema = z.object(bookingResponseSchema.shape).openapi("Booking", {
  example: {
    id: "bkg_01JD8X3Z5K7M9P1Q3R5T7V9X1Z",
    reference: "Q7M2ZK",
    status: "confirmed",
    offerId: "off_01JD8X3Z5K7M9P1Q3R5T7V9XA1",
    offerType: "flight",
    quantity: 1,
    total: { amount: "250.00", currency: "USD" },
    travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
    contact: { email: "ada@example.com" },
    createdAt: "2026-12-08T09:32:05.000Z",
    confirmedAt: "2026-12-08T09:32:06.000Z",
  },
});

const bookingBodySchema = z.strictObject(bookingRequestSchema.shape).openapi("BookingRequest", {
  example: {
    offerId: "off_01JD8X3Z5K7M9P1Q3R5T7V9XA1",
    quantity: 1,
    travelers: [{ givenName: "Ada", familyName: "Lovelace", dateOfBirth: "1990-12-10" }],
    contact: { email: "ada@example.com", phone: "+44 20 7946 0000" },
    expectedTotal: { amount: "250.00", currency: "USD" },
  },
});

const idempotencyHeaders = z.object({
  [IDEMPOTENCY_HEADER]: idempotencyKeySchema.meta({
    description:
      "Unique per booking attempt (8–128 printable characters). Repeating a request with the same " +
      "key and body answers the stored response with `idempotent-replayed: true`; the same key " +
      "with another body is a 409 `idempotency_conflict`. Keys are remembered for 24 hours.",
    example: "7c0e1f2a-5b9d-4e8f-a1c3-9d2b6e4f8a10",
  }),
});

const bookingIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" }, example: "bkg_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }),
});

const replayedHeader = {
  "idempotent-replayed": {
    description: "`true` when this is the stored answer of an earlier request with the same key.",
    schema: { type: "string" as const, enum: ["true"] },
  },
};

const createBookingRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["Bookings"],
  summary: "Book an offer",
  description:
    "Re-prices the offer live and holds the seats/rooms (every night of a hotel stay) with " +
    "conditional writes that cannot oversell. `409 price_changed` carries the current `total`; " +
    "`409 sold_out`, `409 tenant_inventory_cap` (a tenant holds at most max(9, 50 %) of one " +
    "flight's seats or one night's rooms), `404 offer_not_found` and `410 offer_expired` are stored under the " +
    "Idempotency-Key like a success, so a repeat answers the same. A missing key is a 400 " +
    "`idempotency_key_required`, a malformed one a 422 `validation_failed`. Flights need one " +
    "traveler per seat.",
  security: API_KEY_SECURITY,
  request: {
    headers: idempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: bookingBodySchema } } },
  },
  responses: {
    201: {
      description: "The confirmed booking (also for a replay, with `idempotent-replayed: true`)",
      headers: replayedHeader,
      content: { "application/json": { schema: bookingSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 503),
  },
});

const getBookingRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["Bookings"],
  summary: "Get one of your bookings",
  description: "Bookings of other tenants are a 404, exactly like ids that do not exist.",
  security: API_KEY_SECURITY,
  request: { params: bookingIdParams },
  responses: {
    200: { description: "The booking", content: { "application/json": { schema: bookingSchema } } },
    ...problemResponses(401, 403, 404, 429, 503),
  },
});

const listBookingsRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Bookings"],
  summary: "List your bookings, newest first",
  description:
    "Only the calling tenant's bookings. `cursor` is opaque and signed: a changed cursor, or one " +
    "issued for another filter, is a 422.",
  security: API_KEY_SECURITY,
  request: {
    query: z.object(bookingListQuerySchema.shape),
  },
  responses: {
    200: {
      description: "A page of bookings",
      content: {
        "application/json": {
          schema: z
            .object({
              data: z.array(bookingSchema),
              meta: z.object({ count: z.number().int(), nextCursor: z.string().nullable() }),
            })
            .openapi("BookingPage"),
        },
      },
    },
    ...problemResponses(401, 403, 422, 429, 503),
  },
});

const cancelBookingRoute = createRoute({
  method: "post",
  path: "/{id}/cancel",
  tags: ["Bookings"],
  summary: "Cancel a booking",
  description:
    "Returns the seats/rooms to inventory exactly once. Cancelling again answers 200 with the same " +
    "body. After departure / check-in: 409 `booking_not_cancellable`.",
  security: API_KEY_SECURITY,
  request: { params: bookingIdParams },
  responses: {
    200: {
      description: "The cancelled booking",
      content: { "application/json": { schema: bookingSchema } },
    },
    ...problemResponses(401, 403, 404, 409, 429, 503),
  },
});

/**
 * A missing `Idempotency-Key` is the contract's 400 `idempotency_key_required`; a malformed one
 * is an ordinary 422 `validation_failed`. Every other validation failure keeps the router's
 * default (422 listing each field).
 */
function bookingValidationHook(
  result: {
    success: boolean;
    target?: string;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  },
  c: Context<AppEnv>,
): undefined {
  if (result.success || !result.error) return undefined;
  if (result.target === "header" && c.req.header(IDEMPOTENCY_HEADER) === undefined) {
    throw new IdempotencyKeyRequiredError();
  }
  const errors = zodIssuesToErrors(result.error.issues, result.target ?? "");
  if (result.target === "header") {
    throw new ValidationFailedError(errors.map((e) => ({ ...e, path: "Idempotency-Key" })));
  }
  throw new ValidationFailedError(errors);
}

/**
 * `/v1/bookings` (scope `book`). Traveller names and contact details travel only in bodies:
 * nothing here logs a body, and the access log records method, route and status only.
 */
export function createBookingRoutes(deps: AppDeps) {
  const router = createRouter();
  const bookings = deps.bookings;

  router.openapi(
    createBookingRoute,
    async (c) => {
      const idempotencyKey = c.req.valid("header")[IDEMPOTENCY_HEADER];
      // Traveller details: never stored by a browser or a shared cache.
      c.header("cache-control", "no-store");
      try {
        const outcome = await bookings.book({
          tenantId: c.get("tenantId"),
          idempotencyKey,
          request: c.req.valid("json"),
        });
        if (outcome.replayed) c.header("idempotent-replayed", "true");
        c.header("location", `/v1/bookings/${outcome.booking.id}`);
        c.get("logFields").booking = outcome.replayed ? "replayed" : "created";
        return c.json(outcome.booking, 201);
      } catch (error) {
        // A stored problem answer is replayed with the same marker as a stored booking (the
        // shared error handler builds a fresh response, so the header is set here).
        if (error instanceof BookingError && error.replayed) {
          return problemResponse(c, {
            status: error.status,
            code: error.code,
            title: error.title,
            detail: error.message,
            ...(error.extensions ? { extensions: error.extensions } : {}),
            headers: { "idempotent-replayed": "true" },
            // A problem+json Response is outside the route's typed JSON answers by design.
          }) as never;
        }
        throw error;
      }
    },
    bookingValidationHook,
  );

  router.openapi(listBookingsRoute, async (c) => {
    const query = c.req.valid("query");
    const page = await bookings.list({
      tenantId: c.get("tenantId"),
      status: query.status,
      limit: query.limit,
      cursor: query.cursor,
    });
    c.header("cache-control", "no-store");
    return c.json(page, 200);
  });

  router.openapi(getBookingRoute, async (c) => {
    const { id } = c.req.valid("param");
    c.header("cache-control", "no-store");
    return c.json(await bookings.get({ tenantId: c.get("tenantId"), bookingId: id }), 200);
  });

  router.openapi(cancelBookingRoute, async (c) => {
    const { id } = c.req.valid("param");
    c.header("cache-control", "no-store");
    return c.json(await bookings.cancel({ tenantId: c.get("tenantId"), bookingId: id }), 200);
  });

  return router;
}
