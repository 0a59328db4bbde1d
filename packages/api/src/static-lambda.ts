import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { compress } from "hono/compress";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env.js";
import { requestId } from "./middleware/request-id/index.js";
import { handleNotFound } from "./problem.js";
import { createDocsRoutes } from "./routes/docs.js";

/**
 * The Lambda that serves the static files of the API's pages (Swagger UI's for `/docs`) in
 * deployed stages: API Gateway routes their paths here (infra `STATIC_ASSETS_FUNCTION`), so the
 * API function ships none of them. Answers carry the headers the API's own middleware gives
 * them (security headers, request id, compression); the local server serves the same routes
 * from the API app.
 *
 * @example
 * // infra: api.route("GET /docs/{asset}", staticAssets.arn)
 */
const app = new Hono<AppEnv>();
app.use(secureHeaders({ crossOriginResourcePolicy: false }));
app.use(requestId());
app.use(async (c, next) => {
  c.header("vary", "Accept-Encoding");
  await next();
});
app.use(compress());
app.route("/docs", createDocsRoutes());
app.notFound(handleNotFound);

export const handler = handle(app);
