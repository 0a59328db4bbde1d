import type { Context as LambdaContext } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import type { createApp } from "./app.js";
import type { AppDeps } from "./deps.js";

type LambdaEvent = Parameters<ReturnType<typeof handle>>[0];

/**
 * The API Gateway (HTTP API payload 2.0, REST, ALB) handler for an app: Hono's `handle`, plus a
 * flush of buffered work (search events, EMF metrics) before each invocation returns, because a
 * frozen Lambda may never run its timers again.
 *
 * @example
 * export const handler = createLambdaHandler(app, deps);
 */
export function createLambdaHandler(
  app: ReturnType<typeof createApp>,
  deps: Pick<AppDeps, "flush">,
) {
  const honoHandler = handle(app);
  return async function handler(event: LambdaEvent, context: LambdaContext) {
    try {
      return await honoHandler(event, context);
    } finally {
      await deps.flush();
    }
  };
}
