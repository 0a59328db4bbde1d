import { type Cache, createMemoryCache } from "@travel/cache";
import { createInventoryRepository } from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SuppliersUnavailableError } from "../src/errors.js";
import type { FlightQuery } from "../src/query.js";
import { createSearchService } from "../src/service.js";
import { createSimulatedSupplier, type SimulatedSupplier } from "../src/suppliers/simulated.js";
import {
  buildService,
  CURSOR_SECRET,
  DAY,
  flightId,
  flightRecord,
  mutableClock,
  putFlights,
} from "./fixtures.js";

const tenant = { tenantId: "ten_fanout" };
const query = (departureDate = DAY): FlightQuery => ({
  origin: "JFK",
  destination: "LAX",
  departureDate,
  adults: 1,
  cabin: "economy",
  sort: "price",
  limit: 100,
});
/** Days after DAY, so each search misses the cache and reaches the suppliers. */
const day = (n: number) =>
  new Date(Date.parse(`${DAY}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("supplier fan-out", () => {
  let engine: LocalEngine;
  let cache: Cache;
  let simulated: SimulatedSupplier;

  beforeEach(async () => {
    engine = await startLocalEngine();
    cache = createMemoryCache({});
    simulated = createSimulatedSupplier({ seed: "fan-out" });
    await putFlights(engine.db, [
      ...[0, 1, 2].map((n) => flightRecord(n)),
      ...[0, 1, 2, 3].map((n) =>
        flightRecord(10 + n, { departDate: day(1 + n), departAt: `${day(1 + n)}T09:00:00Z` }),
      ),
    ]);
  });

  afterEach(async () => {
    await cache.close();
    await engine.stop();
  });

  it("merges every supplier's offers into one ranked result", async () => {
    const service = buildService({
      db: engine.db,
      cache,
      clock: mutableClock(),
      extraSuppliers: [simulated],
    });
    const result = await service.searchFlights(query(), tenant);
    const simulatedOffers = result.data.filter((o) => o.id.startsWith("off_sim_"));
    expect(simulatedOffers.length).toBeGreaterThanOrEqual(1);
    expect(result.data.filter((o) => !o.id.startsWith("off_sim_")).map((o) => o.id)).toEqual(
      [0, 1, 2].map(flightId),
    );
    expect(result.meta.suppliers.missing).toEqual([]);
    // Deterministic: another process (another supplier instance) quotes the same offers.
    const again = await createSimulatedSupplier({ seed: "fan-out" }).searchFlights(
      { origin: "JFK", destination: "LAX", departureDate: DAY, cabin: "economy" },
      { signal: new AbortController().signal, now: mutableClock().now() },
    );
    const byId = (list: { id: string }[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    // The v1 fields are the supplier's own (search adds the v2 itinerary fields around them).
    const v1 = simulatedOffers.map(
      ({ slices, passengers, totalPrice, fareBreakdown, ...rest }) => rest,
    );
    expect(byId(v1)).toEqual(byId(again.filter((o) => o.seatsAvailable >= 1)));
    // A simulated offer is re-priced by its own supplier.
    const sim = simulatedOffers[0];
    expect(sim && (await service.getOffer(sim.id)).price).toEqual(sim?.price);
  });

  it("still answers with inventory offers when a supplier fails, names it, and caches that only briefly", async () => {
    simulated.configure({ failureRate: 1 });
    const service = buildService({
      db: engine.db,
      cache,
      clock: mutableClock(),
      extraSuppliers: [simulated],
      options: { briefTtlSeconds: 1 },
    });
    const partial = await service.searchFlights(query(), tenant);
    expect(partial.data.map((o) => o.id)).toEqual([0, 1, 2].map(flightId));
    expect(partial.meta.suppliers.missing).toEqual(["simulated"]);
    expect(partial.meta.cache).toMatchObject({ status: "miss", ttlSeconds: 1 });

    simulated.configure({ failureRate: 0 });
    const cached = await service.searchFlights(query(), tenant);
    expect(cached.meta.cache.status).toBe("hit");
    expect(cached.meta.suppliers.missing).toEqual(["simulated"]);

    await sleep(1_100);
    const recovered = await service.searchFlights(query(), tenant);
    expect(recovered.meta.cache.status).toBe("miss");
    expect(recovered.meta.suppliers.missing).toEqual([]);
    expect(recovered.data.some((o) => o.id.startsWith("off_sim_"))).toBe(true);
    expect(recovered.meta.cache.ttlSeconds).toBeGreaterThan(500);
  });

  it("gives up on a slow supplier at its timeout and opens its breaker after repeated failures", async () => {
    simulated.configure({ latencyMs: 10_000 });
    const service = buildService({
      db: engine.db,
      cache,
      clock: mutableClock(),
      extraSuppliers: [simulated],
      options: { supplierTimeoutMs: 2_000, breakerFailures: 2, breakerHalfOpenAfterMs: 500 },
    });

    for (const n of [1, 2]) {
      const started = performance.now();
      const result = await service.searchFlights(query(day(n)), tenant);
      expect(performance.now() - started).toBeGreaterThanOrEqual(1_900);
      expect(result.data.map((o) => o.id)).toEqual([flightId(9 + n)]);
      expect(result.meta.suppliers.missing).toEqual(["simulated"]);
    }
    expect(service.breakerStates()).toEqual({
      "inventory.search": "closed",
      "inventory.price": "closed",
      "simulated.search": "open",
      "simulated.price": "closed",
    });
    expect(simulated.calls).toBe(2);

    // Open: the supplier is not called at all and no timeout is waited for.
    const started = performance.now();
    const whileOpen = await service.searchFlights(query(day(3)), tenant);
    // Well under the 2 s timeout a closed breaker would have waited for.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(simulated.calls).toBe(2);
    expect(whileOpen.meta.suppliers.missing).toEqual(["simulated"]);
    expect(whileOpen.data.map((o) => o.id)).toEqual([flightId(12)]);

    // Recovered and past the half-open delay: one trial call succeeds and closes the breaker.
    simulated.configure({ latencyMs: 0 });
    await sleep(600);
    const closed = await service.searchFlights(query(day(4)), tenant);
    expect(closed.meta.suppliers.missing).toEqual([]);
    expect(simulated.calls).toBe(3);
    expect(service.breakerStates()["simulated.search"]).toBe("closed");
  });

  it("answers 503 when every supplier fails, caches nothing, and routes getOffer by id", async () => {
    simulated.configure({ failureRate: 1 });
    const inventory = createInventoryRepository(engine.db);
    const service = createSearchService({
      suppliers: [simulated],
      inventory,
      cache,
      clock: mutableClock(),
      cursorSecret: CURSOR_SECRET,
      logger: { warn: () => {}, error: () => {} },
    });
    let error: SuppliersUnavailableError | undefined;
    try {
      await service.searchFlights(query(), tenant);
    } catch (e) {
      error = e as SuppliersUnavailableError;
    }
    expect(error?.status).toBe(503);
    expect(error?.code).toBe("service_unavailable");
    expect(error?.extensions).toEqual({ suppliers: { missing: ["simulated"] } });

    simulated.configure({ failureRate: 0 });
    const ok = await service.searchFlights(query(), tenant);
    expect(ok.meta.cache.status).toBe("miss");
    expect(ok.data.length).toBeGreaterThan(0);

    // An inventory id is not the simulated supplier's: 404 without asking it.
    const calls = simulated.calls;
    await expect(service.getOffer(flightId(0))).rejects.toMatchObject({ status: 404 });
    expect(simulated.calls).toBe(calls);
    // A simulated id while the simulated supplier is down: 503, not a false 404.
    simulated.configure({ failureRate: 1 });
    await expect(service.getOffer(ok.data[0]?.id ?? "")).rejects.toMatchObject({ status: 503 });
  });
});
