import { LogLevelThreshold } from "@aws-lambda-powertools/logger";
import {
  context,
  isSpanContextValid,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../../env.js";
import type { AppLogger } from "../../observability.js";

/**
 * One structured access-log line and one OpenTelemetry span per request: request id, method,
 * route *pattern* (never the raw path or query string, which can carry PII), status, latency,
 * cache status and tenant id. Keys, bodies and traveller data are never logged.
 *
 * What nobody consumes is not built: with the logger above INFO no line is assembled, and with
 * no OpenTelemetry SDK registered (the API's no-op tracer hands out spans with an invalid
 * context) the request runs without a span context to propagate. A sampled-out span of a real
 * SDK still becomes the active span, so the supplier and cache spans below it follow its
 * sampling decision.
 *
 * @example
 * app.use(accessLog({ logger, tracer }));
 */
export function accessLog(options: {
  logger: AppLogger;
  tracer: Tracer;
  /** Told of every answered request with the latency the log line carries (live operations page). */
  onRequest?: (request: {
    tenantId: string | undefined;
    method: string;
    route: string;
    status: number;
    latencyMs: number;
  }) => void;
}): MiddlewareHandler<AppEnv> {
  const { logger, tracer, onRequest } = options;
  return async function accessLogMiddleware(c, next) {
    const started = performance.now();
    const span = tracer.startSpan(`HTTP ${c.req.method}`);
    try {
      if (isSpanContextValid(span.spanContext())) {
        await context.with(trace.setSpan(context.active(), span), next);
      } else {
        await next();
      }
    } finally {
      const logs = logger.level <= LogLevelThreshold.INFO;
      const recording = span.isRecording();
      const route = logs || recording || onRequest ? handlerRoute(c) : "";
      const status = c.res.status;
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      if (recording) {
        span.updateName(`${c.req.method} ${route}`);
        span.setAttributes({
          "http.request.method": c.req.method,
          "http.route": route,
          "http.response.status_code": status,
          "travel.request_id": c.get("requestId"),
        });
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
      const tenantId = c.get("tenantId");
      onRequest?.({ tenantId, method: c.req.method, route, status, latencyMs });
      if (logs) {
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
    }
  };
}

/** The pattern of the handler that answered (middleware patterns like `/v1/*` are skipped). */
function handlerRoute(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== "ALL") return route.path;
  }
  return "unmatched";
}
