/**
 * Airline IATA codes by the country (as the airport data set spells it) of their home hubs:
 * the carriers a seeded flight may be operated by. Short lists of well-known carriers, not a
 * schedule database.
 */
export const CARRIERS_BY_COUNTRY: Readonly<Record<string, readonly string[]>> = {
  "United States": ["AA", "DL", "UA", "B6", "AS", "WN"],
  "United Kingdom": ["BA", "VS"],
  Germany: ["LH"],
  France: ["AF"],
  Netherlands: ["KL"],
  Spain: ["IB", "UX"],
  Italy: ["AZ"],
  Portugal: ["TP"],
  Ireland: ["EI"],
  Denmark: ["SK"],
  Switzerland: ["LX"],
  Austria: ["OS"],
  Turkey: ["TK", "PC"],
  "United Arab Emirates": ["EK"],
  "Saudi Arabia": ["SV"],
  India: ["AI", "6E"],
  China: ["CA", "MU", "CZ"],
  "Hong Kong": ["CX"],
  Taiwan: ["CI", "BR"],
  Japan: ["NH", "JL"],
  "South Korea": ["KE", "OZ"],
  Singapore: ["SQ"],
  Thailand: ["TG"],
  Malaysia: ["MH"],
  Indonesia: ["GA"],
  Philippines: ["PR"],
  Australia: ["QF", "VA"],
  Canada: ["AC"],
  Mexico: ["AM"],
  Brazil: ["LA", "G3"],
  Colombia: ["AV"],
};

/** Carriers that fly only short/medium routes inside their home country. */
const DOMESTIC_ONLY = new Set(["WN", "AS", "B6", "6E", "PC", "G3", "UX", "VA"]);

/** Carriers that could operate a flight between two countries (both home carriers for international routes). */
export function carriersFor(originCountry: string, destinationCountry: string): string[] {
  const origin = CARRIERS_BY_COUNTRY[originCountry] ?? [];
  if (originCountry === destinationCountry) return [...origin];
  const destination = CARRIERS_BY_COUNTRY[destinationCountry] ?? [];
  const international = [...origin, ...destination].filter((code) => !DOMESTIC_ONLY.has(code));
  return international.length > 0 ? international : ["AA", "BA", "LH"];
}
