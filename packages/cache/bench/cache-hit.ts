/**
 * Hit-path benchmark against the real Redis (REDIS_URL, default redis://127.0.0.1:6379):
 * raw ioredis GET of the same bytes vs `getOrLoad` hits (plain, tagged, near cache, memory)
 * vs bentocache `getOrSet` hits, all in one run. Closed loop, fixed concurrency, ~35 s total.
 *
 *   pnpm --filter @travel/cache bench        (or `pnpm bench` from the root)
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

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3_000);
const WARMUP_MS = 500;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

interface Result {
  name: string;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
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

async function measure(name: string, op: () => Promise<unknown>): Promise<Result> {
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
  const ops = await run(DURATION_MS, latencies);
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  const result = { name, opsPerSec: (ops / elapsed) * 1000, p50Ms: q(0.5), p99Ms: q(0.99) };
  console.log(
    `${name.padEnd(44)} ${result.opsPerSec.toFixed(0).padStart(8)} ops/s  p50 ${result.p50Ms.toFixed(3)} ms  p99 ${result.p99Ms.toFixed(3)} ms`,
  );
  await sleep(200);
  return result;
}

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
  const loader = async () => value;
  const results: Result[] = [];
  const clients: RedisClient[] = [];
  const caches: Cache[] = [];
  const newClient = () => {
    const c = createRedisClient({ url });
    clients.push(c);
    return c;
  };

  // Raw baseline: the exact bytes getOrLoad stores for this value, read with GET.
  const raw = newClient();
  const rawKey = `${keyPrefix}raw`;
  const bytes = createSerializer().encode({
    v: value,
    c: Date.now(),
    f: Date.now() + 600_000,
    s: Date.now() + 660_000,
  });
  await raw.set(rawKey, bytes, "PX", 600_000);
  console.log(
    `payload: ${JSON.stringify(value).length} B JSON, ${bytes.length} B stored (msgpack + deflate)`,
  );
  console.log(
    `concurrency ${CONCURRENCY}, ${DURATION_MS} ms per scenario, Node ${process.version}\n`,
  );
  const rawResult = await measure("raw ioredis GET (bytes, no decode)", () =>
    raw.getBuffer(rawKey),
  );
  results.push(rawResult);

  const plain = createRedisCache({ redis: newClient(), keyPrefix });
  caches.push(plain);
  await plain.getOrLoad("plain", loader, { namespace: "search" });
  results.push(
    await measure("getOrLoad hit (Redis)", () =>
      plain.getOrLoad("plain", loader, { namespace: "search" }),
    ),
  );
  await plain.getOrLoad("tagged", loader, { namespace: "search", tags });
  results.push(
    await measure("getOrLoad hit (Redis, 20 tags checked)", () =>
      plain.getOrLoad("tagged", loader, { namespace: "search", tags }),
    ),
  );

  const near = createRedisCache({ redis: newClient(), keyPrefix, nearCache: { ttlMs: 60_000 } });
  caches.push(near);
  await near.getOrLoad("tagged", loader, { namespace: "search", tags });
  results.push(
    await measure("getOrLoad hit (Redis + near cache, 20 tags)", () =>
      near.getOrLoad("tagged", loader, { namespace: "search", tags }),
    ),
  );

  const memory = createMemoryCache();
  caches.push(memory);
  await memory.getOrLoad("tagged", loader, { namespace: "search", tags });
  results.push(
    await measure("getOrLoad hit (in-process memory, 20 tags)", () =>
      memory.getOrLoad("tagged", loader, { namespace: "search", tags }),
    ),
  );

  const bentoL2 = new BentoCache({
    default: "l2",
    stores: {
      l2: bentostore({ prefix: `${keyPrefix}bento` }).useL2Layer(
        redisDriver({ connection: newClient() }),
      ),
    },
  });
  await bentoL2.getOrSet({ key: "plain", factory: loader, ttl: "10m" });
  results.push(
    await measure("bentocache getOrSet hit (Redis L2)", () =>
      bentoL2.getOrSet({ key: "plain", factory: loader, ttl: "10m" }),
    ),
  );
  await bentoL2.getOrSet({ key: "tagged", factory: loader, ttl: "10m", tags });
  results.push(
    await measure("bentocache getOrSet hit (Redis L2, 20 tags)", () =>
      bentoL2.getOrSet({ key: "tagged", factory: loader, ttl: "10m", tags }),
    ),
  );

  const bentoL1L2 = new BentoCache({
    default: "l1l2",
    stores: {
      l1l2: bentostore({ prefix: `${keyPrefix}bento2` })
        .useL1Layer(memoryDriver({ maxSize: "16mb" }))
        .useL2Layer(redisDriver({ connection: newClient() })),
    },
  });
  await bentoL1L2.getOrSet({ key: "tagged", factory: loader, ttl: "10m", tags });
  results.push(
    await measure("bentocache getOrSet hit (memory L1 + Redis L2, 20 tags)", () =>
      bentoL1L2.getOrSet({ key: "tagged", factory: loader, ttl: "10m", tags }),
    ),
  );

  results.push(await measure("raw ioredis GET again (drift check)", () => raw.getBuffer(rawKey)));

  console.log("\n| scenario | ops/s | vs raw GET | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.opsPerSec.toFixed(0)} | ${((r.opsPerSec / rawResult.opsPerSec) * 100).toFixed(0)}% | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} |`,
    );
  }

  for (const cache of caches) await cache.close();
  await bentoL2.disconnectAll();
  await bentoL1L2.disconnectAll();
  await deleteKeysWithPrefix(raw, keyPrefix);
  for (const c of clients) c.disconnect();
}

await main();
