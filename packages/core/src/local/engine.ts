import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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
import type { ChangeJournal, ChangeJournalOptions } from "./change-journal.js";
import { createTableInput } from "./create-table.js";

const require = createRequire(import.meta.url);

export interface LocalEngineOptions {
  /** Directory for on-disk data (LevelDB); in memory when omitted. */
  dataDir?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  tableName?: string;
  /**
   * Journal the changes of these lanes' entities durably, in the engine's own LevelDB and in
   * the same atomic batch as each write (see `change-journal.ts`): local mode's change feed
   * reads them, and resumes after a crash. Without it, changes only reach `onChange` listeners.
   */
  journal?: ChangeJournalOptions;
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
  /** The durable change journal, when `journal` was given. */
  journal?: ChangeJournal;
  stop(): Promise<void>;
}

/**
 * The data directory is held by another process (LevelDB allows one process per directory):
 * `pnpm start`, `pnpm seed` or `pnpm keys` on the same `.data/dynamo`. `running` is that
 * process's engine when it announced itself (see `findRunningLocalEngine`).
 */
export class LocalDataDirInUseError extends Error {
  readonly running: RunningLocalEngine | undefined;
  constructor(dataDir: string, running: RunningLocalEngine | undefined, options?: ErrorOptions) {
    super(
      running
        ? `${dataDir} is in use by process ${running.pid} (its engine serves ${running.endpoint})`
        : `${dataDir} is in use by another process`,
      options,
    );
    this.name = "LocalDataDirInUseError";
    this.running = running;
  }
}

/** What an engine on a data directory announces beside it, for other local tools to find. */
export interface RunningLocalEngine {
  endpoint: string;
  tableName: string;
  pid: number;
}

const announcementPath = (dataDir: string) => `${dataDir.replace(/[\\/]+$/, "")}.endpoint.json`;

/**
 * The engine another process is serving on `dataDir` (`pnpm start`), read from the file it
 * writes beside the directory while it runs; undefined when none is running.
 *
 * @example
 * const running = findRunningLocalEngine(".data/dynamo"); // { endpoint, tableName, pid } | undefined
 */
export function findRunningLocalEngine(dataDir: string): RunningLocalEngine | undefined {
  let running: RunningLocalEngine;
  try {
    running = JSON.parse(readFileSync(announcementPath(dataDir), "utf8")) as RunningLocalEngine;
  } catch {
    return undefined;
  }
  try {
    process.kill(running.pid, 0);
  } catch (error) {
    // ESRCH: that process is gone (killed without cleaning up); EPERM: alive, not ours.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return undefined;
  }
  return running;
}

/**
 * Fails with `LocalDataDirInUseError` when another process holds `dataDir`'s LevelDB lock.
 * dynalite opens its database lazily and turns a lock failure into an uncaught "Database is
 * closed" on the first request, so the lock is tried here first (one open and close, a few ms).
 */
async function assertDataDirFree(dataDir: string): Promise<void> {
  const requireFromDynalite = createRequire(require.resolve("dynalite"));
  const { Level } = requireFromDynalite("level") as {
    Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> };
  };
  const db = new Level(dataDir);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === "LEVEL_LOCKED") {
      throw new LocalDataDirInUseError(dataDir, findRunningLocalEngine(dataDir), { cause: error });
    }
    throw error;
  }
  await db.close();
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
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    await assertDataDirFree(options.dataDir);
  }
  const { server, onChange, openJournal } = startCapturingDynalite({
    ...(options.dataDir ? { path: options.dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  // Before the engine serves anything: no write may commit without its journal entry.
  const journal = options.journal ? await openJournal(options.journal) : undefined;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host}:${port}`;
  const tableName = options.tableName ?? tableDefinition.name;
  // The engine shares this process's event loop (and, on a busy machine, two cores with
  // everything else): a request can wait far longer than DynamoDB's 3 s budget without anything
  // being wrong, so local clients wait up to 10 s.
  const clients = createDynamoClients({
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 5,
    requestTimeoutMs: 10_000,
  });

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

  // Announce the engine beside its data directory, so `pnpm keys` / `pnpm seed` find it.
  const announced = options.dataDir ? announcementPath(options.dataDir) : undefined;
  if (announced) {
    const running: RunningLocalEngine = { endpoint, tableName, pid: process.pid };
    writeFileSync(`${announced}.tmp`, JSON.stringify(running));
    renameSync(`${announced}.tmp`, announced);
  }

  return {
    endpoint,
    tableName,
    clients,
    db: createTravelService({ client: clients.document, table: tableName }),
    reused,
    onChange,
    ...(journal ? { journal } : {}),
    async stop() {
      if (announced) rmSync(announced, { force: true });
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
