import { type Airport, findAirport, greatCircleKm } from "../airports.js";
import { cityCodeOf } from "../places.js";
import { AIRPORT_REACH_KM, seedAirports } from "./airports.js";
import { BUSY_ROUTES } from "./busy-routes.js";
import { CARRIERS, type Carrier, canFly } from "./carriers.js";

/** One carrier's share of a route. */
export interface RouteCarrier {
  carrier: string;
  /** Flights a day in this direction. */
  daily: number;
}

/** One directed route of the seed network. */
export interface SeedRoute {
  origin: string;
  destination: string;
  /** Great-circle distance in km, rounded. */
  distanceKm: number;
  /** 0 = busiest. Routes come in pairs: rank 2k is A→B, rank 2k+1 is B→A. */
  rank: number;
  /** Zipf (s = 1) share of searches for this route; all weights sum to 1. */
  popularity: number;
  /** Who flies it and how often (the same both ways). */
  carriers: readonly RouteCarrier[];
  /** Σ `carriers[].daily`. */
  dailyFlights: number;
}

/** City pairs added around the busy-route table by the hub model. */
export const BACKGROUND_PAIRS = 340;

/** Closer than this, airports are not linked by air (LHR–LGW, HND–NRT share a city). */
const MIN_ROUTE_KM = 250;
/** Longest nonstop the sandbox schedules (SIN–JFK is ~15,300 km). */
const MAX_ROUTE_KM = 15_500;

/** Pairs a sanctions regime keeps apart (Russian carriers and airports, 2022 onwards). */
const CLOSED_TO_RUSSIA = new Set([
  "United States",
  "United Kingdom",
  "Canada",
  "Germany",
  "France",
  "Netherlands",
  "Spain",
  "Italy",
  "Portugal",
  "Ireland",
  "Denmark",
  "Sweden",
  "Switzerland",
  "Austria",
  "Japan",
  "South Korea",
  "Taiwan",
  "Singapore",
  "Australia",
]);

/** Broad region from the IANA zone: "America", "Europe", "Asia", "Australia" and the Gulf. */
function region(airport: Airport): string {
  if (airport.timeZone === "Asia/Dubai" || airport.timeZone === "Asia/Riyadh") return "Gulf";
  return airport.timeZone.split("/")[0] ?? "";
}

function withinReach(airport: Airport, other: Airport, km: number): boolean {
  const limit = AIRPORT_REACH_KM[airport.iata];
  if (!limit) return true;
  return km <= limit.km && !(limit.domesticOnly && airport.country !== other.country);
}

/** Whether any flight may link the two airports at all. */
function linkable(a: Airport, b: Airport, km: number): boolean {
  if (km < MIN_ROUTE_KM || km > MAX_ROUTE_KM) return false;
  const cityA = cityCodeOf(a.iata);
  if (cityA && cityA === cityCodeOf(b.iata)) return false;
  if (!withinReach(a, b, km) || !withinReach(b, a, km)) return false;
  if (a.country === "Russia" && CLOSED_TO_RUSSIA.has(b.country)) return false;
  if (b.country === "Russia" && CLOSED_TO_RUSSIA.has(a.country)) return false;
  return true;
}

/** Carriers with a hub at one end that may fly the pair, hub carriers of bigger airports first. */
function hubCarriers(a: Airport, b: Airport, km: number): Carrier[] {
  return CARRIERS.filter(
    (carrier) =>
      (carrier.hubs.includes(a.iata) || carrier.hubs.includes(b.iata)) &&
      canFly(carrier.code, a.country, b.country, km),
  );
}

/**
 * Demand score of a city pair (gravity model): busier airports attract more traffic, domestic
 * and same-region pairs carry most of it, and ultra-long pairs are rarer.
 */
function pairScore(a: Airport, rankA: number, b: Airport, rankB: number, km: number): number {
  let score = 1 / ((rankA + 1) * (rankB + 1)) ** 0.3 / (1 + Math.min(km, 3000) / 1500);
  if (a.country === b.country) score *= 2;
  else if (region(a) === region(b)) score *= 1.6;
  if (a.iata === "DXB" || b.iata === "DXB") score *= 1.8; // a hub carrier that links everything
  return score;
}

interface Pair {
  a: Airport;
  b: Airport;
  km: number;
  score: number;
  carriers: Carrier[];
}

/**
 * Greedy pick by score, damped by how many routes each end already has: the biggest hubs still
 * get the most routes, but every airport gets some. Ties break by code, so the result is stable.
 */
function chooseBalanced(pairs: Pair[], count: number, degree: Map<string, number>): Pair[] {
  const remaining = [...pairs];
  const chosen: Pair[] = [];
  const damped = (p: Pair) =>
    p.score / ((1 + (degree.get(p.a.iata) ?? 0) / 6) * (1 + (degree.get(p.b.iata) ?? 0) / 6));
  while (chosen.length < count && remaining.length > 0) {
    let best = 0;
    let bestScore = damped(remaining[0] as Pair);
    for (let i = 1; i < remaining.length; i++) {
      const candidate = remaining[i] as Pair;
      const score = damped(candidate);
      const current = remaining[best] as Pair;
      if (
        score > bestScore ||
        (score === bestScore &&
          `${candidate.a.iata}${candidate.b.iata}` < `${current.a.iata}${current.b.iata}`)
      ) {
        best = i;
        bestScore = score;
      }
    }
    const [pair] = remaining.splice(best, 1) as [Pair];
    chosen.push(pair);
    degree.set(pair.a.iata, (degree.get(pair.a.iata) ?? 0) + 1);
    degree.set(pair.b.iata, (degree.get(pair.b.iata) ?? 0) + 1);
  }
  return chosen;
}

/** Daily flights each way of the n-th background pair, shared among its hub carriers. */
function backgroundDaily(index: number, pair: Pair): RouteCarrier[] {
  let total = index < 40 ? 3 : index < 120 ? 2 : 1;
  if (pair.km > 7_000) total = Math.min(total, 2);
  const carriers = pair.carriers.slice(0, Math.min(3, total));
  return carriers.map((carrier, i) => ({
    carrier: carrier.code,
    daily: Math.floor(total / carriers.length) + (i < total % carriers.length ? 1 : 0),
  }));
}

let cached: SeedRoute[] | undefined;

/**
 * The seed network's routes, busiest first: the busy-route table (`busy-routes.ts`, real
 * carriers and frequencies) plus {@link BACKGROUND_PAIRS} pairs chosen by a gravity model among
 * the seed airports and flown by the carriers with a hub at one end. Every route is flown both
 * ways. Deterministic (no randomness), so benchmarks replay traffic over exactly the routes
 * `pnpm seed` loads.
 *
 * @example
 * const [top] = seedRoutes(); // { origin: "MEL", destination: "SYD", dailyFlights: 46, ... }
 */
export function seedRoutes(): SeedRoute[] {
  if (cached) return cached.map((r) => ({ ...r }));
  const airports = seedAirports();
  const index = new Map(airports.map((a, i) => [a.iata, i]));
  const busyKeys = new Set<string>();
  const degree = new Map<string, number>();
  const pairs: { a: Airport; b: Airport; km: number; carriers: RouteCarrier[]; busy: boolean }[] =
    [];
  for (const { between, daily } of BUSY_ROUTES) {
    const [a, b] = between.map((code) => {
      const airport = findAirport(code);
      if (!airport || !index.has(code)) throw new Error(`busy route end ${code} is not seeded`);
      return airport;
    }) as [Airport, Airport];
    const km = greatCircleKm(a, b);
    const carriers = Object.entries(daily).map(([carrier, n]) => {
      if (!canFly(carrier, a.country, b.country, km))
        throw new Error(`${carrier} cannot fly ${a.iata}-${b.iata}`);
      return { carrier, daily: n };
    });
    busyKeys.add(`${a.iata}-${b.iata}`).add(`${b.iata}-${a.iata}`);
    for (const code of [a.iata, b.iata]) degree.set(code, (degree.get(code) ?? 0) + 1);
    pairs.push({ a, b, km, carriers, busy: true });
  }
  const candidates: Pair[] = [];
  for (let i = 0; i < airports.length; i++) {
    for (let j = i + 1; j < airports.length; j++) {
      const a = airports[i] as Airport;
      const b = airports[j] as Airport;
      if (busyKeys.has(`${a.iata}-${b.iata}`)) continue;
      const km = greatCircleKm(a, b);
      if (!linkable(a, b, km)) continue;
      const carriers = hubCarriers(a, b, km);
      if (carriers.length === 0) continue;
      candidates.push({ a, b, km, score: pairScore(a, i, b, j, km), carriers });
    }
  }
  chooseBalanced(candidates, BACKGROUND_PAIRS, degree).forEach((pair, n) => {
    pairs.push({ ...pair, carriers: backgroundDaily(n, pair), busy: false });
  });
  const total = (p: { carriers: RouteCarrier[] }) => p.carriers.reduce((s, c) => s + c.daily, 0);
  // Busiest first; a stable order for equal frequencies (table order, then background order).
  const ordered = pairs.map((p, order) => ({ p, order, daily: total(p) }));
  ordered.sort((x, y) => y.daily - x.daily || x.order - y.order);
  const count = ordered.length * 2;
  const harmonic = Array.from({ length: count }, (_, r) => 1 / (r + 1)).reduce((s, w) => s + w, 0);
  const routes: SeedRoute[] = [];
  for (const { p, daily } of ordered) {
    for (const [origin, destination] of [
      [p.a, p.b],
      [p.b, p.a],
    ] as const) {
      const rank = routes.length;
      routes.push({
        origin: origin.iata,
        destination: destination.iata,
        distanceKm: Math.round(p.km),
        rank,
        popularity: 1 / (rank + 1) / harmonic,
        carriers: p.carriers,
        dailyFlights: daily,
      });
    }
  }
  cached = routes;
  return routes.map((r) => ({ ...r }));
}
