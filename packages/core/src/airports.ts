// The whole table: seeding and the simulated supplier read it. Request handling reads
// `airport-zones.ts` only, so a bundle of the API carries the small table alone.
// A static JSON import (not createRequire) so bundlers (SST's esbuild for Lambda) inline the data.

import type { AirportRow } from "./airports-table.js";
import table from "./data/airports.json" with { type: "json" };

/** One airport from the OpenFlights data set (see `airports-table.ts`). */
export interface Airport {
  iata: string;
  icao: string;
  name: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
  /** IANA time zone, e.g. "America/New_York". */
  timeZone: string;
}

let index: Map<string, Airport> | undefined;

function load(): Map<string, Airport> {
  if (index) return index;
  const map = new Map<string, Airport>();
  for (const [
    iata,
    icao,
    name,
    city,
    country,
    latitude,
    longitude,
    timeZone,
  ] of table as AirportRow[]) {
    map.set(iata, { iata, icao, name, city, country, latitude, longitude, timeZone });
  }
  index = map;
  return map;
}

/** The airport with this IATA code, or `undefined` when the data set has none. */
export function findAirport(iata: string): Airport | undefined {
  return load().get(iata);
}

/** Number of airports with an IATA code in the bundled data set. */
export function airportCount(): number {
  return load().size;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance between two airports in kilometres (haversine). */
export function greatCircleKm(a: Airport, b: Airport): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
