import { createRoute, z } from "@hono/zod-openapi";
import { type ApiKeyRecord, apiKeyScopeSchema } from "@travel/core";
import type { AppDeps } from "../deps.js";
import { NotFoundError } from "../errors.js";
import { createPageCursors } from "../page-cursor.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

const tenantIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 characters of A–Z, a–z, 0–9, _ or -")
  .openapi({ example: "acme-travel" });

const createApiKeyBodySchema = z
  .object({
    tenantId: tenantIdSchema,
    name: z.string().trim().min(1).max(100).openapi({ example: "Checkout service" }),
    scopes: z
      .array(apiKeyScopeSchema)
      .min(1, "must name at least one scope")
      .max(4)
      .openapi({ example: ["search", "book"] }),
    rateLimitPerMinute: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .openapi({ description: "Requests per minute for this key (default from configuration)" }),
  })
  .strict()
  .openapi("CreateApiKeyRequest");

const apiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }),
    tenantId: z.string(),
    name: z.string(),
    scopes: z.array(apiKeyScopeSchema),
    rateLimitPerMinute: z.int(),
    createdAt: z.string().openapi({ example: "2026-11-20T16:42:00Z" }),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

const createdApiKeySchema = apiKeySchema
  .extend({
    key: z
      .string()
      .openapi({ description: "The plain key: shown only in this answer, store it now." }),
  })
  .openapi("CreatedApiKey");

const listQuerySchema = z.object({
  tenantId: tenantIdSchema,
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.int().min(1).max(100))
    .optional()
    .openapi({ type: "integer", example: 20 }),
  cursor: z.string().min(1).max(2048).optional(),
});

const keyIdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^key_[A-Za-z0-9]{6,64}$/, "is not an API key id")
    .openapi({
      param: { name: "id", in: "path" },
      example: "key_01JD8X3Z5K7M9P1Q3R5T7V9X1Z",
    }),
});

function toView(record: ApiKeyRecord) {
  return {
    id: record.keyId,
    tenantId: record.tenantId,
    name: record.name,
    scopes: record.scopes,
    rateLimitPerMinute: record.rateLimitPerMinute,
    createdAt: record.createdAt,
    revokedAt: record.revokedAt ?? null,
  };
}

const createKeyRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["Administration"],
  summary: "Create an API key",
  security: API_KEY_SECURITY,
  request: {
    body: { required: true, content: { "application/json": { schema: createApiKeyBodySchema } } },
  },
  responses: {
    201: {
      description: "Created; the plain key is in this answer only",
      content: { "application/json": { schema: createdApiKeySchema } },
    },
    ...problemResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Administration"],
  summary: "List a tenant's API keys (no secrets)",
  security: API_KEY_SECURITY,
  request: { query: listQuerySchema },
  responses: {
    200: {
      description: "The tenant's keys, newest first",
      content: {
        "application/json": {
          schema: z.object({
            data: z.array(apiKeySchema),
            meta: z.object({ count: z.int(), nextCursor: z.string().nullable() }),
          }),
        },
      },
    },
    ...problemResponses(401, 403, 422, 429),
  },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/{id}",
  tags: ["Administration"],
  summary: "Revoke an API key",
  description: "The key is refused (401) at once by this process and within 60 s everywhere.",
  security: API_KEY_SECURITY,
  request: { params: keyIdParamsSchema },
  responses: {
    200: {
      description: "The revoked key",
      content: { "application/json": { schema: apiKeySchema } },
    },
    ...problemResponses(401, 403, 404, 422, 429),
  },
});

/** `/v1/admin/api-keys`: create, list and revoke keys (scope `admin`). */
export function createApiKeyRoutes(deps: AppDeps) {
  const router = createRouter();
  const { apiKeys, clock, config } = deps;

  router.openapi(createKeyRoute, async (c) => {
    const body = c.req.valid("json");
    const { record, plainKey } = await apiKeys.create({
      tenantId: body.tenantId,
      name: body.name,
      scopes: body.scopes,
      rateLimitPerMinute: body.rateLimitPerMinute ?? config.defaultRateLimitPerMinute,
      now: clock.now(),
    });
    c.header("cache-control", "no-store");
    return c.json({ ...toView(record), key: plainKey }, 201);
  });

  router.openapi(listKeysRoute, async (c) => {
    const query = c.req.valid("query");
    const cursors = createPageCursors(deps.cursorSecret, `api-keys:${query.tenantId}`);
    const page = await apiKeys.listByTenant(query.tenantId, {
      limit: query.limit ?? 20,
      cursor: cursors.open(query.cursor),
    });
    const data = page.items.map(toView);
    return c.json(
      { data, meta: { count: data.length, nextCursor: cursors.seal(page.cursor) } },
      200,
    );
  });

  router.openapi(revokeKeyRoute, async (c) => {
    const { id } = c.req.valid("param");
    const revoked = await apiKeys.revoke(id, clock.now());
    if (!revoked) throw new NotFoundError(`No API key ${id}.`);
    deps.keyLookup.forget(revoked.keyHash);
    return c.json(toView(revoked), 200);
  });

  return router;
}
