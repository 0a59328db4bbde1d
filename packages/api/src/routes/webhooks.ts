import { createRoute, z } from "@hono/zod-openapi";
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from "@travel/core";
import { WEBHOOK_EVENT_TYPES } from "@travel/webhooks";
import type { AppDeps } from "../deps.js";
import { createPageCursors } from "../page-cursor.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

const TAGS = ["Webhooks"];

const eventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);

const createWebhookBodySchema = z
  .object({
    url: z
      .string()
      .trim()
      .min(1)
      .max(2048)
      .openapi({ example: "https://hooks.example.com/travel" }),
    events: z
      .array(eventTypeSchema)
      .min(1, "must name at least one event")
      .max(WEBHOOK_EVENT_TYPES.length)
      .refine((events) => new Set(events).size === events.length, "must not repeat an event")
      .openapi({ example: ["booking.confirmed", "booking.cancelled"] }),
  })
  .strict()
  .openapi("CreateWebhookRequest");

const webhookSchema = z
  .object({
    id: z.string().openapi({ example: "whk_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }),
    url: z.string(),
    events: z.array(eventTypeSchema),
    createdAt: z.string().openapi({ example: "2026-12-01T08:15:00.000Z" }),
  })
  .openapi("Webhook");

const webhookWithSecretSchema = webhookSchema
  .extend({
    secret: z.string().openapi({
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      description: "The signing secret: shown only in this answer, store it now.",
    }),
  })
  .openapi("WebhookWithSecret");

const rotatedSchema = webhookWithSecretSchema
  .extend({
    previousSecretExpiresAt: z.string().openapi({
      description: "Until then the previous secret signs alongside the new one.",
    }),
  })
  .openapi("WebhookSecretRotation");

const attemptSchema = z.object({
  at: z.string(),
  statusCode: z.int().nullable(),
  error: z.string().nullable(),
  durationMs: z.int(),
});

const deliverySchema = z
  .object({
    id: z.string().openapi({ example: "dlv_Zk3…" }),
    eventId: z.string().openapi({ example: "evt_3Jq…" }),
    eventType: z.string().openapi({ example: "booking.confirmed" }),
    status: z.enum(["pending", "delivered", "failed"]),
    attemptCount: z.int(),
    attempts: z.array(attemptSchema),
    nextRetryAt: z.string().nullable(),
    createdAt: z.string(),
    settledAt: z.string().nullable(),
  })
  .openapi("WebhookDelivery");

const testEventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }),
    type: z.literal("webhook.test"),
    deliveryId: z.string(),
    createdAt: z.string(),
  })
  .openapi("WebhookTestEvent");

const idParamsSchema = z.object({
  id: z
    .string()
    .regex(/^whk_[A-Za-z0-9]{6,64}$/, "is not a webhook id")
    .openapi({ param: { name: "id", in: "path" }, example: "whk_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }),
});

const pageQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.int().min(1).max(100))
    .optional()
    .openapi({ type: "integer", example: 20 }),
  cursor: z.string().min(1).max(2048).optional(),
});

function toView(endpoint: WebhookEndpointRecord) {
  return {
    id: endpoint.endpointId,
    url: endpoint.url,
    events: endpoint.events as z.infer<typeof eventTypeSchema>[],
    createdAt: endpoint.createdAt,
  };
}

function toDeliveryView(delivery: WebhookDeliveryRecord) {
  return {
    id: delivery.deliveryId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    attempts: delivery.attempts.map((a) => ({
      at: a.at,
      statusCode: a.statusCode ?? null,
      error: a.error ?? null,
      durationMs: a.durationMs,
    })),
    nextRetryAt: delivery.status === "pending" ? delivery.nextAttemptAt : null,
    createdAt: delivery.createdAt,
    settledAt: delivery.settledAt ?? null,
  };
}

const createRouteDef = createRoute({
  method: "post",
  path: "/",
  tags: TAGS,
  summary: "Register a webhook endpoint",
  description:
    "The URL must be https:// and resolve only to public addresses (checked again at every " +
    "delivery); a refused URL is a 422 `webhook_url_rejected`.",
  security: API_KEY_SECURITY,
  request: {
    body: { required: true, content: { "application/json": { schema: createWebhookBodySchema } } },
  },
  responses: {
    201: {
      description: "Registered; the signing secret is in this answer only",
      content: { "application/json": { schema: webhookWithSecretSchema } },
    },
    ...problemResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

const listRouteDef = createRoute({
  method: "get",
  path: "/",
  tags: TAGS,
  summary: "List the tenant's webhook endpoints (no secrets)",
  security: API_KEY_SECURITY,
  responses: {
    200: {
      description: "The tenant's endpoints, oldest first",
      content: {
        "application/json": {
          schema: z.object({ data: z.array(webhookSchema), meta: z.object({ count: z.int() }) }),
        },
      },
    },
    ...problemResponses(401, 403, 429),
  },
});

const deleteRouteDef = createRoute({
  method: "delete",
  path: "/{id}",
  tags: TAGS,
  summary: "Delete a webhook endpoint",
  description: "Nothing more is sent to it; deliveries still pending are given up.",
  security: API_KEY_SECURITY,
  request: { params: idParamsSchema },
  responses: {
    204: { description: "Deleted" },
    ...problemResponses(401, 403, 404, 422, 429),
  },
});

const testRouteDef = createRoute({
  method: "post",
  path: "/{id}/test",
  tags: TAGS,
  summary: "Send a webhook.test event",
  description: "Queued and delivered like any event; its outcome shows in the delivery log.",
  security: API_KEY_SECURITY,
  request: { params: idParamsSchema },
  responses: {
    202: {
      description: "The test event, queued",
      content: { "application/json": { schema: testEventSchema } },
    },
    ...problemResponses(401, 403, 404, 422, 429),
  },
});

const rotateRouteDef = createRoute({
  method: "post",
  path: "/{id}/rotate-secret",
  tags: TAGS,
  summary: "Rotate the signing secret",
  description:
    "A new secret, shown only in this answer. For 24 h every delivery is signed with both " +
    "the new and the previous secret, so receivers can switch without missing events.",
  security: API_KEY_SECURITY,
  request: { params: idParamsSchema },
  responses: {
    200: {
      description: "The new secret",
      content: { "application/json": { schema: rotatedSchema } },
    },
    ...problemResponses(401, 403, 404, 422, 429),
  },
});

const deliveriesRouteDef = createRoute({
  method: "get",
  path: "/{id}/deliveries",
  tags: TAGS,
  summary: "The endpoint's delivery log",
  description: "Newest first: every event's attempts, status codes and next retry.",
  security: API_KEY_SECURITY,
  request: { params: idParamsSchema, query: pageQuerySchema },
  responses: {
    200: {
      description: "Deliveries, newest first",
      content: {
        "application/json": {
          schema: z.object({
            data: z.array(deliverySchema),
            meta: z.object({ count: z.int(), nextCursor: z.string().nullable() }),
          }),
        },
      },
    },
    ...problemResponses(401, 403, 404, 422, 429),
  },
});

/** `/v1/webhooks`: a tenant's endpoints, test events, secret rotation and delivery logs. */
export function createWebhookRoutes(deps: AppDeps) {
  const router = createRouter();
  const { webhooks } = deps;

  router.openapi(createRouteDef, async (c) => {
    const body = c.req.valid("json");
    const { endpoint, secret } = await webhooks.service.createEndpoint(c.get("tenantId"), body);
    c.header("cache-control", "no-store");
    return c.json({ ...toView(endpoint), secret }, 201);
  });

  router.openapi(listRouteDef, async (c) => {
    const data = (await webhooks.service.list(c.get("tenantId"))).map(toView);
    return c.json({ data, meta: { count: data.length } }, 200);
  });

  router.openapi(deleteRouteDef, async (c) => {
    const { id } = c.req.valid("param");
    await webhooks.service.delete(c.get("tenantId"), id);
    return c.body(null, 204);
  });

  router.openapi(testRouteDef, async (c) => {
    const { id } = c.req.valid("param");
    const { eventId, delivery } = await webhooks.service.sendTest(c.get("tenantId"), id);
    return c.json(
      {
        id: eventId,
        type: "webhook.test" as const,
        deliveryId: delivery.deliveryId,
        createdAt: delivery.createdAt,
      },
      202,
    );
  });

  router.openapi(rotateRouteDef, async (c) => {
    const { id } = c.req.valid("param");
    const { endpoint, secret } = await webhooks.service.rotateSecret(c.get("tenantId"), id);
    c.header("cache-control", "no-store");
    return c.json(
      {
        ...toView(endpoint),
        secret,
        previousSecretExpiresAt: endpoint.previousSecretExpiresAt ?? endpoint.updatedAt,
      },
      200,
    );
  });

  router.openapi(deliveriesRouteDef, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const cursors = createPageCursors(deps.cursorSecret, `webhook-deliveries:${id}`);
    const page = await webhooks.service.listDeliveries(c.get("tenantId"), id, {
      limit: query.limit ?? 20,
      cursor: cursors.open(query.cursor),
    });
    const data = page.items.map(toDeliveryView);
    return c.json(
      { data, meta: { count: data.length, nextCursor: cursors.seal(page.cursor) } },
      200,
    );
  });

  return router;
}
