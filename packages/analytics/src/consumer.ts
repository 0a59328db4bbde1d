import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { createCache } from "@travel/cache";
import { createDynamoClients, createInventoryRepository, createTravelService } from "@travel/core";
import { createInventoryReadModel } from "@travel/search";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { Resource } from "sst/resource";
import { z } from "zod";
import { BUSINESS_METRICS } from "./metrics.js";
import { createAnalyticsService } from "./service.js";

/**
 * Lambda entry of the change-stream consumer (DynamoDB Streams, NEW_AND_OLD_IMAGES, with
 * ReportBatchItemFailures). The only place that reads the environment: the table name from
 * `TABLE_NAME` (set on every Lambda by @travel/infra; `SST_RESOURCE_Table` is honoured for
 * `sst dev`-style plain links) and `STAGE` for the metrics' stage dimension. The
 * shard count is the code default (`DEFAULT_AGGREGATE_SHARDS`), the same the API reads with.
 *
 * It is also the backstop of search's inventory read model (issue #8): every `flightOffer` /
 * `roomNight` new image is applied, version-guarded, to the read model in the shared Redis,
 * so writers that did not update it themselves are seen too. The cache comes from the SST link
 * `Cache` (TLS unless `CACHE_TLS=false`, as under `sst dev`) or `REDIS_URL`; its key prefix
 * (`REDIS_KEY_PREFIX`, default `travel`) must be the API's. Without a cache (no link, no URL)
 * there is no shared read model to maintain and the handler is not registered.
 */
const env = z
  .object({
    SST_RESOURCE_Table: z.string().optional(),
    TABLE_NAME: z.string().min(1).optional(),
    AWS_REGION: z.string().min(1).optional(),
    STAGE: z.string().min(1).default("dev"),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, "REDIS_URL must be a redis:// or rediss:// URL")
      .optional(),
    REDIS_KEY_PREFIX: z.string().min(1).default("travel"),
    CACHE_TLS: z.enum(["true", "false"]).default("true"),
  })
  .parse(process.env);

/** The read model's Redis: `REDIS_URL` wins, else the linked `Cache` (host, port, credentials). */
function redisUrl(): string | undefined {
  if (env.REDIS_URL) return env.REDIS_URL;
  if (!("Cache" in Resource)) return undefined;
  const cache = z
    .object({
      host: z.string().min(1),
      port: z.coerce.number().int().positive(),
      username: z.string().optional(),
      password: z.string().optional(),
    })
    .parse(Resource.Cache);
  const scheme = env.CACHE_TLS === "false" ? "redis" : "rediss";
  const auth =
    cache.username || cache.password
      ? `${encodeURIComponent(cache.username ?? "")}:${encodeURIComponent(cache.password ?? "")}@`
      : "";
  return `${scheme}://${auth}${cache.host}:${cache.port}`;
}

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
const db = createTravelService({ client: clients.document, table: tableName() });
const clock = { now: () => new Date() };
const url = redisUrl();
// A generous command timeout: a failed apply fails the record, which Lambda then retries.
const readModel = url
  ? createInventoryReadModel({
      cache: createCache({
        backend: "redis",
        url,
        keyPrefix: `${env.REDIS_KEY_PREFIX}:`,
        commandTimeoutMs: 500,
      }),
      inventory: createInventoryRepository(db),
      clock,
      logger: {
        warn: (message, fields) => logger.warn(message, { ...fields }),
        error: (message, fields) => logger.error(message, { ...fields }),
      },
    })
  : undefined;
const analytics = createAnalyticsService({
  db,
  clock,
  ...(readModel ? { inventoryListener: readModel } : {}),
  // The alarms and dashboard select on `service` *and* `stage`: every metric carries both.
  metrics: new Metrics({ ...BUSINESS_METRICS, defaultDimensions: { stage: env.STAGE } }),
  logger: {
    warn: (message, fields) => logger.warn(message, { ...fields }),
    error: (message, fields) => logger.error(message, { ...fields }),
  },
});

export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
  analytics.consumer.handle(event);
