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
 * deprecates `Cron` in its favour). A timeout shorter than the interval means runs do not overlap;
 * no reserved concurrency (a new account's quota of 10 cannot spare it, and the reconciler's
 * writes are conditional, so a rare duplicate delivery by the scheduler repeats no work). A failed
 * run is not retried because the next one is minutes away, and invocations the scheduler cannot
 * deliver go to a dead-letter queue.
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
      memory: `${config.reconciler.memoryMb} MB`,
      retries: 0,
      vpc: deps.vpc,
      link: [deps.table, deps.cache],
    },
  });

  const functionName = cron.nodes.function.apply((fn) => fn.name);
  return { cron, deadLetterQueue, functionName };
}
