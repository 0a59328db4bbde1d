/**
 * What the cache layer itself costs per hit, without a network: `getOrLoad` on the Redis cache
 * over an in-memory stand-in for the ioredis client (answers from a Map, already resolved), next
 * to calling that stand-in directly. No Redis and no socket in the numbers, so an engine change
 * shows up here in nanoseconds long before it clears the noise of `cache-hit.ts`.
 *
 *   pnpm --filter @travel/cache bench:overhead
 *
 * Env: BENCH_CALLS (per measurement, default 300000), BENCH_ROUNDS (default 3).
 */
import { createRedisCache, type RedisClient } from "../src/index.js";

const CALLS = Number(process.env.BENCH_CALLS ?? 300_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 32;

const data = new Map<string, Buffer>();
const stored = (key: string) => data.get(key) ?? null;
/** The commands a hit (and the first fill) uses, answered from `data`. */
const client = {
  defineCommand() {},
  on() {},
  getBuffer: (key: string) => Promise.resolve(stored(key)),
  mgetBuffer: (...keys: (string | string[])[]) => Promise.resolve(keys.flat().map(stored)),
  get: (key: string) => Promise.resolve(stored(key)?.toString() ?? null),
  mget: (keys: string[]) => Promise.resolve(keys.map((k) => stored(k)?.toString() ?? null)),
  set: (key: string, value: Buffer | string) => {
    data.set(key, Buffer.from(value));
    return Promise.resolve("OK");
  },
  travelCacheUnlock: () => Promise.resolve(1),
  quit: () => Promise.resolve("OK"),
  disconnect() {},
} as unknown as RedisClient;

const value = {
  offers: Array.from({ length: 20 }, (_, i) => ({
    id: `off_${i}`,
    price: { amount: `${100 + i}.00`, currency: "USD" },
    carrier: "AA",
    stops: i % 3,
  })),
};
const tags = value.offers.map((o) => o.id);
const load = async () => value;

async function measure(name: string, op: () => Promise<unknown>): Promise<void> {
  let left = CALLS;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await op();
    }),
  );
  const used = process.cpuUsage(cpu);
  const wallNs = ((performance.now() - started) * 1e6) / CALLS;
  const cpuNs = ((used.user + used.system) * 1000) / CALLS;
  console.log(
    `${name.padEnd(34)} ${wallNs.toFixed(0).padStart(6)} ns/call  ${cpuNs.toFixed(0).padStart(6)} ns CPU/call`,
  );
}

async function main(): Promise<void> {
  const cache = createRedisCache({ redis: client, keyPrefix: "x:" });
  await cache.getOrLoad("plain", load, { namespace: "search" });
  await cache.getOrLoad("tagged", load, { namespace: "search", tags });
  console.log(`${CONCURRENCY} in flight, ${CALLS} calls per line; Node ${process.version}`);
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round}`);
    await measure("client getBuffer alone", () => client.getBuffer("x:e:search:plain"));
    await measure("getOrLoad hit, no tags", () =>
      cache.getOrLoad("plain", load, { namespace: "search" }),
    );
    await measure("getOrLoad hit, 20 tags", () =>
      cache.getOrLoad("tagged", load, { namespace: "search", tags }),
    );
  }
  const m = cache.metrics();
  console.log(`hits ${m.hits}, misses ${m.misses}, errors ${m.errors}`);
  if (m.misses !== 2 || m.errors !== 0) throw new Error("every measured call must be a hit");
  await cache.close();
}

await main();
