/**
 * The busiest routes of the sandbox network with the carriers flying them and their daily
 * flights **each way**.
 *
 * Sources: the route list follows OAG's "Busiest Routes 2024" rankings (world domestic and
 * international, by scheduled seats: Kuala Lumpur–Singapore, Hong Kong–Taipei, Jeddah–Riyadh,
 * Tokyo Haneda–Sapporo/Fukuoka, Melbourne–Sydney, Beijing–Shanghai, Delhi–Mumbai, São Paulo
 * Congonhas–Rio Santos Dumont, New York–London, …) restricted to the seed airports, plus the
 * trunk routes between the seed's metro areas. Carriers and frequencies are rounded from the
 * carriers' published 2024 timetables (e.g. JFK–LAX ≈ 26 a day on AA, DL, B6, UA and AS;
 * JFK–LHR ≈ 23 on BA, VS, AA, DL and B6); they are close to real schedules, not copies of them.
 */
export interface BusyRoute {
  /** Airport codes; flown both ways with the same frequencies. */
  between: readonly [string, string];
  /** Daily flights each way by carrier. */
  daily: Readonly<Record<string, number>>;
}

const r = (a: string, b: string, daily: Record<string, number>): BusyRoute => ({
  between: [a, b],
  daily,
});

// biome-ignore format: one route a line
export const BUSY_ROUTES: readonly BusyRoute[] = [
  // United States
  r("JFK", "LAX", { AA: 8, DL: 8, B6: 5, UA: 3, AS: 2 }),
  r("EWR", "LAX", { UA: 8, AS: 3 }),
  r("JFK", "SFO", { DL: 6, AA: 4, B6: 4, UA: 3 }),
  r("EWR", "SFO", { UA: 10, AS: 3 }),
  r("LGA", "ORD", { AA: 13, UA: 13 }),
  r("LGA", "ATL", { DL: 16 }),
  r("LGA", "BOS", { DL: 11, AA: 9 }),
  r("LGA", "DCA", { AA: 13, DL: 11 }),
  r("LGA", "MIA", { AA: 8, DL: 4 }),
  r("JFK", "MIA", { AA: 6, DL: 5, B6: 5 }),
  r("ATL", "MCO", { DL: 14, WN: 6 }),
  r("ATL", "DFW", { DL: 8, AA: 8 }),
  r("LAX", "SFO", { UA: 10, AS: 5, DL: 5, WN: 5, AA: 3 }),
  r("LAS", "LAX", { WN: 12, DL: 4, AA: 4, UA: 3 }),
  r("SEA", "LAX", { AS: 10, DL: 7 }),
  r("ORD", "LAX", { UA: 10, AA: 8 }),
  r("DFW", "LAX", { AA: 12 }),
  r("ATL", "LAX", { DL: 10 }),
  r("DEN", "LAX", { UA: 8, WN: 8 }),
  r("DEN", "PHX", { WN: 8, UA: 6, AA: 2 }),
  r("ORD", "DFW", { AA: 10, UA: 4 }),
  r("BOS", "DCA", { AA: 10, B6: 4 }),
  r("ATL", "ORD", { DL: 9, AA: 4, UA: 4 }),
  r("MDW", "LAS", { WN: 8 }),
  r("BWI", "MCO", { WN: 9 }),
  // North America (cross-border, Mexico)
  r("YYZ", "LGA", { AC: 10, DL: 5, AA: 3 }),
  r("YYZ", "YUL", { AC: 14 }),
  r("MEX", "LAX", { AM: 5, DL: 2, AA: 2 }),
  r("MEX", "JFK", { AM: 4, DL: 2 }),
  // Transatlantic
  r("JFK", "LHR", { BA: 8, VS: 5, AA: 5, DL: 3, B6: 2 }),
  r("EWR", "LHR", { UA: 5, BA: 3, VS: 2 }),
  r("JFK", "LGW", { B6: 1 }), // JetBlue, daily since 2023
  r("BOS", "LHR", { BA: 3, VS: 1, DL: 1, AA: 1 }),
  r("ORD", "LHR", { BA: 3, AA: 3, UA: 3 }),
  r("IAD", "LHR", { BA: 3, UA: 2, VS: 1 }),
  r("LAX", "LHR", { BA: 2, VS: 1, AA: 1, UA: 1 }),
  r("YYZ", "LHR", { AC: 5, BA: 2 }),
  r("JFK", "CDG", { AF: 6, DL: 3, AA: 1, B6: 1 }),
  r("JFK", "AMS", { KL: 3, DL: 3 }),
  r("JFK", "FRA", { LH: 3, DL: 1 }),
  r("JFK", "DUB", { EI: 3, DL: 1, AA: 1 }),
  r("MIA", "MAD", { IB: 2, AA: 1 }),
  // Europe
  r("LHR", "DUB", { EI: 10, BA: 7 }),
  r("LHR", "AMS", { BA: 8, KL: 8 }),
  r("LHR", "CDG", { BA: 6, AF: 6 }),
  r("LHR", "FRA", { LH: 7, BA: 6 }),
  r("LHR", "MAD", { IB: 5, BA: 5 }),
  r("LHR", "IST", { TK: 6, BA: 2 }),
  r("LHR", "ZRH", { LX: 6, BA: 5 }),
  r("STN", "DUB", { FR: 10 }),
  r("LGW", "BCN", { U2: 4, BA: 3, VY: 2 }),
  r("MAD", "BCN", { IB: 12, VY: 8, UX: 4 }),
  r("FRA", "MUC", { LH: 10 }),
  r("FCO", "LIN", { AZ: 10 }),
  r("CPH", "ARN", { SK: 10 }),
  r("CDG", "FCO", { AF: 5, AZ: 5 }),
  // Middle East and India
  r("JED", "RUH", { SV: 20, XY: 10 }),
  r("DXB", "RUH", { EK: 6, SV: 4 }),
  r("DXB", "LHR", { EK: 6, BA: 3, VS: 1 }),
  r("DXB", "JFK", { EK: 3 }),
  r("DEL", "BOM", { "6E": 16, AI: 12 }),
  r("BLR", "DEL", { "6E": 12, AI: 8 }),
  r("BOM", "BLR", { "6E": 10, AI: 6 }),
  r("DXB", "BOM", { EK: 5, AI: 3, "6E": 2 }),
  r("DXB", "DEL", { EK: 4, AI: 3, "6E": 2 }),
  r("DEL", "LHR", { AI: 3, BA: 3, VS: 2 }),
  // Asia
  r("SIN", "KUL", { MH: 10, AK: 10, SQ: 8, TR: 6 }),
  r("HKG", "TPE", { CX: 12, CI: 6, BR: 6 }),
  r("HND", "CTS", { JL: 16, NH: 16 }),
  r("HND", "FUK", { JL: 16, NH: 14 }),
  r("HND", "ITM", { JL: 15, NH: 14 }),
  r("HND", "OKA", { JL: 10, NH: 10 }),
  r("PEK", "SHA", { CA: 16, MU: 16 }),
  r("SHA", "SZX", { MU: 8, ZH: 8 }),
  r("PEK", "CAN", { CZ: 10, CA: 6 }),
  r("PEK", "CTU", { CA: 10, "3U": 8 }),
  r("HKG", "PVG", { CX: 6, MU: 5 }),
  r("GMP", "HND", { KE: 3, OZ: 3, JL: 2, NH: 2 }),
  r("TSA", "HND", { CI: 2, BR: 2, JL: 2, NH: 2 }),
  r("ICN", "NRT", { KE: 4, OZ: 4, JL: 2 }),
  r("ICN", "KIX", { KE: 5, OZ: 4 }),
  r("BKK", "HKG", { CX: 6, TG: 4 }),
  r("BKK", "SIN", { SQ: 5, TG: 4, TR: 3 }),
  r("DMK", "KUL", { FD: 4, AK: 6 }),
  r("CGK", "SIN", { SQ: 7, GA: 6, TR: 4 }),
  r("CGK", "KUL", { AK: 6, MH: 4 }),
  r("MNL", "SIN", { SQ: 3, PR: 3, "5J": 3, TR: 2 }),
  // Oceania
  r("MEL", "SYD", { QF: 20, VA: 16, JQ: 10 }),
  r("SYD", "LAX", { QF: 2, UA: 1, DL: 1, AA: 1, VA: 1 }),
  // South America
  r("CGH", "SDU", { G3: 14, LA: 14 }),
  r("GRU", "MIA", { AA: 3, LA: 2 }),
  r("AEP", "GRU", { AR: 3, LA: 2, G3: 2 }),
  r("EZE", "MIA", { AA: 2, AR: 1 }),
  r("BOG", "MIA", { AV: 4, AA: 3 }),
  // Long haul Asia / Pacific
  r("JFK", "HND", { JL: 2, NH: 1, AA: 1, DL: 1 }),
  r("SIN", "LHR", { SQ: 4, BA: 2 }),
  r("HKG", "LHR", { CX: 5, BA: 2, VS: 1 }),
  r("LAX", "ICN", { KE: 2, OZ: 1 }),
  r("SFO", "HKG", { CX: 2, UA: 1 }),
  r("SIN", "SYD", { SQ: 4, QF: 2 }),
  r("LHR", "HND", { JL: 2, NH: 2, BA: 2 }),
  r("CDG", "HND", { AF: 2, JL: 1, NH: 1 }),
  r("MEL", "LAX", { QF: 1, UA: 1 }),
];
