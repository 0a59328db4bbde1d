import { Resource } from "sst/resource";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { createAppDeps } from "./deps.js";
import { environmentWithResources, type LinkedResources } from "./lambda-env.js";
import { createLambdaHandler } from "./lambda-handler.js";
import { registerPostResponseExtension } from "./post-response.js";
import { instrumentDynamo, registerLambdaTracing } from "./xray/tracing.js";

/** Reads the links SST attached to this function (decrypted by `sst/resource`), if any. */
function linkedResources(): LinkedResources {
  const linked: LinkedResources = {};
  if ("Table" in Resource) linked.Table = Resource.Table as LinkedResources["Table"];
  if ("Cache" in Resource) linked.Cache = Resource.Cache as LinkedResources["Cache"];
  if ("CursorSigningKey" in Resource) {
    linked.CursorSigningKey = Resource.CursorSigningKey as LinkedResources["CursorSigningKey"];
  }
  if ("WebhookSecretKey" in Resource) {
    linked.WebhookSecretKey = Resource.WebhookSecretKey as LinkedResources["WebhookSecretKey"];
  }
  return linked;
}

// Before anything starts a span: spans reach X-Ray through the daemon Lambda runs for active tracing.
const tracing = registerLambdaTracing({ daemonAddress: process.env.AWS_XRAY_DAEMON_ADDRESS });
// Built once per cold start; a bad configuration fails the init, naming the variable.
// Deployed stages never allow local webhook receivers, whatever the environment says.
const config = {
  ...loadConfig(environmentWithResources(process.env, linkedResources())),
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
