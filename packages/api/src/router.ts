import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env.js";
import { ValidationFailedError } from "./errors.js";
import { zodIssuesToErrors } from "./problem.js";

/** Name of the OpenAPI security scheme every `/v1` route declares. */
export const API_KEY_SECURITY = [{ ApiKey: [] }];

/**
 * A route module's sub-app. Its `defaultHook` turns every zod validation failure (query, path,
 * body) into a 422 `validation_failed` problem listing each field; sub-apps mounted with
 * `app.route` also inherit this hook from the root app.
 *
 * @example
 * export function createOfferRoutes(deps: AppDeps) {
 *   const router = createRouter();
 *   router.openapi(getOfferRoute, async (c) => c.json(await deps.search.getOffer(...), 200));
 *   return router;
 * }
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

function validationHook(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
  target?: string;
}): void {
  if (!result.success && result.error) {
    throw new ValidationFailedError(zodIssuesToErrors(result.error.issues, result.target ?? ""));
  }
}
