import { describe, expect, it } from "vitest";
import { cityCodeOf, findPlace, hotelCityOf, placeTimeZone } from "./places.js";

describe("places", () => {
  it("resolves a metropolitan city code to every airport of the city in the data set", () => {
    expect(findPlace("NYC")).toMatchObject({ kind: "city", airports: ["JFK", "LGA", "EWR"] });
    expect(findPlace("LON")?.airports).toEqual(["LHR", "LGW", "STN", "LCY", "LTN", "SEN"]);
    // Beijing Daxing is not in the bundled data set; Beijing keeps its code through PEK.
    expect(findPlace("BJS")?.airports).toEqual(["PEK"]);
  });

  it("reads a code that is both an airport and a city as the city", () => {
    expect(findPlace("BKK")).toMatchObject({ kind: "city", airports: ["BKK", "DMK"] });
    expect(findPlace("SHA")?.airports).toEqual(["PVG", "SHA"]);
  });

  it("resolves an airport to itself and refuses unknown codes", () => {
    expect(findPlace("LAX")).toMatchObject({ kind: "airport", airports: ["LAX"] });
    expect(findPlace("ZZZ")).toBeUndefined();
    expect(findPlace("nyc")).toBeUndefined();
  });

  it("files hotels under the city code when the airport has a city", () => {
    expect(cityCodeOf("LGW")).toBe("LON");
    expect(cityCodeOf("LAX")).toBeUndefined();
    expect(hotelCityOf("LHR")).toBe("LON");
    expect(hotelCityOf("LON")).toBe("LON");
    expect(hotelCityOf("SYD")).toBe("SYD");
    expect(placeTimeZone("NYC")).toBe("America/New_York");
    expect(placeTimeZone("XXX")).toBe("UTC");
  });
});
