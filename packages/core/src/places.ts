import { airportTimeZone, isKnownAirport } from "./airport-zones.js";

/**
 * IATA metropolitan area (city) codes and their airports, after IATA's city-code assignments
 * (the codes Duffel and Amadeus accept as a `city`). Only airports present in the bundled data
 * set count (Beijing Daxing PKX is missing from it); a city keeps its code while one of its
 * airports is there.
 */
export const METRO_AREAS: Readonly<Record<string, readonly string[]>> = {
  NYC: ["JFK", "LGA", "EWR"],
  LON: ["LHR", "LGW", "STN", "LCY", "LTN", "SEN"],
  PAR: ["CDG", "ORY", "BVA"],
  TYO: ["HND", "NRT"],
  CHI: ["ORD", "MDW"],
  WAS: ["IAD", "DCA", "BWI"],
  MIL: ["MXP", "LIN", "BGY"],
  SAO: ["GRU", "CGH", "VCP"],
  RIO: ["GIG", "SDU"],
  SEL: ["ICN", "GMP"],
  OSA: ["KIX", "ITM", "UKB"],
  BJS: ["PEK", "PKX"],
  SHA: ["PVG", "SHA"],
  MOW: ["SVO", "DME", "VKO"],
  STO: ["ARN", "BMA", "NYO"],
  ROM: ["FCO", "CIA"],
  BUE: ["EZE", "AEP"],
  YTO: ["YYZ", "YTZ"],
  YMQ: ["YUL"],
  JKT: ["CGK", "HLP"],
  BKK: ["BKK", "DMK"],
  TPE: ["TPE", "TSA"],
  IST: ["IST", "SAW"],
  DXB: ["DXB", "DWC"],
};

/** A searchable place: one airport, or every airport of a metropolitan area. */
export interface Place {
  /** The code as the caller should see it (upper case). */
  code: string;
  kind: "city" | "airport";
  /** Airports of the place that are in the data set, never empty. */
  airports: readonly string[];
  /** IANA time zone of the place (its first airport's). */
  timeZone: string;
}

let places: Map<string, Place> | undefined;
let cityOfAirport: Map<string, string> | undefined;

function loadCities(): Map<string, Place> {
  if (places) return places;
  const map = new Map<string, Place>();
  const cityOf = new Map<string, string>();
  for (const [code, codes] of Object.entries(METRO_AREAS)) {
    const airports = codes.filter((c) => isKnownAirport(c));
    const timeZone = airports[0] ? airportTimeZone(airports[0]) : undefined;
    if (!timeZone) continue;
    map.set(code, { code, kind: "city", airports, timeZone });
    for (const airport of airports) cityOf.set(airport, code);
  }
  places = map;
  cityOfAirport = cityOf;
  return map;
}

/**
 * The place a code names: a metropolitan city code first (a code that is both, like `BKK`,
 * means the city), else an airport of the data set; `undefined` for anything else.
 *
 * @example
 * findPlace("NYC")?.airports // ["JFK", "LGA", "EWR"]
 * findPlace("LAX")?.airports // ["LAX"]
 */
export function findPlace(code: string): Place | undefined {
  const city = loadCities().get(code);
  if (city) return city;
  const timeZone = airportTimeZone(code);
  return timeZone ? { code, kind: "airport", airports: [code], timeZone } : undefined;
}

/** The metropolitan city code an airport belongs to, `undefined` when it has none. */
export function cityCodeOf(airport: string): string | undefined {
  loadCities();
  return cityOfAirport?.get(airport);
}

/**
 * The code hotels of a place are kept under: the city code when the place (or the airport's
 * city) has one, else the airport code. `LHR`, `LGW` and `LON` all give `LON`.
 */
export function hotelCityOf(code: string): string | undefined {
  const place = findPlace(code);
  if (!place) return undefined;
  if (place.kind === "city") return place.code;
  return cityCodeOf(code) ?? code;
}

/** IANA time zone of an airport or city code, `"UTC"` for an unknown one. */
export function placeTimeZone(code: string): string {
  return findPlace(code)?.timeZone ?? "UTC";
}
