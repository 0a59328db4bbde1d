export type { Contribution } from "./aggregate.js";
export { contributionOf, DEFAULT_AGGREGATE_SHARDS, rowsOf, shardOf } from "./aggregate.js";
export type { AnalyticsAggregatorOptions } from "./aggregator.js";
export { createAnalyticsAggregator } from "./aggregator.js";
export type {
  DeadLetter,
  DeadLetterStore,
  FileDeadLetterStore,
  LocalChangeFeed,
  LocalChangeFeedOptions,
  LocalChangeFeedStats,
} from "./change-feed.js";
export {
  ANALYTICS_FEED_LANES,
  createFileDeadLetterStore,
  createLocalChangeFeed,
  STREAM_ENTITIES,
} from "./change-feed.js";
export {
  AnalyticsError,
  InvalidAnalyticsQueryError,
  MalformedStreamRecordError,
} from "./errors.js";
export { createInventoryChangeHandler } from "./inventory-handler.js";
export type { BusinessMetrics } from "./metrics.js";
export { BUSINESS_METRICS, createBusinessMetrics } from "./metrics.js";
export type {
  AnalyticsQueries,
  AnalyticsQueriesOptions,
  AnalyticsRange,
  AnalyticsSummary,
  RouteAnalytics,
} from "./queries.js";
export {
  analyticsDateSchema,
  analyticsRangeQuerySchema,
  analyticsRouteSchema,
  analyticsSummarySchema,
  createAnalyticsQueries,
  MAX_RANGE_DAYS,
  routeAnalyticsSchema,
} from "./queries.js";
export type { AnalyticsService, AnalyticsServiceOptions } from "./service.js";
export { createAnalyticsService } from "./service.js";
export type { ConsumerLogger, StreamConsumer, StreamConsumerOptions } from "./stream-consumer.js";
export { createStreamConsumer } from "./stream-consumer.js";
export type {
  ImageParser,
  RecordRejection,
  StreamBatchHandler,
  StreamChange,
} from "./stream-record.js";
export { parseStreamRecord } from "./stream-record.js";
