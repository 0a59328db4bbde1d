import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { BatchWriteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../local/engine.js";
import { createInventoryRepository } from "../repositories/inventory.js";
import { generateInventory } from "./inventory.js";
import { createBatchWriter, inventoryItems } from "./load.js";
import { type SeedProgress, seedInventory, startSeeding } from "./seed.js";

const engines: LocalEngine[] = [];
async function freshEngine(): Promise<LocalEngine> {
  const engine = await startLocalEngine();
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});
afterAll(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

async function scanAll(engine: LocalEngine): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await engine.clients.document.send(
      new ScanCommand({ TableName: engine.tableName, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

const options = { seed: "load-test", startDate: "2026-06-29", days: 2 } as const;
/** The loader, not the network, is under test: the 30 busiest route pairs keep it quick. */
const network = { routePairs: 30 } as const;
/** Loading a few thousand items takes seconds, more on a busy CI machine. */
const SLOW = { timeout: 180_000 };

describe("seedInventory", () => {
  it("loads hotels, then each day in date order, and reports progress", SLOW, async () => {
    const engine = await freshEngine();
    const progress: SeedProgress[] = [];
    const summary = await seedInventory({
      db: engine.db,
      ...options,
      ...network,
      onProgress: (p) => progress.push(p),
    });

    const expected = generateInventory({ ...options, ...network });
    const days = [...expected.days()];
    const flights = days.reduce((n, d) => n + d.flights.length, 0);
    const nights = days.reduce((n, d) => n + d.nights.length, 0);
    expect(summary).toMatchObject({
      ...options,
      flights,
      roomNights: nights,
      hotels: expected.hotels.length,
      items: flights + nights + expected.hotels.length,
      retriedItems: 0,
    });
    expect(summary.itemsPerSecond).toBeGreaterThan(0);
    expect((await scanAll(engine)).length).toBe(summary.items);

    expect(progress.map((p) => [p.phase, p.date, p.daysLoaded])).toEqual([
      ["hotels", undefined, 0],
      ["day", "2026-06-29", 1],
      ["day", "2026-06-30", 2],
    ]);
    expect(progress.map((p) => p.items)).toEqual(
      [...progress.map((p) => p.items)].sort((a, b) => a - b),
    );
    expect(progress.at(-1)?.items).toBe(summary.items);

    // What was loaded is what the generator made, readable through the repository.
    const inventory = createInventoryRepository(engine.db);
    const [sample] = days[1]?.flights ?? [];
    expect(await inventory.getFlightOffer(sample?.offerId ?? "")).toEqual(sample);
  });

  it(
    "gives identical tables when the same seed is loaded into two fresh engines, and again into one",
    SLOW,
    async () => {
      const [a, b] = await Promise.all([freshEngine(), freshEngine()]);
      const oneDay = { ...options, days: 1 };
      await seedInventory({ db: a.db, ...oneDay, ...network });
      await seedInventory({ db: b.db, ...oneDay, ...network });
      const first = await scanAll(a);
      expect(first.length).toBeGreaterThan(1_500);
      expect(JSON.stringify(await scanAll(b))).toBe(JSON.stringify(first));

      await seedInventory({ db: a.db, ...oneDay, ...network });
      expect(JSON.stringify(await scanAll(a))).toBe(JSON.stringify(first));
    },
  );

  it(
    "lets a server start once the first days are in, then finishes in the background",
    SLOW,
    async () => {
      const engine = await freshEngine();
      const inventory = createInventoryRepository(engine.db);
      const seeding = startSeeding({
        db: engine.db,
        ...options,
        ...network,
        days: 2,
        readyAfterDays: 1,
      });
      await seeding.ready;
      const [firstFlight] =
        [...generateInventory({ ...options, ...network }).days()][0]?.flights ?? [];
      if (!firstFlight) throw new Error("no flights generated");
      expect(await inventory.getFlightOffer(firstFlight.offerId)).toEqual(firstFlight);
      const summary = await seeding.done;
      expect(summary.days).toBe(2);
      expect((await scanAll(engine)).length).toBe(summary.items);
    },
  );

  it("rejects both promises when loading fails", async () => {
    const engine = await freshEngine();
    await engine.stop();
    engines.splice(engines.indexOf(engine), 1);
    const seeding = startSeeding({ db: engine.db, ...options, ...network, days: 1 });
    await expect(seeding.ready).rejects.toThrow();
    await expect(seeding.done).rejects.toThrow();
  });
});

/**
 * A document client that makes the real engine look throttled: the first `throttled` batch
 * writes store only their first half and hand the rest back as UnprocessedItems, as DynamoDB
 * does under load.
 */
function throttlingClient(real: DynamoDBDocumentClient, table: string, throttled: number) {
  let remaining = throttled;
  let calls = 0;
  const client = {
    async send(command: BatchWriteCommand) {
      calls++;
      const requests = command.input.RequestItems?.[table] ?? [];
      if (remaining > 0 && requests.length > 1) {
        remaining--;
        const half = Math.ceil(requests.length / 2);
        await real.send(
          new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, half) } }),
        );
        return { UnprocessedItems: { [table]: requests.slice(half) } };
      }
      return real.send(command);
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, calls: () => calls };
}

describe("batch writer", () => {
  it("retries unprocessed items until every item is stored", async () => {
    const engine = await freshEngine();
    const items = inventoryItems(engine.db, {
      hotels: generateInventory({ ...options, ...network }).hotels,
    });
    const fake = throttlingClient(engine.db.client, engine.tableName, 5);
    const writer = createBatchWriter({
      client: fake.client,
      table: engine.tableName,
      backoffMs: 1,
    });
    await writer.write(items);
    expect((await scanAll(engine)).length).toBe(items.length);
    expect(writer.stats().items).toBe(items.length);
    expect(writer.stats().retriedItems).toBeGreaterThan(0);
    expect(fake.calls()).toBeGreaterThan(Math.ceil(items.length / 25));
  });

  it("gives up with a clear error when items stay unprocessed", async () => {
    const engine = await freshEngine();
    const items = inventoryItems(engine.db, {
      hotels: generateInventory({ ...options, ...network }).hotels.slice(0, 25),
    });
    const fake = throttlingClient(engine.db.client, engine.tableName, 1_000);
    const writer = createBatchWriter({
      client: fake.client,
      table: engine.tableName,
      backoffMs: 1,
      maxAttempts: 3,
    });
    await expect(writer.write(items)).rejects.toThrow(/unprocessed after 3 attempts/);
  });

  it("never has more requests in flight than its concurrency", SLOW, async () => {
    const engine = await freshEngine();
    let inFlight = 0;
    let peak = 0;
    const counting = {
      async send(command: BatchWriteCommand) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await engine.db.client.send(command);
        } finally {
          inFlight--;
        }
      },
    } as unknown as DynamoDBDocumentClient;
    const [day] = [...generateInventory({ ...options, ...network }).days()];
    const items = inventoryItems(engine.db, { flights: day?.flights ?? [] });
    const writer = createBatchWriter({ client: counting, table: engine.tableName, concurrency: 3 });
    await writer.write(items);
    expect(peak).toBe(3);
    expect((await scanAll(engine)).length).toBe(items.length);
  });

  it("builds items exactly as the ElectroDB entities write them", async () => {
    const engine = await freshEngine();
    const [day] = [...generateInventory({ ...options, ...network }).days()];
    const flight = day?.flights[0];
    const night = day?.nights[0];
    if (!flight || !night) throw new Error("nothing generated");
    await engine.db.entities.flightOffer.put(flight).go();
    await engine.db.entities.roomNight.put(night).go();
    const viaEntities = await scanAll(engine);
    const viaLoader = inventoryItems(engine.db, { flights: [flight], nights: [night] });
    expect(viaLoader.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`))).toEqual(
      viaEntities,
    );
  });
});
