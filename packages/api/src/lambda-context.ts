import type { Context } from "aws-lambda";

/**
 * Wraps a Lambda handler so every log line of an invocation carries its Lambda context (request
 * id, function name and version, `cold_start`) and the first invocation of the process counts a
 * cold start. Shared by the API, the stream consumer and the reconciler entries.
 *
 * @example
 * export const handler = withLambdaContext(run, { logger, onColdStart: () => metrics.increment("ColdStart") });
 */
export function withLambdaContext<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  options: { logger: { addContext(context: Context): void }; onColdStart(context: Context): void },
): (event: E, context: Context) => Promise<R> {
  let coldStart = true;
  return (event, context) => {
    options.logger.addContext(context);
    if (coldStart) {
      coldStart = false;
      options.onColdStart(context);
    }
    return handler(event, context);
  };
}
