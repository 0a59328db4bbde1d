import { spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, expect, it } from "vitest";
import { CacheConfigError, createCache, createRedisCache } from "../src/index.js";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "../src/testing/index.js";
import { controlledLoader, until } from "./contract.js";

describeRedis("redis cache across connections and processes", ({ url }) => {
  const admin = new Redis(url);
  const prefixes: string[] = [];
  const fresh = () => {
    const keyPrefix = uniqueKeyPrefix("redis");
    prefixes.push(keyPrefix);
    return keyPrefix;
  };
  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeysWithPrefix(admin, prefix);
    admin.disconnect();
  });

  it("200 concurrent misses over two connections call the loader once in total", async () => {
    const keyPrefix = fresh();
    const a = createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 500 });
    const b = createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 500 });
    await Promise.all([a.health(), b.health()]);
    const loader = controlledLoader({ offers: ["off_1"] });
    loader.hold();
    const calls = Array.from({ length: 200 }, (_, i) =>
      (i % 2 ? a : b).getOrLoad("cold", loader.fn),
    );
    await sleep(100);
    loader.release();
    const results = await Promise.all(calls);
    expect(loader.calls).toBe(1);
    for (const r of results) expect(r.value).toEqual({ offers: ["off_1"] });
    await Promise.all([a.close(), b.close()]);
  });

  it("two OS processes on the same Redis call the loader once in total", async () => {
    const keyPrefix = fresh();
    const counterKey = `${keyPrefix}loader-calls`;
    const child = spawn(
      process.execPath,
      [
        "--conditions=@travel/source",
        "--import",
        "tsx",
        "test/fixtures/stampede-worker.ts",
        url,
        keyPrefix,
        counterKey,
        "100",
      ],
      { cwd: new URL("..", import.meta.url).pathname, stdio: ["pipe", "pipe", "inherit"] },
    );
    // Listened for from the start: the child can finish before our own 100 calls do.
    const exited = once(child, "exit");
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    await until(() => output.includes("ready"), 20_000);
    const cache = createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 1_000 });
    await cache.health();
    const loader = async () => {
      await admin.incr(counterKey);
      await sleep(300);
      return { loadedBy: process.pid };
    };
    child.stdin.end("go\n");
    const mine = await Promise.all(
      Array.from({ length: 100 }, () => cache.getOrLoad("cold", loader)),
    );
    await exited;
    const theirs = JSON.parse(output.split("\n")[1] ?? "[]") as number[];
    expect(theirs).toHaveLength(100);
    expect(Number(await admin.get(counterKey))).toBe(1);
    // everyone saw the one loaded value, whichever process loaded it
    const loadedBy = new Set([...mine.map((r) => r.value.loadedBy), ...theirs]);
    expect(loadedBy.size).toBe(1);
    await cache.close();
  });

  it("an invalidation from one connection is a miss on another at once", async () => {
    const keyPrefix = fresh();
    const writer = createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 500 });
    const reader = createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 500 });
    await Promise.all([writer.health(), reader.health()]);
    const tags = ["off_42"];
    await reader.getOrLoad("search:JFK-LAX", async () => ({ price: "100.00" }), { tags });
    expect(
      (await reader.getOrLoad("search:JFK-LAX", async () => ({ price: "0" }), { tags })).status,
    ).toBe("hit");
    expect(await writer.invalidate("off_42")).toBe(true);
    const next = await reader.getOrLoad("search:JFK-LAX", async () => ({ price: "90.00" }), {
      tags,
    });
    expect(next).toMatchObject({ status: "miss", value: { price: "90.00" } });
    await Promise.all([writer.close(), reader.close()]);
  });

  it("loads itself once a dead lock holder's lock expires", async () => {
    const keyPrefix = fresh();
    // a holder that took the lock and died: nobody will write the entry or release the lock
    await admin.set(`${keyPrefix}l:e:default:orphan`, "dead-holder", "PX", 400);
    const cache = createRedisCache({
      redis: { url },
      keyPrefix,
      commandTimeoutMs: 500,
      lock: { waitMs: 3_000 },
    });
    const loader = controlledLoader("value");
    const started = Date.now();
    const r = await cache.getOrLoad("orphan", loader.fn);
    const waited = Date.now() - started;
    expect(r).toMatchObject({ value: "value", status: "miss" });
    expect(loader.calls).toBe(1);
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(2_000);
    await cache.close();
  });

  it("the near cache answers locally and drops entries another process invalidates", async () => {
    const keyPrefix = fresh();
    const near = { ttlMs: 30_000 };
    const a = createRedisCache({
      redis: { url },
      keyPrefix,
      commandTimeoutMs: 500,
      nearCache: near,
    });
    const b = createRedisCache({
      redis: { url },
      keyPrefix,
      commandTimeoutMs: 500,
      nearCache: near,
    });
    await Promise.all([a.health(), b.health()]);
    await sleep(50); // let both subscriptions come up
    const tags = ["off_7"];
    await a.getOrLoad("k", async () => "v1", { tags });
    await a.getOrLoad("k", async () => "unused", { tags });
    expect(a.metrics().nearHits).toBe(1);
    await b.invalidate("off_7");
    await until(async () => (await a.get("k")) === undefined, 1_000);
    expect((await a.getOrLoad("k", async () => "v2", { tags })).value).toBe("v2");
    // a plain set from another process also reaches the near cache
    await b.set("k", "v3");
    await until(async () => (await a.get("k"))?.value === "v3", 1_000);
    await Promise.all([a.close(), b.close()]);
  });

  it("createCache builds the Redis backend from configuration", async () => {
    const keyPrefix = fresh();
    const cache = createCache({ backend: "redis", url, keyPrefix, commandTimeoutMs: 200 });
    expect(cache.backend).toBe("redis");
    expect(await cache.health()).toBe("ok");
    await cache.set("k", { a: 1 });
    expect(await admin.exists(`${keyPrefix}e:default:k`)).toBe(1);
    await cache.close();
  });

  it("rejects a configuration that names no server, saying which field", () => {
    expect(() => createCache({ backend: "redis", keyPrefix: "x:" })).toThrow(CacheConfigError);
    expect(() => createCache({ backend: "redis", keyPrefix: "x:" })).toThrow(/url/);
    expect(() => createCache({ backend: "redis", url, commandTimeoutMs: -1 })).toThrow(
      /commandTimeoutMs/,
    );
  });
});
