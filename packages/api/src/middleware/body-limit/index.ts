import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../../env.js";

export interface BodyLimitOptions {
  /** Largest body accepted, in bytes. */
  maxSize: number;
  /** A refused body is read and discarded up to this many bytes (default 32 MB). */
  drainLimit?: number;
  /** ... and for at most this long (default 5 s). */
  drainTimeoutMs?: number;
}

/**
 * Refuses bodies over `maxSize` with 413, after reading the rest of the refused body.
 *
 * Hono's `bodyLimit` answers at once and leaves the rest of the body unread (or its stream
 * locked). On Node's server that answer can be lost: the server closes a connection the client
 * is still sending on, the kernel resets it, and the client sees a dropped connection instead
 * of the 413 (or its next kept-alive request is reset). Reading the rest first costs the bytes
 * the client sends anyway; past `drainLimit` or `drainTimeoutMs` the answer says
 * `connection: close` instead. Behind API Gateway the body is already in memory (10 MB max), so
 * the drain is free there.
 *
 * @example
 * app.use(bodyLimit({ maxSize: 64 * 1024 }));
 */
export function bodyLimit({
  maxSize,
  drainLimit = 32 * 1024 * 1024,
  drainTimeoutMs = 5_000,
}: BodyLimitOptions): MiddlewareHandler<AppEnv> {
  return async function bodyLimitHandler(c, next) {
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = c.req.raw.headers.has("transfer-encoding")
      ? undefined
      : c.req.raw.headers.get("content-length");
    if (declared !== undefined && declared !== null && Number(declared) <= maxSize) {
      return next();
    }
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxSize) {
        const drained = await drain(reader, drainLimit, drainTimeoutMs);
        throw new HTTPException(413, {
          message: "Payload Too Large",
          ...(drained ? {} : { cause: "undrained" }),
        });
      }
      chunks.push(value);
    }
    const buffer = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      buffer.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: buffer });
    return next();
  };
}

/** Reads and discards the rest of a body; false when it is larger or slower than allowed. */
async function drain(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
  timeoutMs: number,
): Promise<boolean> {
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const read = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      bytes += value.byteLength;
      if (bytes > limit) return false;
    }
  })().catch(() => false);
  try {
    const ok = await Promise.race([read, timeout]);
    if (!ok) await reader.cancel().catch(() => undefined);
    return ok;
  } finally {
    clearTimeout(timer);
  }
}
