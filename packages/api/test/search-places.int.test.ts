import { findPlace } from "@travel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dayFromToday,
  HOTELS,
  insertInventory,
  loadSeededFlights,
  roomNights,
} from "./fixtures.js";
import { readProblem, startTestApp, type TestApp } from "./harness.js";

interface Offer {
  id: string;
  origin: string;
  destination: string;
  carrier: string;
  departAt: string;
  city?: string;
}
interface Body {
  data: Offer[];
  meta: { inventoryHorizon: string; total: number };
}

/** The first Wednesday at least `days` ahead (a weekday with a full schedule). */
function weekdayFromToday(days: number): string {
  for (let d = days; ; d++) {
    const date = dayFromToday(d);
    if (new Date(`${date}T12:00:00Z`).getUTCDay() === 3) return date;
  }
}

const NYC = findPlace("NYC")?.airports ?? [];
const LON = findPlace("LON")?.airports ?? [];

describe("v2 search through HTTP: strict queries, city codes, inventory horizon", () => {
  let t: TestApp;
  let key: string;
  const date = weekdayFromToday(5);
  const checkIn = dayFromToday(8);
  const checkOut = dayFromToday(10);
  const get = async (path: string) => t.request(path, { key });

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.createKey(["search", "book"]);
    await loadSeededFlights(t.engine.db, {
      startDate: date,
      days: 1,
      keep: (f) =>
        (f.origin === "JFK" && f.destination === "LAX") ||
        (NYC.includes(f.origin) && LON.includes(f.destination)),
    });
    await insertInventory(t.engine.db, { hotels: HOTELS, nights: roomNights(checkIn, checkOut) });
  });
  afterAll(async () => {
    await t.close();
  });

  it("JFK→LAX on a weekday: at least 15 flights over at least 3 carriers", async () => {
    const res = await get(
      `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}&maxStops=0&limit=100`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body.data.length).toBeGreaterThanOrEqual(15);
    expect(new Set(body.data.map((o) => o.carrier)).size).toBeGreaterThanOrEqual(3);
  });

  it("NYC→LON searches every airport of both cities", async () => {
    const res = await get(
      `/v1/flights/search?origin=nyc&destination=LON&departureDate=${date}&maxStops=0&limit=100`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    const origins = new Set(body.data.map((o) => o.origin));
    const destinations = new Set(body.data.map((o) => o.destination));
    expect(origins.size).toBeGreaterThanOrEqual(2);
    expect(destinations.size).toBeGreaterThanOrEqual(2);
    for (const o of origins) expect(NYC).toContain(o);
    for (const d of destinations) expect(LON).toContain(d);
  });

  it("refuses a destination sharing an airport with the origin (NYC→JFK)", async () => {
    const res = await get(`/v1/flights/search?origin=NYC&destination=JFK&departureDate=${date}`);
    expect(res.status).toBe(422);
    const problem = await readProblem(res);
    expect(problem.errors).toEqual([expect.objectContaining({ path: "destination" })]);
  });

  it("an unknown query parameter is a 422 naming it, on search and on routes without a query", async () => {
    const search = await get(
      `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}&currency=EUR&retrunDate=${date}`,
    );
    expect(search.status).toBe(422);
    const problem = await readProblem(search);
    expect(problem.code).toBe("validation_failed");
    expect((problem.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      "currency",
      "retrunDate",
    ]);
    const hotels = await get(
      `/v1/hotels/search?city=LON&checkIn=${checkIn}&checkOut=${checkOut}&currency=EUR`,
    );
    expect(hotels.status).toBe(422);
    const booking = await get("/v1/bookings/bkg_01JD8X3Z5K7M9P1Q3R5T7V9X1Z?expand=all");
    expect(booking.status).toBe(422);
    expect((await readProblem(booking)).errors).toEqual([
      { path: "expand", message: "is not a known query parameter" },
    ]);
    const health = await t.request("/health?verbose=1");
    expect(health.status).toBe(422);
  });

  it("v1 queries keep working (every v1 parameter)", async () => {
    const res = await get(
      `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}&adults=2&cabin=economy&maxStops=0&maxPrice=2000&sort=departure&limit=5`,
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as Body).data).toHaveLength(5);
  });

  it("carries meta.inventoryHorizon and answers an empty 200 past it", async () => {
    const res = await get(`/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`);
    const { meta } = (await res.json()) as Body;
    expect(meta.inventoryHorizon).toBe(dayFromToday(29));
    const past = await get(
      `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${dayFromToday(40)}`,
    );
    expect(past.status).toBe(200);
    const body = (await past.json()) as Body;
    expect(body.data).toEqual([]);
    expect(body.meta.inventoryHorizon).toBe(dayFromToday(29));
  });

  it("hotels by city code or any airport of the city, shown under the city code", async () => {
    const names = async (city: string) => {
      const res = await get(
        `/v1/hotels/search?city=${city}&checkIn=${checkIn}&checkOut=${checkOut}`,
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as Body;
      for (const offer of body.data) expect(offer.city).toBe("LON");
      return body.data.map((o) => o.id).sort();
    };
    const byCity = await names("LON");
    expect(byCity).toHaveLength(2);
    expect(await names("LGW")).toEqual(byCity);
    expect(await names("LHR")).toEqual(byCity);
  });
});
