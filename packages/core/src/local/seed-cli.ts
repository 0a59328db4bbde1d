/**
 * `pnpm seed`: loads the synthetic flight and hotel inventory into DynamoDB.
 *
 * Without `--endpoint` (or `DYNAMO_ENDPOINT`) it starts the embedded engine on `--data-dir`
 * (default `.data/dynamo` at the repo root), loads, and stops; `pnpm start` then reuses the data.
 * With an endpoint it loads into that running engine or table.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DescribeTableCommand, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { z } from "zod";
import { createDynamoClients } from "../client.js";
import { DEFAULT_SEED } from "../seed/inventory.js";
import { type SeedProgress, type SeedSummary, seedInventory } from "../seed/seed.js";
import { createTravelService, type TravelService } from "../service.js";
import { tableDefinition } from "../table.js";
import { findRunningLocalEngine, LOCAL_CREDENTIALS } from "./engine.js";
import { type LocalEngineProcess, startLocalEngineProcess } from "./engine-process.js";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

const USAGE = `Usage: pnpm seed [options]

  --endpoint <url>     load into a running engine/table (env DYNAMO_ENDPOINT)
  --table <name>       table name (env TABLE_NAME, default "${tableDefinition.name}")
  --data-dir <dir>     embedded engine's data directory (default .data/dynamo)
  --memory             use an in-memory embedded engine (nothing is kept)
  --days <n>           days of inventory from the start date (default 30; more with e.g. --days 90)
  --start <date>       first day, YYYY-MM-DD (default today, UTC)
  --seed <text>        seed of the generator (default "${DEFAULT_SEED}")
  --concurrency <n>    BatchWriteItem requests in flight (default 8)
  --help               show this help`;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-01-31")
  .refine((value) => {
    const time = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
  }, "is not a real calendar date");

const positiveInt = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(max, `must be at most ${max}`));

export const seedFlagsSchema = z
  .object({
    endpoint: z.url({ message: "must be a URL such as http://127.0.0.1:8000" }).optional(),
    table: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be 3-255 letters, digits, '_', '-' or '.'")
      .default(tableDefinition.name),
    "data-dir": z.string().min(1).default(resolve(REPO_ROOT, ".data/dynamo")),
    memory: z.boolean().default(false),
    days: positiveInt(365).default(30),
    start: isoDate.default(() => new Date().toISOString().slice(0, 10)),
    seed: z.string().min(1).max(200).default(DEFAULT_SEED),
    concurrency: positiveInt(64).default(8),
  })
  .refine((flags) => !(flags.endpoint && flags.memory), {
    message: "--memory and --endpoint exclude each other",
    path: ["memory"],
  });

export type SeedFlags = z.infer<typeof seedFlagsSchema>;

/** Flags win over environment variables; unknown flags are refused. */
export function parseSeedFlags(argv: string[], env: NodeJS.ProcessEnv): SeedFlags {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      endpoint: { type: "string" },
      table: { type: "string" },
      "data-dir": { type: "string" },
      memory: { type: "boolean" },
      days: { type: "string" },
      start: { type: "string" },
      seed: { type: "string" },
      concurrency: { type: "string" },
    },
  });
  const result = seedFlagsSchema.safeParse({
    ...values,
    endpoint: values.endpoint ?? (env.DYNAMO_ENDPOINT || undefined),
    table: values.table ?? (env.TABLE_NAME || undefined),
  });
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "");
      const source =
        name === "endpoint"
          ? "--endpoint / DYNAMO_ENDPOINT"
          : name === "table"
            ? "--table / TABLE_NAME"
            : `--${name}`;
      return `  ${source}: ${issue.message}`;
    });
    throw new UsageError(`invalid options:\n${lines.join("\n")}`);
  }
  return result.data;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** An error and its causes' messages on one line. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 4; e = (e as Error).cause) {
    parts.push(e instanceof Error ? e.message : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join(": ");
}

const number = new Intl.NumberFormat("en-US");

function progressLine(p: SeedProgress): string {
  const rate = `${number.format(Math.round(p.itemsPerSecond))} items/s`;
  const seconds = (p.elapsedMs / 1000).toFixed(1);
  if (p.phase === "hotels") return `hotels loaded: ${number.format(p.items)} items, ${seconds} s`;
  const width = String(p.daysTotal).length;
  return `day ${String(p.daysLoaded).padStart(width)}/${p.daysTotal} ${p.date}: ${number.format(p.items)} items, ${seconds} s, ${rate}`;
}

function summaryLine(s: SeedSummary): string {
  return (
    `seeded ${number.format(s.items)} items (${number.format(s.flights)} flight offers, ` +
    `${number.format(s.hotels)} hotels, ${number.format(s.roomNights)} room nights) ` +
    `for ${s.days} days from ${s.startDate} in ${(s.elapsedMs / 1000).toFixed(1)} s: ` +
    `${number.format(Math.round(s.itemsPerSecond))} items/s`
  );
}

async function connect(
  flags: SeedFlags,
): Promise<{ db: TravelService; where: string; close(): Promise<void> }> {
  if (flags.endpoint) {
    const hasAwsCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
    const clients = createDynamoClients({
      endpoint: flags.endpoint,
      maxAttempts: 5,
      requestTimeoutMs: 30_000,
      ...(hasAwsCredentials ? {} : { credentials: LOCAL_CREDENTIALS }),
    });
    try {
      await clients.raw.send(new DescribeTableCommand({ TableName: flags.table }));
    } catch (error) {
      clients.raw.destroy();
      if (error instanceof ResourceNotFoundException) {
        throw new UsageError(
          `table "${flags.table}" does not exist at ${flags.endpoint}; start the server (pnpm start) or omit --endpoint to use the embedded engine`,
        );
      }
      throw new Error(`cannot reach DynamoDB at ${flags.endpoint}`, { cause: error });
    }
    return {
      db: createTravelService({ client: clients.document, table: flags.table }),
      where: `${flags.endpoint} table ${flags.table}`,
      close: async () => clients.raw.destroy(),
    };
  }
  // The engine runs on its own thread: generation + ElectroDB + SDK work here, dynalite +
  // LevelDB there, so the load uses both cores (one thread measured ~950 items/s on disk).
  let engine: LocalEngineProcess;
  try {
    engine = await startLocalEngineProcess({
      tableName: flags.table,
      ...(flags.memory ? {} : { dataDir: resolve(flags["data-dir"]) }),
    });
  } catch (error) {
    if (String(error).includes("LocalDataDirInUseError")) {
      const running = findRunningLocalEngine(resolve(flags["data-dir"]));
      throw new UsageError(
        running
          ? `${flags["data-dir"]} is in use by process ${running.pid} (pnpm start?); load into its engine with: pnpm seed --endpoint ${running.endpoint}`
          : `${flags["data-dir"]} is in use by another process; stop it, or pass --endpoint to load into its engine`,
      );
    }
    throw error;
  }
  const clients = createDynamoClients({
    endpoint: engine.endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 5,
    requestTimeoutMs: 30_000,
  });
  return {
    db: createTravelService({ client: clients.document, table: engine.tableName }),
    where: flags.memory
      ? "embedded engine (in memory)"
      : `embedded engine at ${resolve(flags["data-dir"])}`,
    close: async () => {
      clients.raw.destroy();
      await engine.stop();
    },
  };
}

export async function runSeedCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  let flags: SeedFlags;
  try {
    flags = parseSeedFlags(argv, env);
  } catch (error) {
    console.error(
      `pnpm seed: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`,
    );
    return 2;
  }
  const target = await connect(flags);
  try {
    console.log(
      `seeding ${target.where}: ${flags.days} days from ${flags.start}, seed "${flags.seed}"`,
    );
    const summary = await seedInventory({
      db: target.db,
      startDate: flags.start,
      days: flags.days,
      seed: flags.seed,
      concurrency: flags.concurrency,
      onProgress: (p) => console.log(progressLine(p)),
    });
    console.log(summaryLine(summary));
    return 0;
  } finally {
    await target.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // The SDK's "node >=22 from 2027" notice on every run is noise for a local tool (Lambda runs
  // 22); the SDK's own switch turns off that one warning and nothing else.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  runSeedCli(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`pnpm seed: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      // One line (with the cause's message); the stack only when asked for with LOG_LEVEL=DEBUG.
      if (process.env.LOG_LEVEL?.toUpperCase() === "DEBUG")
        console.error("pnpm seed failed:", error);
      else
        console.error(
          `pnpm seed failed: ${describeError(error)} (LOG_LEVEL=DEBUG shows the stack)`,
        );
      process.exitCode = 1;
    },
  );
}
