import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../env.js";

/**
 * The headers `hono/secure-headers` sets with `{ crossOriginResourcePolicy: false }` (a test
 * holds this list to Hono's output, so an upgrade that changes it fails there).
 */
export const SECURE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "cross-origin-opener-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
});

/**
 * Every answer's cross-cutting headers (security headers, request id, rate limit, CORS, `Vary`),
 * collected in one plain object *before* the handler runs, by the middleware that owns each.
 *
 * A hot route answers with `answer()`, which hands that object to the Response as it is: on
 * Node, `@hono/node-server` then writes it with `writeHead` without building a WHATWG `Headers`
 * at all. Setting the same ~16 headers on the finished answer after the handler (what Hono's
 * `secureHeaders`, `cors` and friends do) costs a `Headers` object and a validated `set` per
 * header on every request (measured: ~10 % of a cached search's server CPU).
 *
 * Any other answer (`c.json`, errors, 404s, preflights, compressed bodies) gets the collected
 * headers set on it here after the handler, as those middlewares would have: each one replaces
 * a header of the same name, `Vary` values are added to the answer's own.
 *
 * Mount it first; the other middleware write through `setResponseHeader` / `addVary`.
 *
 * @example
 * app.use(responseHeaders());
 * app.use(requestId());
 */
export function responseHeaders(): MiddlewareHandler<AppEnv> {
  return async function responseHeadersMiddleware(c, next) {
    const headers: Record<string, string> = { ...SECURE_HEADERS };
    c.set("responseHeaders", headers);
    await next();
    if (c.get("answer") === c.res) return;
    const target = c.res.headers;
    for (const name in headers) {
      const value = headers[name] as string;
      if (name === "vary") {
        for (const token of value.split(", ")) appendVary(target, token);
      } else {
        target.set(name, value);
      }
    }
  };
}

function collected(c: Context<AppEnv>): Record<string, string> {
  const headers = c.get("responseHeaders");
  if (!headers) throw new Error("responseHeaders() must be mounted before this middleware");
  return headers;
}

/** Puts `name: value` on this request's answer, whatever it turns out to be. Lower-case names. */
export function setResponseHeader(c: Context<AppEnv>, name: string, value: string): void {
  collected(c)[name] = value;
}

/** Adds `value` to this request's answer's `Vary` (once). */
export function addVary(c: Context<AppEnv>, value: string): void {
  const headers = collected(c);
  const vary = varyWith(headers.vary, value);
  if (vary) headers.vary = vary;
}

/**
 * The answer of a hot route: `body` with the collected headers, `content-type` and this answer's
 * own `headers` (e.g. `x-cache`), handed over as a plain object (see `responseHeaders`). The
 * answer's own headers stay on it: should something fail after this, the error answer gets the
 * collected headers only.
 *
 * - Headers set with `c.header()` are not part of it; use `setResponseHeader` before, or pass them.
 * - Do not change the answer's headers after the handler (`c.res.headers.set`): on Node,
 *   node-server writes the plain object it was given, not a `Headers` copy made from it later.
 *   Middleware that must add a header does so before the handler, through `setResponseHeader`.
 */
export function answer(
  c: Context<AppEnv>,
  body: string,
  status: ContentfulStatusCode,
  contentType: string,
  headers?: Record<string, string>,
): Response {
  const response = new Response(body, {
    status,
    headers: { ...collected(c), ...headers, "content-type": contentType },
  });
  c.set("answer", response);
  return response;
}

/** Adds `value` to `Vary` unless it (or `*`) is already listed. */
export function appendVary(headers: Headers, value: string): void {
  const vary = varyWith(headers.get("vary"), value);
  if (vary) headers.set("vary", vary);
}

/** `Vary` with `value` added, or `undefined` when it (or `*`) is already listed. */
function varyWith(vary: string | null | undefined, value: string): string | undefined {
  if (!vary) return value;
  const listed = vary.split(",").map((v) => v.trim().toLowerCase());
  if (listed.includes("*") || listed.includes(value.toLowerCase())) return undefined;
  return `${vary}, ${value}`;
}
