import type { Metrics } from "@aws-lambda-powertools/metrics";
import {
  createAggregateWriteRepository,
  createAnalyticsRepository,
  type InventoryChangeListener,
  type TravelService,
} from "@travel/core";
import { DEFAULT_AGGREGATE_SHARDS } from "./aggregate.js";
import { type AnalyticsAggregatorOptions, createAnalyticsAggregator } from "./aggregator.js";
import { createInventoryChangeHandler } from "./inventory-handler.js";
import { createBusinessMetrics } from "./metrics.js";
import { createAnalyticsQueries } from "./queries.js";
import { type ConsumerLogger, createStreamConsumer } from "./stream-consumer.js";
import type { StreamBatchHandler } from "./stream-record.js";

export interface AnalyticsServiceOptions {
  db: TravelService;
  clock: { now(): Date };
  /** Write/read shards per day (same value for the consumer and the API). */
  shards?: number;
  /** Powertools Metrics (EMF); omitted in local mode, where nobody reads EMF. */
  metrics?: Metrics;
  logger?: ConsumerLogger;
  /** Also feed inventory changes from the stream to this listener (search read model). */
  inventoryListener?: InventoryChangeListener;
  /** Told of the contributions of each record counted for the first time (see the aggregator). */
  onCounted?: AnalyticsAggregatorOptions["onCounted"];
  /** More batch handlers, run beside the built-in ones. */
  handlers?: readonly StreamBatchHandler[];
}

/**
 * The analytics module, wired: the stream consumer (aggregates + optional inventory handler)
 * and the queries behind the API. Entry files build the collaborators and call this.
 *
 * @example
 * const analytics = createAnalyticsService({ db, clock: { now: () => new Date() } });
 * await analytics.consumer.handle(event);
 * await analytics.queries.summary({ from: "2026-01-01", to: "2026-01-07" });
 */
export function createAnalyticsService(options: AnalyticsServiceOptions) {
  const repository = createAnalyticsRepository(options.db);
  const shards = options.shards ?? DEFAULT_AGGREGATE_SHARDS;
  const businessMetrics = createBusinessMetrics(options.metrics);
  const handlers: StreamBatchHandler[] = [
    createAnalyticsAggregator({
      writes: createAggregateWriteRepository(options.db),
      metrics: businessMetrics,
      clock: options.clock,
      shards,
      ...(options.onCounted ? { onCounted: options.onCounted } : {}),
    }),
    ...(options.inventoryListener ? [createInventoryChangeHandler(options.inventoryListener)] : []),
    ...(options.handlers ?? []),
  ];
  const consumer = createStreamConsumer({
    parser: repository,
    handlers,
    metrics: businessMetrics,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    consumer,
    queries: createAnalyticsQueries({ repository, shards }),
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
