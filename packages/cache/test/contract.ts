import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Cache,
  CacheArgumentError,
  CacheConfigError,
  type Clock,
  type MetricEvent,
} from "../src/index.js";

export class FakeClock implements Clock {
  constructor(public t = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  advanceSeconds(seconds: number): void {
    this.t += seconds * 1000;
  }
}

export interface ContractDeps {
  clock: Clock;
  random: () => number;
}

/** A loader whose calls are counted and whose completion the test controls. */
export function controlledLoader<T>(value: T) {
  let release: () => void = () => {};
  let gate = Promise.resolve();
  const loader = {
    calls: 0,
    value,
    hold() {
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
    fn: async (): Promise<T> => {
      loader.calls++;
      await gate;
      return loader.value;
    },
  };
  return loader;
}

/**
 * The behaviour every `Cache` implementation must show. `makeCache` builds a fresh cache that
 * shares nothing with caches from earlier tests (own key prefix for Redis).
 */
export function runCacheContract(makeCache: (deps: ContractDeps) => Promise<Cache>): void {
  let clock: FakeClock;
  let cache: Cache;
  let randomValue: number;

  beforeEach(async () => {
    clock = new FakeClock();
    randomValue = 0.5; // no jitter unless a test asks for it
    cache = await makeCache({ clock, random: () => randomValue });
  });
  afterEach(async () => {
    await cache.close();
  });

  describe("getOrLoad", () => {
    it("misses once, then hits with the entry's age and TTL", async () => {
      const loader = controlledLoader({ offers: [{ id: "off_1", price: "120.50" }] });
      const first = await cache.getOrLoad("k", loader.fn);
      expect(first).toEqual({
        value: loader.value,
        status: "miss",
        ageSeconds: 0,
        ttlSeconds: 600,
      });
      clock.advanceSeconds(42);
      const second = await cache.getOrLoad("k", loader.fn);
      expect(second).toEqual({
        value: loader.value,
        status: "hit",
        ageSeconds: 42,
        ttlSeconds: 600,
      });
      expect(loader.calls).toBe(1);
    });

    it("keeps namespaces apart", async () => {
      await cache.getOrLoad("k", async () => "a", { namespace: "one" });
      const other = await cache.getOrLoad("k", async () => "b", { namespace: "two" });
      expect(other).toMatchObject({ value: "b", status: "miss" });
    });

    it("applies ±10% jitter so entries written together expire apart", async () => {
      randomValue = 0; // -10%
      const early = await cache.getOrLoad("early", async () => 1, { staleTtlSeconds: 0 });
      randomValue = 0.999_999; // +10%
      const late = await cache.getOrLoad("late", async () => 2, { staleTtlSeconds: 0 });
      expect(early.ttlSeconds).toBe(540);
      expect(late.ttlSeconds).toBe(660);
      clock.advanceSeconds(600);
      expect((await cache.getOrLoad("early", async () => 10, { staleTtlSeconds: 0 })).status).toBe(
        "miss",
      );
      expect((await cache.getOrLoad("late", async () => 20, { staleTtlSeconds: 0 })).status).toBe(
        "hit",
      );
    });

    it("refuses a search TTL outside 5–15 minutes", async () => {
      await expect(
        cache.getOrLoad("k", async () => 1, { namespace: "search", ttlSeconds: 120 }),
      ).rejects.toBeInstanceOf(CacheConfigError);
      const ok = await cache.getOrLoad("k", async () => 1, {
        namespace: "search",
        ttlSeconds: 900,
      });
      expect(ok.ttlSeconds).toBe(900);
    });

    it("serves stale at once within staleTtl and runs exactly one background refresh", async () => {
      const loader = controlledLoader("v1");
      const opts = { ttlSeconds: 300, staleTtlSeconds: 60 };
      await cache.getOrLoad("k", loader.fn, opts);
      clock.advanceSeconds(310);
      loader.value = "v2";
      loader.hold();
      const stale = await Promise.all(
        Array.from({ length: 20 }, () => cache.getOrLoad("k", loader.fn, opts)),
      );
      for (const r of stale)
        expect(r).toMatchObject({ value: "v1", status: "stale", ageSeconds: 310 });
      await until(() => loader.calls === 2);
      loader.release();
      await until(async () => (await cache.getOrLoad("k", loader.fn, opts)).status === "hit");
      const fresh = await cache.getOrLoad("k", loader.fn, opts);
      expect(fresh).toMatchObject({ value: "v2", status: "hit" });
      expect(loader.calls).toBe(2);
    });

    it("misses after the stale window ends", async () => {
      await cache.getOrLoad("k", async () => "v1", { ttlSeconds: 300, staleTtlSeconds: 60 });
      clock.advanceSeconds(361);
      const r = await cache.getOrLoad("k", async () => "v2", {
        ttlSeconds: 300,
        staleTtlSeconds: 60,
      });
      expect(r).toMatchObject({ value: "v2", status: "miss" });
    });

    it("calls the loader once for 200 concurrent misses of one key", async () => {
      const loader = controlledLoader({ n: 1 });
      loader.hold();
      const all = Array.from({ length: 200 }, () => cache.getOrLoad("cold", loader.fn));
      await sleep(20);
      loader.release();
      const results = await Promise.all(all);
      expect(loader.calls).toBe(1);
      for (const r of results) expect(r).toMatchObject({ value: { n: 1 }, status: "miss" });
      expect((await cache.getOrLoad("cold", loader.fn)).status).toBe("hit");
    });

    it("caches empty results only for the negative TTL", async () => {
      const loader = controlledLoader<string[]>([]);
      const first = await cache.getOrLoad("empty", loader.fn, { negativeTtlSeconds: 30 });
      expect(first).toMatchObject({ status: "miss", ttlSeconds: 30 });
      clock.advanceSeconds(20);
      expect((await cache.getOrLoad("empty", loader.fn, { negativeTtlSeconds: 30 })).status).toBe(
        "hit",
      );
      clock.advanceSeconds(11);
      expect((await cache.getOrLoad("empty", loader.fn, { negativeTtlSeconds: 30 })).status).toBe(
        "miss",
      );
      expect(loader.calls).toBe(2);
    });

    it("honours a custom isEmpty", async () => {
      const r = await cache.getOrLoad("k", async () => ({ total: 0 }), {
        isEmpty: (v) => v.total === 0,
        negativeTtlSeconds: 5,
      });
      expect(r.ttlSeconds).toBe(5);
    });

    it("propagates a loader error to every waiter and caches nothing", async () => {
      let calls = 0;
      const failing = async () => {
        calls++;
        await sleep(5);
        throw new Error("supplier down");
      };
      const results = await Promise.allSettled([
        cache.getOrLoad("k", failing),
        cache.getOrLoad("k", failing),
      ]);
      expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
      expect(calls).toBe(1);
      const next = await cache.getOrLoad("k", async () => "ok");
      expect(next).toMatchObject({ value: "ok", status: "miss" });
      expect(cache.metrics().loaderErrors).toBe(1);
    });
  });

  describe("tags", () => {
    it("invalidate(tag) turns every entry carrying it into a miss, and only those", async () => {
      await cache.getOrLoad("a", async () => "A", { tags: ["off_1", "off_2"] });
      await cache.getOrLoad("b", async () => "B", { tags: ["off_2"] });
      await cache.getOrLoad("c", async () => "C", { tags: ["off_3"] });
      expect(await cache.invalidate("off_2")).toBe(true);
      expect(
        (await cache.getOrLoad("a", async () => "A2", { tags: ["off_1", "off_2"] })).status,
      ).toBe("miss");
      expect((await cache.getOrLoad("b", async () => "B2", { tags: ["off_2"] })).status).toBe(
        "miss",
      );
      expect((await cache.getOrLoad("c", async () => "C2", { tags: ["off_3"] })).status).toBe(
        "hit",
      );
      // the reloaded entries are cached again
      expect(
        (await cache.getOrLoad("a", async () => "A3", { tags: ["off_1", "off_2"] })).value,
      ).toBe("A2");
    });

    it("computes tags from the loaded value", async () => {
      const search = async () => ({ offers: [{ id: "off_9" }, { id: "off_8" }] });
      const tags = (v: Awaited<ReturnType<typeof search>>) => v.offers.map((o) => o.id);
      await cache.getOrLoad("s", search, { tags });
      await cache.invalidate(["off_8"]);
      expect((await cache.getOrLoad("s", search, { tags })).status).toBe("miss");
    });

    it("an invalidation during a slow load wins over the value being loaded", async () => {
      const loader = controlledLoader({ price: "100.00" });
      loader.hold();
      const loading = cache.getOrLoad("k", loader.fn, { tags: ["off_1"] });
      await until(() => loader.calls === 1);
      await cache.invalidate("off_1"); // price changed while the old price was being read
      loader.release();
      await loading;
      loader.value = { price: "90.00" };
      const next = await cache.getOrLoad("k", loader.fn, { tags: ["off_1"] });
      expect(next).toMatchObject({ value: { price: "90.00" }, status: "miss" });
    });

    it("refuses empty tags", async () => {
      await expect(cache.invalidate([""])).rejects.toBeInstanceOf(CacheConfigError);
    });
  });

  describe("get / set / delete", () => {
    it("round-trips plain data exactly", async () => {
      const value = {
        s: "Zürich ✈ 東京",
        n: [0, -1, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e-9],
        b: [true, false],
        nil: null,
        empty: { list: [], obj: {} },
        nested: { deep: { deeper: [{ a: "1" }] } },
        long: "x".repeat(50_000), // above the compression threshold
      };
      expect(await cache.set("plain", value)).toBe(true);
      const got = await cache.get<typeof value>("plain");
      expect(got?.value).toStrictEqual(value);
      expect(got?.status).toBe("hit");
    });

    it("set with tags, invalidate, delete", async () => {
      await cache.set("x", 1, { tags: ["t"] });
      expect((await cache.get("x"))?.value).toBe(1);
      await cache.invalidate("t");
      expect(await cache.get("x")).toBeUndefined();
      await cache.set("y", 2);
      expect(await cache.delete("y")).toBe(true);
      expect(await cache.get("y")).toBeUndefined();
    });

    it("get reports stale entries as stale and expired ones as absent", async () => {
      await cache.set("x", 1, { ttlSeconds: 60, staleTtlSeconds: 30 });
      clock.advanceSeconds(70);
      expect(await cache.get("x")).toMatchObject({ value: 1, status: "stale", ageSeconds: 70 });
      clock.advanceSeconds(30);
      expect(await cache.get("x")).toBeUndefined();
    });
  });

  describe("versioned record map", () => {
    const e = (field: string, version: number, value: unknown) => ({ field, version, value });

    it("never lets an older or duplicate version overwrite a newer one", async () => {
      const r = cache.records;
      await r.fill("route", [e("2026-03", 5, { seats: 10 })], 60);
      const res = await r.applyIfNewer(
        "route",
        [e("2026-03", 4, { seats: 99 }), e("2026-04", 1, { seats: 3 })],
        {
          ttlSeconds: 60,
        },
      );
      expect(res).toEqual({ applied: ["2026-04"], ignored: ["2026-03"] });
      const dup = await r.applyIfNewer("route", [e("2026-04", 1, { seats: 0 })], {
        ttlSeconds: 60,
      });
      expect(dup).toEqual({ applied: [], ignored: ["2026-04"] });
      await r.applyIfNewer("route", [e("2026-03", 6, { seats: 9 })], { ttlSeconds: 60 });
      const got = await r.getRecords("route");
      expect(Object.fromEntries(got ?? [])).toEqual({
        "2026-03": { version: 6, value: { seats: 9 } },
        "2026-04": { version: 1, value: { seats: 3 } },
      });
    });

    it("keeps the newest of many concurrent out-of-order writes", async () => {
      const r = cache.records;
      await r.fill("k", [], 60);
      const versions = shuffle(Array.from({ length: 60 }, (_, i) => i + 1));
      await Promise.all(
        versions.map((v) => r.applyIfNewer("k", [e("f", v, `v${v}`)], { ttlSeconds: 60 })),
      );
      expect((await r.getRecords("k"))?.get("f")).toEqual({ version: 60, value: "v60" });
    });

    it("tells an absent key from a present but empty one", async () => {
      const r = cache.records;
      expect(await r.getRecords("nothing")).toBeNull();
      await r.fill("empty", [], 60);
      const empty = await r.getRecords("empty");
      expect(empty).not.toBeNull();
      expect(empty?.size).toBe(0);
    });

    it("keeps a change that raced ahead of an older snapshot fill", async () => {
      const r = cache.records;
      // stream update lands before the read model was loaded: the key stays absent…
      await r.applyIfNewer("late", [e("f", 7, "new")], { ttlSeconds: 60 });
      expect(await r.getRecords("late")).toBeNull();
      // …and the older snapshot cannot undo it
      const res = await r.fill("late", [e("f", 6, "old"), e("g", 1, "g1")], 60);
      expect(res).toEqual({ applied: ["g"], ignored: ["f"] });
      expect((await r.getRecords("late"))?.get("f")).toEqual({ version: 7, value: "new" });
    });

    it("reports memory usage and expires with its TTL", async () => {
      const r = cache.records;
      expect(await r.memoryUsage("m")).toBeNull();
      await r.fill("m", [e("a", 1, "x".repeat(500))], 0.2);
      expect(await r.memoryUsage("m")).toBeGreaterThan(500);
      clock.advanceSeconds(1);
      await sleep(300);
      expect(await r.getRecords("m")).toBeNull();
    });

    it("deletes a key", async () => {
      await cache.records.fill("d", [e("a", 1, 1)], 60);
      await cache.records.delete("d");
      expect(await cache.records.getRecords("d")).toBeNull();
    });

    it("rejects invalid versions and fields", async () => {
      const r = cache.records;
      await expect(r.applyIfNewer("k", [e("f", -1, 1)], { ttlSeconds: 60 })).rejects.toBeInstanceOf(
        CacheArgumentError,
      );
      await expect(r.applyIfNewer("k", [e("", 1, 1)], { ttlSeconds: 60 })).rejects.toBeInstanceOf(
        CacheArgumentError,
      );
      await expect(r.fill("k", [e("f", 1.5, 1)], 60)).rejects.toBeInstanceOf(CacheArgumentError);
    });
  });

  describe("health and metrics", () => {
    it("reports ok while the store answers", async () => {
      expect(await cache.health()).toBe("ok");
    });

    it("counts hits, misses, stale serves and loader latency, and tells listeners", async () => {
      const events: MetricEvent["type"][] = [];
      const unsubscribe = cache.onMetric((event) => events.push(event.type));
      const opts = { ttlSeconds: 60, staleTtlSeconds: 60 };
      await cache.getOrLoad("m", async () => 1, opts);
      await cache.getOrLoad("m", async () => 1, opts);
      await cache.getOrLoad("m", async () => 1, opts);
      clock.advanceSeconds(61);
      await cache.getOrLoad("m", async () => 1, opts);
      await until(() => cache.metrics().loads === 2);
      unsubscribe();
      await cache.getOrLoad("m", async () => 1, opts);
      const m = cache.metrics();
      expect(m).toMatchObject({
        misses: 1,
        staleServes: 1,
        loads: 2,
        errors: 0,
        breakerState: "closed",
      });
      expect(m.hits).toBeGreaterThanOrEqual(3);
      expect(m.hitRatio).toBeGreaterThan(0.5);
      expect(m.loaderLatency.count).toBe(2);
      expect(events.slice(0, 5)).toEqual(["miss", "load", "hit", "hit", "stale"]);
    });
  });
}

export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 3_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
