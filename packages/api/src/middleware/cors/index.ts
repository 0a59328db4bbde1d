import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import type { AppEnv } from "../../env.js";
import { addVary, setResponseHeader } from "../response-headers/index.js";

export interface CorsOptions {
  /** Allowed origins; `["*"]` allows any. */
  origins: readonly string[];
  allowHeaders: string[];
  allowMethods: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

/**
 * CORS: preflights (`OPTIONS`) are answered by Hono's `cors`; on every other request the same
 * headers are collected for the answer before the handler (see `responseHeaders`). Hono's
 * `cors` would add `Vary: Origin` with `c.header` after the handler, which makes Hono rebuild
 * the whole answer as a streamed Response (~12 % of a cached search's CPU).
 *
 * @example
 * app.use(corsHeaders({ origins: ["https://app.example"], ... }));
 */
export function corsHeaders(options: CorsOptions): MiddlewareHandler<AppEnv> {
  const any = options.origins.includes("*");
  const preflight = honoCors({
    origin: any ? "*" : [...options.origins],
    allowHeaders: options.allowHeaders,
    allowMethods: options.allowMethods,
    exposeHeaders: options.exposeHeaders,
    maxAge: options.maxAgeSeconds,
  });
  const expose = options.exposeHeaders.join(",");
  return function corsMiddleware(c, next) {
    if (c.req.method === "OPTIONS") return preflight(c, next);
    const origin = c.req.header("origin");
    const allowed = any ? "*" : origin && options.origins.includes(origin) ? origin : undefined;
    if (allowed) {
      setResponseHeader(c, "access-control-allow-origin", allowed);
      if (expose) setResponseHeader(c, "access-control-expose-headers", expose);
    }
    // The answer depends on the Origin header unless every origin gets the same one.
    if (!any) addVary(c, "Origin");
    return next();
  };
}
