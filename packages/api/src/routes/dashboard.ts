import { createRoute, z } from "@hono/zod-openapi";
import { type ApiKeyRecord, fromMinor } from "@travel/core";
import { liveCounts } from "../dashboard/live-window.js";
import type { AppDeps } from "../deps.js";
import { ForbiddenError } from "../errors.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

const moneySchema = z.object({ amount: z.string(), currency: z.string() });
const checkSchema = z.enum(["ok", "down"]);

const liveQuerySchema = z.object({
  tenantId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({
      description:
        "One tenant's figures (platform keys only; a tenant key may name only its own tenant). " +
        "Omitted: the caller's own tenant, or every tenant for a platform key.",
      example: "acme",
    }),
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(60)
    .default(15)
    .openapi({ description: "Minutes of the per-minute series, the current one included" }),
});

export const liveAnswerSchema = z
  .object({
    generatedAt: z.string(),
    /** The tenant shown, or null for every tenant. */
    tenantId: z.string().nullable(),
    /** Whether the caller may pick another tenant or all of them. */
    platform: z.boolean(),
    /** Tenants with counted activity in the last hour (platform keys only; empty otherwise). */
    tenants: z.array(z.string()),
    perMinute: z.array(
      z.object({
        minute: z.string(),
        searches: z.number().int(),
        cacheHits: z.number().int(),
        bookings: z.number().int(),
      }),
    ),
    totals: z.object({
      searches: z.number().int(),
      cacheHits: z.number().int(),
      staleHits: z.number().int(),
      bookings: z.number().int(),
      cancellations: z.number().int(),
      cacheHitRatio: z.number(),
      freshRatio: z.number(),
      revenue: z.array(moneySchema),
    }),
    topRoutes: z.array(
      z.object({ route: z.string(), searches: z.number().int(), bookings: z.number().int() }),
    ),
    latency: z.array(
      z.object({
        route: z.string(),
        count: z.number().int(),
        p50Ms: z.number(),
        p99Ms: z.number(),
      }),
    ),
    stream: z.object({
      lagSeconds: z.number().nullable(),
      queued: z.number().int().nullable(),
      deadLettered: z.number().int().nullable(),
    }),
    health: z.object({
      dynamodb: checkSchema,
      cache: checkSchema,
      cacheBackend: z.enum(["redis", "memory"]),
      cacheBreaker: z.enum(["closed", "open", "half-open", "isolated"]),
      cacheErrors: z.number().int(),
    }),
  })
  .openapi("LiveOperations");

const liveRoute = createRoute({
  method: "get",
  path: "/live",
  tags: ["Analytics"],
  summary: "The last minutes, minute by minute: what the live operations page shows",
  description:
    "Searches, cache hits and bookings per minute, hit ratio, freshness (share of cache answers " +
    "that were fresh, not stale) and revenue over the requested minutes, from the analytics " +
    "aggregates' minute rows: the change-stream consumer writes them with the day rows behind " +
    "/v1/analytics/summary (first delivery of each record, on the minute it happened; the " +
    "CloudWatch business metrics count the same deliveries), so every API instance answers the " +
    "same figures. Top routes are the summary's for the days the window touches. p50/p99 " +
    "latency per route over the last 5 minutes of the answering instance's requests; " +
    "change-stream lag (iterator age), queued and dead-lettered records where the consumer runs " +
    "in that process (local mode; null otherwise); DynamoDB and cache health. A tenant key sees " +
    "its own tenant only.",
  security: API_KEY_SECURITY,
  request: { query: liveQuerySchema },
  responses: {
    200: {
      description: "The live figures",
      content: { "application/json": { schema: liveAnswerSchema } },
    },
    ...problemResponses(401, 403, 422, 429),
  },
});

/** Keys that may see every tenant: `platform` (the operator's; the retired `admin` reads as `keys`). */
function isPlatformKey(key: ApiKeyRecord): boolean {
  const scopes: readonly string[] = key.scopes;
  return scopes.includes("platform");
}

/** `/v1/analytics/live`: the data behind `GET /dashboard` (scope `analytics`). */
export function createDashboardDataRoutes(deps: AppDeps) {
  const router = createRouter();
  const { live, health, cache, clock, analytics } = deps;

  router.openapi(liveRoute, async (c) => {
    const query = c.req.valid("query");
    const key = c.get("apiKey");
    const platform = isPlatformKey(key);
    if (!platform && query.tenantId !== undefined && query.tenantId !== key.tenantId) {
      throw new ForbiddenError("platform");
    }
    const tenantId = platform ? query.tenantId : key.tenantId;
    const now = clock.now();
    const whose = tenantId === undefined ? {} : { tenantId };
    // Top routes are the summary's of the days the window touches (one definition of them).
    const firstDay = new Date(now.getTime() - (query.minutes - 1) * 60_000)
      .toISOString()
      .slice(0, 10);
    const [dynamodb, cacheHealth, minutes, summary] = await Promise.all([
      health.dynamodb(),
      health.cache(),
      analytics.queries.minutes({ now, minutes: query.minutes }, whose),
      analytics.queries.summary({ from: firstDay, to: now.toISOString().slice(0, 10) }, whose),
    ]);
    const counts = liveCounts(minutes.perMinute);
    const snapshot = live.snapshot({ tenantId });
    const cacheMetrics = cache.metrics();
    return c.json(
      {
        generatedAt: now.toISOString(),
        tenantId: tenantId ?? null,
        platform,
        tenants: platform ? minutes.tenants : [],
        perMinute: counts.perMinute,
        totals: {
          ...counts.totals,
          revenue: counts.totals.revenue.map(({ minor, currency }) => fromMinor(minor, currency)),
        },
        topRoutes: summary.topRoutes.map(({ route, searches, bookings }) => ({
          route,
          searches,
          bookings,
        })),
        ...snapshot,
        health: {
          dynamodb,
          cache: cacheHealth,
          cacheBackend: cache.backend,
          cacheBreaker: cacheMetrics.breakerState,
          cacheErrors: cacheMetrics.errors,
        },
      },
      200,
      { "cache-control": "no-store" },
    );
  });

  return router;
}
