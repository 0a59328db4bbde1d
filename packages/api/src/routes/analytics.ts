import { createRoute, z } from "@hono/zod-openapi";
import {
  analyticsDateSchema,
  analyticsRouteSchema,
  analyticsSummarySchema,
  MAX_RANGE_DAYS,
  routeAnalyticsSchema,
} from "@travel/analytics";
import type { Context } from "hono";
import type { AppDeps } from "../deps.js";
import type { AppEnv } from "../env.js";
import { TenantForbiddenError } from "../errors.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";
import { tenantIdSchema } from "./tenant-id.js";

// The schemas come from @travel/analytics (one source of truth), created before
// @hono/zod-openapi extends zod, so they carry their documentation through zod's own `.meta()`.
const rangeQuerySchema = z.object({
  from: analyticsDateSchema.meta({
    description: "First day (UTC), YYYY-MM-DD",
    example: "2026-03-01",
  }),
  to: analyticsDateSchema.meta({
    description: `Last day (UTC), YYYY-MM-DD; from ≤ to, at most ${MAX_RANGE_DAYS} days in all`,
    example: "2026-03-31",
  }),
  tenantId: tenantIdSchema.optional().openapi({
    description:
      "Whose figures (scope `platform` only). Without `platform` the figures are always the " +
      "caller's own tenant's; with it and no `tenantId`, platform-wide.",
  }),
});

const routeParamsSchema = z.object({
  route: analyticsRouteSchema.meta({
    description: "ORIGIN-DESTINATION IATA airport codes",
    example: "JFK-LAX",
  }),
});

const CONSISTENCY =
  "A key sees its own tenant's figures; `platform` keys see every tenant's (or one with " +
  "`tenantId`). " +
  "Fed by the table's change stream: eventually consistent (seconds), and a change record " +
  "delivered twice is counted once. Days are UTC days of the event itself (a search's day, a " +
  "booking's confirmation or cancellation instant). `revenue` is GROSS: the value of bookings " +
  "confirmed in the range; cancellations are counted apart and their value is in " +
  "`cancelledRevenue` (net = revenue − cancelledRevenue). A cache hit is a search answered from " +
  "the cache, fresh (`hit`) or `stale`.";

const summaryRoute = createRoute({
  method: "get",
  path: "/summary",
  tags: ["Analytics"],
  summary: "Searches, cache hits, bookings, cancellations, revenue and top routes over a range",
  description: CONSISTENCY,
  security: API_KEY_SECURITY,
  request: { query: rangeQuerySchema },
  responses: {
    200: {
      description: "Totals over the range",
      content: {
        "application/json": { schema: analyticsSummarySchema.meta({ id: "AnalyticsSummary" }) },
      },
    },
    ...problemResponses(401, 403, 422, 429),
  },
});

const routeRoute = createRoute({
  method: "get",
  path: "/routes/{route}",
  tags: ["Analytics"],
  summary: "Daily searches, bookings and revenue of one flight route",
  description: `${CONSISTENCY} Every day of the range is listed, days without activity as zeros.`,
  security: API_KEY_SECURITY,
  request: { params: routeParamsSchema, query: rangeQuerySchema },
  responses: {
    200: {
      description: "One entry per day of the range",
      content: {
        "application/json": { schema: routeAnalyticsSchema.meta({ id: "RouteAnalytics" }) },
      },
    },
    ...problemResponses(401, 403, 422, 429),
  },
});

/**
 * Whose figures a request may read: its own tenant's, unless the key holds `platform` (then
 * platform-wide, or the tenant it names). Naming another tenant without `platform` is a 403.
 */
function whoseFigures(c: Context<AppEnv>, requested: string | undefined): { tenantId?: string } {
  const key = c.get("apiKey");
  if (key.scopes.includes("platform"))
    return requested === undefined ? {} : { tenantId: requested };
  if (requested !== undefined && requested !== key.tenantId) {
    throw new TenantForbiddenError("An analytics key reads its own tenant's figures only.");
  }
  return { tenantId: key.tenantId };
}

/** `/v1/analytics`: summary and per-route views of the daily aggregates (scope `analytics`). */
export function createAnalyticsRoutes(deps: AppDeps) {
  const router = createRouter();
  const { queries } = deps.analytics;

  router.openapi(summaryRoute, async (c) => {
    const { tenantId, ...range } = c.req.valid("query");
    return c.json(await queries.summary(range, whoseFigures(c, tenantId)), 200);
  });

  router.openapi(routeRoute, async (c) => {
    const { route } = c.req.valid("param");
    const { tenantId, ...range } = c.req.valid("query");
    return c.json(await queries.route({ route, ...range }, whoseFigures(c, tenantId)), 200);
  });

  return router;
}
