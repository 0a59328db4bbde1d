import { createHmac, timingSafeEqual } from "node:crypto";
import { ValidationFailedError } from "./errors.js";

/**
 * Seals a storage cursor (e.g. ElectroDB's) so clients get an opaque value they cannot forge:
 * `base64url(raw).base64url(hmac)`. `open` answers 422 `validation_failed` for anything that was
 * not sealed with this secret, so a tampered cursor never reaches the database.
 *
 * @example
 * const cursors = createPageCursors(secret, "apiKeys:tenant-a");
 * const next = cursors.seal(page.cursor);      // string | null
 * const raw = cursors.open(query.cursor);      // throws 422 on tampering
 */
export function createPageCursors(secret: string, scope: string) {
  const mac = (body: string) =>
    createHmac("sha256", secret).update(scope).update("\0").update(body).digest();
  return {
    seal(raw: string | null): string | null {
      if (raw === null) return null;
      const body = Buffer.from(raw, "utf8").toString("base64url");
      return `${body}.${mac(body).toString("base64url")}`;
    },
    open(cursor: string | undefined): string | null {
      if (cursor === undefined) return null;
      const [body, signature, ...rest] = cursor.split(".");
      if (body && signature && rest.length === 0) {
        const expected = mac(body);
        const given = Buffer.from(signature, "base64url");
        if (given.length === expected.length && timingSafeEqual(given, expected)) {
          return Buffer.from(body, "base64url").toString("utf8");
        }
      }
      throw new ValidationFailedError([
        { path: "cursor", message: "is not a cursor this API issued for this query" },
      ]);
    },
  };
}
