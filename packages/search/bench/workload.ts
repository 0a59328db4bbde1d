/**
 * The reference workload of issue #8, seeded and deterministic: what arrives during one day.
 *
 * - Searches: Poisson arrivals at `searchesPerDay / 86 400` per second; 70% flights, 30% hotels.
 *   Flights: route by the seed network's Zipf(1.0) popularity over its 600 routes
 *   (`seedRoutes()`), departure `floor(Exp(mean 14 days))` ahead (capped at 89), 1–4 adults
 *   (55/30/10/5%), cabins economy/premium/business/first 80/8/9/3%, sort price/duration/departure
 *   70/20/10%. Hotels: city by Zipf(1.0) over 20 seeded cities, check-in `floor(Exp(mean 21))`
 *   days ahead (capped at 80), 1–7 nights, 1–2 rooms, sort price/rating 80/20%.
 * - Bookings: 2% of searches book the first offer they were shown (quantity = adults / rooms);
 *   10% of confirmed bookings are cancelled 1–6 hours later.
 * - Price changes: 1% of all inventory items (flight offers and room nights) per hour, uniformly
 *   over the table, each a new price within ±15% through the admin update path.
 *
 * Separate random streams for searches, booking decisions and price changes, so a replay with
 * another cache design sees exactly the same traffic.
 */
import type { Cabin } from "@travel/core";
import { HOTEL_CITIES, mulberry32, seedRoutes } from "@travel/core/seed";
import type { FlightSort, HotelSort } from "../src/query.js";

export interface FlightSearchEvent {
  kind: "flight";
  origin: string;
  destination: string;
  daysAhead: number;
  adults: number;
  cabin: Cabin;
  sort: FlightSort;
  /** Whether this search goes on to book the first offer it shows. */
  books: boolean;
}

export interface HotelSearchEvent {
  kind: "hotel";
  city: string;
  daysAhead: number;
  nights: number;
  rooms: number;
  guests: number;
  sort: HotelSort;
  books: boolean;
}

export type SearchEvent = FlightSearchEvent | HotelSearchEvent;

export interface WorkloadOptions {
  searchesPerDay: number;
  /** Share of searches that book (default 0.02). */
  bookingRate?: number;
  seed?: number;
}

export const HOTEL_SEARCH_CITIES = Object.keys(HOTEL_CITIES).slice(0, 20);

function weighted<T>(random: () => number, choices: readonly (readonly [T, number])[]): T {
  let r = random() * choices.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of choices) {
    r -= weight;
    if (r < 0) return value;
  }
  return (choices.at(-1) as readonly [T, number])[0];
}

function cumulative(weights: readonly number[]): (random: () => number) => number {
  const total = weights.reduce((a, b) => a + b, 0);
  const bounds: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w / total;
    bounds.push(sum);
  }
  return (random) => {
    const r = random();
    let lo = 0;
    let hi = bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((bounds[mid] ?? 1) < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Exponential inter-arrival time in ms for a rate per second. */
export function nextArrivalMs(random: () => number, perSecond: number): number {
  return (-Math.log(1 - random()) / perSecond) * 1000;
}

export function createWorkload(options: WorkloadOptions) {
  const seed = options.seed ?? 20_300_310;
  const searchRandom = mulberry32(seed);
  const bookRandom = mulberry32(seed + 1);
  const routes = seedRoutes();
  const pickRoute = cumulative(routes.map((r) => r.popularity));
  const pickCity = cumulative(HOTEL_SEARCH_CITIES.map((_, i) => 1 / (i + 1)));
  const bookingRate = options.bookingRate ?? 0.02;
  const perSecond = options.searchesPerDay / 86_400;

  return {
    /** Milliseconds until the next search. */
    nextSearchInMs: () => nextArrivalMs(searchRandom, perSecond),

    nextSearch(): SearchEvent {
      const r = searchRandom;
      const books = bookRandom() < bookingRate;
      if (r() < 0.7) {
        const route = routes[pickRoute(r)] ?? routes[0];
        return {
          kind: "flight",
          origin: route?.origin ?? "JFK",
          destination: route?.destination ?? "LAX",
          daysAhead: Math.min(89, Math.floor(-Math.log(1 - r()) * 14)),
          adults: weighted(r, [
            [1, 55],
            [2, 30],
            [3, 10],
            [4, 5],
          ]),
          cabin: weighted<Cabin>(r, [
            ["economy", 80],
            ["premium_economy", 8],
            ["business", 9],
            ["first", 3],
          ]),
          sort: weighted<FlightSort>(r, [
            ["price", 70],
            ["duration", 20],
            ["departure", 10],
          ]),
          books,
        };
      }
      const rooms = r() < 0.85 ? 1 : 2;
      return {
        kind: "hotel",
        city: HOTEL_SEARCH_CITIES[pickCity(r)] ?? "LHR",
        daysAhead: Math.min(80, Math.floor(-Math.log(1 - r()) * 21)),
        nights: weighted(r, [
          [1, 20],
          [2, 25],
          [3, 20],
          [4, 15],
          [5, 10],
          [6, 5],
          [7, 5],
        ]),
        rooms,
        guests: Math.min(8, rooms * (r() < 0.5 ? 1 : 2)),
        sort: r() < 0.8 ? "price" : "rating",
        books,
      };
    },

    /** Whether a confirmed booking is cancelled, and after how many ms. */
    cancellation(): number | undefined {
      if (bookRandom() >= 0.1) return undefined;
      return (1 + bookRandom() * 5) * 3_600_000;
    },
  };
}

/** Price changes: `share` of `items` per hour, uniformly over them, ±15%. */
export function createPriceChanges(options: {
  items: number;
  sharePerHour?: number;
  seed?: number;
}) {
  const random = mulberry32((options.seed ?? 20_300_310) + 2);
  const perSecond = (options.items * (options.sharePerHour ?? 0.01)) / 3600;
  return {
    perHour: perSecond * 3600,
    nextInMs: () => nextArrivalMs(random, perSecond),
    /** Index of the item to change and the factor of its new price. */
    next: () => ({ index: Math.floor(random() * options.items), factor: 0.85 + random() * 0.3 }),
  };
}
