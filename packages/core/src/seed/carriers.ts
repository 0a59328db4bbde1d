/**
 * The airlines of the sandbox network: home country (as the airport data set spells it), hubs
 * among the seed airports, the range their flight numbers are taken from, and how far they fly.
 *
 * Flight-number ranges follow each carrier's published numbering of its own (not regional
 * partner or codeshare) flights, rounded: e.g. BA 1–999 mainline, AA/DL/UA 1–2999 mainline
 * (3000+ are their regional partners), easyJet and Ryanair four digits. Hubs are the carriers'
 * main bases as listed on their own network pages. Not a schedule database: the generator picks
 * numbers inside the range, so `BA117` exists but is not necessarily BA's real JFK flight.
 */
export interface Carrier {
  code: string;
  country: string;
  hubs: readonly string[];
  /** First and last flight number the carrier uses for its own flights. */
  numbers: readonly [number, number];
  /** `domestic`: home country only · `regional`: up to ~4,000 km · `global`: any distance. */
  reach: "domestic" | "regional" | "global";
}

const c = (
  code: string,
  country: string,
  hubs: readonly string[],
  numbers: readonly [number, number],
  reach: Carrier["reach"] = "global",
): Carrier => ({ code, country, hubs, numbers, reach });

// biome-ignore format: one carrier a line
export const CARRIERS: readonly Carrier[] = [
  c("AA", "United States", ["DFW", "CLT", "MIA", "ORD", "PHX", "JFK", "LAX", "DCA", "LGA"], [1, 2999]),
  c("DL", "United States", ["ATL", "DTW", "MSP", "JFK", "LAX", "SEA", "BOS", "LGA"], [1, 2999]),
  c("UA", "United States", ["ORD", "EWR", "IAH", "DEN", "SFO", "IAD", "LAX"], [1, 2999]),
  c("B6", "United States", ["JFK", "BOS", "MCO"], [1, 2999]),
  c("AS", "United States", ["SEA", "LAX", "SFO"], [1, 1999], "domestic"),
  c("WN", "United States", ["LAS", "DEN", "MDW", "PHX", "BWI", "MCO"], [1, 4999], "domestic"),
  c("BA", "United Kingdom", ["LHR", "LGW", "LCY"], [1, 999]),
  c("VS", "United Kingdom", ["LHR"], [1, 499]),
  c("U2", "United Kingdom", ["LGW", "LTN", "STN"], [1000, 8999], "regional"),
  c("FR", "Ireland", ["STN", "DUB", "BGY", "CIA"], [1000, 9999], "regional"),
  c("EI", "Ireland", ["DUB"], [100, 999]),
  c("LH", "Germany", ["FRA", "MUC"], [1, 2499]),
  c("AF", "France", ["CDG", "ORY"], [1, 1999]),
  c("KL", "Netherlands", ["AMS"], [1, 1999]),
  c("IB", "Spain", ["MAD"], [1, 3999]),
  c("UX", "Spain", ["MAD"], [1, 9999], "regional"),
  c("VY", "Spain", ["BCN"], [1000, 8999], "regional"),
  c("AZ", "Italy", ["FCO", "LIN", "MXP"], [1, 2099]),
  c("TP", "Portugal", ["LIS"], [1, 1999]),
  c("SK", "Denmark", ["CPH", "ARN"], [400, 1999]),
  c("LX", "Switzerland", ["ZRH"], [1, 2999]),
  c("OS", "Austria", ["VIE"], [1, 999]),
  c("TK", "Turkey", ["IST"], [1, 2999]),
  c("PC", "Turkey", ["SAW"], [1000, 2999], "regional"),
  c("SU", "Russia", ["SVO"], [1, 1999]),
  c("S7", "Russia", ["DME"], [1, 999], "regional"),
  c("EK", "United Arab Emirates", ["DXB"], [1, 999]),
  c("SV", "Saudi Arabia", ["JED", "RUH"], [1, 1999]),
  c("XY", "Saudi Arabia", ["RUH", "JED"], [1, 999], "regional"),
  c("AI", "India", ["DEL", "BOM", "BLR"], [100, 999]),
  c("6E", "India", ["DEL", "BOM", "BLR"], [1, 6999], "regional"),
  c("CA", "China", ["PEK", "CTU"], [100, 1999]),
  c("MU", "China", ["PVG", "SHA"], [500, 5999]),
  c("CZ", "China", ["CAN", "SZX"], [300, 3999]),
  c("ZH", "China", ["SZX"], [9000, 9999], "domestic"),
  c("3U", "China", ["CTU"], [8000, 8999], "regional"),
  c("CX", "Hong Kong", ["HKG"], [200, 999]),
  c("CI", "Taiwan", ["TPE", "TSA"], [1, 999]),
  c("BR", "Taiwan", ["TPE", "TSA"], [1, 999]),
  c("NH", "Japan", ["HND", "NRT", "ITM", "KIX"], [1, 999]),
  c("JL", "Japan", ["HND", "NRT", "ITM", "KIX"], [1, 999]),
  c("KE", "South Korea", ["ICN", "GMP"], [1, 999]),
  c("OZ", "South Korea", ["ICN", "GMP"], [100, 999]),
  c("SQ", "Singapore", ["SIN"], [1, 999]),
  c("TR", "Singapore", ["SIN"], [100, 899], "regional"),
  c("TG", "Thailand", ["BKK"], [100, 999]),
  c("FD", "Thailand", ["DMK"], [100, 999], "regional"),
  c("MH", "Malaysia", ["KUL"], [1, 2999]),
  c("AK", "Malaysia", ["KUL"], [5000, 6999], "regional"),
  c("GA", "Indonesia", ["CGK"], [1, 999]),
  c("PR", "Philippines", ["MNL"], [100, 999]),
  c("5J", "Philippines", ["MNL"], [100, 999], "regional"),
  c("QF", "Australia", ["SYD", "MEL"], [1, 999]),
  c("VA", "Australia", ["SYD", "MEL"], [1, 999]),
  c("JQ", "Australia", ["MEL", "SYD"], [500, 799], "regional"),
  c("AC", "Canada", ["YYZ", "YUL"], [1, 1999]),
  c("PD", "Canada", ["YTZ"], [100, 999], "regional"),
  c("AM", "Mexico", ["MEX"], [1, 999]),
  c("LA", "Brazil", ["GRU", "CGH", "GIG"], [3000, 8999]),
  c("G3", "Brazil", ["GRU", "CGH", "SDU", "GIG"], [1000, 2099], "regional"),
  c("AD", "Brazil", ["VCP"], [2000, 4999], "regional"),
  c("AR", "Argentina", ["EZE", "AEP"], [1000, 1999]),
  c("AV", "Colombia", ["BOG"], [1, 999]),
];

const byCode = new Map(CARRIERS.map((carrier) => [carrier.code, carrier]));

/** The carrier with this code; throws for a code the seed does not know (a typo in a table). */
export function carrier(code: string): Carrier {
  const found = byCode.get(code);
  if (!found) throw new RangeError(`unknown seed carrier ${code}`);
  return found;
}

/** Airline codes by home country: the carriers a seeded flight from or to it may be flown by. */
export const CARRIERS_BY_COUNTRY: Readonly<Record<string, readonly string[]>> = (() => {
  const out: Record<string, string[]> = {};
  for (const { code, country } of CARRIERS) out[country] = [...(out[country] ?? []), code];
  return out;
})();

/** Longest leg of a `regional` carrier, km. */
export const REGIONAL_REACH_KM = 4_000;

/**
 * Whether a carrier can plausibly fly a route: one end is its home country, a `domestic`
 * carrier stays home, a `regional` one stays within reach.
 */
export function canFly(
  carrierCode: string,
  originCountry: string,
  destinationCountry: string,
  km: number,
): boolean {
  const { country, reach } = carrier(carrierCode);
  if (country !== originCountry && country !== destinationCountry) return false;
  if (reach === "domestic") return originCountry === destinationCountry;
  if (reach === "regional") return km <= REGIONAL_REACH_KM;
  return true;
}
