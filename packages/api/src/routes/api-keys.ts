import { createRoute, z } from "@hono/zod-openapi";
import {
  type ApiKeyRecord,
  type ApiKeyScope,
  apiKeyScopeSchema,
  PRINTABLE_TEXT,
  RETIRED_ADMIN_SCOPE,
} from "@travel/core";
import type { Context } from "hono";
import type { AppDeps } from "../deps.js";
import type { AppEnv } from "../env.js";
import { NotFoundError, TenantForbiddenError } from "../errors.js";
import { createPageCursors } from "../page-cursor.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";
import { tenantIdSchema } from "./tenant-id.js";

/** A scope a request may grant; the retired `admin` is refused with what to use instead. */
const grantableScopeSchema = z.enum(apiKeyScopeSchema.options, {
  error: (issue) =>
    issue.input === RETIRED_ADMIN_SCOPE
      ? "admin is retired: grant keys (the tenant's own keys) or inventory instead"
      : `must be one of ${apiKeyScopeSchema.options.join(", ")}`,
});

const createApiKeyBodySchema = z
  .object({
    tenantId: tenantIdSchema.optional().openapi({
      description: "Whose key (default: the caller's tenant; another tenant needs `platform`)",
    }),
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((name) => PRINTABLE_TEXT.test(name), "must be printable text (no control characters)")
      .openapi({ example: "Checkout service" }),
    scopes: z
      .array(grantableScopeSchema)
      .min(1, "must name at least one scope")
      .max(apiKeyScopeSchema.options.length)
      .openapi({
        example: ["search", "book"],
        description: "Only scopes the calling key holds itself; `platform` is never granted here.",
      }),
    rateLimitPerMinute: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .openapi({
        description:
          "Requests per minute for this key: at most the calling key's own (default: the " +
          "configured default, capped at the caller's own)",
      }),
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
  tenantId: tenantIdSchema.optional().openapi({
    description: "Whose keys (default: the caller's tenant; another tenant needs `platform`)",
  }),
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
  summary: "List your tenant's API keys (no secrets)",
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

/**
 * The tenant a request manages: its own, or (with `platform`) the one it names. Naming another
 * tenant without `platform` is a 403.
 */
function managedTenant(c: Context<AppEnv>, requested: string | undefined): string {
  const key = c.get("apiKey");
  if (requested === undefined || requested === key.tenantId) return key.tenantId;
  if (key.scopes.includes("platform")) return requested;
  throw new TenantForbiddenError("A keys key manages its own tenant's keys only.");
}

/**
 * What a new key may hold: only scopes the caller holds, never `platform` (only
 * `pnpm keys create --platform` grants it) and no higher limit than the caller's own.
 */
function checkGrant(caller: ApiKeyRecord, scopes: ApiKeyScope[], limit: number): void {
  if (scopes.includes("platform")) {
    throw new TenantForbiddenError(
      "platform is granted only by the operator (pnpm keys create --platform).",
    );
  }
  const missing = scopes.filter((scope) => !caller.scopes.includes(scope));
  if (missing.length > 0) {
    throw new TenantForbiddenError(
      `A key can grant only scopes it holds itself; this one lacks ${missing.join(", ")}.`,
    );
  }
  if (limit > caller.rateLimitPerMinute && !caller.scopes.includes("platform")) {
    throw new TenantForbiddenError(
      `A key cannot grant a higher rate limit than its own (${caller.rateLimitPerMinute}/min).`,
    );
  }
}

/** `/v1/admin/api-keys`: create, list and revoke the caller's tenant's keys (scope `keys`). */
export function createApiKeyRoutes(deps: AppDeps) {
  const router = createRouter();
  const { apiKeys, clock, config } = deps;

  router.openapi(createKeyRoute, async (c) => {
    const body = c.req.valid("json");
    const caller = c.get("apiKey");
    const tenantId = managedTenant(c, body.tenantId);
    const rateLimitPerMinute =
      body.rateLimitPerMinute ??
      (caller.scopes.includes("platform")
        ? config.defaultRateLimitPerMinute
        : Math.min(config.defaultRateLimitPerMinute, caller.rateLimitPerMinute));
    checkGrant(caller, body.scopes, rateLimitPerMinute);
    const { record, plainKey } = await apiKeys.create({
      tenantId,
      name: body.name,
      scopes: body.scopes,
      rateLimitPerMinute,
      now: clock.now(),
    });
    c.header("cache-control", "no-store");
    return c.json({ ...toView(record), key: plainKey }, 201);
  });

  router.openapi(listKeysRoute, async (c) => {
    const query = c.req.valid("query");
    const tenantId = managedTenant(c, query.tenantId);
    const cursors = createPageCursors(deps.cursorSecret, `api-keys:${tenantId}`);
    const page = await apiKeys.listByTenant(tenantId, {
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
    const caller = c.get("apiKey");
    // Another tenant's key is "not found" to a non-platform caller: its existence is not told.
    const existing = await apiKeys.findById(id);
    if (
      !existing ||
      (existing.tenantId !== caller.tenantId && !caller.scopes.includes("platform"))
    ) {
      throw new NotFoundError(`No API key ${id}.`);
    }
    const revoked = await apiKeys.revoke(id, clock.now());
    if (!revoked) throw new NotFoundError(`No API key ${id}.`);
    deps.keyLookup.forget(revoked.keyHash);
    return c.json(toView(revoked), 200);
  });

  return router;
}
