/**
 * `pnpm bench:lambda`: the API measured the way AWS Lambda runs it.
 *
 * 1. Bundles the API handler exactly as the SST stack does (`src/bundling.ts`) and reports what
 *    the function ships (minified, gzipped) and its largest contributors.
 * 2. Warm invocations, one at a time, through the bundled handler in one execution environment (a
 *    `node` process importing the bundle, with the Extensions API the post-response flush uses)
 *    with API Gateway HTTP API 2.0 events, against the embedded DynamoDB engine and real Redis:
 *    handler time, CPU per invocation, Redis round trips and commands, DynamoDB calls before the
 *    answer and after it — counted by proxies in front of Redis and the engine.
 * 3. Cold starts: a fresh environment answers `GET /health`, then a cached flight search;
 *    compared with an empty `node` environment started the same way. Median of COLD_RUNS (7).
 *
 * Env: REDIS_URL (redis://127.0.0.1:6379), COLD_RUNS (7), WARM_RUNS (40), BENCH_ONLY (`bundle`:
 * step 1 alone, no engine or Redis needed; `cold`: steps 1 and 3).
 * Prints a table and a last `lambda-shape:` line; raw figures go to bench/results/lambda.json.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { LOCAL_CREDENTIALS, startLocalEngine } from "@travel/core/local";
import { lambdaEnvironment } from "../../src/runtime-env.js";
import { resolveStageConfig } from "../../src/stage.js";
import { bundleApi } from "./bundle.js";
import { startDynamoCounter, startRedisCounter, type Tally, total } from "./counters.js";
import {
  BOOKED_OFFER_ID,
  dayFromToday,
  type HttpApiEvent,
  httpApiEvent,
  seedBenchData,
  uncachedRoutes,
} from "./events.js";
import { startExtensionsApi } from "./runtime.js";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const only = process.env.BENCH_ONLY;
if (only !== undefined && only !== "bundle" && only !== "cold") {
  throw new Error(`BENCH_ONLY must be "bundle" or "cold", got "${only}"`);
}
/** Thrown to leave the warm invocations out (`BENCH_ONLY=cold`). */
class SkipWarm extends Error {}
const coldRuns = Number(process.env.COLD_RUNS ?? 7);
const warmRuns = Number(process.env.WARM_RUNS ?? 40);
const redisTarget = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const harness = path.join(import.meta.dirname, "harness.mjs");
const infraDir = path.resolve(import.meta.dirname, "../..");
/** Lambda memory of the production API (prices the work done after the answer). */
const stage = resolveStageConfig("prod", { ALARM_EMAIL: "bench@example.com" });

const TARGETS = {
  shippedKiB: 1_000,
  coldOverNodeMs: 200,
  cachedSearchRedisRoundTrips: 2,
  cachedSearchDynamoBeforeAnswer: 0,
  bookingDynamoCalls: 7,
};

const kib = (bytes: number) => bytes / 1024;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (values: number[]) => quantile(values, 0.5);
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

// 1. The bundle.
const workDir = mkdtempSync(path.join(tmpdir(), "travel-bench-lambda-"));
const bundle = await bundleApi(workDir);
console.log(
  `bundle: ${fmt(kib(bundle.shippedBytes))} KiB shipped minified (${fmt(kib(bundle.gzipBytes))} KiB gzip; ` +
    `target ≤ ${fmt(TARGETS.shippedKiB)} KiB) in ${bundle.shipped.length} files; ` +
    `source maps ${fmt(kib(bundle.sourceMapBytes))} KiB more (not loaded at run time); built in ${fmt(bundle.buildMs)} ms`,
);
for (const [name, bytes] of bundle.contributors.slice(0, 10)) {
  console.log(`  ${name.padEnd(44)} ${fmt(kib(bytes)).padStart(7)} KiB`);
}
if (only === "bundle") {
  rmSync(workDir, { recursive: true, force: true });
  console.log(`\nlambda-shape (bundle only): bundle ${fmt(kib(bundle.shippedBytes))} KiB`);
  process.exit(0);
}

// The engines, behind counting proxies, and the Extensions API.
const engine = await startLocalEngine();
const dynamo = await startDynamoCounter(engine.endpoint);
const redis = await startRedisCounter({
  host: redisTarget.hostname,
  port: Number(redisTarget.port || 6379),
});
const runtime = await startExtensionsApi();
const keyPrefix = `bench-lambda-${process.pid}-${Date.now()}`;
const searchDate = dayFromToday(7);
const routes = uncachedRoutes(warmRuns);
const apiKey = await seedBenchData(engine, searchDate, routes);

const environment: Record<string, string> = {
  PATH: process.env.PATH ?? "",
  ...lambdaEnvironment(stage, { dev: false }),
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_LAMBDA_FUNCTION_NAME: "travel-api",
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(stage.api.memoryMb),
  AWS_LAMBDA_RUNTIME_API: runtime.address,
  TABLE_NAME: engine.tableName,
  DYNAMO_ENDPOINT: dynamo.endpoint,
  REDIS_URL: redis.url,
  REDIS_KEY_PREFIX: keyPrefix,
  CURSOR_SIGNING_KEY: "bench-lambda-signing-key-0123456789abcdef",
  // Active tracing, as deployed: Lambda sets the daemon's address, so the entry registers its
  // tracer provider (the events carry no sampled trace header: nothing is sent, as for the
  // invocations X-Ray's sampling leaves out).
  AWS_XRAY_DAEMON_ADDRESS: "127.0.0.1:2000",
  ...(process.env.POST_RESPONSE_FLUSH
    ? { POST_RESPONSE_FLUSH: process.env.POST_RESPONSE_FLUSH }
    : {}),
};

interface Answered {
  type: "answered";
  at: number;
  handlerMs: number;
  cpuUs: number;
  status: number;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
  body?: string;
}

/** One execution environment: a `node` process that imported the bundle (or nothing). */
class LambdaEnvironment {
  readonly spawnedAt = performance.now();
  readonly child: ChildProcess;
  #inbox: { type: string }[] = [];
  #waiting: ((message: { type: string }) => void) | undefined;
  #stderr = "";

  constructor(entry: string) {
    runtime.reset();
    this.child = fork(harness, [entry], {
      execArgv: [],
      env: environment,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.child.stderr?.on("data", (chunk) => {
      this.#stderr += chunk;
    });
    this.child.on("message", (message: { type: string }) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting) waiting(message);
      else this.#inbox.push(message);
    });
    this.child.on("exit", (code) => {
      if (code !== 0 && this.#waiting) {
        throw new Error(`environment exited ${code}:\n${this.#stderr}`);
      }
    });
  }

  next<T extends { type: string }>(type: T["type"]): Promise<T & { receivedAt: number }> {
    const check = (message: { type: string }) => {
      if (message.type !== type) throw new Error(`expected ${type}, got ${message.type}`);
      return { ...(message as T), receivedAt: performance.now() };
    };
    const queued = this.#inbox.shift();
    if (queued) return Promise.resolve(check(queued));
    return new Promise((resolve) => {
      this.#waiting = (message) => resolve(check(message));
    });
  }

  /** Runs one invocation; counts what it sent to Redis and DynamoDB before and after its answer. */
  async invoke(event: HttpApiEvent, wantBody = false) {
    redis.take();
    dynamo.take();
    const requestId = randomUUID();
    const over = runtime.invoke(requestId);
    const sentAt = performance.now();
    this.child.send({ type: "invoke", event, requestId, wantBody });
    const answered = await this.next<Answered>("answered");
    const before = { redis: redis.take(), dynamo: dynamo.take() };
    await over;
    const overAt = performance.now();
    const after = { redis: redis.take(), dynamo: dynamo.take() };
    this.child.send({ type: "cpu" });
    const { cpuUs } = await this.next<{ type: "cpu"; cpuUs: number }>("cpu");
    return {
      answered,
      sentAt,
      before,
      after,
      /** CPU from the event to the end of the invocation (post-response work included). */
      cpuUs,
      /** Time the invocation stayed open after its answer (post-response work). */
      afterAnswerMs: Math.max(0, overAt - answered.receivedAt),
    };
  }

  async exit() {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send({ type: "exit" });
    await exited;
  }
}

const withKey = { "x-api-key": apiKey };
const flightSearch = ([origin, destination]: [string, string] = ["JFK", "LAX"]) =>
  httpApiEvent({
    method: "GET",
    path: "/v1/flights/search",
    query: `origin=${origin}&destination=${destination}&departureDate=${searchDate}&adults=1`,
    headers: withKey,
  });
const SCENARIOS: { name: string; status: number; event: (i: number) => HttpApiEvent }[] = [
  {
    name: "cached flight search",
    status: 200,
    event: () => flightSearch(),
  },
  {
    name: "uncached flight search",
    status: 200,
    event: (i) => flightSearch(routes[i]),
  },
  {
    name: "hotel search",
    status: 200,
    event: () =>
      httpApiEvent({
        method: "GET",
        path: "/v1/hotels/search",
        query: `city=LHR&checkIn=${dayFromToday(30)}&checkOut=${dayFromToday(32)}&rooms=1`,
        headers: withKey,
      }),
  },
  {
    name: "booking",
    status: 201,
    event: () =>
      httpApiEvent({
        method: "POST",
        path: "/v1/bookings",
        headers: {
          ...withKey,
          "content-type": "application/json",
          "idempotency-key": `bench-${randomUUID()}`,
        },
        body: JSON.stringify({
          offerId: BOOKED_OFFER_ID,
          quantity: 1,
          travelers: [{ givenName: "Bench", familyName: "Traveller" }],
          contact: { email: "bench@example.com" },
          expectedTotal: { amount: "199.00", currency: "USD" },
        }),
      }),
  },
  {
    name: "offer lookup",
    status: 200,
    event: () =>
      httpApiEvent({ method: "GET", path: `/v1/offers/${BOOKED_OFFER_ID}`, headers: withKey }),
  },
];

interface ScenarioResult {
  name: string;
  runs: number;
  /** Invocations that did not answer the expected status (left out of the figures). */
  failed: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of the whole invocation, after-answer work included. */
  cpuUs: number;
  /** CPU until the handler returned its answer. */
  cpuToAnswerUs: number;
  redisRoundTrips: number;
  redisRoundTripsMax: number;
  redisCommands: Tally;
  dynamoBefore: Tally;
  /** The most DynamoDB calls one invocation made (an API key re-read after its cache expired). */
  dynamoMax: number;
  dynamoAfter: Tally;
  afterAnswerMs: number;
}

// 2. Warm invocations.
const warm = new LambdaEnvironment(bundle.entry);
let results: ScenarioResult[] = [];
try {
  if (only === "cold") throw new SkipWarm();
  await warm.next("ready");
  const health = await warm.invoke(httpApiEvent({ method: "GET", path: "/health" }));
  if (!answeredAs(health, 200, "health")) process.exit(1);
  results = [];
  for (const scenario of SCENARIOS) {
    const uncached = scenario.name.startsWith("uncached");
    // Seen once before (key, read-model entry, connections), except what "uncached" leaves out.
    if (!uncached)
      answeredAs(await warm.invoke(scenario.event(-1)), scenario.status, scenario.name);
    const runs = [];
    let failed = 0;
    for (let i = 0; i < warmRuns; i++) {
      const run = await warm.invoke(scenario.event(i), i === 0);
      // An overloaded machine can time a budget out (a 503): reported, left out of the figures.
      if (answeredAs(run, scenario.status, scenario.name)) runs.push(run);
      else failed++;
    }
    if (runs.length === 0) process.exit(1);
    // Counts: those of the median invocation (by total), and the most any invocation made.
    const roundTrips = runs.map((r) => r.before.redis.roundTrips + r.after.redis.roundTrips);
    const medianRedis = runs[roundTrips.indexOf(median(roundTrips))] as (typeof runs)[0];
    const dynamoCalls = runs.map((r) => total(r.before.dynamo) + total(r.after.dynamo));
    const medianDynamo = runs[dynamoCalls.indexOf(median(dynamoCalls))] as (typeof runs)[0];
    results.push({
      name: scenario.name,
      runs: runs.length,
      failed,
      p50Ms: median(runs.map((r) => r.answered.handlerMs)),
      p99Ms: quantile(
        runs.map((r) => r.answered.handlerMs),
        0.99,
      ),
      cpuUs: median(runs.map((r) => r.cpuUs)),
      cpuToAnswerUs: median(runs.map((r) => r.answered.cpuUs)),
      redisRoundTrips: median(roundTrips),
      redisRoundTripsMax: Math.max(...roundTrips),
      redisCommands: mergeTally(
        medianRedis.before.redis.commands,
        medianRedis.after.redis.commands,
      ),
      dynamoBefore: medianDynamo.before.dynamo,
      dynamoAfter: medianDynamo.after.dynamo,
      dynamoMax: Math.max(...dynamoCalls),
      afterAnswerMs: median(runs.map((r) => r.afterAnswerMs)),
    });
  }
} catch (error) {
  if (!(error instanceof SkipWarm)) throw error;
} finally {
  await warm.exit();
}
const postResponse = runtime.registered;

console.log(
  `\nwarm invocations, one at a time (${warmRuns} per scenario, medians; after-answer work ${postResponse ? "in the post-response extension" : "inside the handler (no extension)"}):`,
);
console.log(
  `  ${"scenario".padEnd(24)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"cpu us".padStart(7)} ${"(answer)".padStart(8)}  redis round trips median/max (commands) dynamodb before | after the answer (median invocation; max)`,
);
for (const r of results) {
  const commands = Object.entries(r.redisCommands)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name}${n > 1 ? `×${n}` : ""}`)
    .join(" ");
  const calls = (t: Tally) =>
    `${total(t)}${
      total(t)
        ? ` (${Object.entries(t)
            .filter(([, n]) => n > 0)
            .map(([name, n]) => `${name}${n > 1 ? `×${n}` : ""}`)
            .join(" ")})`
        : ""
    }`;
  console.log(
    `  ${r.name.padEnd(24)} ${fmt(r.p50Ms, 2).padStart(7)} ${fmt(r.p99Ms, 2).padStart(7)} ${fmt(r.cpuUs).padStart(7)} ${`(${fmt(r.cpuToAnswerUs)})`.padStart(8)}  ${`${r.redisRoundTrips}/${r.redisRoundTripsMax} (${commands})`.padEnd(34)} ${calls(r.dynamoBefore)} | ${calls(r.dynamoAfter)}; max ${r.dynamoMax}${r.failed ? `  (${r.failed} failed)` : ""}`,
  );
}

// 3. Cold starts, alternating with empty environments.
const cold: {
  firstMs: number;
  searchMs: number;
  importedMs: number;
  emptyMs: number;
  /** CPU of the process until its first answer (init + first invocation): steadier than wall time on a shared machine. */
  cpuMs: number;
  emptyCpuMs: number;
  status: number;
}[] = [];
for (let i = 0; i < coldRuns; i++) {
  const empty = new LambdaEnvironment("--empty");
  const emptyReady = await empty.next<{ type: "ready"; at: number; cpuUs: number }>("ready");
  const emptyRun = await empty.invoke(httpApiEvent({ method: "GET", path: "/health" }));
  await empty.exit();

  const env = new LambdaEnvironment(bundle.entry);
  const ready = await env.next<{ type: "ready"; at: number; cpuUs: number }>("ready");
  const first = await env.invoke(httpApiEvent({ method: "GET", path: "/health" }));
  const search = await env.invoke(flightSearch());
  answeredAs(search, 200, "cold cached flight search");
  await env.exit();
  cold.push({
    emptyMs: emptyRun.answered.receivedAt - empty.spawnedAt,
    importedMs: ready.at,
    firstMs: first.answered.receivedAt - env.spawnedAt,
    searchMs: search.answered.receivedAt - env.spawnedAt,
    cpuMs: (ready.cpuUs + first.answered.cpuUs) / 1000,
    emptyCpuMs: (emptyReady.cpuUs + emptyRun.answered.cpuUs) / 1000,
    status: first.answered.status,
  });
}
const coldSummary = {
  runs: cold.length,
  emptyNodeMs: median(cold.map((c) => c.emptyMs)),
  importedMs: median(cold.map((c) => c.importedMs)),
  firstAnswerMs: median(cold.map((c) => c.firstMs)),
  cachedSearchAnswerMs: median(cold.map((c) => c.searchMs)),
  overNodeMs: median(cold.map((c) => c.firstMs - c.emptyMs)),
  searchOverNodeMs: median(cold.map((c) => c.searchMs - c.emptyMs)),
  cpuMs: median(cold.map((c) => c.cpuMs)),
  emptyCpuMs: median(cold.map((c) => c.emptyCpuMs)),
};
console.log(
  `\ncold start (${coldRuns} environments, medians): first answer (GET /health → ${[...new Set(cold.map((c) => c.status))].join("/")}) ` +
    `${fmt(coldSummary.firstAnswerMs)} ms after spawn, +${fmt(coldSummary.overNodeMs)} ms over an empty node (${fmt(coldSummary.emptyNodeMs)} ms; target ≤ +${TARGETS.coldOverNodeMs}); ` +
    `bundle imported at ${fmt(coldSummary.importedMs)} ms of the process; cached flight search answered at +${fmt(coldSummary.searchOverNodeMs)} ms over node; ` +
    `CPU until the first answer ${fmt(coldSummary.cpuMs)} ms (empty node ${fmt(coldSummary.emptyCpuMs)} ms)`,
);

await Promise.allSettled([runtime.close(), dynamo.close(), redis.close()]);
await engine.stop();
await deleteBenchKeys();
rmSync(workDir, { recursive: true, force: true });
if (only === "cold") {
  console.log(
    `\nlambda-shape (bundle and cold only): bundle ${fmt(kib(bundle.shippedBytes))} KiB, cold +${fmt(coldSummary.overNodeMs)} ms over node`,
  );
  process.exit(0);
}

// Targets and the summary line.
const cached = results.find((r) => r.name === "cached flight search") as ScenarioResult;
const booking = results.find((r) => r.name === "booking") as ScenarioResult;
const bookingCalls = total(booking.dynamoBefore) + total(booking.dynamoAfter);
const afterWrites = total(cached.dynamoAfter);
// us-east-1 list prices: Lambda arm64 $0.0000133334 per GB-second; DynamoDB on-demand $1.25 per million write request units (≤ 1 KB).
const perMillion = {
  lambda: (cached.afterAnswerMs / 1000) * (stage.api.memoryMb / 1024) * 0.0000133334 * 1e6,
  dynamo: afterWrites * 1.25,
};
const checks = [
  [
    "shipped bundle",
    `${fmt(kib(bundle.shippedBytes))} KiB`,
    `≤ ${fmt(TARGETS.shippedKiB)} KiB`,
    kib(bundle.shippedBytes) <= TARGETS.shippedKiB,
  ],
  [
    "cold first answer over node",
    `+${fmt(coldSummary.overNodeMs)} ms`,
    `≤ +${TARGETS.coldOverNodeMs} ms`,
    coldSummary.overNodeMs <= TARGETS.coldOverNodeMs,
  ],
  [
    "cached search redis round trips",
    String(cached.redisRoundTrips),
    `≤ ${TARGETS.cachedSearchRedisRoundTrips}`,
    cached.redisRoundTrips <= TARGETS.cachedSearchRedisRoundTrips,
  ],
  [
    "cached search dynamodb before answer",
    String(total(cached.dynamoBefore)),
    `${TARGETS.cachedSearchDynamoBeforeAnswer}`,
    total(cached.dynamoBefore) <= TARGETS.cachedSearchDynamoBeforeAnswer,
  ],
  [
    "booking dynamodb calls",
    String(bookingCalls),
    `≤ ${TARGETS.bookingDynamoCalls}`,
    bookingCalls <= TARGETS.bookingDynamoCalls,
  ],
] as const;
console.log("\ntargets:");
for (const [name, value, target, met] of checks) {
  console.log(
    `  ${met ? "met    " : "MISSED "} ${name.padEnd(38)} ${value.padStart(12)}   target ${target}`,
  );
}
console.log(
  `  after-answer work of a cached search: ${afterWrites} DynamoDB write(s) and ${fmt(cached.afterAnswerMs, 2)} ms open invocation = ` +
    `$${fmt(perMillion.dynamo, 2)} + $${fmt(perMillion.lambda, 2)} per million searches (on-demand writes; arm64 ${stage.api.memoryMb} MB)`,
);

mkdirSync(path.join(infraDir, "bench/results"), { recursive: true });
writeFileSync(
  path.join(infraDir, "bench/results/lambda.json"),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      machine: `${process.platform}/${process.arch}, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(2)}`,
      bundle: { ...bundle, dir: undefined, entry: undefined },
      warm: results,
      cold: coldSummary,
      postResponse,
      perMillion,
    },
    null,
    2,
  )}\n`,
);

console.log(
  `\nlambda-shape: bundle ${fmt(kib(bundle.shippedBytes))} KiB, cold +${fmt(coldSummary.overNodeMs)} ms over node, ` +
    `cached search ${cached.redisRoundTrips} redis round trips ${total(cached.dynamoBefore)} dynamodb calls ` +
    `before the answer ${total(cached.dynamoAfter)} after ${fmt(cached.cpuUs)} us cpu, ` +
    `booking ${bookingCalls} dynamodb calls`,
);

function mergeTally(a: Tally, b: Tally): Tally {
  const merged = { ...a };
  for (const [name, n] of Object.entries(b)) merged[name] = (merged[name] ?? 0) + n;
  return merged;
}

/** Whether the invocation answered `status`; if not, says so with the answer's body. */
function answeredAs(run: { answered: Answered }, status: number, what: string): boolean {
  if (run.answered.status === status) return true;
  const { body = "", headers = {} } = run.answered;
  const bytes = Buffer.from(body, run.answered.isBase64Encoded ? "base64" : "utf8");
  const text = (headers["content-encoding"] === "gzip" ? gunzipSync(bytes) : bytes).toString();
  console.error(
    `bench:lambda: ${what} answered ${run.answered.status}, expected ${status}: ${text}`,
  );
  return false;
}

/** Removes this run's Redis keys (its own prefix only; the Redis may be shared). */
async function deleteBenchKeys(): Promise<void> {
  const { createConnection } = await import("node:net");
  const socket = createConnection({
    host: redisTarget.hostname,
    port: Number(redisTarget.port || 6379),
  });
  const script = `local n=0 for _,k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) n=n+1 end return n`;
  const args = ["EVAL", script, "0", `${keyPrefix}*`];
  socket.write(
    `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`,
  );
  await new Promise((resolve) => socket.once("data", resolve));
  socket.destroy();
}
