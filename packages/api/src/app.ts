import type { ApiKeyScope } from "@travel/core";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import { methodNotAllowed } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import type { AppDeps } from "./deps.js";
import { accessLog } from "./middleware/access-log/index.js";
import { apiKeyAuth, requireScope } from "./middleware/auth/index.js";
import { bodyLimit } from "./middleware/body-limit/index.js";
import { rateLimit } from "./middleware/rate-limit/index.js";
import { requestId } from "./middleware/request-id/index.js";
import { finishOpenApiDocument } from "./openapi.js";
import { createErrorHandler, handleNotFound, problemResponse } from "./problem.js";
import { createRouter } from "./router.js";
import { createAnalyticsRoutes } from "./routes/analytics.js";
import { createApiKeyRoutes } from "./routes/api-keys.js";
import { createBookingRoutes } from "./routes/bookings.js";
import { createDashboardDataRoutes } from "./routes/dashboard.js";
import { createDashboardPageRoutes } from "./routes/dashboard-page.js";
import { createDocsRoutes } from "./routes/docs.js";
import { createHealthRoutes } from "./routes/health.js";
import { createAdminOfferRoutes, createOfferRoutes } from "./routes/offers.js";
import { createSearchRoutes } from "./routes/search.js";
import { createWebhookRoutes } from "./routes/webhooks.js";

export const OPENAPI_INFO = {
  title: "Travel Platform API",
  version: "1.0.0",
  description:
    "Flight and hotel search, offers, bookings, inventory administration and analytics. " +
    "Errors are RFC 9457 `application/problem+json` with a stable `code`.",
};

/** Which scope each `/v1` area needs; one line per mounted sub-app. */
const SCOPED_AREAS: [prefix: string, scope: ApiKeyScope][] = [
  ["/v1/flights", "search"],
  ["/v1/hotels", "search"],
  ["/v1/offers", "search"],
  ["/v1/admin/offers", "inventory"],
  ["/v1/admin/api-keys", "keys"],
  ["/v1/bookings", "book"],
  ["/v1/analytics", "analytics"],
  ["/v1/webhooks", "keys"],
];

/**
 * The whole HTTP API as one Hono app: cross-cutting middleware, the per-domain sub-apps, the
 * OpenAPI 3.1 document generated from the routes' zod schemas and the docs page.
 *
 * @example
 * const app = createApp(await createAppDeps(loadConfig(process.env)));
 * serve({ fetch: app.fetch, port: 3000 });
 */
export function createApp(deps: AppDeps) {
  const app = createRouter();
  const { config, logger } = deps;

  // The API answers JSON to other origins' scripts when CORS allows it: no CORP header.
  app.use(secureHeaders({ crossOriginResourcePolicy: false }));
  app.use(requestId());
  app.use(accessLog({ logger, tracer: deps.tracer, onRequest: deps.live.request }));
  if (config.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: config.corsOrigins.includes("*") ? "*" : config.corsOrigins,
        allowHeaders: ["content-type", "x-api-key", "idempotency-key", "x-request-id"],
        allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
        exposeHeaders: [
          "x-request-id",
          "x-cache",
          "idempotent-replayed",
          "x-cache-refresh",
          "ratelimit-limit",
          "ratelimit-remaining",
          "ratelimit-reset",
          "retry-after",
        ],
        maxAge: 600,
      }),
    );
  }
  // Answers above compress's threshold are gzipped, so every answer varies by Accept-Encoding.
  app.use(async (c, next) => {
    c.header("vary", "Accept-Encoding");
    await next();
  });
  app.use(compress());
  app.use(bodyLimit({ maxSize: config.bodyLimitBytes }));
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problemResponse(c, {
          status: 405,
          code: "not_found",
          title: "Method Not Allowed",
          detail: `${c.req.method} is not supported here; use ${methods.join(", ")}.`,
          headers: { allow: methods.join(", ") },
        }),
    }),
  );

  const unauthenticated = app
    .route("/", createHealthRoutes(deps))
    .route("/docs", createDocsRoutes())
    .route("/dashboard", createDashboardPageRoutes());

  app.use(
    "/v1/*",
    apiKeyAuth({ keys: deps.keyLookup, guard: deps.unknownKeyGuard }),
    rateLimit({ limiter: deps.rateLimiter }),
  );
  for (const [prefix, scope] of SCOPED_AREAS) {
    app.use(prefix, requireScope(scope));
    app.use(`${prefix}/*`, requireScope(scope));
  }

  // One chain, so `AppType` carries every chained sub-app's route types (hono/client).
  const routes = unauthenticated
    .route("/v1", createSearchRoutes(deps))
    .route("/v1/offers", createOfferRoutes(deps))
    .route("/v1/admin/offers", createAdminOfferRoutes(deps))
    .route("/v1/admin/api-keys", createApiKeyRoutes(deps))
    .route("/v1/bookings", createBookingRoutes(deps))
    .route("/v1/analytics", createAnalyticsRoutes(deps))
    .route("/v1/webhooks", createWebhookRoutes(deps))
    .route("/v1/analytics", createDashboardDataRoutes(deps));

  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKey", {
    type: "apiKey",
    in: "header",
    name: "x-api-key",
    description: "An API key; its scopes decide which routes it may call.",
  });
  // Generated once, on first request (every route is registered by then), instead of per request
  // as `doc31` would; a generation failure goes to onError (a plain 500) rather than echoing it.
  let openApiDocument: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/openapi.json", (c) => {
    openApiDocument ??= finishOpenApiDocument(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: OPENAPI_INFO,
        servers: [{ url: "/" }],
      }),
    );
    c.header("cache-control", "public, max-age=300");
    return c.json(openApiDocument);
  });

  app.onError(createErrorHandler(logger));
  app.notFound(handleNotFound);
  return routes;
}

/**
 * The API's route types for `hono/client`:
 *
 * @example
 * import { hc } from "hono/client";
 * const client = hc<AppType>("http://localhost:3000", { headers: { "x-api-key": key } });
 * const res = await client.v1.flights.search.$get({ query: { origin: "JFK", destination: "LAX", departureDate } });
 */
export type AppType = ReturnType<typeof createApp>;
