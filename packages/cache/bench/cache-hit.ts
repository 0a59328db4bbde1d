/**
 * Hit-path benchmark against the real Redis (REDIS_URL, default redis://127.0.0.1:6379):
 * raw ioredis GET of the same bytes vs `getOrLoad` hits (plain, tagged, one hot key and 256 keys,
 * with and without the read batch and decoded reuse, each tag check, near cache, memory) vs
 * bentocache `getOrSet` hits, all in one run. Closed loop, fixed concurrency, ~2 min with the
 * defaults.
 *
 *   pnpm --filter @travel/cache bench        (or `pnpm bench` from the root)
 *
 * Env: BENCH_DURATION_MS (per round and scenario, default 1200), BENCH_ROUNDS (default 3),
 * BENCH_CONCURRENCY (default 32), BENCH_ONLY (regex of scenario names to run).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { redisDriver } from "bentocache/drivers/redis";
import {
  type Cache,
  createMemoryCache,
  createRedisCache,
  createRedisClient,
  type RedisClient,
} from "../src/index.js";
import { createSerializer } from "../src/serializer.js";
import {
  deleteKeysWithPrefix,
  isRedisReachable,
  redisUrlForTests,
  uniqueKeyPrefix,
} from "../src/testing/redis.js";

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 1_200);
const WARMUP_MS = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Keys of the many-keys scenarios (each filled once before the rounds). */
const KEY_COUNT = 256;

interface Sample {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this (client) process per call, user + system: what the cache layer adds. */
  cpuUsPerOp: number;
}

interface Scenario {
  name: string;
  op: () => Promise<unknown>;
  /** Run before the first round (default: one `op`, which fills a cache's single key). */
  fill?: () => Promise<unknown>;
  /** The raw GET this scenario is compared with in each round (default: the first scenario). */
  baseline?: Scenario;
  /** For our caches: calls in the window that were not hits (a fall-open would inflate ops/s). */
  notHits?: () => number;
  samples: Sample[];
  ratios: number[];
  notHitCount: number;
}

/** A search answer like the API caches: 20 flight offers (~4 KB of JSON). */
function searchResult() {
  return {
    searchId: "srch_01J9ZK",
    offers: Array.from({ length: 20 }, (_, i) => ({
      id: `off_${1000 + i}`,
      type: "flight",
      origin: "JFK",
      destination: "LAX",
      departAt: `2026-03-14T${String(6 + (i % 12)).padStart(2, "0")}:15:00Z`,
      arriveAt: `2026-03-14T${String(12 + (i % 10)).padStart(2, "0")}:40:00Z`,
      durationMinutes: 385 + i * 7,
      stops: i % 3,
      carrier: ["AA", "DL", "UA", "B6"][i % 4],
      flightNumber: `${["AA", "DL", "UA", "B6"][i % 4]}${100 + i}`,
      cabin: "economy",
      seatsAvailable: 3 + (i % 9),
      price: {
        amount: `${189 + i * 13}.${String(i * 7)
          .padStart(2, "0")
          .slice(0, 2)}`,
        currency: "USD",
      },
      pricedAt: "2026-01-10T10:00:00Z",
      expiresAt: "2026-01-10T10:30:00Z",
    })),
  };
}

async function measure(op: () => Promise<unknown>): Promise<Sample> {
  const run = async (ms: number, latencies: number[] | undefined) => {
    const end = performance.now() + ms;
    let ops = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          await op();
          latencies?.push(performance.now() - t0);
          ops++;
        }
      }),
    );
    return ops;
  };
  await run(WARMUP_MS, undefined);
  const latencies: number[] = [];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const ops = await run(DURATION_MS, latencies);
  const cpu = process.cpuUsage(cpuBefore);
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  await sleep(100);
  return {
    opsPerSec: (ops / elapsed) * 1000,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    cpuUsPerOp: (cpu.user + cpu.system) / Math.max(1, ops),
  };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  const url = redisUrlForTests();
  if (!(await isRedisReachable(url))) {
    const message = `cache bench needs Redis at ${url}`;
    if (process.env.CI === "true") throw new Error(message);
    console.warn(`\n!!! SKIPPING cache bench: ${message} (set REDIS_URL). !!!\n`);
    return;
  }
  const keyPrefix = uniqueKeyPrefix("bench");
  const value = searchResult();
  const tags = value.offers.map((o) => o.id);
  const clients: RedisClient[] = [];
  const caches: Cache[] = [];
  const newClient = () => {
    const c = createRedisClient({ url });
    clients.push(c);
    return c;
  };
  const scenarios: Scenario[] = [];
  // The 50 ms production budget would turn scheduler stalls on a shared 2-core box into
  // fall-open loader calls and inflate ops/s; this bench measures real hits only.
  const benchTimeouts = { commandTimeoutMs: 2_000 };
  /** Registers a scenario whose loader counts calls: any call in the window means it was not a hit. */
  const add = (
    name: string,
    make: (loader: () => Promise<typeof value>) => () => Promise<unknown>,
    extra: Pick<Scenario, "fill" | "baseline"> = {},
  ) => {
    let loads = 0;
    const loader = async () => {
      loads++;
      return value;
    };
    scenarios.push({
      name,
      op: make(loader),
      notHits: () => loads,
      samples: [],
      ratios: [],
      notHitCount: 0,
      ...extra,
    });
  };

  // Raw baseline: the exact bytes getOrLoad stores for this value, read with GET.
  const raw = newClient();
  const rawKey = `${keyPrefix}raw`;
  const bytes = createSerializer().encode({ v: value, c: 0, f: 0, s: 0 });
  await raw.set(rawKey, bytes, "PX", 600_000);
  scenarios.push({
    name: "raw ioredis GET (same bytes, no decode)",
    op: () => raw.getBuffer(rawKey),
    samples: [],
    ratios: [],
    notHitCount: 0,
  });

  const jsonKey = `${keyPrefix}raw-json`;
  await raw.set(jsonKey, JSON.stringify(value), "PX", 600_000);
  scenarios.push({
    name: "raw ioredis GET + JSON.parse (same value)",
    op: async () => JSON.parse((await raw.get(jsonKey)) ?? "null"),
    samples: [],
    ratios: [],
    notHitCount: 0,
  });

  // The same bytes decoded by the same serializer: the cache's own overhead is the gap to this.
  const decoder = createSerializer();
  scenarios.push({
    name: "raw ioredis GET + decode (same bytes, same serializer)",
    op: async () => decoder.decode((await raw.getBuffer(rawKey)) ?? Buffer.of(2, 0xc0)),
    samples: [],
    ratios: [],
    notHitCount: 0,
  });

  const plain = createRedisCache({ redis: newClient(), ...benchTimeouts, keyPrefix });
  caches.push(plain);
  add(
    "getOrLoad hit (Redis, no tags)",
    (load) => () => plain.getOrLoad("plain", load, { namespace: "search" }),
  );
  add(
    "getOrLoad hit (Redis, 20 tags checked)",
    (load) => () => plain.getOrLoad("tagged", load, { namespace: "search", tags }),
  );
  // Many keys: each of the 32 callers reads a different key than its neighbours, so requests
  // for one key are rarely in flight together (the read batch cannot share answers, only
  // commands). Compared with raw GETs over the same keys.
  const spread = Array.from({ length: KEY_COUNT }, (_, i) => `spread-${i}`);
  for (const key of spread) await raw.set(`${keyPrefix}raw-${key}`, bytes, "PX", 600_000);
  let rawTurn = 0;
  const rawSpread: Scenario = {
    name: `raw ioredis GET (${KEY_COUNT} keys, same bytes)`,
    op: () => raw.getBuffer(`${keyPrefix}raw-${spread[rawTurn++ % KEY_COUNT]}`),
    fill: async () => undefined,
    samples: [],
    ratios: [],
    notHitCount: 0,
  };
  scenarios.push(rawSpread);
  /** A scenario reading the 256 keys in turn through `cache`, which it fills first. */
  const addSpread = (name: string, cache: Cache) => {
    let turn = 0;
    add(
      name,
      (load) => () =>
        cache.getOrLoad(spread[turn++ % KEY_COUNT] as string, load, { namespace: "search", tags }),
      {
        baseline: rawSpread,
        fill: async () => {
          for (const key of spread) {
            await cache.getOrLoad(key, async () => value, { namespace: "search", tags });
          }
        },
      },
    );
  };
  addSpread(`getOrLoad hit (Redis, 20 tags, ${KEY_COUNT} keys)`, plain);
  // Another cache (its own key prefix, so its own invalidation sequence) whose entry predates
  // unrelated invalidations, so every read checks all 20 stamps. The other caches' entries are
  // newer than every invalidation of their prefix: the common case, when entries are refreshed
  // more often than one of their tags is invalidated.
  const checked = createRedisCache({
    redis: newClient(),
    ...benchTimeouts,
    keyPrefix: `${keyPrefix}old:`,
  });
  caches.push(checked);
  add(
    "getOrLoad hit (Redis, 20 tags, every stamp checked)",
    (load) => () => checked.getOrLoad("tagged-old", load, { namespace: "search", tags }),
  );
  const mget = createRedisCache({
    redis: newClient(),
    ...benchTimeouts,
    keyPrefix,
    tagCheck: "mget",
  });
  caches.push(mget);
  add(
    "getOrLoad hit (Redis, 20 tags, MGET/cluster path)",
    (load) => () => mget.getOrLoad("tagged", load, { namespace: "search", tags }),
  );
  const near = createRedisCache({
    redis: newClient(),
    ...benchTimeouts,
    keyPrefix,
    nearCache: { ttlMs: 60_000 },
  });
  caches.push(near);
  add(
    "getOrLoad hit (Redis + near cache, 20 tags)",
    (load) => () => near.getOrLoad("tagged", load, { namespace: "search", tags }),
  );
  const memory = createMemoryCache();
  caches.push(memory);
  add(
    "getOrLoad hit (in-process memory, 20 tags)",
    (load) => () => memory.getOrLoad("tagged", load, { namespace: "search", tags }),
  );

  const bentoL2 = new BentoCache({
    default: "l2",
    stores: {
      l2: bentostore({ prefix: `${keyPrefix}bento` }).useL2Layer(
        redisDriver({ connection: newClient() }),
      ),
    },
  });
  add(
    "bentocache getOrSet hit (Redis L2, no tags)",
    (load) => () => bentoL2.getOrSet({ key: "plain", factory: load, ttl: "10m" }),
  );
  add(
    "bentocache getOrSet hit (Redis L2, 20 tags)",
    (load) => () => bentoL2.getOrSet({ key: "tagged", factory: load, ttl: "10m", tags }),
  );
  const bentoL1L2 = new BentoCache({
    default: "l1l2",
    stores: {
      l1l2: bentostore({ prefix: `${keyPrefix}bento2` })
        .useL1Layer(memoryDriver({ maxSize: "16mb" }))
        .useL2Layer(redisDriver({ connection: newClient() })),
    },
  });
  add(
    "bentocache getOrSet hit (memory L1 + Redis L2, 20 tags)",
    (load) => () => bentoL1L2.getOrSet({ key: "tagged", factory: load, ttl: "10m", tags }),
  );

  console.log(
    `payload: ${JSON.stringify(value).length} B JSON, ${bytes.length} B stored (msgpackr records + deflate)`,
  );
  console.log(
    `concurrency ${CONCURRENCY}, ${ROUNDS} rounds × ${DURATION_MS} ms per scenario, interleaved; Node ${process.version}\n`,
  );
  // BENCH_ONLY=<regex>: measure only the scenarios whose name matches (the raw GET always runs).
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
  if (only) {
    const chosen = scenarios.filter((sc) => only.test(sc.name));
    const keep = scenarios.filter(
      (sc, i) => i === 0 || chosen.includes(sc) || chosen.some((c) => c.baseline === sc),
    );
    scenarios.splice(0, scenarios.length, ...keep);
  }
  for (const scenario of scenarios) await (scenario.fill ?? scenario.op)(); // fill every cache once
  await checked.invalidate(["off_unrelated_1", "off_unrelated_2"]); // global sequence moves on
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of scenarios) {
      const before = scenario.notHits?.() ?? 0;
      const sample = await measure(scenario.op);
      scenario.notHitCount += (scenario.notHits?.() ?? 0) - before;
      scenario.samples.push(sample);
      // Against its baseline's sample of this round (raw GETs are measured first).
      const baseline = (scenario.baseline ?? scenarios[0]) as Scenario;
      scenario.ratios.push(sample.opsPerSec / (baseline.samples.at(-1) as Sample).opsPerSec);
      console.log(
        `round ${round}  ${scenario.name.padEnd(56)} ${sample.opsPerSec.toFixed(0).padStart(7)} ops/s  p99 ${sample.p99Ms.toFixed(2)} ms  ${sample.cpuUsPerOp.toFixed(2)} µs CPU/op`,
      );
    }
  }

  console.log(
    `\n| scenario | ops/s (median) | vs raw GET (median of per-round ratios) | p50 ms | p99 ms | client CPU µs/op | calls that were not hits |\n|---|---:|---:|---:|---:|---:|---:|`,
  );
  for (const sc of scenarios) {
    console.log(
      `| ${sc.name} | ${median(sc.samples.map((x) => x.opsPerSec)).toFixed(0)} | ${(median(sc.ratios) * 100).toFixed(0)}% | ${median(sc.samples.map((x) => x.p50Ms)).toFixed(3)} | ${median(sc.samples.map((x) => x.p99Ms)).toFixed(3)} | ${median(sc.samples.map((x) => x.cpuUsPerOp)).toFixed(2)} | ${sc.notHits ? sc.notHitCount : "–"} |`,
    );
  }
  const m = plain.metrics();
  console.log(
    `\ngetOrLoad (Redis) metrics after the run: errors ${m.errors}, breaker ${m.breakerState}`,
  );

  for (const cache of caches) await cache.close();
  await bentoL2.disconnectAll();
  await bentoL1L2.disconnectAll();
  await deleteKeysWithPrefix(raw, keyPrefix);
  for (const c of clients) c.disconnect();
}

await main();
