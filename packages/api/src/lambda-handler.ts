import type {
  ALBEvent,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  Context as LambdaContext,
} from "aws-lambda";
import { handle } from "hono/aws-lambda";
import type { createApp } from "./app.js";
import type { AppDeps } from "./deps.js";
import { withLambdaContext } from "./lambda-context.js";
import type { PostResponseRunner } from "./post-response.js";

type HonoLambdaEvent = Parameters<ReturnType<typeof handle>>[0];

/** The events API Gateway (HTTP API 2.0 or REST) and ALB deliver, as `@types/aws-lambda` types them. */
export type ApiLambdaEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent | ALBEvent;

/**
 * The API Gateway (HTTP API payload 2.0, REST, ALB) handler for an app: Hono's `handle`, plus a
 * flush of buffered work (search events, EMF metrics) in every invocation, because a frozen
 * Lambda may never run its timers again. With a `postResponse` runner (the internal extension of
 * `post-response.ts`) the flush runs after the response has left; without one, before it.
 * Every log line of an invocation carries its Lambda context (request id, function, `cold_start`),
 * and the first invocation of a process counts a `ColdStart` metric.
 *
 * @example
 * export const handler = createLambdaHandler(app, deps, postResponse);
 */
export function createLambdaHandler(
  app: ReturnType<typeof createApp>,
  deps: Pick<AppDeps, "flush" | "logger" | "metrics">,
  postResponse?: PostResponseRunner,
) {
  const honoHandler = handle(app);
  return withLambdaContext(
    async function handler(event: ApiLambdaEvent, context: LambdaContext) {
      try {
        // Hono types `body` as `string | null` where @types/aws-lambda says optional: same data.
        return await honoHandler(event as HonoLambdaEvent, context);
      } finally {
        if (postResponse) postResponse.schedule(context.awsRequestId, () => deps.flush());
        else await deps.flush();
      }
    },
    { logger: deps.logger, onColdStart: () => deps.metrics.increment("ColdStart") },
  );
}
