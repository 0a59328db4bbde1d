import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.js";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (`c.get("requestId")`) and answers it in `x-request-id`. A client's own `x-request-id` is echoed when it is sane (≤ 128
 * chars of `[A-Za-z0-9._:-]`), so it can correlate; anything else is replaced, so ids in logs
 * are always safe to print.
 *
 * @example
 * app.use(requestId());
 */
export function requestId(options: { headerName?: string } = {}): MiddlewareHandler<AppEnv> {
  const headerName = options.headerName ?? "x-request-id";
  return function requestIdMiddleware(c, next) {
    const offered = c.req.header(headerName);
    const id = offered && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
    c.set("requestId", id);
    c.set("logFields", {});
    c.header(headerName, id);
    return next();
  };
}
