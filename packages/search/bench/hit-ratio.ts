/**
 * Cache hit ratio over a simulated day of searches.
 *
 * Replays 24 simulated hours against the search service with one clock driving both the
 * service and the in-process cache, so TTLs expire as they would in a day. Searches follow a
 * Zipf popularity over routes and a near-term-heavy departure-date spread; sort, travellers,
 * filters and pages vary (they share cache entries by design). Bookings arrive at a given rate
 * and report inventory changes, each invalidating one route/date (as holds do).
 *
 * Offers come from the deterministic simulated supplier (no database): this measures cache
 * behaviour only, not latency.
 *
 * pnpm bench:hit-ratio   (env: HOURS=24, SEARCHES_PER_SECOND=0.5, BOOKINGS_PER_SECOND=0.05, ROUTES=600)
 */
import { createMemoryCache } from "@travel/cache";
import type { FlightOfferRecord } from "@travel/core";
import type { FlightQuery, FlightSort } from "../src/query.js";
import { createSearchService } from "../src/service.js";
import { createSimulatedSupplier } from "../src/suppliers/simulated.js";

const SEARCHES_PER_SECOND = Number(process.env.SEARCHES_PER_SECOND ?? 0.5);
const BOOKINGS_PER_SECOND = Number(process.env.BOOKINGS_PER_SECOND ?? 0.05);
const ROUTES = Number(process.env.ROUTES ?? 600);
const HOURS = Number(process.env.HOURS ?? 24);
const DAY_SECONDS = HOURS * 3600;
const START = Date.parse("2030-03-10T00:00:00Z");

const AIRPORTS = [
  "ATL",
  "PEK",
  "DXB",
  "LAX",
  "HND",
  "ORD",
  "LHR",
  "PVG",
  "CDG",
  "DFW",
  "CAN",
  "AMS",
  "FRA",
  "IST",
  "DEL",
  "CGK",
  "SIN",
  "ICN",
  "DEN",
  "BKK",
  "JFK",
  "KUL",
  "SFO",
  "MAD",
  "CTU",
  "LAS",
  "BCN",
  "BOM",
  "YYZ",
  "SEA",
];

/** Seeded PRNG so every run replays the same day. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function zipfSampler(n: number, s: number, random: () => number): () => number {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w / total;
    cumulative.push(sum);
  }
  return () => {
    const r = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 1) < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const routes: [string, string][] = [];
for (const a of AIRPORTS) for (const b of AIRPORTS) if (a !== b) routes.push([a, b]);
const random0 = mulberry32(7);
routes.sort(() => random0() - 0.5);
routes.length = Math.min(ROUTES, routes.length);

const day = (offset: number) => new Date(START + offset * 86_400_000).toISOString().slice(0, 10);

async function replay(ttlSeconds: number, bookingsPerSecond: number) {
  let now = START + 6 * 3600 * 1000;
  const random = mulberry32(42);
  const pickRoute = zipfSampler(routes.length, 1.0, random);
  const cache = createMemoryCache({ clock: { now: () => now } });
  const search = createSearchService({
    suppliers: [createSimulatedSupplier({ seed: "hit-ratio" })],
    inventory: {} as never, // no admin updates in this replay
    cache,
    clock: { now: () => new Date(now) },
    cursorSecret: "bench-cursor-secret-0123456789abcdef",
    logger: { warn: () => {}, error: () => {} },
    options: { ttlSeconds },
  });
  const counts = { hit: 0, miss: 0, stale: 0 };
  const end = now + DAY_SECONDS * 1000;
  let nextSearch = now;
  let nextBooking = bookingsPerSecond > 0 ? now : Number.POSITIVE_INFINITY;
  const sorts: FlightSort[] = ["price", "price", "price", "duration", "departure"];
  const daysOut = () => Math.min(89, Math.floor(-Math.log(1 - random()) * 14));
  const cabin = () => {
    const r = random();
    return r < 0.85 ? "economy" : r < 0.93 ? "premium_economy" : r < 0.98 ? "business" : "first";
  };

  while (nextSearch < end) {
    if (nextBooking <= nextSearch) {
      now = nextBooking;
      const [origin, destination] = routes[pickRoute()] ?? ["JFK", "LAX"];
      const record = {
        offerId: "off_bench",
        origin,
        destination,
        departDate: day(1 + daysOut()),
      } as FlightOfferRecord;
      await search.inventoryChanged([{ type: "flightOffer", record }]);
      nextBooking += (-Math.log(1 - random()) / bookingsPerSecond) * 1000;
      continue;
    }
    now = nextSearch;
    const [origin, destination] = routes[pickRoute()] ?? ["JFK", "LAX"];
    const query: FlightQuery = {
      origin,
      destination,
      departureDate: day(1 + daysOut()),
      adults: 1 + Math.floor(random() * 3),
      cabin: cabin(),
      sort: sorts[Math.floor(random() * sorts.length)] ?? "price",
      limit: 20,
    };
    const result = await search.searchFlights(query, { tenantId: "ten_bench" });
    counts[result.meta.cache.status]++;
    nextSearch += (-Math.log(1 - random()) / SEARCHES_PER_SECOND) * 1000;
  }
  await cache.close();
  const total = counts.hit + counts.miss + counts.stale;
  return {
    ttlSeconds,
    bookingsPerSecond,
    total,
    ...counts,
    ratio: (counts.hit + counts.stale) / total,
  };
}

console.log(
  `simulated ${HOURS} h from an empty cache: ${SEARCHES_PER_SECOND} searches/s, ${routes.length} routes (Zipf s=1), dates 1–90 days out (mean 14), 4 cabins`,
);
console.log("ttl s | bookings/s | searches | hit | stale | miss | hit ratio (hit+stale)");
for (const [ttl, bookings] of [
  [300, 0],
  [600, 0],
  [900, 0],
  [600, BOOKINGS_PER_SECOND],
] as const) {
  {
    const r = await replay(ttl, bookings);
    console.log(
      `${String(r.ttlSeconds).padStart(5)} | ${String(r.bookingsPerSecond).padStart(10)} | ${String(r.total).padStart(8)} | ${String(r.hit).padStart(6)} | ${String(r.stale).padStart(5)} | ${String(r.miss).padStart(6)} | ${(r.ratio * 100).toFixed(1)}%`,
    );
  }
}
