import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
} from "@aws-sdk/client-dynamodb";
import { createDynamoClients, type DynamoClients } from "../client.js";
import { createTravelService, type TravelService } from "../service.js";
import { tableDefinition } from "../table.js";
import { type EngineChangeListener, startCapturingDynalite } from "./change-capture.js";
import { createTableInput } from "./create-table.js";

export interface LocalEngineOptions {
  /** Directory for on-disk data (LevelDB); in memory when omitted. */
  dataDir?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  tableName?: string;
}

export interface LocalEngine {
  endpoint: string;
  tableName: string;
  clients: DynamoClients;
  db: TravelService;
  /** True when the table already existed (data kept on disk from an earlier run). */
  reused: boolean;
  /**
   * Calls `listener` for every committed item write by any client of this engine, in commit
   * order per key (see `change-capture.ts`); returns the unsubscribe function. The local change
   * feed of `@travel/analytics` turns these into DynamoDB Streams records.
   */
  onChange(listener: EngineChangeListener): () => void;
  stop(): Promise<void>;
}

/** Credentials dynalite accepts (it checks the signature's shape, not the secret). */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * Starts dynalite in this process, creates the table from the single declaration (unless it
 * already exists on disk) and resolves once the table is ACTIVE.
 *
 * @example
 * const engine = await startLocalEngine();            // in memory, random port
 * const disk = await startLocalEngine({ dataDir: ".data/dynamo", port: 4567 });
 * await engine.stop();
 */
export async function startLocalEngine(options: LocalEngineOptions = {}): Promise<LocalEngine> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const { server, onChange } = startCapturingDynalite({
    ...(options.dataDir ? { path: options.dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host}:${port}`;
  const tableName = options.tableName ?? tableDefinition.name;
  const clients = createDynamoClients({ endpoint, credentials: LOCAL_CREDENTIALS, maxAttempts: 5 });

  let reused = false;
  try {
    await clients.raw.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) {
      server.close();
      throw error;
    }
    reused = true;
  }
  await waitForActive(clients, tableName);

  return {
    endpoint,
    tableName,
    clients,
    db: createTravelService({ client: clients.document, table: tableName }),
    reused,
    onChange,
    async stop() {
      clients.raw.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function waitForActive(clients: DynamoClients, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await clients.raw.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesReady = (Table?.GlobalSecondaryIndexes ?? []).every(
      (i) => i.IndexStatus === "ACTIVE",
    );
    if (Table?.TableStatus === "ACTIVE" && indexesReady) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
