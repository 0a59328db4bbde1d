import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { trace } from "@opentelemetry/api";
import { BUSINESS_METRICS, createAnalyticsService } from "@travel/analytics";
import { createCache } from "@travel/cache";
import {
  createDynamoClients,
  createInventoryRepository,
  createTravelService,
  describeTableIdentity,
} from "@travel/core";
import { createInventoryReadModel } from "@travel/search";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { loadConfig } from "./config.js";
import { withLambdaContext } from "./lambda-context.js";
import { linkedEnvironment } from "./lambda-resources.js";
import { instrumentDynamo, registerLambdaTracing } from "./xray/tracing.js";

/**
 * Lambda entry of the change-stream consumer (DynamoDB Streams, NEW_AND_OLD_IMAGES, with
 * ReportBatchItemFailures). The environment is read the API's way (`loadConfig` over the linked
 * `Table` and `Cache`); `STAGE` is the metrics' stage dimension. Lighter than the API's
 * composition root on purpose: no HTTP, rate limiter or search service, only what the
 * consumer runs. Like the API, each batch is traced (an `analytics.consumer` span with its
 * DynamoDB and Redis calls under the invocation's X-Ray trace), logs carry the Lambda context
 * and the first batch of a process counts a `ColdStart`.
 *
 * It is also the backstop of search's inventory read model (issue #8): every `flightOffer` /
 * `roomNight` new image is applied, version-guarded, to the read model in the shared Redis
 * (same `REDIS_KEY_PREFIX` and table identity as the API). The backstop is injected here, at the edge:
 * `@travel/analytics` knows nothing of search. Without a cache there is no shared read model
 * to maintain and the handler is not registered.
 */
// Before anything starts a span: spans reach X-Ray through the daemon Lambda runs for active tracing.
const tracing = registerLambdaTracing({ daemonAddress: process.env.AWS_XRAY_DAEMON_ADDRESS });
const config = loadConfig(linkedEnvironment());
const clients = createDynamoClients({
  region: config.region,
  // `DYNAMO_ENDPOINT` (the embedded engine) as in the API's composition root.
  ...(config.dynamoEndpoint
    ? {
        endpoint: config.dynamoEndpoint,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }
    : {}),
});
if (tracing.provider) instrumentDynamo(clients.raw, trace.getTracer("@travel/analytics"));
const logger = new Logger({ serviceName: BUSINESS_METRICS.serviceName });
const domainLog = {
  warn: (message: string, fields?: Record<string, unknown>) => logger.warn(message, fields ?? {}),
  error: (message: string, fields?: Record<string, unknown>) => logger.error(message, fields ?? {}),
};
const db = createTravelService({ client: clients.document, table: config.tableName });
const clock = { now: () => new Date() };
// A generous command timeout: a failed apply fails the batch, which Lambda then retries.
const readModel = config.redisUrl
  ? createInventoryReadModel({
      cache: createCache({
        backend: "redis",
        url: config.redisUrl,
        // The API's prefix: bound to the table instance (see createAppDeps).
        keyPrefix: `${config.redisKeyPrefix}:${await describeTableIdentity(clients.raw, config.tableName)}:`,
        commandTimeoutMs: 500,
      }),
      inventory: createInventoryRepository(db),
      clock,
      logger: domainLog,
    })
  : undefined;
// The alarms and dashboard select on `service` *and* `stage`: every metric carries both.
const metrics = new Metrics({
  ...BUSINESS_METRICS,
  defaultDimensions: { stage: process.env.STAGE ?? "dev" },
});
const analytics = createAnalyticsService({
  db,
  clock,
  ...(readModel ? { inventoryListener: readModel } : {}),
  metrics,
  logger: domainLog,
});

export const handler = tracing.wrap(
  withLambdaContext(
    (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
      analytics.consumer.handle(event),
    // Powertools' ColdStart metric (service, stage and function_name dimensions), sent at once.
    { logger, onColdStart: (lambda) => metrics.captureColdStartMetric(lambda.functionName) },
  ),
  { span: "analytics.consumer" },
);
