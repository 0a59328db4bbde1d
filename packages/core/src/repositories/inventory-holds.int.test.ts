import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids.js";
import { type LocalEngine, startLocalEngine } from "../local/engine.js";
import {
  createInventoryHoldRepository,
  type InventoryItemRef,
  tenantInventoryCap,
} from "./inventory-holds.js";

let engine: LocalEngine;
let holds: ReturnType<typeof createInventoryHoldRepository>;
const now = new Date("2027-01-01T00:00:00.000Z");

beforeAll(async () => {
  engine = await startLocalEngine();
  holds = createInventoryHoldRepository(engine.db);
});
afterAll(async () => {
  await engine.stop();
});

async function seedFlight(seats: number, withHoldsMap: boolean): Promise<InventoryItemRef> {
  const offerId = newId("offer");
  await engine.db.entities.flightOffer
    .create({
      offerId,
      origin: "JFK",
      destination: "LAX",
      departDate: "2027-02-01",
      departAt: "2027-02-01T10:00:00.000Z",
      arriveAt: "2027-02-01T16:00:00.000Z",
      durationMinutes: 360,
      stops: 0,
      carrier: "AA",
      flightNumber: "AA1",
      cabin: "economy",
      seatsAvailable: seats,
      seatsTotal: seats,
      priceMinor: 100,
      currency: "USD",
      version: 1,
      updatedAt: now.toISOString(),
      ...(withHoldsMap ? { holds: {} } : {}),
    })
    .go();
  return { kind: "flightOffer", offerId };
}

async function seats(item: InventoryItemRef) {
  const change = await holds.current(item);
  return change?.type === "flightOffer" ? change.record.seatsAvailable : undefined;
}

describe.each([true, false])("holds on a flight (holds map seeded: %s)", (withHoldsMap) => {
  it("acquires once per booking and reports the new state with a bumped version", async () => {
    const item = await seedFlight(5, withHoldsMap);
    const first = await holds.acquire(item, "bkg_A", 2, now);
    expect(first).toMatchObject({
      outcome: "held",
      alreadyHeld: false,
      quantity: 2,
      change: { type: "flightOffer", record: { seatsAvailable: 3, version: 2 } },
    });
    // The change carries the record only: no holds map, no key attributes.
    expect(Object.keys((first as { change: { record: object } }).change.record)).not.toContain(
      "holds",
    );
    const again = await holds.acquire(item, "bkg_A", 2, now);
    expect(again).toMatchObject({ outcome: "held", alreadyHeld: true, quantity: 2 });
    expect(await seats(item)).toBe(3);
    expect(await holds.holdsOn(item)).toEqual({ bkg_A: 2 });
  });

  it("never goes below zero", async () => {
    const item = await seedFlight(3, withHoldsMap);
    expect(await holds.acquire(item, "bkg_A", 2, now)).toMatchObject({ outcome: "held" });
    expect(await holds.acquire(item, "bkg_B", 2, now)).toEqual({
      outcome: "insufficient",
      available: 1,
    });
    expect(await holds.acquire(item, "bkg_C", 1, now)).toMatchObject({ outcome: "held" });
    expect(await holds.acquire(item, "bkg_D", 1, now)).toEqual({
      outcome: "insufficient",
      available: 0,
    });
    expect(await seats(item)).toBe(0);
    expect(await holds.holdsOn(item)).toEqual({ bkg_A: 2, bkg_C: 1 });
  });

  it("releases exactly once, also when releases race", async () => {
    const item = await seedFlight(4, withHoldsMap);
    await holds.acquire(item, "bkg_A", 3, now);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => holds.release(item, "bkg_A", now)),
    );
    expect(results.filter((r) => r.outcome === "released")).toHaveLength(1);
    expect(results.find((r) => r.outcome === "released")).toMatchObject({
      quantity: 3,
      change: { record: { seatsAvailable: 4, version: 3 } },
    });
    expect(await seats(item)).toBe(4);
    expect(await holds.holdsOn(item)).toEqual({});
    expect(await holds.release(item, "bkg_never", now)).toEqual({ outcome: "notHeld" });
    expect(await seats(item)).toBe(4);
  });
});

it("reports a missing item and never creates one", async () => {
  const item: InventoryItemRef = { kind: "flightOffer", offerId: newId("offer") };
  expect(await holds.acquire(item, "bkg_A", 1, now)).toEqual({ outcome: "missing" });
  expect(await holds.release(item, "bkg_A", now)).toEqual({ outcome: "notHeld" });
  expect(await holds.current(item)).toBeUndefined();
});

it("holds room nights and strips derived attributes from the published record", async () => {
  const hotelId = newId("hotel");
  await engine.db.entities.roomNight
    .create({
      hotelId,
      city: "PAR",
      date: "2027-02-03",
      roomsAvailable: 2,
      roomsTotal: 2,
      priceMinor: 9000,
      currency: "EUR",
      version: 1,
      updatedAt: now.toISOString(),
    })
    .go();
  const item: InventoryItemRef = { kind: "roomNight", hotelId, date: "2027-02-03" };
  const held = await holds.acquire(item, "bkg_A", 2, now);
  expect(held).toMatchObject({
    outcome: "held",
    change: { type: "roomNight", record: { roomsAvailable: 0 } },
  });
  const record = (held as { change: { record: Record<string, unknown> } }).change.record;
  expect(record).not.toHaveProperty("month");
  expect(record).not.toHaveProperty("holds");
  expect(await holds.acquire(item, "bkg_B", 1, now)).toEqual({
    outcome: "insufficient",
    available: 0,
  });
});

describe("tenant counts (tenant_inventory_cap)", () => {
  it("computes the contract's cap: max(9, ⌊share × total⌋)", () => {
    expect(tenantInventoryCap(63, 50)).toBe(31);
    expect(tenantInventoryCap(10, 50)).toBe(9);
    expect(tenantInventoryCap(200, 25)).toBe(50);
  });

  it.each([true, false])(
    "counts, caps and returns a tenant's units (holds map seeded: %s)",
    async (withHoldsMap) => {
      const ref = await seedFlight(30, withHoldsMap);
      const item: InventoryItemRef = { ...ref, tenantCap: 9 };
      const owner = (bookingId: string) => ({ bookingId, tenantId: "t-1" });
      expect(await holds.acquire(item, owner("bkg_1"), 5, now)).toMatchObject({ outcome: "held" });
      expect(await holds.acquire(item, owner("bkg_2"), 5, now)).toEqual({
        outcome: "capped",
        heldByTenant: 5,
        cap: 9,
      });
      expect(await holds.acquire(item, owner("bkg_3"), 4, now)).toMatchObject({ outcome: "held" });
      expect(
        await holds.acquire(item, { bookingId: "bkg_4", tenantId: "t-2" }, 9, now),
      ).toMatchObject({ outcome: "held" });
      expect(await holds.heldByTenant(item, "t-1")).toBe(9);
      expect(await holds.acquire(item, owner("bkg_5"), 10, now)).toMatchObject({
        outcome: "capped",
      });
      // The published record never carries the counts.
      const change = await holds.current(item);
      expect(change?.record).not.toHaveProperty("tenantHolds");

      expect(await holds.release(item, owner("bkg_1"), now)).toMatchObject({ outcome: "released" });
      expect(await holds.release(item, owner("bkg_1"), now)).toEqual({ outcome: "notHeld" });
      expect(await holds.heldByTenant(item, "t-1")).toBe(4);
      expect(await seats(item)).toBe(30 - 4 - 9);
    },
  );

  it("releases a hold taken before tenants were counted without driving a count negative", async () => {
    const item = await seedFlight(12, false);
    await holds.acquire(item, "bkg_old", 3, now);
    const owner = { bookingId: "bkg_old", tenantId: "t-legacy" };
    expect(await holds.release(item, owner, now)).toMatchObject({
      outcome: "released",
      quantity: 3,
    });
    expect(await holds.heldByTenant(item, "t-legacy")).toBe(0);
    expect(await seats(item)).toBe(12);
  });
});
