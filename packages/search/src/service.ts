import { type Span, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type { Cache, CacheResult } from "@travel/cache";
import {
  addDays,
  cityCodeOf,
  findPlace,
  hotelOfferId,
  type InventoryChange,
  type InventoryChangeListener,
  newId,
  placeTimeZone,
} from "@travel/core";
import { z } from "zod";
import { type InventoryAdminStore, updateInventoryOffer } from "./admin.js";
import {
  flightCacheKey,
  flightQueryFingerprint,
  flightRequestOf,
  hotelCacheKey,
  hotelQueryFingerprint,
  hotelRequestOf,
} from "./cache-key.js";
import { type Clock, localDate } from "./clock.js";
import { type CursorPosition, createCursorCodec, resumeIndex } from "./cursor.js";
import {
  OfferExpiredError,
  OfferNotFoundError,
  SearchCacheUnavailableError,
  SuppliersUnavailableError,
} from "./errors.js";
import type { SearchEventRecorder } from "./events.js";
import { type BreakerState, createFanOut } from "./fan-out.js";
import { filterFlights, filterHotels } from "./filter.js";
import { composeSlices, itineraryOffer, pairSlices } from "./itineraries.js";
import { consoleLogger, errorName, type Logger } from "./logger.js";
import { amountMilli } from "./money.js";
import type { RouteNetwork } from "./network.js";
import type {
  CacheInfo,
  FlightOffer,
  FlightSearchResponse,
  HotelOffer,
  HotelSearchResponse,
  Offer,
  OfferUpdate,
  SearchMeta,
} from "./offers.js";
import {
  createFlightQuerySchema,
  createHotelQuerySchema,
  type FlightQuery,
  type HotelQuery,
  MAX_DAYS_AHEAD,
} from "./query.js";
import { rankFlights, rankHotels } from "./rank.js";
import type { InventoryReadModel, ReadModelAnswer } from "./read-model/read-model.js";
import type { FlightSearchRequest, HotelSearchRequest, Supplier } from "./suppliers/supplier.js";
import { changeTags, flightResultTags, hotelResultTags } from "./tags.js";

/** The cache namespace of search results (its TTL is validated to 5–15 minutes). */
export const SEARCH_CACHE_NAMESPACE = "search";

/** Tunables, validated once at construction; a bad value fails there with its name. */
export const searchServiceOptionsSchema = z.object({
  /** Fresh lifetime of a complete result set. */
  ttlSeconds: z.int().min(300).max(900).default(600),
  /** After expiry a result may still be served (status `stale`) while one refresh runs. */
  staleTtlSeconds: z.int().min(0).max(300).default(60),
  /**
   * Lifetime of an empty result and of a partial one (a supplier missing): short, so new
   * inventory or a recovered supplier shows up soon.
   */
  briefTtlSeconds: z.int().min(1).max(120).default(20),
  supplierTimeoutMs: z.int().min(10).max(30_000).default(2_000),
  breakerFailures: z.int().min(1).max(100).default(5),
  breakerHalfOpenAfterMs: z.int().min(100).max(600_000).default(30_000),
  offerValiditySeconds: z.int().min(60).max(3600).default(900),
});
export type SearchServiceOptions = z.input<typeof searchServiceOptionsSchema>;

/** The cache operations search uses (`@travel/cache`'s `Cache` provides them). */
export type SearchCache = Pick<Cache, "getOrLoad" | "invalidate">;

export interface SearchServiceDeps {
  /**
   * Offer sources served cache-aside (TTL, stale-while-revalidate, single flight), in priority
   * order (the first wins on duplicate offer ids): external suppliers, or our own inventory
   * supplier when there is no read model. May be empty when `readModel` is given.
   */
  suppliers: readonly Supplier[];
  /**
   * Our own inventory as a change-maintained read model (`createInventoryReadModel`): never
   * expires on a timer, updated in place by `inventoryChanged`. Its offers come first.
   */
  readModel?: InventoryReadModel;
  /** Our inventory, for admin updates (core's `createInventoryRepository(db)`). */
  inventory: InventoryAdminStore;
  cache: SearchCache;
  clock: Clock;
  /** HMAC key of the pagination cursors (≥ 16 bytes); the same in every process. */
  cursorSecret: string | Uint8Array;
  /** Analytics: one event per new search (see `createSearchEventQueue`). */
  events?: SearchEventRecorder;
  /**
   * The last date with published inventory (`meta.inventoryHorizon`); searches past it answer an
   * empty page. Default: the last date a query may ask for (no horizon known).
   */
  inventoryHorizon?: () => string;
  /**
   * Which airport pairs have flights and where connections can be made. Without it every pair
   * of the searched places is asked and no connection is composed.
   */
  network?: RouteNetwork;
  tracer?: Tracer;
  logger?: Logger;
  options?: SearchServiceOptions;
}

/** Who is searching (for analytics; never logged). */
export interface SearchContext {
  tenantId: string;
}

export interface SearchService extends InventoryChangeListener {
  /** The query schemas bound to this service's clock (validation, handler types). */
  readonly flightQuerySchema: ReturnType<typeof createFlightQuerySchema>;
  readonly hotelQuerySchema: ReturnType<typeof createHotelQuerySchema>;
  searchFlights(query: FlightQuery, context: SearchContext): Promise<FlightSearchResponse>;
  searchHotels(query: HotelQuery, context: SearchContext): Promise<HotelSearchResponse>;
  /** Re-priced live by the owning supplier (never from the cache). 404 / 410 / 503. */
  getOffer(offerId: string): Promise<Offer>;
  /**
   * Admin update of an inventory offer; cached results holding it are invalidated first. With
   * `onRefreshFailed`, a cache that cannot be refreshed is reported there (the update is
   * written and answered; the change stream repairs the cache) instead of thrown.
   */
  updateOffer(
    offerId: string,
    update: OfferUpdate,
    options?: { onRefreshFailed?: (error: unknown) => void },
  ): Promise<Offer>;
  /**
   * Applies the items' new state to the read model and invalidates cache-aside results that
   * can hold them, before resolving (503 `SearchCacheUnavailableError` when the cache refused).
   */
  inventoryChanged(changes: readonly InventoryChange[]): Promise<void>;
  breakerStates(): Record<string, BreakerState>;
}

/** What a cached search result holds: every offer of the request, unfiltered. */
interface CachedResult<T> {
  offers: T[];
  /** Suppliers that failed for this result. */
  missing: string[];
}

/**
 * The search service: validated query → cache (one entry per route/date/cabin or city/stay)
 * → filters, ranking and a signed cursor page. Misses fan out to the suppliers.
 *
 * @example
 * const search = createSearchService({
 *   suppliers: [createInventorySupplier({ inventory })],
 *   inventory, cache, clock: systemClock, cursorSecret, events,
 * });
 * const query = search.flightQuerySchema.parse(rawQuery);
 * const { data, meta } = await search.searchFlights(query, { tenantId });
 */
export function createSearchService(deps: SearchServiceDeps): SearchService {
  const options = searchServiceOptionsSchema.parse(deps.options ?? {});
  const { cache, clock, inventory, network, readModel, suppliers } = deps;
  if (suppliers.length === 0 && !readModel) {
    throw new RangeError("search needs at least one supplier or a read model");
  }
  const tracer = deps.tracer ?? trace.getTracer("@travel/search");
  const logger = deps.logger ?? consoleLogger;
  const cursors = createCursorCodec(deps.cursorSecret);
  // One breaker and timeout per source: the read model's (our table) and each supplier's.
  const sources = readModel ? [readModel.source, ...suppliers] : [...suppliers];
  const fanOut = createFanOut(sources, {
    timeoutMs: options.supplierTimeoutMs,
    breakerFailures: options.breakerFailures,
    halfOpenAfterMs: options.breakerHalfOpenAfterMs,
    tracer,
    logger,
  });
  const cacheAside = new Set(suppliers);

  async function load<T extends { id: string }>(
    operation: "searchFlights" | "searchHotels",
    call: (supplier: Supplier, o: { signal: AbortSignal; now: Date }) => Promise<readonly T[]>,
  ): Promise<CachedResult<T>> {
    const { values, missing } = await fanOut.all(operation, call, clock.now(), (s) =>
      cacheAside.has(s),
    );
    if (missing.length === suppliers.length) throw new SuppliersUnavailableError(missing);
    const seen = new Set<string>();
    const offers = values.filter((o) => !seen.has(o.id) && seen.add(o.id));
    return { offers, missing };
  }

  /**
   * Every source's offers for one request: the read model's (if any) and the cache-aside
   * suppliers' (if any), in that order, with a truthful cache summary (`combineCacheInfo`).
   * A failed source is listed in `missing`; all of them failing is a 503.
   */
  async function gather<T extends { id: string }>(
    fromReadModel: (
      model: InventoryReadModel,
      guard: <R>(load: () => Promise<R>) => Promise<R>,
    ) => Promise<ReadModelAnswer<T>>,
    fromCache: () => Promise<CacheResult<CachedResult<T>>>,
    operation: "searchFlights" | "searchHotels",
    now: Date,
  ): Promise<{ offers: T[]; missing: string[]; cache: CacheInfo }> {
    const [own, external] = await Promise.all([
      readModel ? fromReadModelOrMissing(readModel, fromReadModel, operation, now) : undefined,
      suppliers.length > 0 ? fromCacheOrMissing(fromCache) : undefined,
    ]);
    const missing: string[] = [];
    const parts: CacheInfo[] = [];
    const offers: T[] = [];
    if (readModel && own) {
      if (own.ok) {
        offers.push(...own.value.offers);
        parts.push(own.value);
      } else {
        missing.push(readModel.source.name);
      }
    }
    if (external) {
      const seen = new Set(offers.map((o) => o.id));
      offers.push(...external.value.offers.filter((o) => !seen.has(o.id) && seen.add(o.id)));
      missing.push(...external.value.missing);
      if (external.value.missing.length < suppliers.length) parts.push(external);
    }
    if (parts.length === 0) throw new SuppliersUnavailableError(missing);
    return { offers, missing, cache: combineCacheInfo(parts) };
  }

  /**
   * The read model's answer, `{ ok: false }` when it failed. Only its table reads (fills) run
   * under the inventory source's timeout and breaker: entries already in the cache are served
   * while the table is down.
   */
  async function fromReadModelOrMissing<T>(
    model: InventoryReadModel,
    fromReadModel: (
      model: InventoryReadModel,
      guard: <R>(load: () => Promise<R>) => Promise<R>,
    ) => Promise<ReadModelAnswer<T>>,
    operation: "searchFlights" | "searchHotels",
    now: Date,
  ): Promise<{ ok: true; value: ReadModelAnswer<T> } | { ok: false }> {
    const guard = async <R>(load: () => Promise<R>): Promise<R> => {
      const result = await fanOut.one(model.source, operation, () => load(), now);
      if (!result.ok) throw new SuppliersUnavailableError([model.source.name]);
      return result.value;
    };
    try {
      return { ok: true, value: await fromReadModel(model, guard) };
    } catch (error) {
      // Already logged by the fan-out when the table failed; anything else is logged here.
      if (!(error instanceof SuppliersUnavailableError)) {
        logger.warn("read model failed", { error: errorName(error) });
      }
      return { ok: false };
    }
  }

  /** With a read model answering too, every supplier failing is a partial answer, not a 503. */
  async function fromCacheOrMissing<T>(
    fromCache: () => Promise<CacheResult<CachedResult<T>>>,
  ): Promise<CacheResult<CachedResult<T>>> {
    try {
      return await fromCache();
    } catch (error) {
      if (!(readModel && error instanceof SuppliersUnavailableError)) throw error;
      return {
        value: { offers: [], missing: suppliers.map((s) => s.name) },
        status: "miss",
        ageSeconds: 0,
        ttlSeconds: 0,
      };
    }
  }

  function cacheOptions<T>(tags: (value: CachedResult<T>) => string[]) {
    return {
      namespace: SEARCH_CACHE_NAMESPACE,
      ttlSeconds: options.ttlSeconds,
      staleTtlSeconds: options.staleTtlSeconds,
      // Empty and partial results take the cache's negative (short, no stale) lifetime.
      negativeTtlSeconds: options.briefTtlSeconds,
      isEmpty: (value: CachedResult<T>) => value.offers.length === 0 || value.missing.length > 0,
      tags,
    };
  }

  function page<T extends { id: string }>(
    ranked: readonly T[],
    limit: number,
    fingerprint: string,
    position: CursorPosition | undefined,
  ): { data: T[]; nextCursor: string | null } {
    const start = position
      ? resumeIndex(
          ranked.map((o) => o.id),
          position,
        )
      : 0;
    const data = ranked.slice(start, start + limit);
    const last = data.at(-1);
    const end = start + data.length;
    return {
      data,
      nextCursor:
        last && end < ranked.length
          ? cursors.encode(fingerprint, { offset: end, lastId: last.id })
          : null,
    };
  }

  function meta(
    searchId: string,
    result: { missing: string[]; cache: CacheInfo },
    count: number,
    total: number,
    nextCursor: string | null,
    inventoryHorizon: string,
  ): SearchMeta {
    return {
      searchId,
      count,
      total,
      nextCursor,
      inventoryHorizon,
      cache: { ...result.cache },
      suppliers: { missing: [...result.missing] },
    };
  }

  function record(
    context: SearchContext,
    kind: "flight" | "hotel",
    route: string,
    searchId: string,
    now: Date,
    status: CacheResult<unknown>["status"],
    resultCount: number,
  ): void {
    if (!deps.events) return;
    try {
      deps.events.record({
        searchId,
        tenantId: context.tenantId,
        kind,
        route,
        day: now.toISOString().slice(0, 10),
        cacheStatus: status,
        resultCount,
        createdAt: now.toISOString(),
      });
    } catch (error) {
      // Analytics must never fail a search; the recorder is expected not to throw.
      logger.error("search event not queued", { error: errorName(error) });
    }
  }

  /** Cache-aside results can hold a changed item only if a cache-aside supplier owns its offers. */
  async function invalidate(changes: readonly InventoryChange[]): Promise<void> {
    const owned = changes.filter((change) => {
      const offerId =
        change.type === "flightOffer"
          ? change.record.offerId
          : hotelOfferId({
              hotelId: change.record.hotelId,
              checkIn: change.record.date,
              checkOut: addDays(change.record.date, 1),
            });
      return suppliers.some((s) => s.ownsOffer(offerId));
    });
    const tags = changeTags(owned);
    if (tags.length === 0) return;
    try {
      await cache.invalidate(tags, { throwOnError: true });
    } catch (error) {
      // The store's own error (e.g. CacheTimeoutError) says why: keep it as the cause.
      throw new SearchCacheUnavailableError({ cause: error });
    }
  }

  async function inventoryChanged(changes: readonly InventoryChange[]): Promise<void> {
    await Promise.all([readModel?.inventoryChanged(changes), invalidate(changes)]);
  }

  /**
   * The flights of one airport pair from every source (read model, cache-aside suppliers).
   * Connection legs never fill under the inventory source's timeout and breaker (a search may
   * touch a dozen route-months, whose slowness must not open the breaker nonstop searches
   * depend on): `background` when the search has nonstops to show (the next search composes
   * them), `unguarded` (awaited) when connections are all it can offer.
   */
  function gatherFlights(
    request: FlightSearchRequest,
    now: Date,
    mode: "guarded" | "unguarded" | "background" = "guarded",
    fillAfter?: Promise<unknown>,
  ): Promise<{ offers: FlightOffer[]; missing: string[]; cache: CacheInfo }> {
    if (mode === "guarded") return readFlights(request, now, mode);
    // A leg the answer does not depend on: its failure makes the answer partial (named in
    // `meta.suppliers.missing`), never a 503.
    return readFlights(request, now, mode, fillAfter).catch((error: unknown) => {
      logger.warn("connection legs not read", { error: errorName(error) });
      return {
        offers: [],
        missing: readModel ? [readModel.source.name] : [],
        cache: { status: "miss" as const, ageSeconds: 0, ttlSeconds: 0 },
      };
    });
  }

  function readFlights(
    request: FlightSearchRequest,
    now: Date,
    mode: "guarded" | "unguarded" | "background",
    fillAfter?: Promise<unknown>,
  ) {
    return gather(
      (model, guard) =>
        model.searchFlights(request, {
          now,
          validitySeconds: options.offerValiditySeconds,
          ...(mode === "guarded" ? { guard } : {}),
          ...(mode === "background" ? { fillInBackground: fillAfter ?? Promise.resolve() } : {}),
        }),
      () =>
        cache.getOrLoad<CachedResult<FlightOffer>>(
          flightCacheKey(request),
          () => load("searchFlights", (s, o) => s.searchFlights(request, o)),
          cacheOptions((value) => flightResultTags(request, value.offers)),
        ),
      "searchFlights",
      now,
    );
  }

  function gatherHotels(request: HotelSearchRequest, now: Date) {
    return gather(
      (model, guard) =>
        model.searchHotels(request, {
          now,
          validitySeconds: options.offerValiditySeconds,
          guard,
        }),
      () =>
        cache.getOrLoad<CachedResult<HotelOffer>>(
          hotelCacheKey(request),
          () => load("searchHotels", (s, o) => s.searchHotels(request, o)),
          cacheOptions((value) => hotelResultTags(request, value.offers)),
        ),
      "searchHotels",
      now,
    );
  }

  /**
   * Every slice between two places on a date: nonstop legs of every airport pair the network
   * flies (an airport-to-airport search always asks its one pair, as in v1) and, with
   * `maxStops` ≥ 1, one-stop connections through the network's busiest connection points.
   * Legs come from the read model (per-leg entries a leg update reaches); slices are composed
   * here and never cached.
   */
  async function slicesBetween(
    origin: string,
    destination: string,
    departureDate: string,
    cabin: FlightSearchRequest["cabin"],
    maxStops: number,
    keep: (leg: FlightOffer) => boolean,
    now: Date,
  ) {
    const request = { origin, destination, departureDate, cabin };
    const triples = maxStops >= 1 ? connectionPoints(origin, destination) : [];
    const firstPairs = unique(triples.map(([o, h]) => `${o}-${h}`));
    const secondPairs = unique(triples.map(([, h, d]) => `${h}-${d}`));
    const later = addDays(departureDate, 1);
    const pairs = airportPairs(origin, destination);
    const mode =
      network && pairs.some((p) => network.hasRoute(p.origin, p.destination))
        ? "background"
        : "unguarded";
    // A pair the network does not fly is still asked (inventory may exist off the network),
    // outside the breaker like connection legs: it is not what the answer depends on.
    const directParts = Promise.all(
      pairs.map((pair) =>
        gatherFlights(
          { ...request, ...pair },
          now,
          !network || network.hasRoute(pair.origin, pair.destination) ? "guarded" : "unguarded",
        ),
      ),
    );
    const [direct, first, second] = await Promise.all([
      directParts,
      Promise.all(
        firstPairs.map((pair) =>
          gatherFlights({ ...request, ...splitPair(pair) }, now, mode, directParts),
        ),
      ),
      Promise.all(
        secondPairs.flatMap((pair) =>
          [departureDate, later].map((date) =>
            gatherFlights(
              { ...request, ...splitPair(pair), departureDate: date },
              now,
              mode,
              directParts,
            ),
          ),
        ),
      ),
    ]);
    const legs = (parts: readonly { offers: FlightOffer[] }[]) =>
      parts.flatMap((p) => p.offers).filter(keep);
    return {
      slices: composeSlices(legs(direct), legs(first), legs(second)),
      // Connection entries filled in the background do not make the answer a miss: what it
      // shows came from the cache.
      parts: mode === "background" ? direct : [...direct, ...first, ...second],
    };
  }

  /** Itineraries for a query: composed slices, paired for a round trip, priced per passenger. */
  async function itineraries(query: FlightQuery, now: Date) {
    const passengers = {
      adults: query.adults,
      children: query.children ?? 0,
      infants: query.infants ?? 0,
    };
    const seats = passengers.adults + passengers.children;
    const carriers = query.carriers ? new Set(query.carriers) : undefined;
    const keep = (leg: FlightOffer) =>
      leg.seatsAvailable >= seats &&
      (carriers === undefined || carriers.has(leg.carrier)) &&
      Date.parse(leg.departAt) > now.getTime();
    const maxStops = query.maxStops ?? 1;
    const [out, back] = await Promise.all([
      slicesBetween(
        query.origin,
        query.destination,
        query.departureDate,
        query.cabin,
        maxStops,
        keep,
        now,
      ),
      query.returnDate
        ? slicesBetween(
            query.destination,
            query.origin,
            query.returnDate,
            query.cabin,
            maxStops,
            keep,
            now,
          )
        : undefined,
    ]);
    const journeys: FlightOffer[][][] = back
      ? pairSlices(out.slices, back.slices, sliceRank(query.sort))
      : out.slices.map((slice) => [slice]);
    const offers: FlightOffer[] = [];
    for (const journey of journeys) {
      const offer = itineraryOffer(journey, passengers);
      if (offer) offers.push(offer);
    }
    const merged = mergeParts([...out.parts, ...(back?.parts ?? [])]);
    return { offers, missing: merged.missing, cache: merged.cache };
  }

  /** Up to `HUB_TRIPLES` (origin airport, hub, destination airport) routes, busiest first. */
  function connectionPoints(origin: string, destination: string): [string, string, string][] {
    if (!network) return [];
    const from = findPlace(origin)?.airports ?? [origin];
    const to = findPlace(destination)?.airports ?? [destination];
    const triples: [string, string, string][] = [];
    for (const o of from) {
      for (const d of to) {
        if (o === d) continue;
        for (const h of network.hubs(o, d)) {
          if (!to.includes(h) && !from.includes(h)) triples.push([o, h, d]);
        }
      }
    }
    return triples.slice(0, HUB_TRIPLES);
  }

  function airportPairs(origin: string, destination: string) {
    const from = findPlace(origin)?.airports ?? [origin];
    const to = findPlace(destination)?.airports ?? [destination];
    const pairs = from.flatMap((o) =>
      to.filter((d) => d !== o).map((d) => ({ origin: o, destination: d })),
    );
    if (pairs.length <= 1 || !network) return pairs;
    const flown = pairs.filter((p) => network.hasRoute(p.origin, p.destination));
    return flown.length > 0 ? flown : pairs.slice(0, 1);
  }

  /** Hotels of a place: the hotels kept under each of its airports (a city's, for a city code). */
  function hotelPlaces(code: string): string[] {
    const city = findPlace(code)?.kind === "city" ? code : cityCodeOf(code);
    return city ? [...(findPlace(city)?.airports ?? [code])] : [code];
  }

  const inventoryHorizon =
    deps.inventoryHorizon ?? (() => addDays(localDate(clock.now(), "UTC"), MAX_DAYS_AHEAD + 1));

  return {
    flightQuerySchema: createFlightQuerySchema(clock),
    hotelQuerySchema: createHotelQuerySchema(clock),

    searchFlights(query, context) {
      return tracer.startActiveSpan("search.flights", async (span) => {
        try {
          const now = clock.now();
          const fingerprint = flightQueryFingerprint(query);
          const request = flightRequestOf(query);
          const route = `${request.origin}-${request.destination}`;
          span.setAttributes({ "travel.route": route, "travel.cabin": request.cabin });
          // A bad cursor fails before any cache or supplier work.
          const position = query.cursor ? cursors.decode(query.cursor, fingerprint) : undefined;
          const horizon = inventoryHorizon();
          const result =
            (query.returnDate ?? request.departureDate) > horizon
              ? {
                  offers: [],
                  missing: [],
                  cache: { status: "hit" as const, ageSeconds: 0, ttlSeconds: 0 },
                }
              : await itineraries(query, now);
          const ranked = rankFlights(filterFlights(result.offers, query, now), query.sort);
          const { data, nextCursor } = page(ranked, query.limit, fingerprint, position);
          const searchId = newId("search", now.getTime());
          const status = result.cache.status;
          if (!position) record(context, "flight", route, searchId, now, status, ranked.length);
          span.setAttributes({ "cache.status": status, "travel.results": ranked.length });
          return {
            data,
            meta: meta(searchId, result, data.length, ranked.length, nextCursor, horizon),
          };
        } catch (error) {
          failSpan(span, error);
          throw error;
        } finally {
          span.end();
        }
      });
    },

    searchHotels(query, context) {
      return tracer.startActiveSpan("search.hotels", async (span) => {
        try {
          const now = clock.now();
          const fingerprint = hotelQueryFingerprint(query);
          const request = hotelRequestOf(query);
          span.setAttributes({ "travel.city": request.city });
          const position = query.cursor ? cursors.decode(query.cursor, fingerprint) : undefined;
          const horizon = inventoryHorizon();
          const result =
            addDays(request.checkOut, -1) > horizon
              ? {
                  offers: [],
                  missing: [],
                  cache: { status: "hit" as const, ageSeconds: 0, ttlSeconds: 0 },
                }
              : mergeParts(
                  await Promise.all(
                    hotelPlaces(request.city).map((city) =>
                      gatherHotels({ ...request, city }, now),
                    ),
                  ),
                );
          const ranked = rankHotels(filterHotels(result.offers, query), query.sort);
          const { data, nextCursor } = page(ranked, query.limit, fingerprint, position);
          const searchId = newId("search", now.getTime());
          const status = result.cache.status;
          if (!position)
            record(context, "hotel", request.city, searchId, now, status, ranked.length);
          span.setAttributes({ "cache.status": status, "travel.results": ranked.length });
          return {
            data,
            meta: meta(searchId, result, data.length, ranked.length, nextCursor, horizon),
          };
        } catch (error) {
          failSpan(span, error);
          throw error;
        } finally {
          span.end();
        }
      });
    },

    async getOffer(offerId) {
      if (offerId.length > 200 || !/^off_[A-Za-z0-9_-]+$/.test(offerId)) {
        throw new OfferNotFoundError(offerId);
      }
      const now = clock.now();
      const { value, missing, asked } = await fanOut.first(
        "priceOffer",
        (s, o) => s.priceOffer(offerId, o),
        now,
        (s) => s.ownsOffer(offerId),
      );
      if (!value) {
        if (asked > 0 && missing.length === asked) throw new SuppliersUnavailableError(missing);
        throw new OfferNotFoundError(offerId);
      }
      if (isExpired(value, now)) throw new OfferExpiredError(offerId);
      return value;
    },

    async updateOffer(offerId, update, updateOptions = {}) {
      const { offer, changes } = await updateInventoryOffer(
        inventory,
        offerId,
        update,
        clock.now(),
        options.offerValiditySeconds,
      );
      try {
        await inventoryChanged(changes);
      } catch (error) {
        if (!updateOptions.onRefreshFailed) throw error;
        updateOptions.onRefreshFailed(error);
      }
      if (!offer) throw new OfferNotFoundError(offerId);
      return offer;
    },

    inventoryChanged,

    breakerStates: () => fanOut.breakerStates(),
  };
}

/**
 * One `meta.cache` for an answer built from several parts (the read model's entry and the
 * cache-aside suppliers' result): `miss` if any part was loaded for this call, else `stale` if
 * any part was served stale, else `hit`; the oldest part's age and the shortest part's TTL.
 */
export function combineCacheInfo(parts: readonly CacheInfo[]): CacheInfo {
  const statuses = new Set(parts.map((p) => p.status));
  return {
    status: statuses.has("miss") ? "miss" : statuses.has("stale") ? "stale" : "hit",
    ageSeconds: Math.max(0, ...parts.map((p) => p.ageSeconds)),
    ttlSeconds: Math.min(...parts.map((p) => p.ttlSeconds)),
  };
}

/** Connections asked per slice (origin airport, hub, destination airport): bounds a search's reads. */
const HUB_TRIPLES = 4;

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function splitPair(pair: string): { origin: string; destination: string } {
  const [origin, destination] = pair.split("-") as [string, string];
  return { origin, destination };
}

/** How `pairSlices` picks the best slices of each side for a query's sort. */
function sliceRank(sort: FlightQuery["sort"]): (slice: readonly FlightOffer[]) => number {
  const first = (slice: readonly FlightOffer[]) => slice[0] as FlightOffer;
  const last = (slice: readonly FlightOffer[]) => slice.at(-1) as FlightOffer;
  if (sort === "departure") return (slice) => Date.parse(first(slice).departAt);
  if (sort === "duration") {
    return (slice) => Date.parse(last(slice).arriveAt) - Date.parse(first(slice).departAt);
  }
  return (slice) => slice.reduce((sum, leg) => sum + amountMilli(leg.price), 0);
}

/** One answer from several airport pairs' or cities' answers (offers de-duplicated by id). */
function mergeParts<T extends { id: string }>(
  parts: readonly { offers: T[]; missing: string[]; cache: CacheInfo }[],
): { offers: T[]; missing: string[]; cache: CacheInfo } {
  if (parts.length === 1) return parts[0] as (typeof parts)[number];
  const seen = new Set<string>();
  const offers: T[] = [];
  for (const part of parts) {
    for (const offer of part.offers)
      if (!seen.has(offer.id) && seen.add(offer.id)) offers.push(offer);
  }
  return {
    offers,
    missing: [...new Set(parts.flatMap((p) => p.missing))],
    cache: combineCacheInfo(parts.map((p) => p.cache)),
  };
}

/** Marks a span failed with the error's class name only (messages may echo input). */
function failSpan(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorName(error) });
}

/** A flight that has departed, or a stay whose check-in day has passed where the hotel is. */
export function isExpired(offer: Offer, now: Date): boolean {
  if (offer.type === "flight") return Date.parse(offer.departAt) <= now.getTime();
  const timeZone = placeTimeZone(offer.city);
  return offer.checkIn < localDate(now, timeZone);
}
