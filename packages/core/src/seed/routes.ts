import { type Airport, greatCircleKm } from "../airports.js";
import { seedAirports } from "./airports.js";

/** One directed route of the seed network. */
export interface SeedRoute {
  origin: string;
  destination: string;
  /** Great-circle distance in km, rounded. */
  distanceKm: number;
  /** 0 = most popular. Routes come in pairs: rank 2k is A→B, rank 2k+1 is B→A. */
  rank: number;
  /** Zipf (s = 1) share of searches for this route; all weights sum to 1. */
  popularity: number;
}

/** How many directed routes the seed network has (two directions of half as many pairs). */
export const SEED_ROUTE_COUNT = 600;

/** Pairs of airports closer than this serve the same city (LHR–LGW, HND–NRT): no flights. */
const MIN_ROUTE_KM = 300;

/** Broad region from the IANA zone: "America", "Europe", "Asia", "Australia" and the Gulf. */
function region(airport: Airport): string {
  if (airport.timeZone === "Asia/Dubai" || airport.timeZone === "Asia/Riyadh") return "Gulf";
  return airport.timeZone.split("/")[0] ?? "";
}

/**
 * Demand score of a city pair: busier airports attract more traffic, domestic and same-region
 * pairs carry most of it, and ultra-long pairs are rarer.
 */
function pairScore(a: Airport, rankA: number, b: Airport, rankB: number, km: number): number {
  // Gravity model: traffic grows with both airports' size and falls with distance.
  let score = 1 / ((rankA + 1) * (rankB + 1)) ** 0.3 / (1 + Math.min(km, 3000) / 1500);
  if (a.country === b.country) score *= 2;
  else if (region(a) === region(b)) score *= 1.6;
  if (a.iata === "DXB" || b.iata === "DXB")
    score *= 1.8; // a hub carrier that connects everything
  else if (region(a) !== region(b) && rankA < 20 && rankB < 20) score *= 1.5; // trunk routes
  return score;
}

interface Pair {
  a: Airport;
  b: Airport;
  km: number;
  score: number;
}

/**
 * Greedy pick by score, damped by how many routes each end already has: the biggest hubs still
 * get the most routes, but every airport gets some (otherwise the US domestic market, a third
 * of the list, would take nearly everything). Ties break by code, so the result is stable.
 */
function chooseBalanced(pairs: Pair[], count: number): Pair[] {
  const degree = new Map<string, number>();
  const remaining = [...pairs];
  const chosen: Pair[] = [];
  const damped = (p: Pair) =>
    p.score / ((1 + (degree.get(p.a.iata) ?? 0) / 6) * (1 + (degree.get(p.b.iata) ?? 0) / 6));
  while (chosen.length < count && remaining.length > 0) {
    let best = 0;
    for (let i = 1; i < remaining.length; i++) {
      const candidate = remaining[i] as Pair;
      const current = remaining[best] as Pair;
      const diff = damped(candidate) - damped(current);
      if (
        diff > 0 ||
        (diff === 0 &&
          `${candidate.a.iata}${candidate.b.iata}` < `${current.a.iata}${current.b.iata}`)
      ) {
        best = i;
      }
    }
    const [pair] = remaining.splice(best, 1) as [Pair];
    chosen.push(pair);
    degree.set(pair.a.iata, (degree.get(pair.a.iata) ?? 0) + 1);
    degree.set(pair.b.iata, (degree.get(pair.b.iata) ?? 0) + 1);
  }
  return chosen;
}

let cached: SeedRoute[] | undefined;

/**
 * The seed network's routes in popularity order (most popular first): 300 city pairs chosen by
 * demand score among the busiest airports, each flown in both directions. Deterministic (no
 * randomness), so benchmarks can replay traffic over exactly the routes `pnpm seed` loads.
 *
 * @example
 * const [top] = seedRoutes(); // { origin: "ATL", destination: "DFW", rank: 0, ... }
 */
export function seedRoutes(): SeedRoute[] {
  if (cached) return cached.map((r) => ({ ...r }));
  const airports = seedAirports();
  const pairs: Pair[] = [];
  for (let i = 0; i < airports.length; i++) {
    for (let j = i + 1; j < airports.length; j++) {
      const a = airports[i] as Airport;
      const b = airports[j] as Airport;
      const km = greatCircleKm(a, b);
      if (km < MIN_ROUTE_KM) continue;
      pairs.push({ a, b, km, score: pairScore(a, i, b, j, km) });
    }
  }
  const chosen = chooseBalanced(pairs, SEED_ROUTE_COUNT / 2);
  const harmonic = Array.from({ length: SEED_ROUTE_COUNT }, (_, r) => 1 / (r + 1)).reduce(
    (sum, w) => sum + w,
    0,
  );
  const routes: SeedRoute[] = [];
  for (const { a, b, km } of chosen) {
    for (const [origin, destination] of [
      [a, b],
      [b, a],
    ] as const) {
      const rank = routes.length;
      routes.push({
        origin: origin.iata,
        destination: destination.iata,
        distanceKm: Math.round(km),
        rank,
        popularity: 1 / (rank + 1) / harmonic,
      });
    }
  }
  cached = routes;
  return routes.map((r) => ({ ...r }));
}
