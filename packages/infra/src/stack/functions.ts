import { LAMBDA_NODEJS, LAMBDA_RUNTIME } from "../bundling.js";
import { lambdaEnvironment } from "../runtime-env.js";
import type { StageConfig } from "../stage.js";

/**
 * Settings every Lambda of the stage shares: Node 22 on arm64, ESM bundle minified by esbuild
 * with the workspace's `@travel/source` condition (so workspace packages bundle from their
 * TypeScript sources), JSON logs, X-Ray active tracing.
 */
export function functionDefaults(
  config: StageConfig,
  logRetention: StageConfig["api"]["logRetention"],
  table: sst.aws.Dynamo,
) {
  return {
    ...LAMBDA_RUNTIME,
    environment: { ...lambdaEnvironment(config, { dev: $dev }), TABLE_NAME: table.name },
    logging: { retention: logRetention, format: "json" },
    nodejs: {
      format: LAMBDA_NODEJS.format,
      minify: LAMBDA_NODEJS.minify,
      sourcemap: LAMBDA_NODEJS.sourcemap,
      esbuild: {
        conditions: [...LAMBDA_NODEJS.conditions],
        external: [...LAMBDA_NODEJS.external],
      },
    },
    permissions: [
      { actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
    ],
    transform: {
      function: (args: aws.lambda.FunctionArgs) => {
        args.tracingConfig = { mode: "Active" };
      },
    },
  } satisfies Partial<sst.aws.FunctionArgs>;
}
