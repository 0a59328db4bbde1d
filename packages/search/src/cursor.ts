import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { InvalidCursorError } from "./errors.js";

/** Where the next page starts, and for which query. */
export interface CursorPosition {
  /** Index of the first offer of the next page in the ranked, filtered list. */
  offset: number;
  /** Id of the last offer already shown: paging resumes after it if the list shifted. */
  lastId: string;
}

interface CursorPayload {
  v: 1;
  /** Query fingerprint (cache key + sort + filters). */
  f: string;
  o: number;
  l: string;
}

export interface CursorCodec {
  encode(fingerprint: string, position: CursorPosition): string;
  /** The position, or a 422 {@link InvalidCursorError} for a tampered, malformed or foreign cursor. */
  decode(cursor: string, fingerprint: string): CursorPosition;
}

const MAX_OFFSET = 100_000;

/**
 * Opaque, HMAC-SHA256-signed cursors: `base64url(json).base64url(mac)`. The payload is not
 * secret (positions and a hash), only unforgeable.
 *
 * @example
 * const cursors = createCursorCodec(process.env.CURSOR_SECRET);
 * const next = cursors.encode(fingerprint, { offset: 20, lastId: "off_…" });
 * cursors.decode(next, fingerprint); // { offset: 20, lastId: "off_…" }
 */
export function createCursorCodec(secret: string | Uint8Array): CursorCodec {
  const key = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  if (key.length < 16) throw new RangeError("cursor secret must be at least 16 bytes");
  const sign = (body: string) => createHmac("sha256", key).update(body).digest();

  return {
    encode(fingerprint, position) {
      const payload: CursorPayload = {
        v: 1,
        f: fingerprint,
        o: position.offset,
        l: position.lastId,
      };
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      return `${body}.${sign(body).toString("base64url")}`;
    },

    decode(cursor, fingerprint) {
      const [body, mac, extra] = cursor.split(".");
      if (!body || !mac || extra !== undefined) throw new InvalidCursorError("is malformed");
      const expected = sign(body);
      const given = Buffer.from(mac, "base64url");
      // Length first: timingSafeEqual throws on different lengths.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new InvalidCursorError("has an invalid signature");
      }
      const payload = parsePayload(body);
      if (payload.f !== fingerprint) {
        throw new InvalidCursorError("belongs to a different query; start again without it");
      }
      return { offset: payload.o, lastId: payload.l };
    },
  };
}

const payloadSchema = z.object({
  v: z.literal(1),
  f: z.string(),
  o: z.int().min(1).max(MAX_OFFSET),
  l: z.string().max(200),
});

function parsePayload(body: string): CursorPayload {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    // Only reachable with a valid signature, i.e. a cursor we signed in another format.
    throw new InvalidCursorError("is malformed");
  }
  const result = payloadSchema.safeParse(value);
  if (!result.success) throw new InvalidCursorError("is malformed");
  return result.data;
}

/**
 * Where the next page begins: after `lastId` when it is still in the list (stable even if
 * offers appeared or vanished before it), else at the remembered offset.
 */
export function resumeIndex(ids: readonly string[], position: CursorPosition): number {
  if (ids[position.offset - 1] === position.lastId) return position.offset;
  const index = ids.indexOf(position.lastId);
  return index >= 0 ? index + 1 : Math.min(position.offset, ids.length);
}
