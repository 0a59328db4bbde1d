import { streamFilterPatterns } from "../runtime-env.js";
import type { StageConfig } from "../stage.js";
import { functionDefaults } from "./functions.js";

/**
 * The analytics stream consumer: the table's stream subscriber.
 *
 * Partial batch responses (`ReportBatchItemFailures`, returned by Powertools' BatchProcessor),
 * bisect-on-error, bounded retries and record age, and an SQS on-failure destination, so a
 * poison record costs at most `maxRetryAttempts` retries of ever-smaller batches and then lands
 * in the dead-letter queue instead of blocking its shard.
 */
export function createStreamConsumer(
  config: StageConfig,
  deps: { table: sst.aws.Dynamo; cache: sst.aws.Redis; vpc: sst.aws.Vpc },
) {
  const c = config.consumer;
  const deadLetterQueue = new sst.aws.Queue("StreamDeadLetter", {
    transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
  });

  const defaults = functionDefaults(config, config.api.logRetention, deps.table);
  const subscriber = deps.table.subscribe(
    "AnalyticsConsumer",
    {
      ...defaults,
      handler: "packages/api/src/consumer-lambda.handler",
      description: `${$app.name} ${$app.stage} analytics stream consumer`,
      memory: `${c.memoryMb} MB`,
      timeout: `${c.timeoutSeconds} seconds`,
      // In the VPC with the Cache link: the consumer is the read model's backstop, applying
      // every inventory change from the stream to Valkey (see @travel/search read-model).
      vpc: deps.vpc,
      link: [deps.table, deps.cache],
      permissions: [
        ...defaults.permissions,
        // The on-failure destination is written with the function's role.
        { actions: ["sqs:SendMessage"], resources: [deadLetterQueue.arn] },
      ],
    },
    {
      filters: streamFilterPatterns(),
      transform: {
        eventSourceMapping: (args) => {
          args.startingPosition = "TRIM_HORIZON";
          args.batchSize = c.batchSize;
          args.maximumBatchingWindowInSeconds = c.maxBatchingWindowSeconds;
          args.functionResponseTypes = ["ReportBatchItemFailures"];
          args.bisectBatchOnFunctionError = true;
          args.maximumRetryAttempts = c.maxRetryAttempts;
          args.maximumRecordAgeInSeconds = c.maxRecordAgeSeconds;
          args.parallelizationFactor = c.parallelizationFactor;
          args.destinationConfig = { onFailure: { destinationArn: deadLetterQueue.arn } };
        },
      },
    },
  );

  const functionName = subscriber.apply((s) => s.nodes.function.apply((fn) => fn.name));
  return { subscriber, deadLetterQueue, functionName };
}
