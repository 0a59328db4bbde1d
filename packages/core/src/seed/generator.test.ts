import { describe, expect, it } from "vitest";
import { findAirport } from "../airports.js";
import { flightOfferRecordSchema, hotelRecordSchema, roomNightRecordSchema } from "../domain.js";
import { isId, parseOfferId } from "../ids.js";
import { BUSIEST_AIRPORT_CODES, seedAirports } from "./airports.js";
import { BUSY_ROUTES } from "./busy-routes.js";
import { CARRIERS_BY_COUNTRY, carrier } from "./carriers.js";
import { HOTEL_CITIES } from "./hotels.js";
import { generateInventory, type SeedDay } from "./inventory.js";
import { seedRoutes } from "./routes.js";
import { dayOfWeek, zoneOffsetMinutes } from "./time.js";

const START = "2026-03-02"; // a Monday; the period crosses the US and EU DST changes
const inventory = generateInventory({ seed: "test", startDate: START, days: 14 });
const days: SeedDay[] = [...inventory.days()];
const flights = days.flatMap((d) => d.flights);
const nights = days.flatMap((d) => d.nights);

function localParts(instant: string, timeZone: string): { date: string; minute: number } {
  const ms = Date.parse(instant) + zoneOffsetMinutes(timeZone, Date.parse(instant)) * 60_000;
  const local = new Date(ms).toISOString();
  return {
    date: local.slice(0, 10),
    minute: Number(local.slice(11, 13)) * 60 + Number(local.slice(14, 16)),
  };
}

const routeKm = new Map(seedRoutes().map((r) => [`${r.origin}-${r.destination}`, r.distanceKm]));
const kmOf = (f: { origin: string; destination: string }) =>
  routeKm.get(`${f.origin}-${f.destination}`) ?? Number.NaN;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

describe("seed airports and routes", () => {
  it("uses at least 60 real airports, all resolved from the data set", () => {
    const airports = seedAirports();
    expect(airports.length).toBeGreaterThanOrEqual(60);
    expect(new Set(BUSIEST_AIRPORT_CODES).size).toBe(BUSIEST_AIRPORT_CODES.length);
    for (const airport of airports) expect(findAirport(airport.iata)).toEqual(airport);
  });

  it("has distinct directed routes, flown both ways, busiest first", () => {
    const routes = seedRoutes();
    expect(routes.length).toBeGreaterThan(600);
    for (let i = 1; i < routes.length; i++) {
      expect(routes[i]?.dailyFlights).toBeLessThanOrEqual(routes[i - 1]?.dailyFlights ?? 0);
    }
    const keys = new Set(routes.map((r) => `${r.origin}-${r.destination}`));
    expect(keys.size).toBe(routes.length);
    for (const r of routes) {
      expect(keys.has(`${r.destination}-${r.origin}`)).toBe(true);
      expect(r.origin).not.toBe(r.destination);
      expect(r.distanceKm).toBeGreaterThanOrEqual(250);
    }
    expect(routes.map((r) => r.rank)).toEqual(routes.map((_, i) => i));
    for (let i = 1; i < routes.length; i++) {
      expect(routes[i]?.popularity).toBeLessThanOrEqual(routes[i - 1]?.popularity ?? 0);
    }
    expect(routes.reduce((sum, r) => sum + r.popularity, 0)).toBeCloseTo(1, 9);
    // Every seed airport is served.
    expect(new Set(routes.map((r) => r.origin)).size).toBe(seedAirports().length);
  });

  it("mixes short, medium and long haul", () => {
    const km = seedRoutes().map((r) => r.distanceKm);
    expect(km.filter((d) => d < 1_500).length).toBeGreaterThan(100);
    expect(km.filter((d) => d >= 1_500 && d < 4_000).length).toBeGreaterThan(100);
    expect(km.filter((d) => d >= 4_000).length).toBeGreaterThan(50);
  });
});

describe("seed flights", () => {
  it("are valid flight offer records with unique flight offer ids", () => {
    // Violations are collected and compared once: an expect() per record is slow on 80k records.
    expect(flights.filter((f) => !flightOfferRecordSchema.safeParse(f).success)).toEqual([]);
    expect(new Set(flights.map((f) => f.offerId)).size).toBe(flights.length);
    for (const f of flights.slice(0, 200)) expect(parseOfferId(f.offerId)?.type).toBe("flight");
  });

  it("leave at realistic local times on their local departure date", () => {
    const wrong = flights.filter((f) => {
      const origin = findAirport(f.origin);
      if (!origin) return true;
      const local = localParts(f.departAt, origin.timeZone);
      return (
        local.date !== f.departDate ||
        local.minute < 6 * 60 ||
        Date.parse(f.arriveAt) - Date.parse(f.departAt) !== f.durationMinutes * 60_000
      );
    });
    expect(wrong).toEqual([]);
  });

  it("keep the same local departure time across a DST change (UTC moves by an hour)", () => {
    const before = flights.find((f) => f.origin === "JFK" && f.departDate === "2026-03-06");
    const after = flights.find(
      (f) =>
        f.flightNumber === before?.flightNumber &&
        f.cabin === before?.cabin &&
        f.departDate === "2026-03-10",
    );
    if (!before || !after) throw new Error("no JFK flight on both sides of 2026-03-08");
    const shift = Date.parse(after.departAt) - Date.parse(before.departAt);
    expect(shift).toBe(4 * 86_400_000 - 3_600_000);
  });

  it("take as long as the distance and the wind need", () => {
    const wrong = flights.filter((f) => {
      const km = kmOf(f);
      return f.durationMinutes < (km / 950) * 60 || f.durationMinutes > (km / 500) * 60 + 45;
    });
    expect(wrong).toEqual([]);
    // Every seeded leg is nonstop: connections are composed from legs by search.
    expect(flights.every((f) => f.stops === 0)).toBe(true);
    // The jet stream: eastbound JFK→LHR is shorter than westbound LHR→JFK.
    const minutes = (o: string, d: string) =>
      mean(
        flights.filter((f) => f.origin === o && f.destination === d).map((f) => f.durationMinutes),
      );
    expect(minutes("JFK", "LHR")).toBeLessThan(minutes("LHR", "JFK") - 30);
  });

  it("offer economy on every flight and premium cabins only on longer routes", () => {
    const byFlight = new Map<string, Set<string>>();
    for (const f of flights) {
      const key = `${f.flightNumber}|${f.departDate}`;
      byFlight.set(key, (byFlight.get(key) ?? new Set()).add(f.cabin));
    }
    expect(flights.filter((f) => kmOf(f) < 1_500 && f.cabin !== "economy")).toEqual([]);
    expect(flights.filter((f) => f.cabin === "first" && kmOf(f) <= 7_000)).toEqual([]);
    for (const cabins of byFlight.values()) expect(cabins.has("economy")).toBe(true);
    expect(flights.some((f) => f.cabin === "first")).toBe(true);
    expect(flights.some((f) => f.cabin === "premium_economy")).toBe(true);
  });

  it("price by cabin, distance, weekday and lead time", () => {
    const day0 = days[0]?.flights ?? [];
    const pairs = new Map<string, { economy?: number; business?: number }>();
    for (const f of day0) {
      const entry = pairs.get(f.flightNumber) ?? {};
      if (f.cabin === "economy" || f.cabin === "business") entry[f.cabin] = f.priceMinor;
      pairs.set(f.flightNumber, entry);
    }
    for (const { economy, business } of pairs.values()) {
      if (economy && business) expect(business).toBeGreaterThan(economy * 2);
    }
    const economy = flights.filter((f) => f.cabin === "economy");
    const perKm = (test: (km: number) => boolean) =>
      mean(economy.filter((f) => test(kmOf(f))).map((f) => f.priceMinor));
    expect(perKm((km) => km > 8_000)).toBeGreaterThan(perKm((km) => km < 1_000) * 3);
    const onDay = (i: number) =>
      mean((days[i]?.flights ?? []).filter((f) => f.cabin === "economy").map((f) => f.priceMinor));
    expect(onDay(0)).toBeGreaterThan(onDay(13)); // booking close to departure costs more
    expect(dayOfWeek(days[4]?.date ?? "")).toBe(5);
    expect(onDay(11)).toBeGreaterThan(onDay(9)); // a Friday costs more than a Wednesday
    expect(
      flights.filter(
        (f) => f.currency !== "USD" || f.priceMinor % 100 !== 0 || f.seatsAvailable > f.seatsTotal,
      ),
    ).toEqual([]);
  });

  it("fly the busiest routes as often as the real carriers do, with carriers of the countries served", () => {
    const day0 = days[0]?.flights ?? [];
    const economyOn = (origin: string, destination: string) =>
      day0.filter(
        (f) => f.origin === origin && f.destination === destination && f.cabin === "economy",
      );
    const jfkLax = economyOn("JFK", "LAX");
    expect(jfkLax.length).toBeGreaterThanOrEqual(20);
    expect(new Set(jfkLax.map((f) => f.carrier)).size).toBeGreaterThanOrEqual(4);
    expect(economyOn("LHR", "JFK").length).toBeGreaterThanOrEqual(20);
    expect(economyOn("KUL", "SIN").length).toBeGreaterThanOrEqual(25);
    for (const [a, b] of [
      ["SYD", "LAX"],
      ["JFK", "HND"],
      ["SIN", "LHR"],
      ["GRU", "MIA"],
    ] as const) {
      expect(economyOn(a, b).length).toBeGreaterThan(0);
      expect(economyOn(b, a).length).toBeGreaterThan(0);
    }
    for (const { between, daily } of BUSY_ROUTES) {
      const flown = economyOn(between[0], between[1]);
      for (const [code, n] of Object.entries(daily)) {
        expect(flown.filter((f) => f.carrier === code)).toHaveLength(n);
      }
    }
    const wrong = day0.filter((f) => {
      const countries = [findAirport(f.origin)?.country, findAirport(f.destination)?.country];
      const home = countries.flatMap((c) => CARRIERS_BY_COUNTRY[c ?? ""] ?? []);
      const number = Number(f.flightNumber.slice(f.carrier.length));
      const [low, high] = carrier(f.carrier).numbers;
      return (
        !home.includes(f.carrier) ||
        !f.flightNumber.startsWith(f.carrier) ||
        !(number >= low && number <= high)
      );
    });
    expect(wrong).toEqual([]);
  });

  it("gives each flight number one route, its return the next number", () => {
    const routeOf = new Map<string, string>();
    for (const f of inventory.schedule) {
      const route = `${f.route.origin}-${f.route.destination}`;
      expect(routeOf.get(f.flightNumber) ?? route).toBe(route);
      routeOf.set(f.flightNumber, route);
    }
    const ba = [...routeOf].find(([n, r]) => n.startsWith("BA") && r === "JFK-LHR");
    const number = Number(ba?.[0].slice(2));
    const back = routeOf.get(`BA${number % 2 === 1 ? number + 1 : number - 1}`);
    expect(back).toBe("LHR-JFK");
  });

  it("price peak departures above late-evening ones on the same route", () => {
    const byHour = (test: (hour: number) => boolean) =>
      mean(
        flights
          .filter((f) => f.origin === "JFK" && f.destination === "LAX" && f.cabin === "economy")
          .filter((f) => test(localParts(f.departAt, "America/New_York").minute / 60))
          .map((f) => f.priceMinor),
      );
    expect(byHour((h) => h >= 7 && h < 9.5)).toBeGreaterThan(byHour((h) => h >= 19.5));
  });
});

describe("seed hotels", () => {
  it("has 8-15 valid hotels in each of at least 20 real cities", () => {
    const cities = Object.keys(HOTEL_CITIES);
    expect(cities.length).toBeGreaterThanOrEqual(20);
    for (const city of cities) {
      expect(findAirport(city)).toBeDefined();
      const inCity = inventory.hotels.filter((h) => h.city === city);
      expect(inCity.length).toBeGreaterThanOrEqual(8);
      expect(inCity.length).toBeLessThanOrEqual(15);
      expect(new Set(inCity.map((h) => h.name)).size).toBe(inCity.length);
    }
    for (const h of inventory.hotels) {
      expect(hotelRecordSchema.safeParse(h).success).toBe(true);
      expect(isId("hotel", h.hotelId)).toBe(true);
      expect(h.name).toContain(findAirport(h.city)?.city ?? "?");
    }
    expect(new Set(inventory.hotels.map((h) => h.hotelId)).size).toBe(inventory.hotels.length);
  });

  it("has one night per hotel per day, with weekend and rating showing in the price", () => {
    for (const day of days)
      expect(day.nights.map((n) => n.hotelId)).toEqual(inventory.hotels.map((h) => h.hotelId));
    for (const n of nights) {
      expect(roomNightRecordSchema.safeParse(n).success).toBe(true);
      expect(n.roomsAvailable).toBeLessThanOrEqual(n.roomsTotal);
    }
    const weekend = mean(
      nights.filter((n) => [5, 6].includes(dayOfWeek(n.date))).map((n) => n.priceMinor),
    );
    const weekday = mean(
      nights.filter((n) => [1, 2, 3].includes(dayOfWeek(n.date))).map((n) => n.priceMinor),
    );
    expect(weekend).toBeGreaterThan(weekday);
    const rating = new Map(inventory.hotels.map((h) => [h.hotelId, h.rating]));
    const byRating = (test: (r: number) => boolean) =>
      mean(nights.filter((n) => test(rating.get(n.hotelId) ?? 0)).map((n) => n.priceMinor));
    expect(byRating((r) => r >= 4.5)).toBeGreaterThan(byRating((r) => r <= 3));
  });
});

describe("seed determinism and size", () => {
  it("gives byte-identical records for the same seed and start date", () => {
    const again = [...generateInventory({ seed: "test", startDate: START, days: 14 }).days()];
    expect(JSON.stringify(again)).toBe(JSON.stringify(days));
  });

  it("generates any day alone exactly as in a full run", () => {
    const late = generateInventory({ seed: "test", startDate: START, days: 14 }).days();
    let last: SeedDay | undefined;
    for (const day of late) last = day;
    expect(last).toEqual(days[13]);
  });

  it("changes with the seed", () => {
    const other = generateInventory({ seed: "other", startDate: START, days: 1 });
    const [first] = [...other.days()];
    expect(first?.flights[0]?.offerId).not.toBe(days[0]?.flights[0]?.offerId);
    expect(other.hotels[0]?.hotelId).not.toBe(inventory.hotels[0]?.hotelId);
  });

  it("stays within the loading budget for the default 30 days (100k-250k items)", () => {
    const perDay = (days[0]?.flights.length ?? 0) + (days[0]?.nights.length ?? 0);
    const total = perDay * 30 + inventory.hotels.length;
    expect(total).toBeGreaterThan(100_000);
    expect(total).toBeLessThan(250_000);
  });

  it("refuses a malformed period", () => {
    expect(() => generateInventory({ seed: "x", startDate: "2026-13-01", days: 1 })).toThrow(
      RangeError,
    );
    expect(() => generateInventory({ seed: "x", startDate: START, days: 0 })).toThrow(RangeError);
  });
});
