/**
 * `pnpm bench` (packages/api): autocannon against a child process serving the full API on real
 * Redis. Measures a cached flight search through the whole stack (auth, rate limit, validation,
 * cache hit, serialisation) next to a bare Hono JSON route on the same server, in the same run.
 *
 * Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32), REDIS_URL, BENCH_PROFILE (dir
 * for a V8 CPU profile of the server).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);

// `pnpm bench` runs this file compiled (tsc → .bench-dist, the workspace packages from their
// dist): what production runs, not tsx's development transform (its keepNames wrappers alone
// cost a few % here). Run from source (`node --import tsx bench/search.bench.ts`), the children
// run from source too.
const compiled = import.meta.url.endsWith(".js");

/** Starts `bench/<name>` in a child process and resolves with the JSON line it prints when ready. */
function startChild<T>(name: string, env: Record<string, string> = {}) {
  const script = fileURLToPath(new URL(`./${name}${compiled ? ".js" : ".ts"}`, import.meta.url));
  const child = spawn(
    process.execPath,
    [
      // BENCH_PROFILE=<dir> writes a V8 CPU profile of the API server (node --cpu-prof).
      ...(process.env.BENCH_PROFILE && name === "server"
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : []),
      ...(compiled ? [] : ["--conditions=@travel/source", "--import", "tsx"]),
      script,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env, NODE_NO_WARNINGS: "1" },
    },
  );
  const ready = new Promise<T>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line) as T));
  });
  return { child, ready };
}

const engine = startChild<{ endpoint: string; tableName: string }>("engine");
const { endpoint, tableName } = await engine.ready;
const server = startChild<{ port: number; key: string; date: string; backend: string }>("server", {
  DYNAMO_ENDPOINT: endpoint,
  TABLE_NAME: tableName,
});
const ready = await server.ready;
const base = `http://127.0.0.1:${ready.port}`;
const searchPath = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${ready.date}&limit=20`;
const headers = { "x-api-key": ready.key };

// Warm: fill the cache and the key lookup; the measured requests are all hits.
const warm = await fetch(`${base}${searchPath}`, { headers });
const warmBody = (await warm.json()) as { data: unknown[] };
if (warm.status !== 200 || warmBody.data.length !== 20)
  throw new Error(`warm-up failed: ${warm.status}`);
const check = await fetch(`${base}${searchPath}`, { headers });
if (check.headers.get("x-cache") !== "HIT") throw new Error("second search was not a cache hit");
const searchBytes = Buffer.byteLength(await check.text());

async function measure(title: string, path: string, withKey: boolean) {
  const result = await autocannon({
    url: `${base}${path}`,
    connections,
    duration: seconds,
    ...(withKey ? { headers } : {}),
  });
  return {
    title,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

try {
  await measure("warm-up", searchPath, true);
  const tiny = await measure("bare Hono route, tiny JSON", "/__bare", false);
  const bare = await measure(
    `bare Hono route, same ${searchBytes} B JSON`,
    "/__bare-search-body",
    false,
  );
  const search = await measure(`cached flight search (${searchBytes} B body)`, searchPath, true);
  const ratio = search.requestsPerSecond / bare.requestsPerSecond;
  const rows = [tiny, bare, search].map(
    (r) =>
      `| ${r.title} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} |`,
  );
  process.stdout.write(
    [
      `API bench: ${seconds}s per route, ${connections} connections, cache backend ${ready.backend}, Node ${process.version}`,
      "| route | req/s | p50 ms | p99 ms | non-2xx | errors |",
      "|---|---|---|---|---|---|",
      ...rows,
      `cached search throughput = ${(ratio * 100).toFixed(0)}% of the bare route with the same body (target ≥ 50%), ${((search.requestsPerSecond / tiny.requestsPerSecond) * 100).toFixed(0)}% of the tiny one`,
      "",
    ].join("\n"),
  );
  if (search.non2xx > 0 || search.errors > 0) process.exitCode = 1;
} finally {
  server.child.kill("SIGTERM");
  await new Promise((resolve) => server.child.once("exit", resolve));
  engine.child.kill("SIGTERM");
}
