import { createRoute, z } from "@hono/zod-openapi";
import {
  flightSearchResponseSchema,
  hotelSearchResponseSchema,
  type SearchService,
} from "@travel/search";
import type { Context } from "hono";
import type { AppDeps } from "../deps.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

const xCacheHeader = z.object({
  "x-cache": z.enum(["HIT", "MISS", "STALE"]).openapi({
    description: "Whether the result set came from the search cache",
  }),
});

function flightSearchRoute(search: SearchService) {
  return createRoute({
    method: "get",
    path: "/flights/search",
    tags: ["Search"],
    summary: "Search flight offers",
    description:
      "Offers for one route, departure date and cabin, filtered, sorted and paged. Only offers with " +
      "`seatsAvailable >= adults` are returned; `price` is per traveller. Unknown airports are a 422.",
    security: API_KEY_SECURITY,
    request: { query: search.flightQuerySchema },
    responses: {
      200: {
        description: "Offers",
        headers: xCacheHeader,
        content: { "application/json": { schema: flightSearchResponseSchema } },
      },
      ...problemResponses(401, 403, 422, 429, 503),
    },
  });
}

function hotelSearchRoute(search: SearchService) {
  return createRoute({
    method: "get",
    path: "/hotels/search",
    tags: ["Search"],
    summary: "Search hotel offers",
    description:
      "Stays in a city; a hotel is offered only when every night has `rooms` rooms free. `price` is " +
      "the whole stay, per room.",
    security: API_KEY_SECURITY,
    request: { query: search.hotelQuerySchema },
    responses: {
      200: {
        description: "Offers",
        headers: xCacheHeader,
        content: { "application/json": { schema: hotelSearchResponseSchema } },
      },
      ...problemResponses(401, 403, 422, 429, 503),
    },
  });
}

/** The search's cache status in the access log (the answer carries it in `x-cache`). */
function logCache(c: Context<AppEnv>, status: "hit" | "miss" | "stale"): void {
  c.get("logFields").cache = status;
}

/** `GET /v1/flights/search` and `GET /v1/hotels/search` (scope `search`). */
export function createSearchRoutes(deps: AppDeps) {
  const { search } = deps;
  // Chained, so the routes' types reach `AppType` (hono/client).
  return createRouter()
    .openapi(flightSearchRoute(search), async (c) => {
      const result = await search.searchFlights(c.req.valid("query"), {
        tenantId: c.get("tenantId"),
      });
      logCache(c, result.meta.cache.status);
      c.header("x-cache", result.meta.cache.status.toUpperCase());
      return c.json(result, 200);
    })
    .openapi(hotelSearchRoute(search), async (c) => {
      const result = await search.searchHotels(c.req.valid("query"), {
        tenantId: c.get("tenantId"),
      });
      logCache(c, result.meta.cache.status);
      c.header("x-cache", result.meta.cache.status.toUpperCase());
      return c.json(result, 200);
    });
}
