/**
 * Bundles the API Lambda the way SST builds it for Node 22 on arm64 (esbuild: platform node,
 * ESM, minified, the workspace's `@travel/source` condition, `@aws-sdk/*` left to the runtime,
 * SST's `createRequire` banner), reports the bundle size, then measures cold starts: a fresh
 * `node` process per run imports the bundle and answers `GET /health` (API Gateway HTTP API
 * payload 2.0) against an embedded DynamoDB engine (dynalite) on 127.0.0.1.
 *
 *   pnpm --filter @travel/infra bench            # 7 cold processes
 *   COLD_RUNS=15 REDIS_URL=redis://127.0.0.1:6379 pnpm --filter @travel/infra bench
 *
 * Results go to stdout and bench/results/bundle.json.
 */
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { LOCAL_CREDENTIALS, startLocalEngine } from "@travel/core/local";
import { build } from "esbuild";

const infraDir = path.resolve(import.meta.dirname, "..");
const entry = path.resolve(infraDir, "../api/src/lambda.ts");
const coldRuns = Number(process.env.COLD_RUNS ?? 7);
// NODE_FLAGS="--enable-source-maps" measures the cost of source-mapped stack traces at start.
const nodeFlags = (process.env.NODE_FLAGS ?? "").split(" ").filter(Boolean);

if (!existsSync(entry)) {
  console.error(`bundle bench: ${entry} does not exist yet`);
  process.exit(1);
}

const outDir = mkdtempSync(path.join(tmpdir(), "travel-api-bundle-"));
const started = performance.now();
const result = await build({
  entryPoints: { index: entry },
  outdir: outDir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  sourcemap: true,
  conditions: ["@travel/source"],
  mainFields: ["module", "main"],
  external: ["@aws-sdk/*"],
  // What SST prepends to ESM Lambda bundles so CommonJS dependencies can still `require`.
  banner: {
    js: [
      `import { createRequire as topLevelCreateRequire } from 'module';`,
      `const require = topLevelCreateRequire(import.meta.url);`,
      `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url";`,
      `const __filename = topLevelFileUrlToPath(import.meta.url);`,
      `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url));`,
    ].join("\n"),
  },
  metafile: true,
  logLevel: "warning",
});
const buildMs = performance.now() - started;

const bundlePath = path.join(outDir, "index.mjs");
const bytes = statSync(bundlePath).size;
const gzipBytes = gzipSync(readFileSync(bundlePath), { level: 9 }).length;
const packages = new Map<string, number>();
for (const [file, info] of Object.entries(
  result.metafile.outputs[path.relative(process.cwd(), bundlePath)]?.inputs ?? {},
)) {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(file);
  const name = match
    ? match[1]
    : file.includes("packages/")
      ? `@travel/${file.split("packages/")[1]?.split("/")[0]}`
      : file;
  packages.set(name as string, (packages.get(name as string) ?? 0) + info.bytesInOutput);
}
const topPackages = [...packages.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `bundle: ${kib(bytes)} minified (${kib(gzipBytes)} gzip), built in ${buildMs.toFixed(0)} ms`,
);
for (const [name, size] of topPackages) console.log(`  ${name.padEnd(40)} ${kib(size)}`);

// The Lambda Node.js runtime provides the AWS SDK v3 (/var/runtime/node_modules); emulate it by
// linking the externalised @aws-sdk packages the bundle imports next to it, from the workspace.
const externals = new Set(
  Object.values(result.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((imported) => imported.external && imported.path.startsWith("@aws-sdk/"))
    .map((imported) => imported.path.split("/").slice(0, 2).join("/")),
);
mkdirSync(path.join(outDir, "node_modules/@aws-sdk"), { recursive: true });
for (const name of externals) {
  const found = readdirSync(path.resolve(infraDir, ".."))
    .map((pkg) => path.resolve(infraDir, "..", pkg, "node_modules", name))
    .find((candidate) => existsSync(candidate));
  if (!found)
    throw new Error(
      `bundle bench: ${name} is imported by the bundle but not installed in any workspace package`,
    );
  symlinkSync(realpathSync(found), path.join(outDir, "node_modules", name), "dir");
}
console.log(`  runtime-provided (external): ${[...externals].join(", ")}`);

// Cold starts.
const engine = await startLocalEngine();
const harness = path.join(outDir, "cold.mjs");
const event = {
  version: "2.0",
  routeKey: "$default",
  rawPath: "/health",
  rawQueryString: "",
  headers: { host: "bench.execute-api.us-east-1.amazonaws.com", "user-agent": "bench" },
  requestContext: {
    accountId: "123456789012",
    apiId: "bench",
    domainName: "bench.execute-api.us-east-1.amazonaws.com",
    domainPrefix: "bench",
    http: {
      method: "GET",
      path: "/health",
      protocol: "HTTP/1.1",
      sourceIp: "127.0.0.1",
      userAgent: "bench",
    },
    requestId: "bench-request",
    routeKey: "$default",
    stage: "$default",
    time: "01/Jan/2026:00:00:00 +0000",
    timeEpoch: 1_767_225_600_000,
  },
  isBase64Encoded: false,
};
writeFileSync(
  harness,
  `const event = ${JSON.stringify(event)};
const context = { functionName: "bench", awsRequestId: "bench", getRemainingTimeInMillis: () => 10000 };
const { handler } = await import("./index.mjs");
const importedAt = performance.now();
const first = await handler(event, context);
const firstAt = performance.now();
await handler(event, context);
const warmMs = performance.now() - firstAt;
console.log(JSON.stringify({ importedAt, firstAt, warmMs, status: first.statusCode }));
process.exit(0);
`,
);

interface ColdRun {
  wallMs: number;
  importedAt: number;
  firstAt: number;
  warmMs: number;
  status: number;
}

function coldStart(): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, harness], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        TABLE_NAME: engine.tableName,
        DYNAMO_ENDPOINT: engine.endpoint,
        CURSOR_SIGNING_KEY: "bench-signing-key-bench-signing-key-0123456789",
        LOG_LEVEL: "ERROR",
        NODE_NO_WARNINGS: "1",
        STAGE: "bench",
        POWERTOOLS_SERVICE_NAME: "travel-api",
        POWERTOOLS_METRICS_NAMESPACE: "TravelPlatform",
        POWERTOOLS_METRICS_DISABLED: "true",
        ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, CACHE_TLS: "false" } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`cold start process exited ${code}: ${out}\n${err}`));
        return;
      }
      resolve({ wallMs: performance.now() - spawnedAt, ...JSON.parse(line) });
    });
  });
}

/** Spawn-to-exit of an empty `node` process: the floor any cold start pays on this machine now. */
function emptyNode(): Promise<number> {
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    child.on("exit", (code) =>
      code === 0
        ? resolve(performance.now() - spawnedAt)
        : reject(new Error(`node -e 0 exited ${code}`)),
    );
  });
}

const baseline: number[] = [];
for (let i = 0; i < 5; i++) baseline.push(await emptyNode());

const runs: ColdRun[] = [];
try {
  for (let i = 0; i < coldRuns; i++) runs.push(await coldStart());
} finally {
  await engine.stop();
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  machine: `${process.platform}/${process.arch}`,
  bundle: { bytes, gzipBytes, buildMs: Math.round(buildMs), topPackages },
  coldStart: {
    runs: runs.length,
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    medianEmptyNodeMs: Math.round(median(baseline)),
    statuses: [...new Set(runs.map((r) => r.status))],
    medianImportMs: Math.round(median(runs.map((r) => r.importedAt))),
    medianFirstResponseMs: Math.round(median(runs.map((r) => r.firstAt))),
    medianSpawnToResponseMs: Math.round(median(runs.map((r) => r.wallMs))),
    minFirstResponseMs: Math.round(Math.min(...runs.map((r) => r.firstAt))),
    maxFirstResponseMs: Math.round(Math.max(...runs.map((r) => r.firstAt))),
    medianWarmMs: Number(median(runs.map((r) => r.warmMs)).toFixed(2)),
  },
};
console.log(
  `cold start (${runs.length} processes, GET /health → ${summary.coldStart.statuses.join("/")}): ` +
    `module loaded at ${summary.coldStart.medianImportMs} ms, first response at ${summary.coldStart.medianFirstResponseMs} ms ` +
    `after process start (median; min ${summary.coldStart.minFirstResponseMs}, max ${summary.coldStart.maxFirstResponseMs}); ` +
    `spawn→response ${summary.coldStart.medianSpawnToResponseMs} ms (empty node process: ${summary.coldStart.medianEmptyNodeMs} ms); ` +
    `warm request ${summary.coldStart.medianWarmMs} ms; load average ${summary.coldStart.loadAverage1m}`,
);
mkdirSync(path.join(infraDir, "bench/results"), { recursive: true });
writeFileSync(
  path.join(infraDir, "bench/results/bundle.json"),
  `${JSON.stringify(summary, null, 2)}\n`,
);
