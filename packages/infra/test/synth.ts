/**
 * Runs sst.config.ts's `run()` for a stage under Pulumi's runtime mocks, with SST's real
 * component sources from .sst/platform, and records every resource it registers.
 *
 * SST components need three things besides Pulumi: the globals SST's CLI defines (`$app`, `$cli`,
 * `$dev`, `sst`, `aws`, `$interpolate`, …), and an RPC server (`SST_SERVER`) that the Go CLI
 * normally runs: `Provider.Aws.Bootstrap` (asset bucket) and `Runtime.Build` (esbuild bundle of
 * a Lambda handler). The stand-in server here answers those two on 127.0.0.1; `Runtime.Build`
 * returns a directory holding a placeholder file, because these tests assert the stack's
 * resources and settings, not the handler code (the real bundle is measured by bench/lambda).
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const repoRoot = path.resolve(import.meta.dirname, "../../..");
export const platformDir = path.join(repoRoot, ".sst", "platform");

/**
 * Whether `sst install` has written .sst/platform. Without it the stack tests are skipped with a
 * loud message, except in CI (`CI=true`), where they fail.
 */
export function platformReady(suite: string): boolean {
  if (existsSync(path.join(platformDir, "src/components/index.ts"))) return true;
  const message =
    "the stack tests need .sst/platform: run `bash packages/infra/scripts/sst-install.sh`";
  if (process.env.CI === "true") throw new Error(message);
  console.warn(`\n*** SKIPPING ${suite}: ${message} ***\n`);
  return false;
}

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface Synthesis {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** What sst.config.ts's `app()` returns for the stage (removal, protect, providers…). */
  app: Record<string, unknown>;
  /** What each Lambda asked SST's `Runtime.Build` for: handler, `copyFiles`, nodejs `properties`. */
  builds: Record<string, unknown>[];
  ofType(type: string): RecordedResource[];
  one(type: string, name?: string): RecordedResource;
}

function startRpcServer(): Promise<{
  server: Server;
  url: string;
  calls: string[];
  builds: Record<string, unknown>[];
}> {
  const calls: string[] = [];
  const builds: Record<string, unknown>[] = [];
  const buildDir = mkdtempSync(path.join(tmpdir(), "sst-mock-build-"));
  writeFileSync(path.join(buildDir, "index.mjs"), "export const handler = async () => ({});\n");
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const { method, params } = JSON.parse(body) as {
        method: string;
        params: [Record<string, unknown>];
      };
      calls.push(method);
      if (method === "Runtime.Build" && params[0]) builds.push(params[0]);
      const results: Record<string, unknown> = {
        "Provider.Aws.Bootstrap": {
          asset: "sst-asset-mock",
          assetEcrRegistryId: "123456789012",
          assetEcrUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/sst-asset",
          state: "sst-state-mock",
          appsyncHttp: "",
          appsyncRealtime: "",
        },
        "Runtime.Build": {
          handler: String(params[0]?.handler ?? "index.handler"),
          out: buildDir,
          errors: [],
          sourcemaps: [],
        },
        "Provider.Aws.Appsync": { http: "", realtime: "" },
        "Runtime.AddTarget": {},
      };
      const result = results[method];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify(result === undefined ? { error: `rpc: can't find ${method}` } : { result }),
      );
    });
  });
  return new Promise((resolve) => {
    // Lives as long as the test process: SST keeps calling it from outputs resolving later.
    server.unref();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, calls, builds });
    });
  });
}

/** Pulumi hands mocks secret inputs as `{ <signature>: …, value }`; tests read the value. */
const secretSignature = "4dabf18193072939515e22adb298388d";
function revealSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (secretSignature in record) return revealSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revealSecrets(v)]));
}

interface PolicyStatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** `aws.iam.getPolicyDocument`'s statements as the IAM JSON policy document AWS would store. */
export function policyDocumentJson(statements: unknown): string {
  const list = (Array.isArray(statements) ? statements : []) as PolicyStatementInput[];
  const one = (values: string[]) => (values.length === 1 ? values[0] : values);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: list.map((s) => {
      const statement: Record<string, unknown> = {};
      if (s.sid) statement.Sid = s.sid;
      statement.Effect = s.effect ?? "Allow";
      if (s.principals?.length) {
        statement.Principal = Object.fromEntries(
          s.principals.map((p) => [p.type === "*" ? "AWS" : p.type, one(p.identifiers)]),
        );
      }
      if (s.actions) statement.Action = one(s.actions);
      if (s.resources) statement.Resource = one(s.resources);
      if (s.conditions?.length) {
        const condition: Record<string, Record<string, unknown>> = {};
        for (const c of s.conditions) {
          condition[c.test] = { ...condition[c.test], [c.variable]: one(c.values) };
        }
        statement.Condition = condition;
      }
      return statement;
    }),
  });
}

/** Wait until no new resource has been registered for `quietMs` (SST creates many inside applies). */
async function settle(count: () => number, quietMs = 500, timeoutMs = 30_000) {
  const start = Date.now();
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() - start < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = count();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return;
    }
  }
  throw new Error(`resources still being registered after ${timeoutMs} ms`);
}

/**
 * Synthesize the stack for `stage`. Call once per test file: Pulumi's runtime and SST's globals
 * are process-wide (vitest runs each file in its own process here: pool "forks").
 */
export async function synthesize(
  stage: string,
  env: Record<string, string> = {},
  options: { dev?: boolean } = {},
): Promise<Synthesis> {
  const dev = options.dev === true;
  const rpc = await startRpcServer();
  const resources: RecordedResource[] = [];
  const errors: unknown[] = [];
  const onRejection = (error: unknown) => errors.push(error);
  process.on("unhandledRejection", onRejection);
  try {
    // Only the variables this synthesis is given reach the stage config (not the test runner's).
    for (const name of ["LOG_LEVEL", "ALARM_EMAIL", "BUDGET_MONTHLY_USD", "CORS_ALLOW_ORIGINS"]) {
      delete process.env[name];
    }
    Object.assign(process.env, {
      SST_SERVER: rpc.url,
      SST_SECRET_CursorSigningKey: "test-signing-key",
      SST_SECRET_WebhookSecretKey: "test-webhook-secret-key-0123456789abcdef",
      ...env,
    });
    const pulumi = await import(
      pathToFileURL(path.join(platformDir, "node_modules/@pulumi/pulumi/index.js")).href
    );
    await pulumi.runtime.setMocks(
      {
        newResource(args: { type: string; name: string; inputs: Record<string, unknown> }) {
          resources.push({
            type: args.type,
            name: args.name,
            inputs: revealSecrets(args.inputs) as Record<string, unknown>,
          });
          const state: Record<string, unknown> = { ...args.inputs };
          // Attributes AWS computes and SST reads back.
          state.arn ??= `arn:aws:mock:us-east-1:123456789012:${args.name}`;
          state.name ??= `${args.name}-mock`;
          if (args.type === "aws:dynamodb/table:Table")
            state.streamArn = `${state.arn}/stream/2026`;
          if (args.type === "aws:apigatewayv2/api:Api")
            state.apiEndpoint = "https://mock.execute-api.us-east-1.amazonaws.com";
          if (args.type === "aws:elasticache/replicationGroup:ReplicationGroup") {
            state.primaryEndpointAddress = "master.mock.cache.amazonaws.com";
          }
          if (args.type === "aws:sqs/queue:Queue") state.url = `https://sqs.mock/${args.name}`;
          if (args.type === "aws:lambda/alias:Alias") {
            const alias = revealSecrets(args.inputs) as Record<string, unknown>;
            state.arn = `arn:aws:lambda:us-east-1:123456789012:function:${alias.functionName}:${alias.name}`;
          }
          if (args.type === "aws:lambda/function:Function" && args.inputs.publish) {
            state.version = "7";
            state.qualifiedArn = `${state.arn}:7`;
          }
          return { id: `${args.name}-id`, state };
        },
        call(args: { token: string; inputs: Record<string, unknown> }) {
          switch (args.token) {
            case "aws:index/getRegion:getRegion":
              return { name: "us-east-1", region: "us-east-1", id: "us-east-1" };
            case "aws:index/getPartition:getPartition":
              return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
            case "aws:index/getCallerIdentity:getCallerIdentity":
              return {
                accountId: "123456789012",
                arn: "arn:aws:iam::123456789012:root",
                id: "123456789012",
              };
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
              return {
                names: ["us-east-1a", "us-east-1b", "us-east-1c"],
                zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
              };
            case "aws:iam/getPolicyDocument:getPolicyDocument":
              // Like the provider: the statements echoed back and the IAM JSON document. SST
              // writes a role's inline policy only when `statements` is present.
              return { ...args.inputs, json: policyDocumentJson(args.inputs.statements) };
            case "aws:ec2/getAmi:getAmi":
              return { id: "ami-mock", architecture: "arm64" };
            default:
              return { ...args.inputs };
          }
        },
      },
      "travel-platform",
      stage,
      false,
    );

    const { resolveStageConfig } = await import("../src/stage.js");
    const config = resolveStageConfig(stage, { ...env });
    const g = globalThis as Record<string, unknown>;
    g.$app = {
      name: "travel-platform",
      stage,
      removal: config.removal,
      protect: config.protect,
      providers: { aws: { version: "7.20.0" } },
    };
    g.$dev = dev;
    g.$cli = {
      command: dev ? "dev" : "deploy",
      dev,
      paths: {
        home: tmpdir(),
        root: repoRoot,
        work: path.join(repoRoot, ".sst"),
        platform: platformDir,
      },
      state: { version: {} },
    };
    g.$util = pulumi;
    g.$output = pulumi.output;
    g.$interpolate = pulumi.interpolate;
    g.$concat = pulumi.concat;
    g.$jsonStringify = pulumi.jsonStringify;
    g.$jsonParse = pulumi.jsonParse;
    g.$resolve = pulumi.all;
    g.$config = (input: unknown) => input;
    g.aws = await import(
      pathToFileURL(path.join(platformDir, "node_modules/@pulumi/aws/index.js")).href
    );
    g.sst = await import(pathToFileURL(path.join(platformDir, "src/components/index.ts")).href);

    const configModule = (await import(
      pathToFileURL(path.join(repoRoot, "sst.config.ts")).href
    )) as {
      default: {
        app(input: { stage: string }): Promise<Record<string, unknown>>;
        run(): Promise<Record<string, unknown>>;
      };
    };
    const app = await configModule.default.app({ stage });
    const outputs = await configModule.default.run();
    // Pulumi's queue of registrations drains first; SST then still resolves a few outputs.
    await pulumi.runtime.waitForRPCs();
    await settle(() => resources.length);
    if (errors.length > 0) throw errors[0];
    return {
      resources,
      outputs,
      app,
      builds: rpc.builds,
      ofType: (type) => resources.filter((r) => r.type === type),
      one(type, name) {
        const found = resources.filter(
          (r) => r.type === type && (name === undefined || r.name === name),
        );
        if (found.length !== 1) {
          throw new Error(
            `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`,
          );
        }
        return found[0] as RecordedResource;
      },
    };
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}

/** An IAM statement as AWS stores it (what `policyDocumentJson` writes). */
export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every action of a statement, as a list. */
export const actionsOf = (s: IamStatement) => list(s.Action);
/** Every resource of a statement, as a list. */
export const resourcesOf = (s: IamStatement) => list(s.Resource);

/** The inline policy statements of the execution role of a Lambda function resource. */
export function roleStatements(stack: Synthesis, functionResource: string): IamStatement[] {
  const fn = stack.one("aws:lambda/function:Function", functionResource);
  const roleName = String(fn.inputs.role).split(":").pop();
  const role = stack.one("aws:iam/role:Role", roleName);
  const policies = (role.inputs.inlinePolicies ?? []) as { policy: string }[];
  return policies.flatMap((p) => (JSON.parse(p.policy) as { Statement: IamStatement[] }).Statement);
}

/** The Lambda function resources of the stack's three functions. */
export const functionResources = {
  api: "ApiHandlerFunction",
  consumer: "TableSubscriberAnalyticsConsumerFunctionFunction",
  reconciler: "BookingReconcilerHandlerFunction",
} as const;

interface DashboardWidget {
  type: string;
  properties: { title: string; metrics: unknown[][] };
}

/** The widgets of the stack's one dashboard, from the body CloudWatch would receive. */
export function dashboardWidgets(stack: Synthesis): DashboardWidget[] {
  const body = stack.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody;
  return (JSON.parse(String(body)) as { widgets: DashboardWidget[] }).widgets;
}
