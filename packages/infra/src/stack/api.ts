import { API_FUNCTION, STATIC_ASSETS_FUNCTION } from "../bundling.js";
import type { StageConfig } from "../stage.js";
import { functionDefaults } from "./functions.js";
import { createApiRelease } from "./release.js";

interface ApiDependencies {
  vpc: sst.aws.Vpc;
  table: sst.aws.Dynamo;
  cache: sst.aws.Redis;
  cursorSigningKey: sst.Secret;
  webhookSecretKey: sst.Secret;
}

/**
 * The public HTTP API: API Gateway HTTP API → one Hono Lambda for every route (`$default`).
 *
 * Throttling, access logs and CORS are configured on the API; tracing is X-Ray active tracing
 * on the Lambda (HTTP APIs have no X-Ray integration of their own).
 */
export function createApi(config: StageConfig, deps: ApiDependencies) {
  const defaults = functionDefaults(config, config.api.logRetention, deps.table);
  const handler = new sst.aws.Function("ApiHandler", {
    ...defaults,
    handler: API_FUNCTION.handler,
    description: `${$app.name} ${$app.stage} HTTP API`,
    memory: `${config.api.memoryMb} MB`,
    timeout: `${config.api.timeoutSeconds} seconds`,
    vpc: deps.vpc,
    nodejs: { ...defaults.nodejs, install: [...API_FUNCTION.install] },
    link: [deps.table, deps.cache, deps.cursorSigningKey, deps.webhookSecretKey],
    // Every deploy publishes a version for the live alias (not under `sst dev`: stub functions).
    versioning: !$dev,
    ...(config.api.provisionedConcurrency > 0
      ? { concurrency: { provisioned: config.api.provisionedConcurrency } }
      : {}),
  });
  const release = $dev ? undefined : createApiRelease(config, handler);

  const api = new sst.aws.ApiGatewayV2("Api", {
    // No origins configured: no CORS at all (SST's default would allow every origin).
    cors: config.api.corsAllowOrigins.length > 0 && {
      allowOrigins: config.api.corsAllowOrigins,
      allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["content-type", "x-api-key", "idempotency-key", "x-request-id"],
      exposeHeaders: [
        "x-request-id",
        "x-cache",
        "idempotent-replayed",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "retry-after",
      ],
      maxAge: "1 day",
    },
    accessLog: { retention: config.api.logRetention },
    transform: {
      stage: (args) => {
        args.defaultRouteSettings = {
          throttlingRateLimit: config.api.throttle.rateLimit,
          throttlingBurstLimit: config.api.throttle.burstLimit,
          // Per-route metrics would repeat the API's own for the one `$default` route, at
          // $0.30 a metric a month.
          detailedMetricsEnabled: false,
        };
      },
    },
  });
  // API Gateway invokes the live alias, so CodeDeploy decides which version answers.
  api.route("$default", release ? release.alias.arn : handler.arn);

  // The pages' static files come from their own small function (no VPC, no table access).
  const staticAssets = new sst.aws.Function("StaticAssets", {
    ...defaults,
    handler: STATIC_ASSETS_FUNCTION.handler,
    description: `${$app.name} ${$app.stage} static files of the API's pages`,
    memory: "256 MB",
    timeout: "10 seconds",
    nodejs: { ...defaults.nodejs, install: [...STATIC_ASSETS_FUNCTION.install] },
  });
  for (const route of STATIC_ASSETS_FUNCTION.routes) api.route(route, staticAssets.arn);

  return { api, handler, release, staticAssets };
}
