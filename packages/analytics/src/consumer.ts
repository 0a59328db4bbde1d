import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { createDynamoClients, createTravelService } from "@travel/core";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { z } from "zod";
import { BUSINESS_METRICS } from "./metrics.js";
import { createAnalyticsService } from "./service.js";

/**
 * Lambda entry of the change-stream consumer (DynamoDB Streams, NEW_AND_OLD_IMAGES, with
 * ReportBatchItemFailures). The only place that reads the environment: the table name from
 * `TABLE_NAME` (set on every Lambda by @travel/infra; `SST_RESOURCE_Table` is honoured for
 * `sst dev`-style plain links) and `STAGE` for the metrics' stage dimension. The
 * shard count is the code default (`DEFAULT_AGGREGATE_SHARDS`), the same the API reads with.
 */
const env = z
  .object({
    SST_RESOURCE_Table: z.string().optional(),
    TABLE_NAME: z.string().min(1).optional(),
    AWS_REGION: z.string().min(1).optional(),
    STAGE: z.string().min(1).default("dev"),
  })
  .parse(process.env);

function tableName(): string {
  if (env.SST_RESOURCE_Table) {
    const linked = z
      .object({ name: z.string().min(1) })
      .safeParse(JSON.parse(env.SST_RESOURCE_Table));
    if (linked.success) return linked.data.name;
  }
  if (env.TABLE_NAME) return env.TABLE_NAME;
  throw new Error("consumer: set the SST link Table (SST_RESOURCE_Table) or TABLE_NAME");
}

const clients = createDynamoClients({ ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}) });
const logger = new Logger({ serviceName: BUSINESS_METRICS.serviceName });
const analytics = createAnalyticsService({
  db: createTravelService({ client: clients.document, table: tableName() }),
  clock: { now: () => new Date() },
  // The alarms and dashboard select on `service` *and* `stage`: every metric carries both.
  metrics: new Metrics({ ...BUSINESS_METRICS, defaultDimensions: { stage: env.STAGE } }),
  logger: {
    warn: (message, fields) => logger.warn(message, { ...fields }),
    error: (message, fields) => logger.error(message, { ...fields }),
  },
});

export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
  analytics.consumer.handle(event);
