/**
 * How long a cache store call takes on this machine, as the cache sees it: `cache.health()` (a PING through the call guard) round
 * trips to the real Redis (`REDIS_URL`, default redis://127.0.0.1:6379) with a budget far
 * above any answer (10 s), one at a time and 16 in flight, and the machine's load average
 * beside them. The command budget (`CACHE_COMMAND_TIMEOUT_MS`) must sit above what a busy
 * machine shows here, or calls that would have succeeded fall open and count as errors.
 *
 *   pnpm --filter @travel/cache bench:latency
 *
 * Env: BENCH_CALLS (per measurement, default 3000).
 */
import { loadavg } from "node:os";
import { createRedisCache } from "../src/index.js";

const CALLS = Number(process.env.BENCH_CALLS ?? 3_000);
const url = process.env.REDIS_URL || "redis://127.0.0.1:6379";

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return `p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, p99.9 ${at(0.999).toFixed(2)} ms, max ${at(1).toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const cache = createRedisCache({
    redis: { url },
    keyPrefix: "bench-latency:",
    commandTimeoutMs: 10_000,
  });
  for (let i = 0; i < 200; i++) await cache.health(); // warm up

  const load = loadavg()[0]?.toFixed(1);
  const serial: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await cache.health();
    serial.push(performance.now() - started);
  }
  const concurrent: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < CALLS) {
        const started = performance.now();
        await cache.health();
        concurrent.push(performance.now() - started);
      }
    }),
  );
  console.log(`machine: ${process.platform}, node ${process.version}, load average ${load}`);
  console.log(`one at a time (${CALLS} calls): ${percentiles(serial)}`);
  console.log(`16 in flight  (${CALLS} calls): ${percentiles(concurrent)}`);
  await cache.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
