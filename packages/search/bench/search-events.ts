/**
 * What recording a search event adds to a search's latency.
 *
 * Runs the same cached (hit) flight search N times against dynalite + the in-process cache:
 *   none    — no event recorder
 *   queued  — createSearchEventQueue over core's search-event repository (the shipped path)
 *   inline  — awaiting repository.record() inside the request (what the queue avoids)
 * and prints p50 / p99 / mean per mode, plus the queue's write counters after flush().
 *
 * pnpm --filter @travel/search bench
 */
import { createMemoryCache } from "@travel/cache";
import { createSearchEventRepository, type SearchEventRecord } from "@travel/core";
import { startLocalEngine } from "@travel/core/local";
import { createSearchEventQueue, type SearchEventRecorder } from "../src/events.js";
import {
  buildService,
  DAY,
  flightQuery,
  flightRecord,
  mutableClock,
  putFlights,
} from "../test/fixtures.js";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const N = Number(process.env.BENCH_ITERATIONS ?? 1000);
const quiet = { warn: () => {}, error: () => {} };

const engine = await startLocalEngine();
await putFlights(
  engine.db,
  Array.from({ length: 40 }, (_, n) =>
    flightRecord(n, {
      departAt: `${DAY}T${String(6 + (n % 16)).padStart(2, "0")}:${String(n).padStart(2, "0")}:00Z`,
    }),
  ),
);
const repository = createSearchEventRepository(engine.db);
const query = flightQuery();

/** Awaits every write inside the request: the baseline the queue is measured against. */
function inlineRecorder(pending: Promise<void>[]): SearchEventRecorder {
  return {
    record(event: SearchEventRecord) {
      // The service calls record() synchronously; to measure an *awaited* write we make the
      // bench await it right after the search (see run()).
      pending.push(repository.record(event));
    },
  };
}

async function run(mode: "none" | "queued" | "inline") {
  const cache = createMemoryCache({});
  const pending: Promise<void>[] = [];
  // Bound above N so the bench measures latency, not the drop policy (reported anyway).
  const queue = createSearchEventQueue({ sink: repository, logger: quiet, maxQueued: N + 10 });
  const events =
    mode === "queued" ? queue : mode === "inline" ? inlineRecorder(pending) : undefined;
  const service = buildService({
    db: engine.db,
    cache,
    clock: mutableClock(),
    ...(events ? { events } : {}),
  });
  await service.searchFlights(query, { tenantId: "ten_bench" }); // warm the cache
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const started = performance.now();
    await service.searchFlights(query, { tenantId: "ten_bench" });
    if (mode === "inline") await Promise.all(pending.splice(0));
    samples.push(performance.now() - started);
  }
  const flushStarted = performance.now();
  await queue.flush();
  const flushMs = performance.now() - flushStarted;
  await cache.close();
  samples.sort((a, b) => a - b);
  const pct = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { mode, p50: pct(0.5), p99: pct(0.99), mean, flushMs, stats: queue.stats() };
}

const results = [];
for (const mode of ["none", "queued", "inline"] as const) results.push(await run(mode));
await engine.stop();

console.log(`search (cache hit) latency, ${N} searches per mode, Node ${process.version}`);
console.log("mode    | p50 ms | p99 ms | mean ms | queue written/failed/dropped | final flush ms");
for (const r of results) {
  console.log(
    `${r.mode.padEnd(7)} | ${r.p50.toFixed(3).padStart(6)} | ${r.p99.toFixed(3).padStart(6)} | ${r.mean.toFixed(3).padStart(7)} | ${(r.mode === "queued" ? `${r.stats.written}/${r.stats.failed}/${r.stats.dropped}` : "-").padStart(28)} | ${r.mode === "queued" ? r.flushMs.toFixed(1) : "-"}`,
  );
}
