import { describe, expect, it } from "vitest";
import { airportCount, findAirport, greatCircleKm, isKnownAirport } from "./airports.js";

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
