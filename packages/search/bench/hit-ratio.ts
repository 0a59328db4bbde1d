/**
 * `pnpm bench:hit-ratio` — issue #8's reference workload replayed over a simulated day.
 *
 * Runs (each on a fresh copy of dynalite loaded with the real 90-day seed):
 *   - the read model on the in-process cache, at each volume;
 *   - the TTL-only baseline (inventory supplier cache-aside, one entry per exact query,
 *     10-minute TTL, tag invalidation on writes) on the same replay;
 *   - a shorter read-model run on real Redis (REDIS_URL), and, when a `redis-server` binary is
 *     on PATH, one where a test-owned Redis is killed and restarted empty mid-run.
 *
 * Flags:
 *   --volumes 100k,1m        searches per day (any of 100k, 1m, or a number)
 *   --hours 24               simulated hours per in-process run (the same per-second rates)
 *   --hours-1m 24            simulated hours of the read-model run at 1M/day
 *   --ttl-hours-1m 24        simulated hours of the baseline at 1M/day (its misses make it slow)
 *   --modes read-model,ttl-exact
 *   --redis-hours 2          simulated hours of the Redis runs (0 skips them)
 *   --redis-runs plain,restart   which Redis runs
 *   --restart-at 60          simulated minute at which the test-owned Redis is restarted empty
 *   --warm 0                 pre-warm the N most popular routes (+ the hotel cities) × 3 months
 *   --budget-minutes 0       stop a run after this much real time (reports the span covered)
 *   --json out.json          also write every result as JSON
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createMemoryCache, createRedisCache, createRedisClient } from "@travel/cache";
import {
  deleteKeysWithPrefix,
  isRedisReachable,
  redisUrlForTests,
  startRedisServer,
  uniqueKeyPrefix,
} from "@travel/cache/testing";
import { type ReplayResult, replay, seedOnce } from "./replay.js";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { values } = parseArgs({
  options: {
    volumes: { type: "string", default: "100k,1m" },
    hours: { type: "string", default: "24" },
    "hours-1m": { type: "string" },
    "ttl-hours-1m": { type: "string" },
    modes: { type: "string", default: "read-model,ttl-exact" },
    "redis-hours": { type: "string", default: "2" },
    "redis-runs": { type: "string", default: "plain,restart" },
    "restart-at": { type: "string" },
    warm: { type: "string", default: "0" },
    "budget-minutes": { type: "string", default: "0" },
    json: { type: "string" },
    "start-date": { type: "string", default: "2030-03-10" },
  },
});

function volume(text: string): number {
  if (text === "100k") return 100_000;
  if (text === "1m") return 1_000_000;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--volumes: "${text}" is not 100k, 1m or a number`);
  return n;
}
const volumes = (values.volumes ?? "").split(",").filter(Boolean).map(volume);
const redisRuns = new Set((values["redis-runs"] ?? "").split(","));
const modes = (values.modes ?? "").split(",") as ("read-model" | "ttl-exact")[];
const hours = Number(values.hours);
const hours1m = Number(values["hours-1m"] ?? values.hours);
const ttlHours1m = Number(values["ttl-hours-1m"] ?? hours1m);
const redisHours = Number(values["redis-hours"]);
const warmRoutes = Number(values.warm);
const budgetMs = Number(values["budget-minutes"]) * 60_000 || undefined;
const startDate = values["start-date"] ?? "2030-03-10";
const MEMORY_BYTES = 256 * 1024 * 1024;

console.log(`seeding dynalite once (90 days from ${startDate}, the real seed)…`);
const seed = await seedOnce(startDate);
console.log(`seeded in ${seed.seconds.toFixed(0)} s`);

const results: (ReplayResult & { label: string })[] = [];
const print = (label: string, r: ReplayResult) => {
  results.push({ label, ...r });
  const pct = (r.searchesWithoutRead / Math.max(1, r.searches)) * 100;
  console.log(
    `${label}: ${r.searches} searches over ${r.simulatedHours.toFixed(2)} h in ${r.realSeconds.toFixed(0)} s — ` +
      `no-read ${pct.toFixed(2)}%, failed ${r.errors}, stale offers ${r.staleOffers}/${r.offersChecked}, wrong totals ${r.wrongTotals}, ` +
      `reads/1000 searches ${((r.searchReads / Math.max(1, r.searches)) * 1000).toFixed(0)}, ` +
      `p50 ${r.serviceMs.p50.toFixed(2)} ms p99 ${r.serviceMs.p99.toFixed(2)} ms, ` +
      `memory ${r.memory ? `${(r.memory.bytes / 1e6).toFixed(1)} MB in ${r.memory.entries} entries` : "–"}`,
  );
  console.log(
    `  bookings ${JSON.stringify(r.bookings)}, cancellations ${r.cancellations}, price changes ${r.priceChanges}, ` +
      `stream deliveries ${r.streamDeliveries}, reads by phase ${JSON.stringify(r.readsByPhase)}, statuses ${JSON.stringify(r.cacheStatus)}` +
      (r.warmFilled !== undefined ? `, warmed ${r.warmFilled} entries` : ""),
  );
  console.log(`  hourly no-read %: ${r.hourly.map((h) => (h * 100).toFixed(1)).join(" ")}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
};

try {
  for (const searchesPerDay of volumes) {
    for (const mode of modes) {
      const label = `${mode} · memory · ${searchesPerDay / 1000}k/day`;
      console.log(`running ${label}…`);
      const r = await replay({
        mode,
        searchesPerDay,
        hours: searchesPerDay < 1_000_000 ? hours : mode === "read-model" ? hours1m : ttlHours1m,
        startDate,
        seedDir: seed.dir,
        makeCache: (clock) => createMemoryCache({ maxBytes: MEMORY_BYTES, clock }),
        ...(budgetMs ? { budgetMs } : {}),
        ...(warmRoutes > 0 && mode === "read-model"
          ? { warm: { routes: warmRoutes, months: 3 } }
          : {}),
      });
      print(label, r);
    }
  }

  if (redisHours > 0) {
    const url = redisUrlForTests();
    if (!redisRuns.has("plain")) {
      // skipped by --redis-runs
    } else if (await isRedisReachable(url)) {
      const keyPrefix = uniqueKeyPrefix("hit-ratio");
      console.log(`running read-model · redis · 100k/day (${redisHours} h)…`);
      try {
        const r = await replay({
          mode: "read-model",
          searchesPerDay: 100_000,
          hours: redisHours,
          startDate,
          seedDir: seed.dir,
          makeCache: (clock) =>
            createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 1_000, clock }),
          ...(budgetMs ? { budgetMs } : {}),
        });
        print(`read-model · redis · 100k/day`, r);
      } finally {
        const client = createRedisClient({ url });
        await deleteKeysWithPrefix(client, keyPrefix);
        await client.quit();
      }
    } else {
      console.warn(`!!! Redis at ${url} is unreachable: the Redis run is skipped !!!`);
    }

    if (redisRuns.has("restart") && spawnSync("redis-server", ["--version"]).status === 0) {
      const server = await startRedisServer();
      const restartAt = Number(values["restart-at"] ?? Math.round((redisHours * 60) / 2));
      console.log(`running read-model · redis restarted empty at minute ${restartAt}…`);
      try {
        const r = await replay({
          mode: "read-model",
          searchesPerDay: 100_000,
          hours: redisHours,
          startDate,
          seedDir: seed.dir,
          makeCache: (clock) =>
            createRedisCache({
              redis: { url: server.url },
              keyPrefix: "hit-ratio:",
              commandTimeoutMs: 1_000,
              breaker: { failureThreshold: 3, halfOpenAfterMs: 300 },
              clock,
            }),
          async onMinute(m) {
            if (m !== restartAt) return;
            await server.kill();
            await server.restart();
          },
        });
        print(`read-model · redis restarted empty at ${restartAt} min · 100k/day`, r);
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  rmSync(seed.dir, { recursive: true, force: true });
}
