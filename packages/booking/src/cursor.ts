import { createHmac, timingSafeEqual } from "node:crypto";
import { BookingValidationError } from "./errors.js";

interface CursorPayload {
  /** Tenant the page belongs to: a cursor never crosses tenants. */
  t: string;
  /** Status filter the cursor was issued for. */
  s: string | null;
  /** The storage layer's own position. */
  p: string;
}

/**
 * Opaque, tamper-evident list cursors: `base64url(payload).base64url(hmac)`. The HMAC covers
 * the tenant and filter too, so a cursor from another tenant or another filter is refused
 * (422) instead of reaching DynamoDB as a mismatched start key (which would be a 500).
 */
export function createCursorCodec(secret: string) {
  if (secret.length < 16) throw new RangeError("cursor secret must be at least 16 characters");
  const sign = (body: string) => createHmac("sha256", secret).update(body).digest("base64url");

  return {
    encode(tenantId: string, status: string | undefined, position: string | null): string | null {
      if (position === null) return null;
      const payload: CursorPayload = { t: tenantId, s: status ?? null, p: position };
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      return `${body}.${sign(body)}`;
    },

    /** The storage position, or a 422 when the cursor was altered or issued for another list. */
    decode(cursor: string, tenantId: string, status: string | undefined): string {
      const invalid = () =>
        new BookingValidationError([
          { path: "cursor", message: "is not a cursor issued for this list" },
        ]);
      const [body, mac, ...rest] = cursor.split(".");
      if (!body || !mac || rest.length > 0) throw invalid();
      const expected = Buffer.from(sign(body));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      let payload: CursorPayload;
      try {
        payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as CursorPayload;
      } catch (error) {
        throw Object.assign(invalid(), { cause: error });
      }
      if (
        payload.t !== tenantId ||
        payload.s !== (status ?? null) ||
        typeof payload.p !== "string"
      ) {
        throw invalid();
      }
      return payload.p;
    },
  };
}

export type CursorCodec = ReturnType<typeof createCursorCodec>;
