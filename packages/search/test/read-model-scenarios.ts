import type { Cache } from "@travel/cache";
import {
  createInventoryHoldRepository,
  createInventoryRepository,
  type FlightOfferRecord,
  hotelOfferId,
  type InventoryChange,
  type TravelService,
} from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { HotelQuery } from "../src/query.js";
import { createSimulatedSupplier } from "../src/suppliers/simulated.js";
import {
  buildReadModelService,
  countReads,
  DAY,
  flightId,
  flightQuery,
  flightRecord,
  hotelRecord,
  type MutableClock,
  mutableClock,
  nightRecord,
  putFlights,
  putHotel,
  hotelQuery as stayQuery,
  TENANT,
} from "./fixtures.js";
import type { CacheFactory } from "./scenarios.js";

const tenant = TENANT;
const hotelQuery = (patch: Partial<HotelQuery> = {}) =>
  stayQuery({ checkIn: "2030-03-30", checkOut: "2030-04-02" }, patch);

const priceOf = (offers: { id: string; price: { amount: string } }[], id: string) =>
  offers.find((o) => o.id === id)?.price.amount;

/** What a user sees of the read model, on every cache backend (memory and real Redis). */
export function readModelScenarios(factory: CacheFactory): void {
  let engine: LocalEngine;
  let db: TravelService;
  let cache: Cache;
  let peer: () => Promise<Cache>;
  let clock: MutableClock;
  let reads: ReturnType<typeof countReads>;
  let built: ReturnType<typeof buildReadModelService>;

  beforeEach(async () => {
    engine = await startLocalEngine();
    db = engine.db;
    reads = countReads(engine.clients);
    ({ cache, peer } = await factory.create());
    clock = mutableClock();
    built = buildReadModelService({ db, cache, clock });
    await putFlights(db, [
      flightRecord(0),
      flightRecord(1),
      flightRecord(2, { seatsAvailable: 2 }),
      flightRecord(3),
      flightRecord(4, { carrier: "DL", stops: 1 }),
      flightRecord(5, { cabin: "business", priceMinor: 900_00 }),
      // Same route, another day of the month.
      flightRecord(6, { departDate: "2030-03-25", departAt: "2030-03-25T10:00:00Z" }),
    ]);
    reads.reset();
  });

  afterEach(async () => {
    await factory.cleanup();
    await engine.stop();
  });

  it("fills a route's month once; other dates, cabins and travellers of that month read nothing", async () => {
    const { service } = built;
    const first = await service.searchFlights(flightQuery(), tenant);
    expect(first.meta.cache.status).toBe("miss");
    expect(first.data.map((o) => o.id)).toEqual([0, 1, 2, 3, 4].map(flightId));
    expect(first.meta.cache.ttlSeconds).toBe(86_400);
    expect(reads.reads).toBeGreaterThan(0);

    reads.reset();
    const again = await service.searchFlights(flightQuery({ adults: 3, sort: "duration" }), tenant);
    const business = await service.searchFlights(flightQuery({ cabin: "business" }), tenant);
    const otherDay = await service.searchFlights(
      flightQuery({ departureDate: "2030-03-25" }),
      tenant,
    );
    expect(reads.reads).toBe(0);
    expect([again, business, otherDay].map((r) => r.meta.cache.status)).toEqual([
      "hit",
      "hit",
      "hit",
    ]);
    expect(again.data.map((o) => o.id)).toEqual([0, 1, 3, 4].map(flightId));
    expect(business.data.map((o) => o.id)).toEqual([flightId(5)]);
    expect(otherDay.data.map((o) => o.id)).toEqual([flightId(6)]);
    // The answer is what the table says (same fields as a live re-pricing).
    expect(first.data[2]).toEqual({ ...(await service.getOffer(flightId(2))) });

    clock.set(new Date(clock.now().getTime() + 3_600_000));
    const later = await service.searchFlights(flightQuery(), tenant);
    expect(later.meta.cache).toMatchObject({ status: "hit", ageSeconds: 3600 });
  });

  it("prices every answer at its own time, and no two answers share an offer object", async () => {
    const { service } = built;
    await service.searchFlights(flightQuery(), tenant);
    const first = await service.searchFlights(flightQuery(), tenant);
    clock.set(new Date(clock.now().getTime() + 60_000));
    const second = await service.searchFlights(flightQuery(), tenant);
    expect(second.meta.cache.status).toBe("hit");
    const [a, b] = [first.data[0], second.data[0]];
    if (!a || !b) throw new Error("no offers");
    expect(b.pricedAt).toBe(clock.now().toISOString());
    expect(Date.parse(b.pricedAt) - Date.parse(a.pricedAt)).toBe(60_000);
    expect(Date.parse(b.expiresAt)).toBe(
      Math.min(Date.parse(b.pricedAt) + 900_000, Date.parse(b.departAt)),
    );
    const seen = JSON.stringify({ ...b, pricedAt: "", expiresAt: "" });
    a.price.amount = "0.01";
    a.seatsAvailable = 0;
    const third = await service.searchFlights(flightQuery(), tenant);
    expect(JSON.stringify({ ...third.data[0], pricedAt: "", expiresAt: "" })).toBe(seen);
  });

  it("shows an admin update on the very next search, with no DynamoDB read for that search", async () => {
    const { service } = built;
    await service.searchFlights(flightQuery(), tenant);
    const updated = await service.updateOffer(flightId(3), {
      price: { amount: "79.50", currency: "USD" },
      seatsAvailable: 1,
    });
    expect(updated.price.amount).toBe("79.50");

    reads.reset();
    const after = await service.searchFlights(flightQuery(), tenant);
    expect(reads.reads).toBe(0);
    expect(after.meta.cache.status).toBe("hit");
    expect(after.data[0]).toMatchObject({ id: flightId(3), price: { amount: "79.50" } });
    const two = await service.searchFlights(flightQuery({ adults: 2 }), tenant);
    expect(two.data.map((o) => o.id)).not.toContain(flightId(3));

    // Another process sharing the cache sees it as well.
    const other = buildReadModelService({ db, cache: await peer(), clock }).service;
    reads.reset();
    const seenByOther = await other.searchFlights(flightQuery(), tenant);
    expect(reads.reads).toBe(0);
    expect(seenByOther.data[0]).toMatchObject({ id: flightId(3), price: { amount: "79.50" } });
  });

  it("shows a booking hold and its release on the next search, without reading the table", async () => {
    const { service } = built;
    await service.searchFlights(flightQuery({ adults: 2 }), tenant);
    const holds = createInventoryHoldRepository(db);
    const item = { kind: "flightOffer" as const, offerId: flightId(2) };
    const held = await holds.acquire(item, "bkg_1", 2, clock.now());
    if (held.outcome !== "held") throw new Error("hold failed");
    await service.inventoryChanged([held.change]);

    reads.reset();
    const sold = await service.searchFlights(flightQuery({ adults: 1 }), tenant);
    expect(reads.reads).toBe(0);
    expect(sold.meta.cache.status).toBe("hit");
    expect(sold.data.map((o) => o.id)).not.toContain(flightId(2));

    const released = await holds.release(item, "bkg_1", clock.now());
    if (released.outcome !== "released") throw new Error("release failed");
    await service.inventoryChanged([released.change]);
    const back = await service.searchFlights(flightQuery({ adults: 2 }), tenant);
    expect(reads.reads).toBe(0);
    expect(back.data.find((o) => o.id === flightId(2))?.seatsAvailable).toBe(2);
  });

  it("ends at the newest version when one offer's updates arrive out of order and twice (write path and stream)", async () => {
    const { service } = built;
    const inventory = createInventoryRepository(db);
    const versions: FlightOfferRecord[] = [];
    for (const amount of [200_00, 210_00, 220_00]) {
      const record = await inventory.updateFlightOffer(
        flightId(1),
        { priceMinor: amount },
        clock.now(),
      );
      if (record) versions.push(record);
    }
    const [v2, v3, v4] = versions as [FlightOfferRecord, FlightOfferRecord, FlightOfferRecord];
    expect([v2.version, v3.version, v4.version]).toEqual([2, 3, 4]);
    const change = (record: FlightOfferRecord): InventoryChange => ({
      type: "flightOffer",
      record,
    });

    // The entry is absent: the first updates land in a partial entry.
    await service.inventoryChanged([change(v3)]); // write path of the second update
    await service.inventoryChanged([change(v2)]); // stream, late
    const stream = buildReadModelService({ db, cache: await peer(), clock }).service;
    await stream.inventoryChanged([change(v4)]); // write path of the third, another process
    await stream.inventoryChanged([change(v3), change(v2)]); // stream redelivers, out of order
    await service.inventoryChanged([change(v4)]); // stream, duplicate

    const after = await service.searchFlights(flightQuery(), tenant);
    expect(after.meta.cache.status).toBe("miss");
    expect(priceOf(after.data, flightId(1))).toBe("220.00");
    await service.inventoryChanged([change(v2), change(v3)]);
    reads.reset();
    const again = await service.searchFlights(flightQuery(), tenant);
    expect(reads.reads).toBe(0);
    expect(priceOf(again.data, flightId(1))).toBe("220.00");
    expect(again.data).toHaveLength(5);
  });

  it("keeps an update that raced a fill reading an older snapshot of the index", async () => {
    const inventory = createInventoryRepository(db);
    // The fill's index query runs first and sees version 1; it is held until the update is applied.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const snapshot = new Map<string, FlightOfferRecord[]>();
    const slowIndex = {
      ...inventory,
      async listFlights(route: { origin: string; destination: string; departDate: string }) {
        const records = await inventory.listFlights(route);
        snapshot.set(route.departDate, records);
        await gate;
        return records;
      },
    };
    const { service } = buildReadModelService({ db, cache, clock, inventory: slowIndex });
    const searching = service.searchFlights(flightQuery(), tenant);
    while (snapshot.size < 20) await new Promise((r) => setTimeout(r, 5));
    expect(snapshot.get(DAY)?.find((r) => r.offerId === flightId(0))?.version).toBe(1);

    const updated = await service.updateOffer(flightId(0), {
      price: { amount: "333.00", currency: "USD" },
    });
    expect(updated.price.amount).toBe("333.00");
    release();
    const raced = await searching;
    // Whatever this in-flight search shows, the entry it stored keeps the newer price.
    expect(["100.00", "333.00"]).toContain(priceOf(raced.data, flightId(0)));
    const next = await service.searchFlights(flightQuery(), tenant);
    expect(next.meta.cache.status).toBe("hit");
    expect(priceOf(next.data, flightId(0))).toBe("333.00");
    expect(next.data).toHaveLength(5);
  });

  it("keeps serving entries already in the cache while DynamoDB is down; a search needing the table is a 503", async () => {
    const { service } = built;
    await service.searchFlights(flightQuery(), tenant);
    await engine.stop();
    engine = await startLocalEngine(); // a fresh one for afterEach; the service keeps the dead one
    // Months not in the cache need the table: 503, until the inventory breaker opens (5 failures).
    for (const month of ["04", "05", "06", "07", "08", "09"]) {
      const uncached = service.searchFlights(
        flightQuery({ departureDate: `2030-${month}-02` }),
        tenant,
      );
      await expect(uncached).rejects.toMatchObject({ status: 503, code: "service_unavailable" });
    }
    // The open breaker guards the table only: the cached month is still served.
    const cached = await service.searchFlights(
      flightQuery({ departureDate: "2030-03-25" }),
      tenant,
    );
    expect(cached.meta.cache.status).toBe("hit");
    expect(cached.data.map((o) => o.id)).toEqual([flightId(6)]);
    expect(service.breakerStates()).toEqual({
      "inventory.search": "open",
      "inventory.price": "closed",
    });
  });

  it("never serves a partial entry as complete: an update before any fill, then a search, shows every offer", async () => {
    const { service } = built;
    await service.updateOffer(flightId(4), { price: { amount: "55.00", currency: "USD" } });
    const first = await service.searchFlights(flightQuery(), tenant);
    expect(first.meta.cache.status).toBe("miss");
    expect(first.data.map((o) => o.id)).toEqual([4, 0, 1, 2, 3].map(flightId));
  });

  it("adds a flight inserted after the fill when its change arrives (stream backstop)", async () => {
    const { service } = built;
    await service.searchFlights(flightQuery(), tenant);
    const added = flightRecord(7, { priceMinor: 50_00 });
    await putFlights(db, [added]);
    const before = await service.searchFlights(flightQuery(), tenant);
    expect(before.data.map((o) => o.id)).not.toContain(flightId(7));
    await service.inventoryChanged([{ type: "flightOffer", record: added }]);
    reads.reset();
    const after = await service.searchFlights(flightQuery(), tenant);
    expect(reads.reads).toBe(0);
    expect(after.data[0]?.id).toBe(flightId(7));
  });

  it("serves hotel stays across a month boundary from two entries and applies night changes in place", async () => {
    const { service } = built;
    const nights = ["2030-03-30", "2030-03-31", "2030-04-01"];
    await putHotel(
      db,
      hotelRecord("htl_EDGE01"),
      nights.map((d, i) => nightRecord("htl_EDGE01", d, { priceMinor: 100_00 + i })),
    );
    await putHotel(
      db,
      hotelRecord("htl_EDGE02", { rating: 5 }),
      nights.map((d) =>
        nightRecord("htl_EDGE02", d, { roomsAvailable: d === "2030-04-01" ? 1 : 3 }),
      ),
    );
    const first = await service.searchHotels(hotelQuery(), tenant);
    expect(first.meta.cache.status).toBe("miss");
    expect(first.data.map((h) => h.hotelId)).toEqual(["htl_EDGE01", "htl_EDGE02"]);
    expect(first.data[0]?.price.amount).toBe("300.03");

    const offerId = hotelOfferId({
      hotelId: "htl_EDGE01",
      checkIn: "2030-03-30",
      checkOut: "2030-04-02",
    });
    await service.updateOffer(offerId, { price: { amount: "90.00", currency: "USD" } });
    reads.reset();
    const after = await service.searchHotels(hotelQuery(), tenant);
    const twoRooms = await service.searchHotels(hotelQuery({ rooms: 2, guests: 2 }), tenant);
    expect(reads.reads).toBe(0);
    expect(after.meta.cache.status).toBe("hit");
    expect(after.data[0]).toMatchObject({ hotelId: "htl_EDGE01", price: { amount: "90.00" } });
    expect(twoRooms.data.map((h) => h.hotelId)).toEqual(["htl_EDGE01"]);
    // A one-night stay in April shares the April entry and sees the new nightly price.
    const april = await service.searchHotels(
      hotelQuery({ checkIn: "2030-04-01", checkOut: "2030-04-02" }),
      tenant,
    );
    expect(april.data.find((h) => h.hotelId === "htl_EDGE01")?.price.amount).toBe("30.00");
  });

  it("learns a hotel added after its city's entry was filled once its nights arrive", async () => {
    const { service } = built;
    await service.searchHotels(hotelQuery(), tenant); // empty city, entries filled
    const nights = ["2030-03-30", "2030-03-31", "2030-04-01"].map((d) =>
      nightRecord("htl_NEW001", d),
    );
    await putHotel(db, hotelRecord("htl_NEW001"), nights);
    await service.inventoryChanged(nights.map((record) => ({ type: "roomNight", record })));
    const found = await service.searchHotels(hotelQuery(), tenant);
    expect(found.data.map((h) => h.hotelId)).toEqual(["htl_NEW001"]);
    expect(found.meta.cache.status).toBe("miss"); // its description was read once
    reads.reset();
    const again = await service.searchHotels(hotelQuery(), tenant);
    expect(reads.reads).toBe(0);
    expect(again.meta.cache.status).toBe("hit");
    expect(again.data[0]?.name).toBe("Hotel htl_NEW001");
  });

  it("merges an external supplier (cache-aside) with the read model and reports one cache status", async () => {
    const external = createSimulatedSupplier({ name: "partner", seed: "rm" });
    const { service } = buildReadModelService({ db, cache, clock, extraSuppliers: [external] });
    const first = await service.searchFlights(flightQuery(), tenant);
    expect(first.meta.cache.status).toBe("miss");
    const ids = first.data.map((o) => o.id);
    expect(ids).toEqual(expect.arrayContaining([0, 1, 2, 3, 4].map(flightId)));
    expect(first.data.some((o) => o.id.startsWith("off_sim_"))).toBe(true);
    expect(first.meta.suppliers.missing).toEqual([]);
    const again = await service.searchFlights(flightQuery(), tenant);
    expect(again.meta.cache.status).toBe("hit");
    // The supplier part is a 10-minute cache-aside entry, the inventory part a 24 h read model.
    expect(again.meta.cache.ttlSeconds).toBeLessThanOrEqual(660);

    external.configure({ failureRate: 1 });
    const partial = await service.searchFlights(
      flightQuery({ departureDate: "2030-03-25" }),
      tenant,
    );
    expect(partial.meta.suppliers.missing).toEqual(["partner"]);
    expect(partial.data.map((o) => o.id)).toContain(flightId(6));
  });
}
