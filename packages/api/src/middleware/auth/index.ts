import type { ApiKeyScope } from "@travel/core";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.js";
import { ForbiddenError, UnauthorizedError } from "../../errors.js";
import { clientAddress } from "./client-address.js";
import type { ApiKeyLookup } from "./key-lookup.js";
import { addressBucket, type UnknownKeyGuard } from "./unknown-key-guard.js";

export { clientAddress } from "./client-address.js";
export type { ApiKeyLookup } from "./key-lookup.js";
export { createApiKeyLookup } from "./key-lookup.js";
export type { UnknownKeyGuard } from "./unknown-key-guard.js";
export { addressBucket, createUnknownKeyGuard } from "./unknown-key-guard.js";

/** Longest `x-api-key` value worth hashing; anything longer is not one of ours. */
const MAX_KEY_LENGTH = 256;

/**
 * Authenticates `x-api-key`: sets `apiKey` and `tenantId` on the context, or answers 401
 * (`unauthorized`) for a missing, unknown or revoked key without saying which. With a `guard`,
 * a client address whose keys keep turning out unknown is answered 429 before the key table
 * is read (finding 8: a flood of random keys cannot become a flood of reads).
 *
 * @example
 * app.use("/v1/*", apiKeyAuth({ keys: createApiKeyLookup({ repository }), guard }));
 */
export function apiKeyAuth(options: {
  keys: ApiKeyLookup;
  guard?: UnknownKeyGuard | undefined;
}): MiddlewareHandler<AppEnv> {
  const { keys, guard } = options;
  return async function apiKeyAuthMiddleware(c, next) {
    const presented = c.req.header("x-api-key")?.trim();
    if (!presented || presented.length > MAX_KEY_LENGTH) throw new UnauthorizedError();
    const address = guard ? addressBucket(clientAddress(c)) : "";
    const record = await keys.find(
      presented,
      guard && {
        beforeRead: () => guard.beforeLookup(address),
        afterRead: async (found) => {
          if (found) await guard.found(address);
        },
      },
    );
    if (!record || record.revokedAt) throw new UnauthorizedError();
    c.set("apiKey", record);
    c.set("tenantId", record.tenantId);
    await next();
  };
}

/**
 * Refuses (403 `forbidden`) a key that lacks `scope`; mount after `apiKeyAuth`.
 *
 * @example
 * app.use("/v1/bookings/*", requireScope("book"));
 */
export function requireScope(scope: ApiKeyScope): MiddlewareHandler<AppEnv> {
  return async function requireScopeMiddleware(c, next) {
    const key = c.get("apiKey");
    if (!key) throw new UnauthorizedError();
    if (!key.scopes.includes(scope)) throw new ForbiddenError(scope);
    await next();
  };
}
