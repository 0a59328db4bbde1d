import { STREAM_CONSUMED_ENTITIES } from "@travel/core";
import { businessMetrics } from "./monitoring.js";
import type { StageConfig } from "./stage.js";

/**
 * Plain environment variables every Lambda of the stage gets. The stack adds `TABLE_NAME`
 * (not a secret). Secrets — the cache's address and password, `CursorSigningKey` — travel only
 * as SST links, which SST encrypts into the bundle; handlers read them through `Resource`.
 *
 * `CACHE_TLS` tells the app whether to connect to Valkey with TLS: the deployed cache requires
 * it (encryption in transit), the local Redis that `sst dev` links to does not.
 */
export function lambdaEnvironment(
  config: StageConfig,
  options: { dev: boolean },
): Record<string, string> {
  return {
    STAGE: config.stage,
    LOG_LEVEL: config.logLevel,
    POWERTOOLS_SERVICE_NAME: businessMetrics.service,
    POWERTOOLS_METRICS_NAMESPACE: businessMetrics.namespace,
    POWERTOOLS_LOG_LEVEL: config.logLevel,
    CACHE_TLS: options.dev ? "false" : "true",
  };
}

/** ElectroDB entity names (`__edb_e__`) whose changes the analytics consumer aggregates. */
export const aggregatedEntities = STREAM_CONSUMED_ENTITIES;

/**
 * Lambda event-source filter patterns for the table stream: only inserts and updates of the
 * aggregated entities invoke the consumer (their new image carries `__edb_e__`), plus removals of
 * those entities (TTL expiry, deletes), which carry only the old image. Everything else, including
 * the consumer's own `dailyAggregate` and `streamMarker` writes, never invokes it, so the consumer
 * cannot trigger itself.
 */
export function streamFilterPatterns(entities: readonly string[] = aggregatedEntities) {
  return [
    { dynamodb: { NewImage: { __edb_e__: { S: [...entities] } } } },
    { eventName: ["REMOVE"], dynamodb: { OldImage: { __edb_e__: { S: [...entities] } } } },
  ];
}

/** EventBridge Scheduler expression for "every N minutes". */
export function rateExpression(minutes: number): `rate(${string})` {
  return `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`;
}
