import type { Context } from "hono";

interface LambdaRequestContext {
  identity?: { sourceIp?: string };
  http?: { sourceIp?: string };
}

/**
 * The client's address, from the source each runtime can vouch for:
 * - Lambda behind API Gateway: the event's `requestContext` (`http.sourceIp` for HTTP APIs,
 *   `identity.sourceIp` for REST), which API Gateway sets from the connection: a client cannot
 *   forge it with a header;
 * - the local Node server: the socket's remote address.
 * `X-Forwarded-For` is never read (anyone can send one). Unknown (e.g. `app.request` in tests):
 * `"unknown"`, one shared bucket.
 *
 * @example clientAddress(c) // "203.0.113.7"
 */
export function clientAddress(c: Context): string {
  const env = c.env as
    | {
        requestContext?: LambdaRequestContext;
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return (
    env?.requestContext?.http?.sourceIp ??
    env?.requestContext?.identity?.sourceIp ??
    env?.incoming?.socket?.remoteAddress ??
    "unknown"
  );
}
