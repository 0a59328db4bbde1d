import { loadConfig } from "./config.js";
import { createAppDeps } from "./deps.js";
import { withLambdaContext } from "./lambda-context.js";
import { linkedEnvironment } from "./lambda-resources.js";
import { createReconcilerHandler } from "./reconciler-handler.js";
import { instrumentDynamo, registerLambdaTracing } from "./xray/tracing.js";

// Before anything starts a span: spans reach X-Ray through the daemon Lambda runs for active tracing.
const tracing = registerLambdaTracing({ daemonAddress: process.env.AWS_XRAY_DAEMON_ADDRESS });
// Built once per cold start, like the API: the same composition root, so the reconciler
// invalidates the same shared cache the API's searches use.
const config = loadConfig(linkedEnvironment());
// It serves no HTTP and signs no cursors, so the cursor secret is not linked to it.
const deps = await createAppDeps(config, { emitEmf: true, servesCursors: false });
if (tracing.provider) instrumentDynamo(deps.dynamo.raw, deps.tracer);
const reconcile = createReconcilerHandler(deps);

/**
 * Entry of the scheduled `BookingReconciler` function (EventBridge Scheduler): each run is a
 * `booking.reconcile` span under the invocation's X-Ray trace, logs carry the Lambda context, and
 * the first run of a process counts a `ReconcilerColdStart` (flushed with the run's metrics).
 */
export const handler = tracing.wrap(
  withLambdaContext(() => reconcile(), {
    logger: deps.logger,
    // Its own name: the API's `ColdStart` has the same namespace and service dimension.
    onColdStart: () => deps.metrics.increment("ReconcilerColdStart"),
  }),
  { span: "booking.reconcile" },
);
