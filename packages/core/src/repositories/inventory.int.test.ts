import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlightOfferRecord, RoomNightRecord } from "../domain.js";
import { type LocalEngine, startLocalEngine } from "../local/engine.js";
import { generateInventory } from "../seed/inventory.js";
import { createBatchWriter, inventoryItems } from "../seed/load.js";
import {
  addDays,
  createInventoryRepository,
  eachDay,
  type InventoryRepository,
} from "./inventory.js";

let engine: LocalEngine;
let inventory: InventoryRepository;
// Two seeded days that straddle a month boundary.
const seed = generateInventory({
  seed: "inventory-test",
  startDate: "2026-04-30",
  days: 2,
  routePairs: 30,
});
const days = [...seed.days()];
const flights: FlightOfferRecord[] = days.flatMap((d) => d.flights);
const nights: RoomNightRecord[] = days.flatMap((d) => d.nights);

beforeAll(async () => {
  engine = await startLocalEngine();
  inventory = createInventoryRepository(engine.db);
  const writer = createBatchWriter({ client: engine.db.client, table: engine.db.table });
  await writer.write(inventoryItems(engine.db, { hotels: seed.hotels, flights, nights }));
});

afterAll(async () => {
  await engine?.stop();
});

describe("inventory repository", () => {
  it("lists every cabin of a route's flights on a date, in departure order", async () => {
    const [sample] = flights;
    if (!sample) throw new Error("no flights seeded");
    const route = {
      origin: sample.origin,
      destination: sample.destination,
      departDate: sample.departDate,
    };
    const expected = flights.filter(
      (f) =>
        f.origin === route.origin &&
        f.destination === route.destination &&
        f.departDate === route.departDate,
    );
    const listed = await inventory.listFlights(route);
    expect(listed).toHaveLength(expected.length);
    expect(new Set(listed.map((f) => f.offerId))).toEqual(new Set(expected.map((f) => f.offerId)));
    expect(listed.map((f) => f.departAt)).toEqual([...listed.map((f) => f.departAt)].sort());
    // Records come back exactly as written, without ElectroDB's or the booking's bookkeeping.
    const byId = new Map(expected.map((f) => [f.offerId, f]));
    for (const f of listed) expect(f).toEqual(byId.get(f.offerId));
    expect(await inventory.listFlights({ ...route, departDate: "2027-01-01" })).toEqual([]);
  });

  it("reads one offer strongly consistently; unknown offers are undefined", async () => {
    const [sample] = flights;
    expect(await inventory.getFlightOffer(sample?.offerId ?? "")).toEqual(sample);
    expect(await inventory.getFlightOffer("off_01NOTHERE0000000000000000")).toBeUndefined();
  });

  it("reads a hotel's nights for a stay across the month boundary", async () => {
    const [hotel] = seed.hotels;
    if (!hotel) throw new Error("no hotels seeded");
    expect(await inventory.getHotel(hotel.hotelId)).toEqual(hotel);
    const stay = await inventory.getNights(hotel.hotelId, "2026-04-30", "2026-05-01");
    expect(stay.map((n) => n.date)).toEqual(["2026-04-30", "2026-05-01"]);
    expect(stay).toEqual(nights.filter((n) => n.hotelId === hotel.hotelId));
  });

  it("lists a city's hotels and all their nights between two dates in different months", async () => {
    const city = "LHR";
    const hotels = seed.hotels.filter((h) => h.city === city);
    expect((await inventory.listHotelsInCity(city)).map((h) => h.hotelId).sort()).toEqual(
      hotels.map((h) => h.hotelId).sort(),
    );
    const listed = await inventory.listCityNights(city, "2026-04-30", "2026-05-01");
    expect(listed).toHaveLength(hotels.length * 2);
    expect(new Set(listed.map((n) => n.date))).toEqual(new Set(["2026-04-30", "2026-05-01"]));
    const onlyMay = await inventory.listCityNights(city, "2026-05-01", "2026-05-01");
    expect(onlyMay.every((n) => n.date === "2026-05-01")).toBe(true);
    expect(onlyMay).toHaveLength(hotels.length);
  });

  it("updates a flight offer's price and seats, bumping its version each time", async () => {
    const sample = flights[1];
    if (!sample) throw new Error("no flights seeded");
    const first = await inventory.updateFlightOffer(
      sample.offerId,
      { priceMinor: 12_300, seatsAvailable: 4 },
      new Date("2026-04-30T12:00:00Z"),
    );
    expect(first).toEqual({
      ...sample,
      priceMinor: 12_300,
      seatsAvailable: 4,
      version: sample.version + 1,
      updatedAt: "2026-04-30T12:00:00.000Z",
    });
    const second = await inventory.updateFlightOffer(
      sample.offerId,
      { priceMinor: 9_900 },
      new Date("2026-04-30T13:00:00Z"),
    );
    expect(second?.version).toBe(sample.version + 2);
    expect(second?.seatsAvailable).toBe(4);
    expect(await inventory.getFlightOffer(sample.offerId)).toEqual(second);
  });

  it("returns undefined for a missing offer and creates nothing", async () => {
    const missing = "off_01NOTHERE0000000000000001";
    expect(
      await inventory.updateFlightOffer(missing, { priceMinor: 1 }, new Date()),
    ).toBeUndefined();
    expect(await inventory.getFlightOffer(missing)).toBeUndefined();
  });

  it("updates a room night and refuses to create one", async () => {
    const sample = nights[0];
    if (!sample) throw new Error("no nights seeded");
    const updated = await inventory.updateRoomNight(
      { hotelId: sample.hotelId, date: sample.date },
      { roomsAvailable: 0 },
      new Date("2026-04-30T12:00:00Z"),
    );
    expect(updated).toEqual({
      ...sample,
      roomsAvailable: 0,
      version: 2,
      updatedAt: "2026-04-30T12:00:00.000Z",
    });
    const missing = { hotelId: sample.hotelId, date: "2030-01-01" };
    expect(
      await inventory.updateRoomNight(missing, { roomsAvailable: 3 }, new Date()),
    ).toBeUndefined();
    expect(await inventory.getNights(sample.hotelId, "2030-01-01", "2030-01-01")).toEqual([]);
  });

  it("has day helpers that cross month and year ends", () => {
    expect(eachDay("2026-12-30", "2027-01-02")).toEqual([
      "2026-12-30",
      "2026-12-31",
      "2027-01-01",
      "2027-01-02",
    ]);
    expect(eachDay("2026-01-02", "2026-01-01")).toEqual([]);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });
});
