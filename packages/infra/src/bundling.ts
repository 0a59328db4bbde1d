/**
 * How SST builds the stage's Lambdas: runtime, architecture and esbuild settings, plus the API
 * function's entry. Pure data, so the stack files and `bench/lambda` (which bundles the API the
 * same way to measure what AWS runs) share one copy.
 */

/** Runtime and architecture of every Lambda of the stage. */
export const LAMBDA_RUNTIME = { runtime: "nodejs22.x", architecture: "arm64" } as const;

/**
 * SST's `nodejs` bundling options for every Lambda: ESM, minified, source maps, `@travel/source`,
 * and the AWS SDK v3 with its `@smithy/*` packages left to the copy the Node.js runtime provides
 * (one SDK in the process, none in the bundle).
 */
export const LAMBDA_NODEJS = {
  format: "esm",
  minify: true,
  sourcemap: true,
  conditions: ["@travel/source"],
  external: ["@aws-sdk/*", "@smithy/*"],
} as const;

/** The API Lambda's entry, and the packages SST installs next to its bundle (not bundled). */
export const API_FUNCTION = {
  handler: "packages/api/src/lambda.handler",
  install: [],
} as const;

/**
 * The Lambda serving the static files of the API's pages (Swagger UI's for `/docs`, read from
 * the installed package at run time), the API Gateway routes sent to it rather than to the API
 * function, and the packages SST installs beside its bundle. The API function ships none of
 * those files.
 */
export const STATIC_ASSETS_FUNCTION = {
  handler: "packages/api/src/static-lambda.handler",
  install: ["swagger-ui-dist"],
  routes: ["GET /docs/{asset}"],
} as const;

/**
 * The live operations page's Lambda (`GET /dashboard/…`): static files only. The page's files are
 * copied beside its bundle and uPlot is installed there, so neither enters the API Lambda.
 */
export const DASHBOARD_PAGE_FUNCTION = {
  handler: "packages/api/src/dashboard-lambda.handler",
  install: ["uplot"],
  copyFiles: [{ from: "packages/api/dashboard", to: "dashboard" }],
} as const;

/** The routes of the live operations page on the stage's HTTP API (to its own Lambda). */
export const DASHBOARD_PAGE_ROUTES = ["GET /dashboard", "GET /dashboard/{proxy+}"] as const;
