import { OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
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
  const router = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const register = router.openapi;
  router.openapi = ((route: RouteConfig, ...rest: unknown[]) =>
    (register as (...args: unknown[]) => unknown)(
      withStrictQuery(route),
      ...rest,
    )) as typeof register;
  return router;
}

/**
 * Every route refuses query parameters it does not declare (contract v2, "Strict queries"): a
 * declared query object becomes strict, a route without one gets an empty strict object, so
 * `returnDate` or `currency=EUR` sent where nobody reads them is a 422 naming them.
 */
export function withStrictQuery<R extends RouteConfig>(route: R): R {
  const query = route.request?.query;
  if (query === undefined) {
    return { ...route, request: { ...route.request, query: z.strictObject({}) } };
  }
  if (query instanceof z.ZodObject && query.def.catchall === undefined) {
    return { ...route, request: { ...route.request, query: query.strict() } };
  }
  return route;
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
