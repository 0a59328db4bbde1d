// A static JSON import (not createRequire) so bundlers (SST's esbuild for Lambda) inline the data.

import countries from "./data/airport-countries.json" with { type: "json" };
import zones from "./data/airport-zones.json" with { type: "json" };

let zoneOf: Map<string, string> | undefined;

function load(): Map<string, string> {
  if (zoneOf) return zoneOf;
  const map = new Map<string, string>();
  for (const [timeZone, codes] of Object.entries(zones as Record<string, string>)) {
    for (const iata of codes.split(" ")) map.set(iata, timeZone);
  }
  zoneOf = map;
  return map;
}

/**
 * The IANA time zone of an airport of the bundled data set ("America/New_York" for JFK), or
 * `undefined` for a code the data set does not have. What request handling needs of an airport;
 * `findAirport` has the whole record (and a table ~15 times the size of this one).
 */
export function airportTimeZone(iata: string): string | undefined {
  return load().get(iata);
}

/** Whether the bundled data set has an airport with this IATA code. */
export function isKnownAirport(iata: string): boolean {
  return load().has(iata);
}

let countryOf: Map<string, string> | undefined;

/**
 * The country of an airport of the bundled data set ("United States" for JFK), or `undefined`
 * for a code the data set does not have (connections are domestic only within one country).
 */
export function airportCountry(iata: string): string | undefined {
  if (!countryOf) {
    countryOf = new Map();
    for (const [country, codes] of Object.entries(countries as Record<string, string>)) {
      for (const code of codes.split(" ")) countryOf.set(code, country);
    }
  }
  return countryOf.get(iata);
}
