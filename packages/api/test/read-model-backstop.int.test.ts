import {
  createAnalyticsService,
  createLocalChangeFeed,
  type LocalChangeFeed,
} from "@travel/analytics";
import { type Cache, createMemoryCache, createRedisCache, createRedisClient } from "@travel/cache";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import {
  createInventoryRepository,
  type FlightOfferRecord,
  type InventoryRepository,
} from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import {
  createInventoryReadModel,
  createSearchService,
  type FlightQuery,
  type SearchService,
} from "@travel/search";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const T0 = new Date("2030-03-10T12:00:00Z");
const DAY = "2030-03-20";
const OFFER = "off_01HZZZZZZZZZZZZZZZZZZZ0001";
const query: FlightQuery = {
  origin: "JFK",
  destination: "LAX",
  departureDate: DAY,
  adults: 1,
  cabin: "economy",
  sort: "price",
  limit: 20,
};
const tenant = { tenantId: "ten_test" };

function flight(offerId: string, priceMinor: number): FlightOfferRecord {
  return {
    offerId,
    origin: "JFK",
    destination: "LAX",
    departDate: DAY,
    departAt: `${DAY}T15:00:00Z`,
    arriveAt: `${DAY}T21:00:00Z`,
    durationMinutes: 360,
    stops: 0,
    carrier: "AA",
    flightNumber: "AA1",
    cabin: "economy",
    seatsAvailable: 9,
    seatsTotal: 9,
    priceMinor,
    currency: "USD",
    version: 1,
    updatedAt: T0.toISOString(),
  };
}

/**
 * The change stream as the read model's backstop, end to end: engine writes → local change feed
 * (DynamoDB Streams records) → the real stream consumer → createInventoryChangeHandler → the
 * search read model, on each cache backend.
 */
function backstopScenarios(makeCache: () => Promise<{ cache: Cache; cleanup(): Promise<void> }>) {
  let engine: LocalEngine;
  let cache: Cache;
  let cleanup: () => Promise<void>;
  let inventory: InventoryRepository;
  let search: SearchService;
  let feed: LocalChangeFeed;
  let delivered: DynamoDBStreamEvent[];
  let analytics: ReturnType<typeof createAnalyticsService>;
  const clock = { now: () => T0 };
  const price = async () =>
    (await search.searchFlights(query, tenant)).data.find((o) => o.id === OFFER)?.price.amount;

  beforeEach(async () => {
    engine = await startLocalEngine();
    ({ cache, cleanup } = await makeCache());
    inventory = createInventoryRepository(engine.db);
    const readModel = createInventoryReadModel({ cache, inventory, clock });
    search = createSearchService({
      suppliers: [],
      readModel,
      inventory,
      cache,
      clock,
      cursorSecret: "test-cursor-secret-32-bytes-long!",
      logger: { warn: () => {}, error: () => {} },
    });
    analytics = createAnalyticsService({ db: engine.db, clock, inventoryListener: readModel });
    delivered = [];
    feed = createLocalChangeFeed({
      engine,
      handler: (event) => {
        delivered.push(event);
        return analytics.consumer.handle(event);
      },
      batchWindowMs: 60_000, // delivered when the test drains, never in between
    });
    await engine.db.entities.flightOffer.put(flight(OFFER, 100_00)).go();
    await engine.db.entities.flightOffer.put(flight("off_01HZZZZZZZZZZZZZZZZZZZ0002", 150_00)).go();
    feed.start();
  });

  afterEach(async () => {
    await feed.stop();
    await cleanup();
    await engine.stop();
  });

  it("shows a change made by a writer that never told search, once the stream delivers it", async () => {
    expect(await price()).toBe("100.00");
    await inventory.updateFlightOffer(OFFER, { priceMinor: 80_00 }, T0);
    expect(await price()).toBe("100.00"); // not published by that writer: only the stream knows
    await feed.drain();
    expect(await price()).toBe("80.00");
    expect(feed.stats().deadLetters).toEqual([]);
  });

  it("ends at the newest version when the stream delivers late, out of order and twice after the write path", async () => {
    expect(await price()).toBe("100.00");
    const versions: FlightOfferRecord[] = [];
    for (const amount of [90_00, 95_00, 99_00]) {
      const record = await inventory.updateFlightOffer(OFFER, { priceMinor: amount }, T0);
      if (record) versions.push(record);
    }
    // The write path publishes the newest state first (before the stream catches up).
    await search.inventoryChanged([
      { type: "flightOffer", record: versions.at(-1) as FlightOfferRecord },
    ]);
    expect(await price()).toBe("99.00");
    await feed.drain(); // v2, v3, v4 arrive after v4 was applied
    expect(await price()).toBe("99.00");
    // Redelivery, newest batch first and each record reversed, under new event ids.
    for (const [n, event] of delivered.reverse().entries()) {
      const replay = {
        Records: [...event.Records]
          .reverse()
          .map((r) => ({ ...r, eventID: `replay${n}${r.eventID}` })),
      };
      expect((await analytics.consumer.handle(replay)).batchItemFailures).toEqual([]);
    }
    expect(await price()).toBe("99.00");
  });
}

describe("read model backstop: stream consumer → in-process cache", () => {
  backstopScenarios(async () => {
    const cache = createMemoryCache({});
    return { cache, cleanup: () => cache.close() };
  });
});

describeRedis("read model backstop: stream consumer → real Redis", ({ url }) => {
  backstopScenarios(async () => {
    const keyPrefix = uniqueKeyPrefix("rm-backstop");
    const cache = createRedisCache({ redis: { url }, keyPrefix, commandTimeoutMs: 2_000 });
    return {
      cache,
      async cleanup() {
        await cache.close();
        const client = createRedisClient({ url });
        try {
          await deleteKeysWithPrefix(client, keyPrefix);
        } finally {
          await client.quit();
        }
      },
    };
  });
});
