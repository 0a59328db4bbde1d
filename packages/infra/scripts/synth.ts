/**
 * Print a stage's synthesized AWS resources as JSON, without AWS: sst.config.ts's `run()` under
 * Pulumi mocks with SST's real components (the engine the stack tests use, test/synth.ts).
 *
 *   pnpm --filter @travel/infra synth -- --stage production [--dev] [--type aws:iam/role:Role]
 *     [--out file.json]
 *
 * (`pnpm --reporter silent …` keeps pnpm's own "$ node …" line off stdout when piping into `jq`.)
 * Each resource: `type`, `name`, its `properties` (inputs as the AWS provider would receive
 * them; JSON documents — policies, the dashboard body — parsed), and for IAM roles and KMS keys
 * their `statements`. Deploy-time variables (ALARM_EMAIL, CORS_ALLOW_ORIGINS, …) are read from
 * the environment; production gets a placeholder ALARM_EMAIL when none is set.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { platformReady, synthesize } from "../test/synth.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    stage: { type: "string", default: "dev" },
    dev: { type: "boolean", default: false },
    type: { type: "string", multiple: true },
    out: { type: "string" },
  },
});

/** Inputs that are noise for a reader: tags, code archives, hashes. */
const noise = new Set(["tags", "tagsAll", "code", "sourceCodeHash", "s3Key", "s3Bucket", "source"]);

function parseJsonDocuments(value: unknown, key = ""): unknown {
  if (typeof value === "string" && /policy|document|body/i.test(key) && value.startsWith("{")) {
    return JSON.parse(value);
  }
  if (Array.isArray(value)) return value.map((v) => parseJsonDocuments(v, key));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, parseJsonDocuments(v, k)]));
  }
  return value;
}

function statementsOf(properties: Record<string, unknown>): unknown[] | undefined {
  const documents = [
    ...(
      (properties.inlinePolicies as { policy?: { Statement?: unknown[] } }[] | undefined) ?? []
    ).map((p) => p.policy),
    properties.policy as { Statement?: unknown[] } | undefined,
  ];
  const statements = documents.flatMap((d) => d?.Statement ?? []);
  return statements.length > 0 ? statements : undefined;
}

if (!platformReady("synth")) process.exit(1);
const env: Record<string, string> = {};
for (const name of ["ALARM_EMAIL", "BUDGET_MONTHLY_USD", "CORS_ALLOW_ORIGINS", "LOG_LEVEL"]) {
  const value = process.env[name];
  if (value) env[name] = value;
}
if (["production", "prod"].includes(values.stage) && !env.ALARM_EMAIL) {
  env.ALARM_EMAIL = "alarms@example.com";
}

try {
  const stack = await synthesize(values.stage, env, { dev: values.dev });
  const resources = stack.resources
    .filter((r) => r.type.startsWith("aws:"))
    .filter((r) => !values.type || values.type.includes(r.type))
    .map((r) => {
      const properties = parseJsonDocuments(
        Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !noise.has(k))),
      ) as Record<string, unknown>;
      const statements = statementsOf(properties);
      return { type: r.type, name: r.name, properties, ...(statements ? { statements } : {}) };
    })
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  const out = JSON.stringify(
    { stage: values.stage, dev: values.dev, app: stack.app, resources },
    null,
    2,
  );
  if (values.out) {
    writeFileSync(values.out, `${out}\n`);
    console.error(
      `synth: ${resources.length} resources of stage "${values.stage}" → ${values.out}`,
    );
    process.exit(0);
  }
  process.stdout.write(`${out}\n`, () => process.exit(0));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
