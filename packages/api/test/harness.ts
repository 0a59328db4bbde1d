import { ScanCommand, type ScanCommandOutput } from "@aws-sdk/client-dynamodb";
import type { ApiKeyScope } from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { type AppDeps, type AppDepsOverrides, createAppDeps } from "../src/deps.js";

export const TEST_CURSOR_KEY = "test-cursor-signing-key-0123456789abcdef";

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  engine: LocalEngine;
  /** Creates a key in the table and returns the plain key. */
  createKey(
    scopes: ApiKeyScope[],
    options?: { tenantId?: string; rateLimitPerMinute?: number },
  ): Promise<string>;
  request(path: string, init?: RequestInit & { key?: string }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real app over the real embedded DynamoDB engine (a fresh in-memory one unless `engine` is
 * given, so two apps can share one table like two Lambda instances would).
 */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    engine?: LocalEngine;
    overrides?: AppDepsOverrides;
  } = {},
): Promise<TestApp> {
  const engine = options.engine ?? (await startLocalEngine());
  const ownsEngine = !options.engine;
  const config = loadConfig({
    LOG_LEVEL: "SILENT",
    CURSOR_SIGNING_KEY: TEST_CURSOR_KEY,
    // In-process requests have no client address (one shared bucket): a flood test sets its own.
    UNKNOWN_KEY_LOOKUPS_PER_MINUTE: "1000000",
    ...options.env,
  });
  const deps = await createAppDeps(config, {
    dynamo: engine.clients,
    db: engine.db,
    ...options.overrides,
  });
  const app = createApp(deps);
  return {
    app,
    deps,
    engine,
    async createKey(scopes, keyOptions = {}) {
      const { plainKey } = await deps.apiKeys.create({
        tenantId: keyOptions.tenantId ?? "tenant-test",
        name: "test key",
        scopes,
        rateLimitPerMinute: keyOptions.rateLimitPerMinute ?? 10_000,
        now: new Date(),
      });
      return plainKey;
    },
    async request(path, init = {}) {
      const { key, headers, ...rest } = init;
      const merged = new Headers(headers);
      if (key) merged.set("x-api-key", key);
      return app.request(path, { ...rest, headers: merged });
    },
    async close() {
      await deps.close();
      if (ownsEngine) await engine.stop();
    },
  };
}

/** Reads a problem+json answer, asserting the media type. */
export async function readProblem(res: Response): Promise<Record<string, unknown>> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("application/problem+json")) {
    throw new Error(`expected problem+json, got ${type} (${res.status}): ${await res.text()}`);
  }
  return (await res.json()) as Record<string, unknown>;
}

/**
 * Every item in the table (`<entity>:<item JSON with sorted attributes>`, sorted), to prove a
 * refused request changed nothing. One paginated Scan of the whole table: a Scan per entity
 * would read the table once per entity.
 */
export async function tableSnapshot(engine: LocalEngine): Promise<string> {
  const items: string[] = [];
  let startKey: ScanCommandOutput["LastEvaluatedKey"];
  do {
    const page = await engine.clients.raw.send(
      new ScanCommand({
        TableName: engine.db.table,
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const sorted = Object.fromEntries(
        Object.entries(item).sort(([a], [b]) => a.localeCompare(b)),
      );
      items.push(`${item.__edb_e__?.S}:${JSON.stringify(sorted)}`);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return JSON.stringify(items.sort());
}
