import { Redis } from "ioredis";
import { afterAll, expect, it, vi } from "vitest";
import { type Cache, CacheUnavailableError, createRedisCache } from "../src/index.js";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "../src/testing/index.js";

describeRedis("record maps: decoded copies kept in process, checked by generation", ({ url }) => {
  const admin = new Redis(url);
  const prefixes: string[] = [];
  const caches: Cache[] = [];
  const pair = () => {
    const keyPrefix = uniqueKeyPrefix("records-near");
    prefixes.push(keyPrefix);
    const make = () => createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 1_000 });
    const [a, b] = [make(), make()];
    caches.push(a, b);
    return { a, b, keyPrefix };
  };
  afterAll(async () => {
    for (const cache of caches) await cache.close();
    for (const prefix of prefixes) await deleteKeysWithPrefix(admin, prefix);
    admin.disconnect();
  });
  const month = (price: number) =>
    Array.from({ length: 50 }, (_, i) => ({
      field: `off_${i}`,
      version: 1,
      value: ["2026-03-14", 600 + i, price + i, "economy"],
    }));

  it("serves an unchanged map without reading it again, as the same snapshot", async () => {
    const { a, b, keyPrefix } = pair();
    await a.records.fill("JFK-LAX-2026-03", month(100), 3600);
    const first = await a.records.getRecords("JFK-LAX-2026-03");
    // Change a value behind the cache's back (no generation bump): a process that re-read the
    // map would see it; one serving its decoded copy does not.
    const other = await admin.hgetBuffer(`${keyPrefix}r:JFK-LAX-2026-03`, "d:off_9");
    await admin.hset(`${keyPrefix}r:JFK-LAX-2026-03`, "d:off_7", other as Buffer);
    const again = await a.records.getRecords("JFK-LAX-2026-03");
    expect(again).toBe(first);
    expect(again?.get("off_7")).toEqual({ version: 1, value: ["2026-03-14", 607, 107, "economy"] });
    expect((await b.records.getRecords("JFK-LAX-2026-03"))?.get("off_7")?.value).toEqual([
      "2026-03-14",
      609,
      109,
      "economy",
    ]);
  });

  it("sees a change written through another connection on the very next read", async () => {
    const { a, b } = pair();
    await a.records.fill("route", month(100), 3600);
    expect((await a.records.getRecords("route"))?.get("off_3")?.value).toEqual([
      "2026-03-14",
      603,
      103,
      "economy",
    ]);
    await b.records.applyIfNewer(
      "route",
      [{ field: "off_3", version: 2, value: ["2026-03-14", 603, 999, "economy"] }],
      { ttlSeconds: 3600 },
    );
    const seen = await a.records.getRecords("route");
    expect(seen?.get("off_3")).toEqual({ version: 2, value: ["2026-03-14", 603, 999, "economy"] });
    expect(seen?.size).toBe(50);
  });

  it("shares one generation read among the reads of a key started in the same turn, and never misses an acknowledged write", async () => {
    const keyPrefix = uniqueKeyPrefix("records-batch");
    prefixes.push(keyPrefix);
    const client = new Redis(url);
    const a = createRedisCache({ redis: client, keyPrefix, commandTimeoutMs: 1_000 });
    const b = createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 1_000 });
    caches.push(a, b);
    await a.records.fill("busy", month(100), 3600);
    const first = await a.records.getRecords("busy");

    const hget = vi.spyOn(client, "hget");
    const together = await Promise.all(
      Array.from({ length: 20 }, () => a.records.getRecords("busy")),
    );
    expect(together.every((map) => map === first)).toBe(true);
    expect(hget).toHaveBeenCalledTimes(1);
    // Reads in later turns each send their own.
    await a.records.getRecords("busy");
    await a.records.getRecords("busy");
    expect(hget).toHaveBeenCalledTimes(3);

    // A read that started before a write may see either state; one that starts after the
    // write was acknowledged sees it, whichever batch was pending.
    const early = a.records.getRecords("busy");
    await b.records.applyIfNewer(
      "busy",
      [{ field: "off_3", version: 2, value: ["2026-03-14", 603, 999, "economy"] }],
      { ttlSeconds: 3600 },
    );
    const late = await a.records.getRecords("busy");
    expect(late?.get("off_3")).toEqual({ version: 2, value: ["2026-03-14", 603, 999, "economy"] });
    const earlyValue = (await early)?.get("off_3")?.value as number[] | undefined;
    expect([103, 999]).toContain(earlyValue?.[2]);
    hget.mockRestore();
  });

  it("keeps the copy when a write changed nothing (older or repeated versions)", async () => {
    const { a, b } = pair();
    await a.records.fill("quiet", month(100), 3600);
    const first = await a.records.getRecords("quiet");
    const result = await b.records.applyIfNewer(
      "quiet",
      [{ field: "off_1", version: 1, value: ["2026-03-14", 0, 0, "economy"] }],
      { ttlSeconds: 3600 },
    );
    expect(result.ignored).toEqual(["off_1"]);
    expect(await a.records.getRecords("quiet")).toBe(first);
  });

  it("never mistakes a re-created map for the one it copied (deleted, then filled again)", async () => {
    const { a, b } = pair();
    await a.records.fill("again", month(100), 3600);
    await a.records.getRecords("again");
    // Another process deletes it and fills it again with the same number of writes: a counter
    // would repeat its generation; a random token per write does not.
    await b.records.delete("again");
    await b.records.fill("again", month(500), 3600);
    expect((await a.records.getRecords("again"))?.get("off_0")?.value).toEqual([
      "2026-03-14",
      600,
      500,
      "economy",
    ]);
  });

  it("answers null once the map is gone or only partial, whatever it had copied", async () => {
    const { a, b } = pair();
    await a.records.fill("gone", month(100), 3600);
    await a.records.getRecords("gone");
    await b.records.delete("gone");
    expect(await a.records.getRecords("gone")).toBeNull();
    await a.records.fill("partial", month(100), 3600);
    await a.records.getRecords("partial");
    await b.records.delete("partial");
    await b.records.applyIfNewer("partial", month(200).slice(0, 1), { ttlSeconds: 3600 });
    expect(await a.records.getRecords("partial")).toBeNull();
  });

  it("reads maps written before generations existed, without keeping a copy", async () => {
    const { a, keyPrefix } = pair();
    await a.records.fill("probe", [{ field: "x", version: 1, value: "y" }], 60);
    await a.records.fill("probe2", [{ field: "x", version: 1, value: "z" }], 60);
    const y = (await admin.hgetBuffer(`${keyPrefix}r:probe`, "d:x")) as Buffer;
    const z = (await admin.hgetBuffer(`${keyPrefix}r:probe2`, "d:x")) as Buffer;
    // The layout the previous script wrote: no 'e'/'g' fields.
    await admin.hset(`${keyPrefix}r:legacy`, "m", "1", "v:f", "3", "d:f", y);
    expect((await a.records.getRecords("legacy"))?.get("f")).toEqual({ version: 3, value: "y" });
    await admin.hset(`${keyPrefix}r:legacy`, "d:f", z);
    expect((await a.records.getRecords("legacy"))?.get("f")).toEqual({ version: 3, value: "z" });
  });

  it("reports bytes that do not decode as the cache being unavailable, not a crash", async () => {
    const { a, keyPrefix } = pair();
    await a.records.fill("corrupt", month(100), 3600);
    await admin.hset(`${keyPrefix}r:corrupt`, "d:off_4", Buffer.from([9, 1, 2]), "g", "changed");
    await expect(a.records.getRecords("corrupt")).rejects.toBeInstanceOf(CacheUnavailableError);
  });

  it("re-reads every time when turned off", async () => {
    const keyPrefix = uniqueKeyPrefix("records-near-off");
    prefixes.push(keyPrefix);
    const off = createRedisCache({
      redis: { url },
      keyPrefix,
      commandTimeoutMs: 1_000,
      recordsNearCache: { enabled: false },
    });
    caches.push(off);
    await off.records.fill("route", month(100), 3600);
    const first = await off.records.getRecords("route");
    const other = await admin.hgetBuffer(`${keyPrefix}r:route`, "d:off_9");
    await admin.hset(`${keyPrefix}r:route`, "d:off_7", other as Buffer);
    const again = await off.records.getRecords("route");
    expect(again).not.toBe(first);
    expect(again?.get("off_7")?.value).toEqual(["2026-03-14", 609, 109, "economy"]);
  });
});
