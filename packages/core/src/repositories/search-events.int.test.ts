import { deflateRawSync } from "node:zlib";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchEventRecord } from "../domain.js";
import { newId } from "../ids.js";
import { type LocalEngine, startLocalEngine } from "../local/engine.js";
import {
  createSearchEventRepository,
  MAX_SEARCH_EVENTS_PER_BATCH,
  parseSearchEventBatch,
  SEARCH_EVENT_TTL_SECONDS,
} from "./search-events.js";

let engine: LocalEngine;

beforeAll(async () => {
  engine = await startLocalEngine();
});

afterAll(async () => {
  await engine?.stop();
});

/** A valid search event; `fields` override. */
function searchEvent(fields: Partial<SearchEventRecord> = {}): SearchEventRecord {
  return {
    searchId: newId("search"),
    tenantId: "acme",
    kind: "flight",
    route: "JFK-LAX",
    day: "2026-04-03",
    cacheStatus: "hit",
    resultCount: 1,
    createdAt: "2026-04-03T10:00:00.000Z",
    ...fields,
  };
}

/** The stored item with this key, as DynamoDB holds it. */
async function storedItem(key: Record<string, unknown> | undefined) {
  const { Item } = await engine.clients.document.send(
    new GetCommand({ TableName: engine.tableName, Key: key }),
  );
  return Item;
}

/** The `ttl` attribute of the stored item with this key. */
async function storedTtl(key: Record<string, unknown> | undefined): Promise<unknown> {
  return (await storedItem(key))?.ttl;
}

describe("search event repository", () => {
  it("records a search with a TTL a week after it happened and reads it back", async () => {
    const events = createSearchEventRepository(engine.db);
    const event = searchEvent({
      kind: "hotel",
      route: "LHR",
      day: "2026-04-02",
      resultCount: 9,
      createdAt: "2026-04-02T10:00:00.000Z",
    });
    await events.record(event);
    expect(await events.get(event.searchId)).toEqual(event);
    expect(await events.get("srch_01NOTHERE0000000000000000")).toBeUndefined();
    const key = engine.db.entities.searchEvent.get({ searchId: event.searchId }).params().Key;
    expect(await storedTtl(key)).toBe(
      Date.parse(event.createdAt) / 1000 + SEARCH_EVENT_TTL_SECONDS,
    );
  });

  it("records 60 events in batches and every one can be read back", async () => {
    const events = createSearchEventRepository(engine.db);
    const batch = Array.from({ length: 60 }, (_, i) =>
      searchEvent({ cacheStatus: i % 3 === 0 ? "miss" : "hit", resultCount: i }),
    );
    await events.recordMany(batch);
    const read = await Promise.all(batch.map((e) => events.get(e.searchId)));
    expect(read).toEqual(batch);
  });

  it("records a full batch of searches as one item, read back in order, with the latest TTL", async () => {
    const events = createSearchEventRepository(engine.db);
    const batch = Array.from({ length: MAX_SEARCH_EVENTS_PER_BATCH }, (_, i) =>
      searchEvent({
        tenantId: `tenant-${i % 3}`,
        kind: i % 2 ? "hotel" : "flight",
        route: i % 2 ? "LHR" : "JFK-LAX",
        day: i < 50 ? "2026-04-03" : "2026-04-04",
        cacheStatus: (["hit", "miss", "stale"] as const)[i % 3] ?? "hit",
        resultCount: i,
        createdAt: i < 50 ? "2026-04-03T23:59:59.000Z" : "2026-04-04T00:00:01.000Z",
      }),
    );
    const { batchId, rejected } = await events.recordBatch(batch);
    expect(rejected).toBe(0);
    expect(batchId).toMatch(/^sbat_/);
    expect(await events.getBatch(batchId ?? "")).toEqual(batch);
    const key = engine.db.entities.searchEventBatch.get({ batchId: batchId ?? "" }).params().Key;
    expect(await storedTtl(key)).toBe(
      Date.parse("2026-04-04T00:00:01.000Z") / 1000 + SEARCH_EVENT_TTL_SECONDS,
    );
    expect(await events.recordBatch([])).toEqual({ batchId: undefined, rejected: 0 });
    await expect(events.recordBatch([...batch, ...batch.slice(0, 1)])).rejects.toThrow(RangeError);
  });

  it("stores a batch's searches deflated, a fraction of their JSON, and still reads plain JSON items", async () => {
    const events = createSearchEventRepository(engine.db);
    const batch = Array.from({ length: MAX_SEARCH_EVENTS_PER_BATCH }, (_, i) =>
      searchEvent({
        resultCount: i,
        createdAt: `2026-04-03T10:00:${String(i % 60).padStart(2, "0")}.000Z`,
      }),
    );
    const { batchId } = await events.recordBatch(batch);
    const key = engine.db.entities.searchEventBatch.get({ batchId: batchId ?? "" }).params().Key;
    const stored = (await storedItem(key))?.events as string;
    expect(stored.startsWith("deflate:")).toBe(true);
    // Write capacity and stream bytes are per byte: the item is far smaller than its JSON.
    expect(stored.length).toBeLessThan(JSON.stringify(batch).length / 5);
    expect(parseSearchEventBatch(stored)).toEqual(batch);

    // Items written before the deflated form hold the plain JSON array; they still read back.
    const legacy = batch.slice(0, 3);
    const legacyId = newId("searchBatch");
    await engine.db.entities.searchEventBatch
      .put({
        batchId: legacyId,
        events: JSON.stringify(legacy),
        count: legacy.length,
        createdAt: "2026-04-03T10:00:02.000Z",
        ttl: 1,
      })
      .go();
    expect(await events.getBatch(legacyId)).toEqual(legacy);
  });

  it("keeps a full batch of the longest valid searches under DynamoDB's item limit and the inflate cap", async () => {
    const events = createSearchEventRepository(engine.db);
    // Random characters deflate worst: the longest tenant ids, search ids and routes allowed.
    const noise = (length: number) =>
      Array.from(
        { length },
        () =>
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[
            Math.floor(Math.random() * 62)
          ],
      ).join("");
    const batch = Array.from({ length: MAX_SEARCH_EVENTS_PER_BATCH }, () =>
      searchEvent({
        searchId: noise(64),
        tenantId: noise(64),
        route: noise(16),
        resultCount: 1_000_000,
        createdAt: "2026-04-03T10:00:00.123456789Z",
      }),
    );
    const { batchId, rejected } = await events.recordBatch(batch);
    expect(rejected).toBe(0);
    const key = engine.db.entities.searchEventBatch.get({ batchId: batchId ?? "" }).params().Key;
    const stored = (await storedItem(key))?.events as string;
    expect(stored.length).toBeLessThan(400_000);
    expect(await events.getBatch(batchId ?? "")).toEqual(batch);
    // Longer fields are refused one by one, so they can never make a batch unreadable.
    const tooLong = searchEvent({ tenantId: noise(65) });
    expect(await events.recordBatch([tooLong])).toEqual({ batchId: undefined, rejected: 1 });
  });

  it("refuses a batch attribute that is corrupt, not searches, or would inflate past 1 MiB", () => {
    const deflated = (text: string) => `deflate:${deflateRawSync(text).toString("base64")}`;
    expect(() => parseSearchEventBatch("deflate:not-deflate-data")).toThrow();
    expect(() => parseSearchEventBatch(deflated('[{"searchId":1}]'))).toThrow();
    expect(() => parseSearchEventBatch(deflated("[]"))).toThrow();
    expect(() => parseSearchEventBatch(deflated(`"${" ".repeat(2 * 1024 * 1024)}"`))).toThrow(
      RangeError,
    );
    expect(() => parseSearchEventBatch("nonsense")).toThrow(SyntaxError);
  });

  it("leaves invalid searches out of a batch and counts them, so the rest still count", async () => {
    const events = createSearchEventRepository(engine.db);
    const good = searchEvent({ day: "2026-04-05", createdAt: "2026-04-05T10:00:00.000Z" });
    const bad = { ...good, searchId: newId("search"), day: "yesterday" } as SearchEventRecord;
    const negative = { ...good, searchId: newId("search"), resultCount: -1 };
    const { batchId, rejected } = await events.recordBatch([good, bad, negative]);
    expect(rejected).toBe(2);
    expect(await events.getBatch(batchId ?? "")).toEqual([good]);
    expect(await events.recordBatch([bad])).toEqual({ batchId: undefined, rejected: 1 });
  });
});
