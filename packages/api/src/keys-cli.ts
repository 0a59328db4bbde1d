/**
 * `pnpm keys`: manage API keys directly in the table — how the first key of a deployed stage is
 * made (every later key can be made through `POST /v1/admin/api-keys` with an admin key).
 *
 *   pnpm keys create --tenant acme --scopes search,book --name "Checkout" [--rate-limit 600]
 *   pnpm keys list --tenant acme
 *   pnpm keys revoke key_01J…
 *
 * Uses `TABLE_NAME` (or `--table`) and the usual AWS credentials/region, or `--endpoint` (or
 * `DYNAMO_ENDPOINT`) for a local engine such as the one `pnpm start` prints.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  apiKeyScopeSchema,
  createApiKeyRepository,
  createDynamoClients,
  createTravelService,
  tableDefinition,
} from "@travel/core";
import { z } from "zod";

const USAGE = `Usage:
  pnpm keys create --tenant <id> --scopes <s1,s2> --name <text> [--rate-limit <n>]
  pnpm keys list --tenant <id>
  pnpm keys revoke <keyId>

Options:
  --table <name>      table name (env TABLE_NAME, default "${tableDefinition.name}")
  --endpoint <url>    DynamoDB endpoint, e.g. the local engine (env DYNAMO_ENDPOINT)
  --region <region>   AWS region (env AWS_REGION, default us-east-1)
  --help              show this help
Scopes: ${apiKeyScopeSchema.options.join(", ")}`;

const tenant = z
  .string({ error: "is required" })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 characters of A–Z a–z 0–9 _ -");
const common = {
  table: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, "is not a DynamoDB table name"),
  endpoint: z.url({ message: "must be a URL such as http://127.0.0.1:8000" }).optional(),
  region: z.string().min(1),
};

const commandSchema = z.discriminatedUnion("command", [
  z.object({
    command: z.literal("create"),
    tenant,
    name: z.string({ error: "is required" }).trim().min(1, "is required").max(100),
    scopes: z
      .string({ error: "is required (comma list)" })
      .transform((s) =>
        s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(z.array(apiKeyScopeSchema).min(1, "must name at least one scope")),
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
      table: { type: "string" },
      endpoint: { type: "string" },
      region: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help || positionals.length === 0) throw new UsageError(USAGE);
  const [command, id] = positionals;
  const parsed = commandSchema.safeParse({
    ...values,
    command,
    id,
    table: values.table ?? env.TABLE_NAME ?? tableDefinition.name,
    endpoint: values.endpoint ?? (env.DYNAMO_ENDPOINT || undefined),
    region: values.region ?? env.AWS_REGION ?? "us-east-1",
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  --${i.path.join(".") || "command"}: ${i.message}`,
    );
    throw new UsageError(`Invalid arguments:\n${lines.join("\n")}\n\n${USAGE}`);
  }
  return parsed.data;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export async function runKeysCommand(command: Command): Promise<unknown> {
  const clients = createDynamoClients({
    region: command.region,
    ...(command.endpoint
      ? {
          endpoint: command.endpoint,
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
  });
  try {
    const keys = createApiKeyRepository(
      createTravelService({ client: clients.document, table: command.table }),
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
          name: command.name,
          scopes: command.scopes,
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
        if (!revoked) throw new UsageError(`No API key ${command.id} in table ${command.table}.`);
        return view(revoked);
      }
    }
  } finally {
    clients.raw.destroy();
  }
}

const isEntry =
  process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isEntry) {
  try {
    const command = parseKeysCommand(process.argv.slice(2), process.env);
    const result = await runKeysCommand(command);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
