import { SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../../env.js";
import type { AppLogger } from "../../observability.js";

/**
 * One structured access-log line and one OpenTelemetry span per request: request id, method,
 * route *pattern* (never the raw path or query string, which can carry PII), status, latency,
 * cache status and tenant id. Keys, bodies and traveller data are never logged.
 *
 * @example
 * app.use(accessLog({ logger, tracer }));
 */
export function accessLog(options: {
  logger: AppLogger;
  tracer: Tracer;
}): MiddlewareHandler<AppEnv> {
  const { logger, tracer } = options;
  return async function accessLogMiddleware(c, next) {
    const started = performance.now();
    await tracer.startActiveSpan(`HTTP ${c.req.method}`, async (span) => {
      try {
        await next();
      } finally {
        const route = handlerRoute(c);
        const status = c.res.status;
        const latencyMs = Math.round((performance.now() - started) * 100) / 100;
        span.updateName(`${c.req.method} ${route}`);
        span.setAttributes({
          "http.request.method": c.req.method,
          "http.route": route,
          "http.response.status_code": status,
          "travel.request_id": c.get("requestId"),
        });
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        const tenantId = c.get("tenantId");
        logger.info("request", {
          requestId: c.get("requestId"),
          method: c.req.method,
          route,
          status,
          latencyMs,
          ...(tenantId ? { tenantId } : {}),
          ...c.get("logFields"),
        });
      }
    });
  };
}

/** The pattern of the handler that answered (middleware patterns like `/v1/*` are skipped). */
function handlerRoute(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== "ALL") return route.path;
  }
  return "unmatched";
}
