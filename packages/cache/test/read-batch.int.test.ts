import { once } from "node:events";
import { Redis } from "ioredis";
import { afterAll, expect, it, vi } from "vitest";
import { type Cache, createRedisCache, type RedisClient } from "../src/index.js";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "../src/testing/index.js";

/** The cache's entry reads, as the real client was asked for them. */
function watchReads(client: RedisClient) {
  const mget = vi.spyOn(client, "mgetBuffer");
  const get = vi.spyOn(client, "getBuffer");
  return {
    /** Keys of each MGET sent since the last `reset`. */
    mgets: () => mget.mock.calls.map((call) => call.flat() as string[]),
    gets: () => get.mock.calls.length,
    reset: () => {
      mget.mockClear();
      get.mockClear();
    },
  };
}

describeRedis("read batch: one MGET per event-loop turn, on the real server", ({ url }) => {
  const admin = new Redis(url);
  const prefixes: string[] = [];
  const clients: Redis[] = [];
  const caches: Cache[] = [];
  const setup = (options: { maxKeys?: number; enableOfflineQueue?: boolean } = {}) => {
    const keyPrefix = uniqueKeyPrefix("batch");
    prefixes.push(keyPrefix);
    const client = new Redis(url, { enableOfflineQueue: options.enableOfflineQueue ?? true });
    client.on("error", () => {}); // the failure test breaks this connection on purpose
    clients.push(client);
    const cache = createRedisCache({
      redis: client,
      keyPrefix,
      commandTimeoutMs: 1_000,
      ...(options.maxKeys ? { readBatch: { maxKeys: options.maxKeys } } : {}),
    });
    caches.push(cache);
    return { cache, client, keyPrefix, reads: watchReads(client) };
  };
  afterAll(async () => {
    for (const cache of caches) await cache.close();
    for (const prefix of prefixes) await deleteKeysWithPrefix(admin, prefix);
    for (const client of clients) client.disconnect();
    admin.disconnect();
  });
  const offer = (i: number) => ({ id: `off_${i}`, price: { amount: `${100 + i}.00` } });

  it("hits on 50 keys started together go out as one MGET of the 50 keys and the sequence", async () => {
    const { cache, reads } = setup();
    for (let i = 0; i < 50; i++) {
      await cache.getOrLoad(`k${i}`, async () => offer(i), { tags: [`off_${i}`] });
    }
    reads.reset();
    const loader = vi.fn(async () => offer(-1));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        cache.getOrLoad(`k${i}`, loader, { tags: [`off_${i}`] }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill("hit"));
    expect(results.map((r) => r.value)).toEqual(Array.from({ length: 50 }, (_, i) => offer(i)));
    expect(loader).not.toHaveBeenCalled();
    const mgets = reads.mgets();
    expect(mgets).toHaveLength(1);
    expect(mgets[0]).toHaveLength(51);
    expect(mgets[0]?.at(-1)).toMatch(/tags\}:seq$/);
    expect(reads.gets()).toBe(0);
  });

  it("200 concurrent hits on one key read it once; every caller gets the value", async () => {
    const { cache, reads } = setup();
    await cache.getOrLoad("hot", async () => offer(1), { tags: ["off_1"] });
    reads.reset();
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        cache.getOrLoad("hot", async () => offer(0), { tags: ["off_1"] }),
      ),
    );
    expect(new Set(results.map((r) => r.status))).toEqual(new Set(["hit"]));
    for (const r of results) expect(r.value).toEqual(offer(1));
    expect(reads.mgets()).toHaveLength(1);
    expect(reads.mgets()[0]).toHaveLength(2); // the key once, and the sequence
  });

  it("a batch that reaches maxKeys is sent at once: 250 keys with maxKeys 100 take 3 MGETs", async () => {
    const { cache, reads } = setup({ maxKeys: 100 });
    for (let i = 0; i < 250; i++) await cache.set(`k${i}`, offer(i));
    reads.reset();
    const got = await Promise.all(Array.from({ length: 250 }, (_, i) => cache.get(`k${i}`)));
    expect(got.map((r) => r?.value)).toEqual(Array.from({ length: 250 }, (_, i) => offer(i)));
    expect(reads.mgets().map((keys) => keys.length)).toEqual([101, 101, 51]);
  });

  it("an invalidation seen before a read is never missed, while other reads keep batches busy", async () => {
    const { cache, keyPrefix } = setup();
    const other = createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 1_000 });
    caches.push(other);
    for (let i = 0; i < 20; i++) await cache.set(`noise${i}`, offer(i), { tags: ["noise"] });
    let stop = false;
    // Background readers, of other keys and of the very key under test: a batch is open or in
    // flight at almost every moment, often one holding an answer for "route" from before the
    // invalidation. The read after the acknowledgement must not be handed that answer.
    const noise = Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        while (!stop) await Promise.all([cache.get(`noise${n}`), cache.get("route")]);
      }),
    );
    let loads = 0;
    const statuses: string[] = [];
    try {
      for (let round = 0; round < 30; round++) {
        const price = `${round}.00`;
        const loaded = await cache.getOrLoad(
          "route",
          async () => {
            loads++;
            return { price };
          },
          { tags: ["route:JFK-LAX"] },
        );
        statuses.push(loaded.status);
        // The next read starts after the invalidation was acknowledged: it must be a miss.
        expect(await other.invalidate("route:JFK-LAX")).toBe(true);
      }
    } finally {
      stop = true;
      await noise;
    }
    expect(statuses).toEqual(Array(30).fill("miss"));
    expect(loads).toBe(30);
  });

  it("a failed MGET falls open for every caller that joined it, and counts the errors", async () => {
    const { cache, client } = setup({ enableOfflineQueue: false });
    if (client.status !== "ready") await once(client, "ready");
    await cache.getOrLoad("k", async () => offer(1));
    const errorsBefore = cache.metrics().errors;
    client.disconnect(); // no offline queue: the MGET fails at once
    const loader = vi.fn(async () => offer(2));
    const results = await Promise.all(["k", "k", "a", "b"].map((k) => cache.getOrLoad(k, loader)));
    for (const r of results) expect(r).toMatchObject({ status: "miss", value: offer(2) });
    expect(loader).toHaveBeenCalledTimes(3); // "k" twice shares one load
    expect(cache.metrics().errors).toBeGreaterThanOrEqual(errorsBefore + 4);
  });
});
