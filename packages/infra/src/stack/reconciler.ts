import { rateExpression } from "../runtime-env.js";
import type { StageConfig } from "../stage.js";
import { functionDefaults } from "./functions.js";

interface ReconcilerDependencies {
  vpc: sst.aws.Vpc;
  table: sst.aws.Dynamo;
  cache: sst.aws.Redis;
}

/**
 * The booking reconciler on a schedule (EventBridge Scheduler via SST's `CronV2`; SST 4
 * deprecates `Cron` in its favour). Reserved concurrency 1 and a timeout shorter than the
 * interval mean runs never overlap; a failed run is not retried because the next one is minutes
 * away, and invocations the scheduler cannot deliver go to a dead-letter queue.
 */
export function createReconciler(config: StageConfig, deps: ReconcilerDependencies) {
  const deadLetterQueue = new sst.aws.Queue("ReconcilerDeadLetter", {
    transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
  });
  const defaults = functionDefaults(config, config.api.logRetention, deps.table);
  const cron = new sst.aws.CronV2("BookingReconciler", {
    schedule: rateExpression(config.reconciler.everyMinutes),
    retries: 0,
    dlq: deadLetterQueue.arn,
    function: {
      ...defaults,
      handler: "packages/api/src/reconciler-lambda.handler",
      description: `${$app.name} ${$app.stage} booking reconciler`,
      timeout: `${config.reconciler.timeoutSeconds} seconds`,
      memory: "512 MB",
      retries: 0,
      concurrency: { reserved: 1 },
      vpc: deps.vpc,
      link: [deps.table, deps.cache],
    },
  });

  const functionName = cron.nodes.function.apply((fn) => fn.name);
  return { cron, deadLetterQueue, functionName };
}
