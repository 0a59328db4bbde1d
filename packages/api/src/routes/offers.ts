import { createRoute, z } from "@hono/zod-openapi";
import { offerSchema, offerUpdateSchema } from "@travel/search";
import type { AppDeps } from "../deps.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

const offerIdParams = z.object({
  offerId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "offerId", in: "path" }, example: "off_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }),
});

const getOfferRoute = createRoute({
  method: "get",
  path: "/{offerId}",
  tags: ["Offers"],
  summary: "Re-price an offer live",
  description:
    "The offer re-priced from the source of truth, never from the search cache. Unknown ids are a " +
    "404 `offer_not_found`; departed flights and past check-ins a 410 `offer_expired`.",
  security: API_KEY_SECURITY,
  request: { params: offerIdParams },
  responses: {
    200: { description: "The offer", content: { "application/json": { schema: offerSchema } } },
    ...problemResponses(401, 403, 404, 410, 429, 503),
  },
});

const updateOfferRoute = createRoute({
  method: "patch",
  path: "/{offerId}",
  tags: ["Administration"],
  summary: "Change an offer's price or availability",
  description:
    "Every cached search result holding the offer is invalidated before the answer, so the very " +
    "next search (in any process sharing the cache) shows the change. Hotel offers apply the " +
    "change to every night of the stay. When the cache cannot be reached the change is still " +
    "made and answered, with `x-cache-refresh: pending`: caches catch up from the change stream. " +
    "Availability never exceeds what exists once booking holds are counted (409 " +
    "`inventory_conflict`).",
  security: API_KEY_SECURITY,
  request: {
    params: offerIdParams,
    body: { required: true, content: { "application/json": { schema: offerUpdateSchema } } },
  },
  responses: {
    200: {
      description: "The updated offer, re-priced live",
      content: { "application/json": { schema: offerSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

/** `GET /v1/offers/{offerId}` (scope `search`). */
export function createOfferRoutes(deps: AppDeps) {
  return createRouter().openapi(getOfferRoute, async (c) => {
    const { offerId } = c.req.valid("param");
    c.header("cache-control", "no-store");
    return c.json(await deps.search.getOffer(offerId), 200);
  });
}

/** `PATCH /v1/admin/offers/{offerId}` (scope `admin`). */
export function createAdminOfferRoutes(deps: AppDeps) {
  const router = createRouter();
  router.openapi(updateOfferRoute, async (c) => {
    const { offerId } = c.req.valid("param");
    // Written is written: when the cache cannot be refreshed the answer says so (header
    // `x-cache-refresh: pending`) instead of a 503; the change stream's consumer repairs it.
    const offer = await deps.search.updateOffer(offerId, c.req.valid("json"), {
      onRefreshFailed: (error) => {
        deps.metrics.increment("CacheRefreshFailed");
        deps.logger.warn("cached search data not refreshed after an offer update", {
          offerId,
          error: error as Error,
        });
        c.header("x-cache-refresh", "pending");
      },
    });
    return c.json(offer, 200);
  });
  return router;
}
