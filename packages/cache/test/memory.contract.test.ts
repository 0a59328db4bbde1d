import { describe, expect, it } from "vitest";
import { createMemoryCache } from "../src/index.js";
import { FakeClock, runCacheContract } from "./contract.js";

describe("memory cache: contract", () => {
  runCacheContract(async (deps) => createMemoryCache(deps));
});

describe("memory cache: bounded by bytes", () => {
  it("evicts the least recently used entries once maxBytes is reached", async () => {
    const cache = createMemoryCache({ maxBytes: 20_000, compressThresholdBytes: 1_000_000 });
    const value = "x".repeat(1_000);
    for (let i = 0; i < 100; i++) await cache.set(`k${i}`, value);
    expect(await cache.get("k0")).toBeUndefined();
    expect((await cache.get("k99"))?.value).toBe(value);
    let kept = 0;
    for (let i = 0; i < 100; i++) if (await cache.get(`k${i}`)) kept++;
    expect(kept).toBeGreaterThan(5);
    expect(kept).toBeLessThan(20);
  });

  it("still treats entries as invalidated after their tag stamp is evicted", async () => {
    const cache = createMemoryCache({ maxTagStamps: 2, clock: new FakeClock() });
    await cache.set("a", 1, { tags: ["t1"] });
    await cache.invalidate("t1");
    await cache.invalidate("t2");
    await cache.invalidate("t3"); // evicts t1's stamp
    expect(await cache.get("a")).toBeUndefined();
    await cache.set("b", 2, { tags: ["t1"] });
    expect((await cache.get("b"))?.value).toBe(2);
  });
});
