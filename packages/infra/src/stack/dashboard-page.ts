import {
  DASHBOARD_PAGE_FUNCTION,
  DASHBOARD_PAGE_ROUTES,
  LAMBDA_NODEJS,
  LAMBDA_RUNTIME,
} from "../bundling.js";
import type { StageConfig } from "../stage.js";

/**
 * `GET /dashboard` in a deployed stage: a small Lambda of its own (no VPC, no table, no secrets)
 * serving the page's static files, routed on the stage's HTTP API beside the API's `$default`
 * route. The page calls `GET /v1/analytics/live` with the user's key, answered by the API Lambda.
 */
export function createDashboardPage(config: StageConfig, api: sst.aws.ApiGatewayV2) {
  const page = new sst.aws.Function("DashboardPage", {
    ...LAMBDA_RUNTIME,
    handler: DASHBOARD_PAGE_FUNCTION.handler,
    description: `${$app.name} ${$app.stage} live operations page (static files)`,
    memory: "128 MB",
    timeout: "5 seconds",
    logging: { retention: config.api.logRetention, format: "json" },
    nodejs: {
      format: LAMBDA_NODEJS.format,
      minify: LAMBDA_NODEJS.minify,
      sourcemap: LAMBDA_NODEJS.sourcemap,
      esbuild: { conditions: [...LAMBDA_NODEJS.conditions] },
      install: [...DASHBOARD_PAGE_FUNCTION.install],
    },
    copyFiles: DASHBOARD_PAGE_FUNCTION.copyFiles.map((file) => ({ ...file })),
  });
  for (const route of DASHBOARD_PAGE_ROUTES) api.route(route, page.arn);
  return { page };
}
