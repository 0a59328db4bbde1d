import { Cluster, Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { DecodedReuse, deepFreeze, HEAP_PER_ENCODED_BYTE } from "../src/decoded-reuse.js";
import {
  type Cache,
  CacheConfigError,
  createMemoryCache,
  createRedisCache,
  type RedisCacheOptions,
} from "../src/index.js";
import { createSerializer } from "../src/serializer.js";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "../src/testing/index.js";

describeRedis("getOrLoad: decoded entries reused while Redis holds the same bytes", ({ url }) => {
  const admin = new Redis(url);
  const prefixes: string[] = [];
  const caches: Cache[] = [];
  const make = (keyPrefix: string, options: Partial<RedisCacheOptions> = {}) => {
    const cache = createRedisCache({
      redis: { url },
      keyPrefix,
      commandTimeoutMs: 1_000,
      ...options,
    });
    caches.push(cache);
    return cache;
  };
  const prefix = () => {
    const keyPrefix = uniqueKeyPrefix("decoded-reuse");
    prefixes.push(keyPrefix);
    return keyPrefix;
  };
  afterAll(async () => {
    for (const cache of caches) await cache.close();
    for (const p of prefixes) await deleteKeysWithPrefix(admin, p);
    admin.disconnect();
  });
  const offers = (price: number) => ({
    offers: Array.from({ length: 20 }, (_, i) => ({
      id: `off_${i}`,
      price: { amount: `${price + i}.00` },
    })),
    raw: new Uint8Array([1, 2, 3]),
  });

  it("answers repeated hits with one shared, deeply frozen value; changing it throws", async () => {
    const cache = make(prefix());
    await cache.getOrLoad("k", async () => offers(100), { tags: ["route:JFK-LAX"] });
    const first = await cache.getOrLoad("k", async () => offers(999), { tags: ["route:JFK-LAX"] });
    const second = await cache.getOrLoad("k", async () => offers(999), { tags: ["route:JFK-LAX"] });
    expect(first.status).toBe("hit");
    expect(second.value).toBe(first.value);
    expect(first.value.offers[3]?.price.amount).toBe("103.00");
    expect(Object.isFrozen(first.value.offers[3]?.price)).toBe(true);
    expect(() => {
      (first.value.offers[3] as { price: { amount: string } }).price.amount = "0.01";
    }).toThrow(TypeError);
    expect([...first.value.raw]).toEqual([1, 2, 3]); // binary survives (not frozen: it cannot be)
  });

  it("decodes again as soon as another process writes different bytes, or invalidates", async () => {
    const keyPrefix = prefix();
    const [a, b] = [make(keyPrefix), make(keyPrefix)];
    await a.getOrLoad("k", async () => offers(100), { tags: ["route:JFK-LAX"] });
    const before = await a.getOrLoad("k", async () => offers(0), { tags: ["route:JFK-LAX"] });
    expect(before.value.offers[0]?.price.amount).toBe("100.00");

    await b.set("k", offers(200), { tags: ["route:JFK-LAX"] });
    const rewritten = await a.getOrLoad("k", async () => offers(0), { tags: ["route:JFK-LAX"] });
    expect(rewritten.status).toBe("hit");
    expect(rewritten.value.offers[0]?.price.amount).toBe("200.00");

    await b.invalidate(["route:JFK-LAX"]);
    const reloaded = await a.getOrLoad("k", async () => offers(300), { tags: ["route:JFK-LAX"] });
    expect(reloaded.status).toBe("miss");
    expect(reloaded.value.offers[0]?.price.amount).toBe("300.00");

    await b.delete("k");
    expect(await a.get("k")).toBeUndefined();
  });

  it("turned off, every hit decodes a private copy the caller may change", async () => {
    const cache = make(prefix(), { decodedReuse: { enabled: false } });
    await cache.getOrLoad("k", async () => offers(100));
    const first = await cache.getOrLoad("k", async () => offers(0));
    const second = await cache.getOrLoad("k", async () => offers(0));
    expect(second.value).not.toBe(first.value);
    expect(second.value).toEqual(first.value);
    (first.value.offers[0] as { price: { amount: string } }).price.amount = "1.00";
    const third = await cache.getOrLoad("k", async () => offers(0));
    expect(third.value.offers[0]?.price.amount).toBe("100.00");
  });
});

describe("in-process memory cache: decoded entries reused too", () => {
  it("shares one frozen value between hits; turned off, private copies", async () => {
    const on = createMemoryCache();
    await on.getOrLoad("k", async () => ({ offers: [{ id: "off_1" }] }), { tags: ["t"] });
    const a = await on.getOrLoad("k", async () => ({ offers: [] }), { tags: ["t"] });
    const b = await on.getOrLoad("k", async () => ({ offers: [] }), { tags: ["t"] });
    expect(b.value).toBe(a.value);
    expect(Object.isFrozen(a.value.offers[0])).toBe(true);
    await on.invalidate("t");
    const reloaded = await on.getOrLoad("k", async () => ({ offers: [{ id: "off_2" }] }), {
      tags: ["t"],
    });
    expect(reloaded).toMatchObject({ status: "miss", value: { offers: [{ id: "off_2" }] } });

    const off = createMemoryCache({ decodedReuse: { enabled: false } });
    await off.getOrLoad("k", async () => ({ offers: [{ id: "off_1" }] }));
    const c = await off.getOrLoad("k", async () => ({ offers: [] }));
    const d = await off.getOrLoad("k", async () => ({ offers: [] }));
    expect(d.value).not.toBe(c.value);
    expect(Object.isFrozen(c.value)).toBe(false);
    await Promise.all([on.close(), off.close()]);
  });
});

describe("DecodedReuse memory bound", () => {
  it("charges a deflated entry by what it inflates to, not by its stored bytes", () => {
    const serializer = createSerializer();
    // 200 offers with regular ids: deflates ~5×; decoded it is ~6× the MessagePack.
    const value = {
      offers: Array.from({ length: 200 }, (_, i) => ({
        id: `off_${i}`,
        carrier: "AA",
        price: { amount: `${100 + i}.00`, currency: "USD" },
      })),
    };
    const bytes = serializer.encode(value);
    const { packedBytes } = serializer.decodeMeasured(bytes);
    expect(packedBytes).toBeGreaterThan(bytes.length * 2); // it was compressed
    const roomy = new DecodedReuse({ maxBytes: 10_000_000 });
    roomy.decode("k", bytes, (b) => serializer.decodeMeasured(b));
    expect(roomy.heapBytes).toBe(bytes.length + packedBytes * HEAP_PER_ENCODED_BYTE);
    // A budget the stored bytes fit in many times over, but the decoded value does not: not kept.
    const tight = new DecodedReuse({ maxBytes: bytes.length * 5 });
    tight.decode("k", bytes, (b) => serializer.decodeMeasured(b));
    expect(tight.size).toBe(0);
  });
});

describe("cluster clients", () => {
  it("refuse the tag checks that read two hash slots at once", () => {
    const cluster = new Cluster([{ host: "127.0.0.1", port: 1 }], { lazyConnect: true });
    for (const tagCheck of ["seq", "script"] as const) {
      expect(() => createRedisCache({ redis: cluster, tagCheck })).toThrow(CacheConfigError);
    }
    cluster.disconnect();
  });
});

describe("deepFreeze", () => {
  it("freezes nested objects and arrays, leaves binary views and primitives alone", () => {
    const value = deepFreeze({ a: [{ b: 1 }], c: new Uint8Array([1]), d: "x", e: null });
    expect(Object.isFrozen(value.a[0])).toBe(true);
    expect(Object.isFrozen(value.a)).toBe(true);
    value.c[0] = 2;
    expect(value.c[0]).toBe(2);
    expect(deepFreeze(5)).toBe(5);
  });
});
