/**
 * `pnpm keys`: manage API keys directly in the table — how the first key of a deployed stage is
 * made (every later key of a tenant can be made through `POST /v1/admin/api-keys` with a key
 * holding `keys`), and the only way to make a `platform` key (the operator's).
 *
 *   pnpm keys create --tenant acme --scopes search,book [--name "Checkout"] [--rate-limit 600]
 *   pnpm keys create --tenant ops --scopes keys,inventory,analytics --platform
 *   pnpm keys list --tenant acme
 *   pnpm keys revoke key_01J…
 *
 * Where the keys live, first match wins:
 * - `--endpoint` / `DYNAMO_ENDPOINT`: that DynamoDB endpoint;
 * - `--table` / `TABLE_NAME` / the SST link `Table` (inside `sst shell --stage <stage>`): that
 *   table in AWS, with the usual credentials and region;
 * - otherwise local mode: the engine `pnpm start` is running on `.data/dynamo` (found through
 *   the file it writes beside it), or, when none runs, that data directory opened directly.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createDynamoClients, type DynamoClients } from "../client.js";
import { apiKeyScopeSchema } from "../domain.js";
import { PRINTABLE_TEXT } from "../printable.js";
import { createApiKeyRepository } from "../repositories/api-keys.js";
import { createTravelService } from "../service.js";
import { tableDefinition } from "../table.js";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Scopes `--scopes` takes; `platform` only comes with `--platform`, never by accident. */
const grantable = apiKeyScopeSchema.options.filter((s) => s !== "platform");

const USAGE = `Usage:
  pnpm keys create --tenant <id> --scopes <s1,s2> [--name <text>] [--rate-limit <n>] [--platform]
  pnpm keys list --tenant <id>
  pnpm keys revoke <keyId>

Where (first match wins):
  --endpoint <url>    a DynamoDB endpoint (env DYNAMO_ENDPOINT)
  --table <name>      a table in AWS (env TABLE_NAME, or the stage's Table inside
                      \`sst shell --stage <stage> -- pnpm keys …\`)
  (neither)           local mode: the engine \`pnpm start\` runs, else its data directory
                      (env LOCAL_DATA_DIR, default .data)
Options:
  --region <region>   AWS region (env AWS_REGION, default us-east-1)
  --platform          also grant platform (every tenant's keys and figures): operator keys only
  --help              show this help
Scopes: ${grantable.join(", ")} (admin is retired: use keys)`;

const tenant = z
  .string({ error: "is required" })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 characters of A–Z a–z 0–9 _ -");
const common = {
  table: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, "is not a DynamoDB table name")
    .optional(),
  endpoint: z.url({ message: "must be a URL such as http://127.0.0.1:8000" }).optional(),
  region: z.string().min(1),
  /** Local mode's state directory (its engine data is `<dataDir>/dynamo`). */
  dataDir: z.string().min(1),
};

const commandSchema = z.discriminatedUnion("command", [
  z.object({
    command: z.literal("create"),
    tenant,
    name: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(100)
      .regex(PRINTABLE_TEXT, "must be printable text (no control characters)")
      .optional(),
    scopes: z
      .string({ error: "is required (comma list)" })
      .transform((s) =>
        s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z.enum(grantable, {
              error: (issue) =>
                issue.input === "admin"
                  ? "admin is retired: use keys (the tenant's own keys) or inventory"
                  : issue.input === "platform"
                    ? "platform is granted with --platform"
                    : `must be one of ${grantable.join(", ")}`,
            }),
          )
          .min(1, "must name at least one scope"),
      ),
    platform: z.boolean().default(false),
    "rate-limit": z
      .string()
      .regex(/^\d+$/, "must be a whole number")
      .transform(Number)
      .pipe(z.int().min(1).max(1_000_000))
      .default(600),
    ...common,
  }),
  z.object({ command: z.literal("list"), tenant, ...common }),
  z.object({
    command: z.literal("revoke"),
    id: z.string().regex(/^key_[A-Za-z0-9]{6,64}$/, "must be a key id such as key_01J…"),
    ...common,
  }),
]);

type Command = z.infer<typeof commandSchema>;

export function parseKeysCommand(argv: string[], env: Record<string, string | undefined>): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      name: { type: "string" },
      scopes: { type: "string" },
      "rate-limit": { type: "string" },
      platform: { type: "boolean" },
      table: { type: "string" },
      endpoint: { type: "string" },
      region: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) throw new HelpRequested(USAGE);
  if (positionals.length === 0) throw new UsageError(USAGE);
  const [command, id] = positionals;
  const parsed = commandSchema.safeParse({
    ...values,
    command,
    id,
    table: values.table ?? (env.TABLE_NAME || linkedTableName(env)),
    endpoint: values.endpoint ?? (env.DYNAMO_ENDPOINT || undefined),
    region: values.region ?? env.AWS_REGION ?? "us-east-1",
    dataDir: resolve(REPO_ROOT, env.LOCAL_DATA_DIR || ".data"),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  --${i.path.join(".") || "command"}: ${i.message}`,
    );
    throw new UsageError(`Invalid arguments:\n${lines.join("\n")}\n\n${USAGE}`);
  }
  return parsed.data;
}

/** The table of the SST link `Table`, which `sst shell` exposes as `SST_RESOURCE_Table`. */
function linkedTableName(env: Record<string, string | undefined>): string | undefined {
  if (!env.SST_RESOURCE_Table) return undefined;
  try {
    const name = (JSON.parse(env.SST_RESOURCE_Table) as { name?: unknown }).name;
    return typeof name === "string" ? name : undefined;
  } catch {
    throw new UsageError("SST_RESOURCE_Table is not the JSON `sst shell` sets");
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** `--help`: the usage, on stdout, exit 0. */
export class HelpRequested extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HelpRequested";
  }
}

interface Target {
  clients: DynamoClients;
  table: string;
  /** Where the command ran, for the output. */
  where: string;
  close(): Promise<void>;
}

/** Opens where the keys live (see the module comment). */
async function openTarget(command: Command): Promise<Target> {
  const local = (endpoint: string) =>
    createDynamoClients({
      region: command.region,
      endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  if (command.endpoint) {
    const clients = local(command.endpoint);
    const table = command.table ?? tableDefinition.name;
    return {
      clients,
      table,
      where: `${command.endpoint} table ${table}`,
      close: async () => clients.raw.destroy(),
    };
  }
  if (command.table) {
    const clients = createDynamoClients({ region: command.region });
    return {
      clients,
      table: command.table,
      where: `table ${command.table} (${command.region})`,
      close: async () => clients.raw.destroy(),
    };
  }
  const dataDir = resolve(command.dataDir, "dynamo");
  const { findRunningLocalEngine, LocalDataDirInUseError, startLocalEngine } = await import(
    "./engine.js"
  );
  const running = findRunningLocalEngine(dataDir);
  if (running) {
    const clients = local(running.endpoint);
    return {
      clients,
      table: running.tableName,
      where: `local engine ${running.endpoint} (pnpm start)`,
      close: async () => clients.raw.destroy(),
    };
  }
  if (!existsSync(dataDir)) {
    throw new UsageError(
      `no local data in ${dataDir}: run pnpm start once, or name a deployed stage's table (sst shell --stage <stage> -- pnpm keys …)`,
    );
  }
  try {
    const engine = await startLocalEngine({ dataDir });
    return {
      clients: engine.clients,
      table: engine.tableName,
      where: `local data ${dataDir}`,
      close: () => engine.stop(),
    };
  } catch (error) {
    if (error instanceof LocalDataDirInUseError) {
      throw new UsageError(`${error.message}; stop it and retry, or pass --endpoint`);
    }
    throw error;
  }
}

export async function runKeysCommand(command: Command): Promise<unknown> {
  const target = await openTarget(command);
  try {
    const keys = createApiKeyRepository(
      createTravelService({ client: target.clients.document, table: target.table }),
    );
    const view = (r: {
      keyId: string;
      tenantId: string;
      name: string;
      scopes: string[];
      rateLimitPerMinute: number;
      createdAt: string;
      revokedAt?: string;
    }) => ({
      id: r.keyId,
      tenantId: r.tenantId,
      name: r.name,
      scopes: r.scopes,
      rateLimitPerMinute: r.rateLimitPerMinute,
      createdAt: r.createdAt,
      revokedAt: r.revokedAt ?? null,
    });
    switch (command.command) {
      case "create": {
        const { record, plainKey } = await keys.create({
          tenantId: command.tenant,
          name: command.name ?? `${command.tenant} key`,
          scopes: command.platform ? [...command.scopes, "platform"] : command.scopes,
          rateLimitPerMinute: command["rate-limit"],
          now: new Date(),
        });
        return {
          ...view(record),
          key: plainKey,
          note: "The key is shown only now: store it safely.",
        };
      }
      case "list": {
        const items = [];
        let cursor: string | null = null;
        do {
          const page = await keys.listByTenant(command.tenant, { limit: 100, cursor });
          items.push(...page.items.map(view));
          cursor = page.cursor;
        } while (cursor);
        return items;
      }
      case "revoke": {
        const revoked = await keys.revoke(command.id, new Date());
        if (!revoked) throw new UsageError(`No API key ${command.id} in ${target.where}.`);
        return view(revoked);
      }
    }
  } finally {
    await target.close();
  }
}

const isEntry =
  process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isEntry) {
  // The SDK's "node >=22 from 2027" notice is noise for a CLI (Lambda runs 22): the SDK's own
  // switch silences that one warning and no other.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  try {
    const command = parseKeysCommand(process.argv.slice(2), process.env);
    const result = await runKeysCommand(command);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${error.message}\n`);
      process.exit(0);
    }
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    if (process.env.LOG_LEVEL?.trim().toUpperCase() === "DEBUG") console.error(error);
    else {
      const cause =
        error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      process.stderr.write(
        `keys: ${error instanceof Error ? error.message : String(error)}${cause} (LOG_LEVEL=DEBUG shows the stack)\n`,
      );
    }
    process.exit(1);
  }
}
