import {
  type Cache,
  CacheUnavailableError,
  type VersionedEntry,
  type VersionedRecord,
} from "@travel/cache";
import {
  addDays,
  airportTimeZone,
  eachDay,
  type InventoryChange,
  type InventoryChangeListener,
} from "@travel/core";
import { z } from "zod";
import { type Clock, localDate } from "../clock.js";
import { SearchCacheUnavailableError } from "../errors.js";
import { consoleLogger, errorName, type Logger } from "../logger.js";
import {
  DEFAULT_OFFER_VALIDITY_SECONDS,
  type FlightOffer,
  flightOfferStamper,
  type HotelOffer,
  hotelOfferFromStay,
  type UnpricedFlightOffer,
  unpricedFlightOffer,
} from "../offers.js";
import { createInventorySupplier, type InventoryReader } from "../suppliers/inventory.js";
import { assembleStay } from "../suppliers/stays.js";
import type { FlightSearchRequest, HotelSearchRequest, Supplier } from "../suppliers/supplier.js";
import { stayNights } from "../tags.js";
import {
  decodeFlight,
  decodeHotelEntry,
  encodeFlight,
  encodeHotel,
  encodeNight,
  entryWrites,
  FILL_FIELD,
  type FlightTuple,
  flightEntryKey,
  type HotelEntryContent,
  hotelEntryKey,
  hotelField,
  monthOf,
  nightField,
} from "./entries.js";

export const readModelOptionsSchema = z.object({
  /**
   * Safety-net lifetime of an entry after its last fill. Changes are applied in place, so this
   * only bounds how long a change that reached neither the write path nor the stream could
   * linger. 24 h: a shorter net makes more searches pay a refill (`pnpm bench:hit-ratio`).
   */
  ttlSeconds: z
    .int()
    .min(600)
    .max(7 * 86_400)
    .default(86_400),
  /** Keys remembered for `memoryUsage()` (the entries this process filled or updated). */
  maxTrackedKeys: z.int().min(1).max(1_000_000).default(100_000),
});
export type ReadModelOptions = z.input<typeof readModelOptionsSchema>;

export interface InventoryReadModelDeps {
  /** The cache's versioned record map (Redis in production, in-process locally). */
  cache: Pick<Cache, "records">;
  /** Fills on a miss and live re-pricing (core's `createInventoryRepository(db)`). */
  inventory: InventoryReader;
  clock: Clock;
  logger?: Logger;
  options?: ReadModelOptions;
}

/** Where a read-model answer came from. */
export interface ReadModelAnswer<T> {
  offers: T[];
  /** `hit`: every entry was in the cache · `miss`: the table was read for this call. */
  status: "hit" | "miss";
  /** Seconds since the entry was last filled from the table (changes since are applied in place). */
  ageSeconds: number;
  /** The entry's safety-net lifetime. */
  ttlSeconds: number;
}

export interface ReadModelCallOptions {
  now: Date;
  validitySeconds?: number;
  /**
   * Runs the table reads of a fill (the service passes its timeout + circuit breaker for the
   * inventory source). Cache reads are not guarded: a table outage must not stop entries that
   * are already in the cache from being served.
   */
  guard?: <T>(load: () => Promise<T>) => Promise<T>;
  /**
   * A cold entry answers nothing now and is filled in the background once this promise settles
   * (connection legs of a search that has nonstops to show: filled after the nonstops were
   * read, so they never compete with them; the next search composes them).
   */
  fillInBackground?: Promise<unknown>;
}

export interface ReadModelStats {
  /** Entry reads answered from the cache. */
  hits: number;
  /** Entry reads that filled from the table. */
  misses: number;
  /** Entry reads that went to the table because the cache was unreachable (nothing cached). */
  fallbacks: number;
  /** `inventoryChanged` entry writes, fields written and fields skipped (older or duplicate). */
  applies: number;
  applied: number;
  ignored: number;
}

export interface InventoryReadModel extends InventoryChangeListener {
  /** Our inventory as a supplier: live, strongly consistent re-pricing (`getOffer`). */
  readonly source: Supplier;
  readonly ttlSeconds: number;
  searchFlights(
    request: FlightSearchRequest,
    options: ReadModelCallOptions,
  ): Promise<ReadModelAnswer<FlightOffer>>;
  searchHotels(
    request: HotelSearchRequest,
    options: ReadModelCallOptions,
  ): Promise<ReadModelAnswer<HotelOffer>>;
  /**
   * Applies items' new states (write paths, the change stream) in place, version-guarded: an
   * older or repeated version never overwrites a newer one. An update for an entry that is not
   * in the cache is kept in a partial entry that reads still treat as a miss. Throws
   * `SearchCacheUnavailableError` (503) when the cache could not record it.
   */
  inventoryChanged(changes: readonly InventoryChange[]): Promise<void>;
  /** Fills the given entries that are absent (a bounded bootstrap); returns how many it filled. */
  warm(plan: WarmPlan): Promise<{ filled: number; present: number }>;
  /** Bytes of the entries this process filled or updated, as the cache reports them. */
  memoryUsage(): Promise<{ entries: number; bytes: number }>;
  stats(): ReadModelStats;
}

export interface WarmPlan {
  routes?: readonly { origin: string; destination: string }[];
  cities?: readonly string[];
  /** `YYYY-MM` months to fill for every route and city. */
  months: readonly string[];
  /** Fills in flight at once (default 4). */
  concurrency?: number;
}

type Records = ReadonlyMap<string, VersionedRecord<unknown>>;

/**
 * The inventory read model: search's view of our own flights and hotel nights, kept in the
 * cache and maintained by the writes themselves instead of expiring.
 *
 * - Reads: one record-map read per entry (route × month, city × month); filters by date and cabin
 *   (flights) or assembles stays (hotels) in memory. An absent entry is filled from the table
 *   (a query per day of the month on the route index, or the city-month index), merged
 *   field by field (never downgrading a version), then read back.
 * - Writes: `inventoryChanged` applies new item states in place, atomically per entry
 *   (Lua in Redis), only where the version is newer.
 * - Cache unreachable: reads go to the table (answers stay right, nothing is cached);
 *   writes throw, so the write path answers 503 and the stream consumer retries.
 *
 * @example
 * const readModel = createInventoryReadModel({ cache, inventory, clock });
 * const search = createSearchService({ suppliers: [], readModel, inventory, cache, clock, cursorSecret });
 * createBookingService({ ..., listener: search }); // holds/releases update it before answering
 */
export function createInventoryReadModel(deps: InventoryReadModelDeps): InventoryReadModel {
  const options = readModelOptionsSchema.parse(deps.options ?? {});
  const { cache, inventory, clock } = deps;
  const logger = deps.logger ?? consoleLogger;
  const { ttlSeconds } = options;
  const filling = new Map<string, Promise<VersionedEntry[]>>();
  /**
   * Offers built from an entry snapshot, per departure date and cabin. The cache hands out the
   * same snapshot object while the entry is unchanged in Redis, so this lives exactly as long as
   * the snapshot does; a changed entry is a new snapshot and is built again. Its memory is not
   * counted in the cache's near-cache budget: at most about the size of the decoded entries it
   * was built from (only the dates and cabins searched are built).
   */
  const builtFlights = new WeakMap<Records, Map<string, UnpricedFlightOffer[]>>();
  const tracked = new Set<string>();
  const stats: ReadModelStats = {
    hits: 0,
    misses: 0,
    fallbacks: 0,
    applies: 0,
    applied: 0,
    ignored: 0,
  };

  function track(key: string): void {
    if (tracked.size < options.maxTrackedKeys) tracked.add(key);
  }

  /** The first day an entry must hold: the month's start, or yesterday where the place is. */
  function firstDay(month: string, timeZone: string, now: Date): string {
    const monthStart = `${month}-01`;
    // Yesterday too: another process whose clock lags may still search "today" = our yesterday.
    const yesterday = addDays(localDate(now, timeZone), -1);
    return yesterday > monthStart ? yesterday : monthStart;
  }

  async function loadFlightMonth(
    origin: string,
    destination: string,
    month: string,
    now: Date,
  ): Promise<VersionedEntry[]> {
    const from = firstDay(month, airportTimeZone(origin) ?? "UTC", now);
    const to = lastDayOfMonth(month);
    if (from > to) return [];
    // The route index is partitioned per route *and day*: one query per remaining day.
    const days = await Promise.all(
      eachDay(from, to).map((departDate) =>
        inventory.listFlights({ origin, destination, departDate }),
      ),
    );
    return days
      .flat()
      .map((r) => ({ field: r.offerId, version: r.version, value: encodeFlight(r) }));
  }

  async function loadHotelMonth(city: string, month: string, now: Date): Promise<VersionedEntry[]> {
    const from = firstDay(month, airportTimeZone(city) ?? "UTC", now);
    const to = lastDayOfMonth(month);
    if (from > to) return [];
    const [hotels, nights] = await Promise.all([
      inventory.listHotelsInCity(city),
      inventory.listCityNights(city, from, to),
    ]);
    const filledAt = now.getTime();
    return [
      ...hotels.map((h) => ({
        field: hotelField(h.hotelId),
        version: filledAt,
        value: encodeHotel(h),
      })),
      ...nights.map((n) => ({
        field: nightField(n.hotelId, n.date),
        version: n.version,
        value: encodeNight(n),
      })),
    ];
  }

  /** One fill per key at a time in this process; concurrent readers share it. */
  function fill(key: string, load: () => Promise<VersionedEntry[]>, now: Date) {
    let pending = filling.get(key);
    if (!pending) {
      pending = (async () => {
        const entries = await load();
        entries.push({ field: FILL_FIELD, version: now.getTime(), value: now.getTime() });
        try {
          await cache.records.fill(key, entries, ttlSeconds);
          track(key);
        } catch (error) {
          if (!(error instanceof CacheUnavailableError)) throw error;
          logger.warn("read model fill not stored", { error: errorName(error) });
        }
        return entries;
      })().finally(() => filling.delete(key));
      filling.set(key, pending);
    }
    return pending;
  }

  /**
   * Background fills run one at a time, after the search that asked for them: they are a
   * warm-up, and must not crowd out the table reads of the searches and bookings being served.
   */
  let backgroundTail: Promise<unknown> = Promise.resolve();
  const queuedFills = new Set<string>();
  function queueBackgroundFill(
    key: string,
    load: () => Promise<VersionedEntry[]>,
    now: Date,
    after: Promise<unknown>,
  ): void {
    if (queuedFills.has(key) || filling.has(key)) return;
    queuedFills.add(key);
    const run = () =>
      fill(key, load, now)
        .catch((error: unknown) =>
          logger.warn("read model background fill failed", { error: errorName(error) }),
        )
        .finally(() => queuedFills.delete(key));
    backgroundTail = Promise.all([backgroundTail, after.catch(() => undefined)]).then(run);
  }

  async function readEntry(
    key: string,
    load: () => Promise<VersionedEntry[]>,
    now: Date,
    background?: Promise<unknown>,
  ): Promise<{ records: Records; hit: boolean }> {
    let records: Records | null;
    try {
      records = await cache.records.getRecords(key);
    } catch (error) {
      if (!(error instanceof CacheUnavailableError)) throw error;
      stats.fallbacks++;
      return { records: asRecords(await load()), hit: false };
    }
    if (records) {
      stats.hits++;
      return { records, hit: true };
    }
    stats.misses++;
    if (background) {
      queueBackgroundFill(key, load, now, background);
      return { records: new Map(), hit: false };
    }
    const snapshot = await fill(key, load, now);
    try {
      // Read back: changes applied while the fill ran are newer than its snapshot.
      const merged = await cache.records.getRecords(key);
      if (merged) return { records: merged, hit: false };
    } catch (error) {
      if (!(error instanceof CacheUnavailableError)) throw error;
    }
    return { records: asRecords(snapshot), hit: false };
  }

  function answer<T>(offers: T[], hit: boolean, parts: Records[], now: Date): ReadModelAnswer<T> {
    let filledAt = now.getTime();
    for (const records of parts) {
      const at = records.get(FILL_FIELD)?.value;
      if (typeof at === "number") filledAt = Math.min(filledAt, at);
    }
    return {
      offers,
      status: hit ? "hit" : "miss",
      ageSeconds: Math.max(0, Math.floor((now.getTime() - filledAt) / 1000)),
      ttlSeconds,
    };
  }

  async function applyEntry(key: string, entries: VersionedEntry[]): Promise<void> {
    try {
      const result = await cache.records.applyIfNewer(key, entries, { ttlSeconds });
      stats.applies++;
      stats.applied += result.applied.length;
      stats.ignored += result.ignored.length;
      track(key);
    } catch (error) {
      if (error instanceof CacheUnavailableError) {
        throw new SearchCacheUnavailableError({ cause: error });
      }
      throw error;
    }
  }

  const source = createInventorySupplier({ inventory });

  return {
    source,
    ttlSeconds,

    async searchFlights(
      request,
      { now, validitySeconds = DEFAULT_OFFER_VALIDITY_SECONDS, guard, fillInBackground },
    ) {
      const { origin, destination, departureDate, cabin } = request;
      const month = monthOf(departureDate);
      const load = () => loadFlightMonth(origin, destination, month, now);
      const { records, hit } = await readEntry(
        flightEntryKey(origin, destination, month),
        guard ? () => guard(load) : load,
        now,
        fillInBackground,
      );
      let byQuery = builtFlights.get(records);
      if (!byQuery) {
        byQuery = new Map();
        builtFlights.set(records, byQuery);
      }
      const queryKey = `${departureDate}|${cabin}`;
      let built = byQuery.get(queryKey);
      if (!built) {
        built = [];
        for (const [field, { value, version }] of records) {
          if (field === FILL_FIELD) continue;
          const tuple = value as FlightTuple;
          if (tuple[0] !== departureDate || tuple[7] !== cabin) continue;
          built.push(unpricedFlightOffer(decodeFlight(field, origin, destination, tuple, version)));
        }
        byQuery.set(queryKey, built);
      }
      const offers = built.map(flightOfferStamper(now, validitySeconds));
      return answer(offers, hit, [records], now);
    },

    async searchHotels(request, { now, validitySeconds = DEFAULT_OFFER_VALIDITY_SECONDS, guard }) {
      const { city, checkIn, checkOut } = request;
      const months = [...new Set(stayNights(checkIn, checkOut).map(monthOf))];
      const parts = await Promise.all(
        months.map((month) => {
          const load = () => loadHotelMonth(city, month, now);
          return readEntry(hotelEntryKey(city, month), guard ? () => guard(load) : load, now);
        }),
      );
      let hit = parts.every((p) => p.hit);
      const content: HotelEntryContent = { hotels: new Map(), nights: new Map() };
      for (const part of parts) decodeHotelEntry(city, part.records, content);
      // A hotel added after the entry was filled: its nights arrived as changes, its
      // description did not. Read it once and keep it in the entries.
      const undescribed = [...content.nights.keys()].filter((id) => !content.hotels.has(id));
      if (undescribed.length > 0) {
        hit = false;
        const found = await Promise.all(undescribed.map((id) => inventory.getHotel(id)));
        for (const hotel of found) {
          if (!hotel || hotel.city !== city) continue;
          content.hotels.set(hotel.hotelId, hotel);
          const entry = {
            field: hotelField(hotel.hotelId),
            version: now.getTime(),
            value: encodeHotel(hotel),
          };
          await Promise.all(months.map((m) => applyEntry(hotelEntryKey(city, m), [entry]))).catch(
            (error: unknown) =>
              logger.warn("hotel description not cached", { error: errorName(error) }),
          );
        }
      }
      const offers: HotelOffer[] = [];
      for (const [hotelId, hotel] of content.hotels) {
        const nights = content.nights.get(hotelId);
        if (!nights) continue;
        const stay = assembleStay(hotel, checkIn, checkOut, nights);
        if (stay) offers.push(hotelOfferFromStay(stay, now, validitySeconds));
      }
      return answer(
        offers,
        hit,
        parts.map((p) => p.records),
        now,
      );
    },

    async inventoryChanged(changes) {
      const writes = entryWrites(changes);
      await Promise.all([...writes].map(([key, entries]) => applyEntry(key, entries)));
    },

    async warm(plan) {
      const now = clock.now();
      const jobs: { key: string; load: () => Promise<VersionedEntry[]> }[] = [];
      for (const month of plan.months) {
        for (const { origin, destination } of plan.routes ?? []) {
          jobs.push({
            key: flightEntryKey(origin, destination, month),
            load: () => loadFlightMonth(origin, destination, month, now),
          });
        }
        for (const city of plan.cities ?? []) {
          jobs.push({
            key: hotelEntryKey(city, month),
            load: () => loadHotelMonth(city, month, now),
          });
        }
      }
      let filled = 0;
      let present = 0;
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) {
          const job = jobs[next++] as (typeof jobs)[number];
          if (await cache.records.getRecords(job.key)) {
            present++;
            continue;
          }
          await fill(job.key, job.load, now);
          filled++;
        }
      };
      await Promise.all(Array.from({ length: plan.concurrency ?? 4 }, worker));
      return { filled, present };
    },

    async memoryUsage() {
      let bytes = 0;
      let entries = 0;
      for (const key of tracked) {
        const size = await cache.records.memoryUsage(key);
        if (size === null) continue;
        entries++;
        bytes += size;
      }
      return { entries, bytes };
    },

    stats: () => ({ ...stats }),
  };
}

function asRecords(entries: readonly VersionedEntry[]): Records {
  const out = new Map<string, VersionedRecord<unknown>>();
  for (const { field, version, value } of entries) {
    const seen = out.get(field);
    if (!seen || version > seen.version) out.set(field, { version, value });
  }
  return out;
}

/** `YYYY-MM-DD` of the last day of a `YYYY-MM` month. */
export function lastDayOfMonth(month: string): string {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
}
