import type { Cache } from "@travel/cache";
import { createInventoryRepository, hotelOfferId, type TravelService } from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { SearchValidationError } from "../src/errors.js";
import type { HotelQuery } from "../src/query.js";
import {
  buildService,
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

export interface CacheFactory {
  /**
   * A cache no other test shares; `peer()` gives what a second process would use: another
   * client on the same Redis keys, or (in-process backend) the same cache.
   */
  create(): Promise<{ cache: Cache; peer(): Promise<Cache> }>;
  cleanup(): Promise<void>;
}

const tenant = TENANT;
const STAY = { checkIn: "2030-03-20", checkOut: "2030-03-23" };
const hotelQuery = (patch: Partial<HotelQuery> = {}) => stayQuery(STAY, patch);

async function rejection(promise: Promise<unknown>): Promise<SearchValidationError> {
  try {
    await promise;
  } catch (error) {
    return error as SearchValidationError;
  }
  throw new Error("expected a rejection");
}

/** The behaviour every cache backend must give search (run against memory and real Redis). */
export function searchScenarios(factory: CacheFactory): void {
  let engine: LocalEngine;
  let db: TravelService;
  let cache: Cache;
  let peer: () => Promise<Cache>;
  let clock: MutableClock;
  let service: ReturnType<typeof buildService>;

  beforeEach(async () => {
    engine = await startLocalEngine();
    db = engine.db;
    ({ cache, peer } = await factory.create());
    clock = mutableClock();
    service = buildService({ db, cache, clock });
    // Five flights: 0 cheapest … 4 dearest; flight 2 has only 2 seats, flight 4 is Delta, one stop.
    await putFlights(db, [
      flightRecord(0),
      flightRecord(1),
      flightRecord(2, { seatsAvailable: 2 }),
      flightRecord(3),
      flightRecord(4, { carrier: "DL", stops: 1 }),
      flightRecord(5, { cabin: "business", priceMinor: 900_00 }),
    ]);
  });

  afterEach(async () => {
    await factory.cleanup();
    await engine.stop();
  });

  it("answers a repeated search from the cache, whatever the sort, page or travellers", async () => {
    const first = await service.searchFlights(flightQuery(), tenant);
    expect(first.meta.cache.status).toBe("miss");
    expect(first.data.map((o) => o.id)).toEqual([0, 1, 2, 3, 4].map(flightId));
    expect(first.data[0]?.price).toEqual({ amount: "100.00", currency: "USD" });
    expect(first.meta.cache.ttlSeconds).toBeGreaterThanOrEqual(540);
    expect(first.meta.suppliers.missing).toEqual([]);

    const again = await service.searchFlights(flightQuery(), tenant);
    expect(again.meta.cache.status).toBe("hit");
    expect(again.data).toEqual(first.data);
    expect(again.meta.searchId).not.toBe(first.meta.searchId);

    const byDuration = await service.searchFlights(flightQuery({ sort: "duration" }), tenant);
    expect(byDuration.meta.cache.status).toBe("hit");
    expect(byDuration.data.map((o) => o.durationMinutes)).toEqual([330, 335, 340, 345, 350]);

    const threeAdults = await service.searchFlights(flightQuery({ adults: 3 }), tenant);
    expect(threeAdults.meta.cache.status).toBe("hit");
    expect(threeAdults.data.map((o) => o.id)).toEqual([0, 1, 3, 4].map(flightId));
    // The price stays per traveller.
    expect(threeAdults.data[0]?.price.amount).toBe("100.00");

    const business = await service.searchFlights(flightQuery({ cabin: "business" }), tenant);
    expect(business.meta.cache.status).toBe("miss");
    expect(business.data.map((o) => o.id)).toEqual([flightId(5)]);

    const filtered = await service.searchFlights(
      flightQuery({ maxPrice: "130", carriers: ["AA"], maxStops: 0 }),
      tenant,
    );
    expect(filtered.meta.cache.status).toBe("hit");
    expect(filtered.data.map((o) => o.id)).toEqual([0, 1, 2, 3].map(flightId));
  });

  it("pages through one cached set with signed cursors", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    const statuses: string[] = [];
    do {
      const page = await service.searchFlights(
        flightQuery({ limit: 2, ...(cursor ? { cursor } : {}) }),
        tenant,
      );
      seen.push(...page.data.map((o) => o.id));
      statuses.push(page.meta.cache.status);
      expect(page.meta.total).toBe(5);
      expect(page.meta.count).toBe(page.data.length);
      cursor = page.meta.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([0, 1, 2, 3, 4].map(flightId));
    expect(statuses).toEqual(["miss", "hit", "hit"]);

    const first = await service.searchFlights(flightQuery({ limit: 2 }), tenant);
    const next = first.meta.nextCursor ?? "";
    const foreign = await rejection(
      service.searchFlights(flightQuery({ limit: 2, sort: "duration", cursor: next }), tenant),
    );
    expect(foreign.status).toBe(422);
    expect(foreign.errors?.[0]?.path).toBe("cursor");
    const tampered = await rejection(
      service.searchFlights(flightQuery({ limit: 2, cursor: `x${next}` }), tenant),
    );
    expect(tampered.status).toBe(422);
  });

  it("shows an admin price change on the very next search", async () => {
    await service.searchFlights(flightQuery(), tenant);
    const updated = await service.updateOffer(flightId(3), {
      price: { amount: "79.50", currency: "USD" },
      seatsAvailable: 1,
    });
    expect(updated).toMatchObject({ id: flightId(3), seatsAvailable: 1 });
    expect(updated.price).toEqual({ amount: "79.50", currency: "USD" });

    const after = await service.searchFlights(flightQuery(), tenant);
    expect(after.meta.cache.status).toBe("miss");
    expect(after.data[0]).toMatchObject({ id: flightId(3), price: { amount: "79.50" } });
    const two = await service.searchFlights(flightQuery({ adults: 2 }), tenant);
    expect(two.data.map((o) => o.id)).not.toContain(flightId(3));

    expect((await service.getOffer(flightId(3))).price.amount).toBe("79.50");
  });

  it("lets a second process sharing the cache see the new price at once", async () => {
    const other = buildService({ db, cache: await peer(), clock });
    expect((await other.searchFlights(flightQuery(), tenant)).meta.cache.status).toBe("miss");
    expect((await service.searchFlights(flightQuery(), tenant)).meta.cache.status).toBe("hit");

    await service.updateOffer(flightId(0), { price: { amount: "250.00", currency: "USD" } });
    const seenByOther = await other.searchFlights(flightQuery(), tenant);
    expect(seenByOther.meta.cache.status).toBe("miss");
    expect(seenByOther.data.find((o) => o.id === flightId(0))?.price.amount).toBe("250.00");
    expect(seenByOther.data[0]?.id).toBe(flightId(1));
  });

  it("invalidates when a booking path reports an inventory change", async () => {
    await service.searchFlights(flightQuery(), tenant);
    const inventory = createInventoryRepository(db);
    const held = await inventory.updateFlightOffer(flightId(0), { seatsAvailable: 0 }, clock.now());
    expect(held).toBeDefined();
    await service.inventoryChanged([{ type: "flightOffer", record: held! }]);
    const after = await service.searchFlights(flightQuery(), tenant);
    expect(after.meta.cache.status).toBe("miss");
    expect(after.data.map((o) => o.id)).not.toContain(flightId(0));
  });

  it("refuses bad admin updates with 422 and unknown offers with 404", async () => {
    const currency = await rejection(
      service.updateOffer(flightId(1), { price: { amount: "10.00", currency: "EUR" } }),
    );
    expect(currency.status).toBe(422);
    expect(currency.errors).toEqual([{ path: "price.currency", message: expect.any(String) }]);
    const negative = await rejection(service.updateOffer(flightId(1), { seatsAvailable: -1 }));
    expect(negative.status).toBe(422);
    const tooMany = await rejection(service.updateOffer(flightId(1), { seatsAvailable: 10 }));
    expect(tooMany.errors?.[0]?.path).toBe("seatsAvailable");
    const rooms = await rejection(service.updateOffer(flightId(1), { roomsAvailable: 1 }));
    expect(rooms.errors?.[0]?.path).toBe("roomsAvailable");
    const empty = await rejection(service.updateOffer(flightId(1), {}));
    expect(empty.status).toBe(422);
    expect((await rejection(service.updateOffer(flightId(99), { seatsAvailable: 1 }))).status).toBe(
      404,
    );
    expect((await service.getOffer(flightId(1))).price.amount).toBe("110.00");
  });

  it("re-prices offers live: 404 for unknown or garbage ids, 410 once departed", async () => {
    const live = await service.getOffer(flightId(1));
    expect(live).toMatchObject({ type: "flight", seatsAvailable: 9, price: { amount: "110.00" } });
    expect(live.pricedAt).toBe(clock.now().toISOString());
    expect(live.expiresAt).toBe(new Date(clock.now().getTime() + 15 * 60_000).toISOString());

    for (const id of [flightId(77), "off_", "garbage", "off_../../etc", `off_${"A".repeat(300)}`]) {
      const error = await rejection(service.getOffer(id));
      expect(error.status).toBe(404);
      expect(error.code).toBe("offer_not_found");
    }

    // 5 minutes before departure the quote expires at departure, not 15 minutes later.
    clock.set("2030-03-20T08:55:00Z");
    expect((await service.getOffer(flightId(1))).expiresAt).toBe("2030-03-20T09:00:00.000Z");
    clock.set("2030-03-20T09:00:00Z");
    const gone = await rejection(service.getOffer(flightId(1)));
    expect(gone.status).toBe(410);
    expect(gone.code).toBe("offer_expired");
    // A cached set for the day no longer lists the departed flight.
    const later = await service.searchFlights(flightQuery(), tenant);
    expect(later.data.map((o) => o.id)).toEqual([2, 3, 4].map(flightId));
  });

  it("offers a hotel only when every night has the rooms, priced as the exact sum", async () => {
    const nights = ["2030-03-20", "2030-03-21", "2030-03-22"];
    await putHotel(
      db,
      hotelRecord("htl_FULL01", { rating: 3 }),
      nights.map((d, i) => nightRecord("htl_FULL01", d, { priceMinor: 100_01 + i })),
    );
    await putHotel(
      db,
      hotelRecord("htl_TIGHT1", { rating: 5 }),
      nights.map((d) =>
        nightRecord("htl_TIGHT1", d, { roomsAvailable: d === "2030-03-21" ? 1 : 4 }),
      ),
    );
    // Missing the middle night: never offered for this stay.
    await putHotel(
      db,
      hotelRecord("htl_GAP001"),
      [nights[0], nights[2]].map((d) =>
        nightRecord("htl_GAP001", d as string, { priceMinor: 1_00 }),
      ),
    );
    // Another city: not in a LAX search.
    await putHotel(
      db,
      hotelRecord("htl_SFO001", { city: "SFO" }),
      nights.map((d) => nightRecord("htl_SFO001", d, { city: "SFO" })),
    );

    const one = await service.searchHotels(hotelQuery(), tenant);
    expect(one.meta.cache.status).toBe("miss");
    expect(one.data.map((h) => h.hotelId)).toEqual(["htl_FULL01", "htl_TIGHT1"]);
    expect(one.data[0]).toMatchObject({
      id: hotelOfferId({ hotelId: "htl_FULL01", ...STAY }),
      nights: 3,
      roomsAvailable: 5,
      price: { amount: "300.06", currency: "USD" },
    });
    expect(one.data[1]).toMatchObject({ roomsAvailable: 1, price: { amount: "450.00" } });

    const two = await service.searchHotels(
      hotelQuery({ rooms: 2, guests: 2, sort: "rating" }),
      tenant,
    );
    expect(two.meta.cache.status).toBe("hit");
    expect(two.data.map((h) => h.hotelId)).toEqual(["htl_FULL01"]);

    const byRating = await service.searchHotels(hotelQuery({ sort: "rating" }), tenant);
    expect(byRating.data.map((h) => h.hotelId)).toEqual(["htl_TIGHT1", "htl_FULL01"]);

    // Admin: the stay's price is spread over its nights; rooms set on every night.
    const offerId = hotelOfferId({ hotelId: "htl_FULL01", ...STAY });
    const updated = await service.updateOffer(offerId, {
      price: { amount: "100.00", currency: "USD" },
      roomsAvailable: 1,
    });
    expect(updated).toMatchObject({ price: { amount: "100.00" }, roomsAvailable: 1 });
    const afterUpdate = await service.searchHotels(hotelQuery(), tenant);
    expect(afterUpdate.meta.cache.status).toBe("miss");
    expect(afterUpdate.data[0]).toMatchObject({
      hotelId: "htl_FULL01",
      price: { amount: "100.00" },
    });
    const shorter = await service.getOffer(
      hotelOfferId({ hotelId: "htl_FULL01", checkIn: "2030-03-21", checkOut: "2030-03-22" }),
    );
    expect(shorter.price.amount).toBe("33.33");

    // A hotel offer for a stay with a missing night does not exist.
    const gap = await rejection(service.getOffer(hotelOfferId({ hotelId: "htl_GAP001", ...STAY })));
    expect(gap.status).toBe(404);

    // Check-in day passes (in Los Angeles): the offer has expired.
    clock.set("2030-03-21T09:00:00Z"); // 02:00 on 21 March in LA
    const expired = await rejection(service.getOffer(offerId));
    expect(expired.status).toBe(410);
  });

  it("caches an empty result only briefly", async () => {
    const none = await service.searchFlights(flightQuery({ destination: "SFO" }), tenant);
    expect(none.data).toEqual([]);
    expect(none.meta).toMatchObject({ count: 0, total: 0, nextCursor: null });
    expect(none.meta.cache.status).toBe("miss");
    const again = await service.searchFlights(flightQuery({ destination: "SFO" }), tenant);
    expect(again.meta.cache.status).toBe("hit");
    expect(again.meta.cache.ttlSeconds).toBe(20);
  });
}
