import { createMemoryCache } from "@travel/cache";
import { createSearchEventRepository } from "@travel/core";
import { scanSearchEvents, startLocalEngine } from "@travel/core/local";
import { expect, it } from "vitest";
import { createSearchEventQueue } from "../src/events.js";
import {
  buildService,
  DAY,
  flightRecord,
  hotelRecord,
  mutableClock,
  nightRecord,
  putFlights,
  putHotel,
} from "./fixtures.js";

it("records one search event per new search in DynamoDB, flushed off the response path", async () => {
  const engine = await startLocalEngine();
  const cache = createMemoryCache({});
  try {
    const repository = createSearchEventRepository(engine.db);
    const events = createSearchEventQueue({
      sink: repository,
      logger: { warn: () => {}, error: () => {} },
      flushAfterMs: 60_000, // only the explicit flush writes, as at the end of a Lambda invocation
    });
    const clock = mutableClock();
    const service = buildService({ db: engine.db, cache, clock, events });
    await putFlights(engine.db, [flightRecord(0), flightRecord(1)]);
    await putHotel(engine.db, hotelRecord("htl_EVENTS1"), [nightRecord("htl_EVENTS1", DAY)]);

    const query = {
      origin: "JFK",
      destination: "LAX",
      departureDate: DAY,
      adults: 1,
      cabin: "economy" as const,
      sort: "price" as const,
      limit: 1,
    };
    const miss = await service.searchFlights(query, { tenantId: "ten_a" });
    const hit = await service.searchFlights(query, { tenantId: "ten_b" });
    // Paging on is not a new search.
    await service.searchFlights(
      { ...query, cursor: hit.meta.nextCursor ?? "" },
      { tenantId: "ten_b" },
    );
    const hotels = await service.searchHotels(
      {
        city: "LAX",
        checkIn: DAY,
        checkOut: "2030-03-21",
        guests: 1,
        rooms: 1,
        sort: "price",
        limit: 20,
      },
      { tenantId: "ten_a" },
    );
    expect((await scanSearchEvents(engine.db)).size).toBe(0);
    expect(events.stats().queued).toBe(3);

    await events.flush();
    expect(events.stats()).toMatchObject({ queued: 0, written: 3, failed: 0 });
    // One item for the three searches (a batch), each search in it once.
    const batches = await engine.db.entities.searchEventBatch.scan.go({ pages: "all" });
    expect(batches.data).toHaveLength(1);
    const recorded = await scanSearchEvents(engine.db);
    expect(recorded.size).toBe(3);
    expect(recorded.get(miss.meta.searchId)).toEqual({
      searchId: miss.meta.searchId,
      tenantId: "ten_a",
      kind: "flight",
      route: "JFK-LAX",
      day: "2030-03-10",
      cacheStatus: "miss",
      resultCount: 2,
      createdAt: clock.now().toISOString(),
    });
    expect(recorded.get(hit.meta.searchId)).toMatchObject({
      tenantId: "ten_b",
      cacheStatus: "hit",
    });
    expect(recorded.get(hotels.meta.searchId)).toMatchObject({
      kind: "hotel",
      route: "LAX",
      resultCount: 1,
    });
  } finally {
    await cache.close();
    await engine.stop();
  }
});
