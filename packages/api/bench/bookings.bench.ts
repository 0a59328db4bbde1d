/**
 * `pnpm --filter @travel/api bench:bookings`: bookings per second and latency through HTTP with
 * the API in local-mode configuration (embedded engine, in-process cache), with the oversell
 * invariant checked *during* the run (every second) and after it.
 *
 * Each request books 1 seat on one of `BENCH_OFFERS` offers (round robin) under a fresh
 * Idempotency-Key, so the run moves from successful bookings to `409 sold_out` once seats run
 * out — both paths are measured. Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (16),
 * BENCH_OFFERS (50), BENCH_SEATS (40).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);

const child = spawn(
  process.execPath,
  [
    "--conditions=@travel/source",
    "--import",
    "tsx",
    fileURLToPath(new URL("./bookings-server.ts", import.meta.url)),
  ],
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_NO_WARNINGS: "1" } },
);
const ready = await new Promise<{
  port: number;
  key: string;
  offers: { offerId: string; priceMinor: number }[];
}>((resolve, reject) => {
  child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
});
const base = `http://127.0.0.1:${ready.port}`;

interface Check {
  seatsLeft: number;
  held: number;
  confirmedSeats: number;
  seeded: number;
  violations: string[];
}
const check = async (): Promise<Check> =>
  (await fetch(`${base}/__oversell-check`)).json() as Promise<Check>;

let n = 0;
const body = (i: number) => {
  const offer = ready.offers[i % ready.offers.length]!;
  return JSON.stringify({
    offerId: offer.offerId,
    quantity: 1,
    travelers: [{ givenName: "Bench", familyName: "Traveler" }],
    contact: { email: "bench@example.com" },
    expectedTotal: { amount: (offer.priceMinor / 100).toFixed(2), currency: "USD" },
  });
};

function run(duration: number, count: Map<number, number>): Promise<autocannon.Result> {
  let finish: (error: unknown, result: autocannon.Result) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      url: base,
      connections,
      duration,
      requests: [
        {
          method: "POST",
          path: "/v1/bookings",
          setupRequest: (request) => {
            const i = n++;
            return {
              ...request,
              headers: {
                "content-type": "application/json",
                "x-api-key": ready.key,
                "idempotency-key": `bench-${process.pid}-${i}`,
              },
              body: body(i),
            };
          },
        },
      ],
    },
    (error, result) => finish(error, result),
  );
  instance.on("response", (_client, statusCode) =>
    count.set(statusCode, (count.get(statusCode) ?? 0) + 1),
  );
  return done;
}

try {
  const statuses = new Map<number, number>();
  const checks: Check[] = [];
  const polling = setInterval(() => {
    check().then(
      (c) => checks.push(c),
      (e: unknown) => console.error("check failed", e),
    );
  }, 1_000);
  const result = await run(seconds, statuses);
  clearInterval(polling);
  // Let the requests still in flight when the clock stopped finish before the final audit.
  await new Promise((r) => setTimeout(r, 3_000));
  const final = await check();
  const created = statuses.get(201) ?? 0;
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    connections,
    seconds,
    seeded: final.seeded,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    bookingsPerSecond: Math.round(created / seconds),
    statuses: Object.fromEntries(statuses),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    checksDuringRun: checks.length,
    violationsDuringRun: checks.reduce((sum, c) => sum + c.violations.length, 0),
    final,
    oversellCheck:
      final.violations.length === 0 &&
      checks.every((c) => c.violations.length === 0) &&
      final.seatsLeft + final.confirmedSeats === final.seeded &&
      // Requests in flight when the clock stopped still complete, uncounted by autocannon.
      final.confirmedSeats >= created &&
      final.confirmedSeats <= created + connections
        ? "held"
        : "VIOLATED",
  };
  console.log(JSON.stringify(report, null, 2));
  if (report.oversellCheck !== "held") process.exitCode = 1;
} finally {
  child.kill("SIGTERM");
}
