/**
 * `pnpm bench` (packages/api): autocannon against a child process serving the full API on real
 * Redis. Measures a cached flight search through the whole stack (auth, rate limit, validation,
 * cache hit, serialisation) next to a bare Hono JSON route on the same server, in the same run.
 *
 * Throughput on a 2-core machine shared by the load generator, the server, the engine and Redis
 * moves with whatever else the host does, so besides req/s the bench reports the CPU each process
 * spent per request (from /proc, Linux only) and alternates the bare route and the search for
 * BENCH_ROUNDS rounds; the ratio it reports is the median of the rounds' ratios.
 *
 * Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS (default 3),
 * REDIS_URL, BENCH_PROFILE (dir for a V8 CPU profile of the server).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error("BENCH_ROUNDS must be a whole number ≥ 1");

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

/** The processes whose CPU a request costs; Redis's pid from `INFO server` (absent if remote). */
const { Redis } = await import("ioredis");
const probe = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const redisPid = Number(/process_id:(\d+)/.exec(await probe.info("server"))?.[1]);
probe.disconnect();
/** Redis's pid is only ours to read if that process on this host is a Redis (not in a container). */
const isLocalRedis = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("redis");
  } catch {
    return false;
  }
};
const watched = {
  server: server.child.pid,
  engine: engine.child.pid,
  redis: Number.isInteger(redisPid) && isLocalRedis(redisPid) ? redisPid : undefined,
  autocannon: process.pid,
};
const ticksPerSecond = 100; // USER_HZ on Linux

/** utime + stime of a process in ms, or undefined where /proc is not readable (not Linux, remote). */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

function cpuSnapshot() {
  return Object.fromEntries(Object.entries(watched).map(([k, pid]) => [k, cpuMs(pid)]));
}

async function measure(title: string, path: string, withKey: boolean) {
  const before = cpuSnapshot();
  const result = await autocannon({
    url: `${base}${path}`,
    connections,
    duration: seconds,
    ...(withKey ? { headers } : {}),
  });
  const after = cpuSnapshot();
  const requests = result.requests.total || 1;
  /** CPU µs per request of each process (server, engine, redis, autocannon). */
  const cpuUsPerRequest = Object.fromEntries(
    Object.keys(watched).map((k) => {
      const a = after[k];
      const b = before[k];
      return [k, a === undefined || b === undefined ? undefined : ((a - b) * 1000) / requests];
    }),
  ) as Record<keyof typeof watched, number | undefined>;
  return {
    title,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuUsPerRequest,
  };
}

type Measured = Awaited<ReturnType<typeof measure>>;
const us = (v: number | undefined) => (v === undefined ? "n/a" : String(Math.round(v)));
const row = (r: Measured) =>
  `| ${r.title} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${us(r.cpuUsPerRequest.server)} | ${us(r.cpuUsPerRequest.redis)} | ${us(r.cpuUsPerRequest.engine)} | ${us(r.cpuUsPerRequest.autocannon)} | ${r.non2xx} | ${r.errors} |`;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

try {
  await measure("warm-up", searchPath, true);
  const tiny = await measure("bare Hono route, tiny JSON", "/__bare", false);
  const measured: Measured[] = [tiny];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  let failed = false;
  for (let round = 1; round <= rounds; round++) {
    const suffix = rounds > 1 ? ` (round ${round})` : "";
    const bare = await measure(
      `bare Hono route, same ${searchBytes} B JSON${suffix}`,
      "/__bare-search-body",
      false,
    );
    const search = await measure(
      `cached flight search (${searchBytes} B body)${suffix}`,
      searchPath,
      true,
    );
    measured.push(bare, search);
    ratios.push(search.requestsPerSecond / bare.requestsPerSecond);
    const bareCpu = bare.cpuUsPerRequest.server;
    const searchCpu = search.cpuUsPerRequest.server;
    if (bareCpu && searchCpu) cpuRatios.push(bareCpu / searchCpu);
    failed ||= search.non2xx > 0 || search.errors > 0;
  }
  const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
  process.stdout.write(
    [
      `API bench: ${seconds}s per route, ${connections} connections, ${rounds} round(s), cache backend ${ready.backend}, Node ${process.version}`,
      "| route | req/s | p50 ms | p99 ms | server CPU µs/req | redis µs/req | engine µs/req | autocannon µs/req | non-2xx | errors |",
      "|---|---|---|---|---|---|---|---|---|---|",
      ...measured.map(row),
      `cached search throughput = ${pct(median(ratios))} of the bare route with the same body (median of ${ratios.map(pct).join(", ")}; target ≥ 50%)`,
      ...(cpuRatios.length
        ? [
            `server CPU per request: the bare route costs ${pct(median(cpuRatios))} of what a cached search costs (median of ${cpuRatios.map(pct).join(", ")})`,
          ]
        : []),
      "",
    ].join("\n"),
  );
  if (failed) process.exitCode = 1;
} finally {
  server.child.kill("SIGTERM");
  await new Promise((resolve) => server.child.once("exit", resolve));
  engine.child.kill("SIGTERM");
}
