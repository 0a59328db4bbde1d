import { type DynamoClients, GetItemCommand } from "@travel/core";

export type CheckStatus = "ok" | "down";

export interface HealthChecks {
  dynamodb(): Promise<CheckStatus>;
  cache(): Promise<CheckStatus>;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The probes behind `GET /health`: one GetItem of a key that never exists (a data-plane read,
 * cheap and not throttled like DescribeTable) and the cache's own ping, each bounded in time.
 */
export function createHealthChecks(options: {
  dynamo: Pick<DynamoClients, "raw">;
  tableName: string;
  cache: { health(): Promise<CheckStatus> } | undefined;
  timeoutMs?: number;
  /** Told why a probe failed (the answer itself only says "down"). */
  onProbeError?: (probe: "dynamodb" | "cache", error: unknown) => void;
}): HealthChecks {
  const timeoutMs = options.timeoutMs ?? 1_500;
  return {
    async dynamodb() {
      try {
        await withTimeout(
          options.dynamo.raw.send(
            new GetItemCommand({
              TableName: options.tableName,
              Key: { pk: { S: "$health" }, sk: { S: "$health" } },
            }),
          ),
          timeoutMs,
        );
        return "ok";
      } catch (error) {
        options.onProbeError?.("dynamodb", error);
        return "down";
      }
    },
    async cache() {
      if (!options.cache) return "ok";
      try {
        return await withTimeout(options.cache.health(), timeoutMs);
      } catch (error) {
        options.onProbeError?.("cache", error);
        return "down";
      }
    },
  };
}

/** What `/health` says of local mode's change feed (absent where the stream is AWS's). */
export interface ChangeFeedStatus {
  /** Records committed and not yet delivered. */
  queued: number;
  /** Age of the oldest undelivered record, ms (0 when none). */
  lagMs: number;
  /** Records in the dead-letter store (`pnpm feed redrive` hands them back). */
  deadLettered: number;
}

/** Where local mode plugs its change feed into `/health` (`attach` once the feed runs). */
export interface ChangeFeedHealth {
  attach(status: () => ChangeFeedStatus): void;
  status(): ChangeFeedStatus | undefined;
}

export function createChangeFeedHealth(): ChangeFeedHealth {
  let source: (() => ChangeFeedStatus) | undefined;
  return {
    attach(status) {
      source = status;
    },
    status: () => source?.(),
  };
}
