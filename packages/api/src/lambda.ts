import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { createAppDeps } from "./deps.js";
import { createLambdaHandler } from "./lambda-handler.js";
import { linkedEnvironment } from "./lambda-resources.js";
import { registerPostResponseExtension } from "./post-response.js";
import { instrumentDynamo, registerLambdaTracing } from "./xray/tracing.js";

// Before anything starts a span: spans reach X-Ray through the daemon Lambda runs for active tracing.
const tracing = registerLambdaTracing({ daemonAddress: process.env.AWS_XRAY_DAEMON_ADDRESS });
// Built once per cold start; a bad configuration fails the init, naming the variable.
// Deployed stages never allow local webhook receivers, whatever the environment says.
const config = {
  ...loadConfig(linkedEnvironment()),
  webhookLocalReceivers: false,
};
const deps = await createAppDeps(config, { emitEmf: true });
if (tracing.provider) instrumentDynamo(deps.dynamo.raw, deps.tracer);
const app = createApp(deps);
// Registered during init (before the runtime's first event request), or not at all.
const postResponse = config.postResponseFlush
  ? await registerPostResponseExtension({
      runtimeApi: process.env.AWS_LAMBDA_RUNTIME_API,
      logger: deps.logger,
    })
  : undefined;

export const handler = tracing.wrap(createLambdaHandler(app, deps, postResponse));
