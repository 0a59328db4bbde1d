import type { TravelService } from "../service.js";
import { DEFAULT_SEED, generateInventory } from "./inventory.js";
import { createBatchWriter, inventoryItemBuilder, tagInventory } from "./load.js";

export interface SeedProgress {
  /** "hotels" once the hotel descriptions are in, then "day" for each loaded day in date order. */
  phase: "hotels" | "day";
  /** The day just loaded (phase "day"). */
  date?: string;
  daysLoaded: number;
  daysTotal: number;
  /** Items written so far. */
  items: number;
  elapsedMs: number;
  itemsPerSecond: number;
}

export interface SeedSummary {
  seed: string;
  startDate: string;
  days: number;
  items: number;
  flights: number;
  hotels: number;
  roomNights: number;
  /** Items DynamoDB returned unprocessed and the loader sent again. */
  retriedItems: number;
  elapsedMs: number;
  itemsPerSecond: number;
}

export interface SeedInventoryOptions {
  db: TravelService;
  startDate: string;
  days: number;
  seed?: string;
  /** Only the busiest N route pairs (see `SeedOptions.routePairs`). */
  routePairs?: number;
  /** BatchWriteItem requests in flight (default 8). */
  concurrency?: number;
  /** Called after the hotels and after each day, in date order, once that day is fully written. */
  onProgress?: (progress: SeedProgress) => void;
}

/** Days generated ahead of the oldest unfinished one: keeps every writer slot busy, memory bounded. */
const DAYS_AHEAD = 2;

/**
 * Loads the seed inventory: hotels first, then flights and room nights day by day, nearest day
 * first, so a server can start answering for the next days while later ones are still loading.
 *
 * @example
 * const summary = await seedInventory({ db, startDate: "2026-01-01", days: 90, onProgress: console.log });
 */
export async function seedInventory(options: SeedInventoryOptions): Promise<SeedSummary> {
  const { db, startDate, days, seed = DEFAULT_SEED, onProgress } = options;
  const started = performance.now();
  const writer = createBatchWriter({
    client: db.client,
    table: db.table,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  const inventory = generateInventory({
    seed,
    startDate,
    days,
    ...(options.routePairs === undefined ? {} : { routePairs: options.routePairs }),
  });
  const counts = { flights: 0, roomNights: 0, hotels: inventory.hotels.length };

  const progress = (
    phase: SeedProgress["phase"],
    daysLoaded: number,
    date?: string,
  ): SeedProgress => {
    const elapsedMs = performance.now() - started;
    const { items } = writer.stats();
    return {
      phase,
      ...(date ? { date } : {}),
      daysLoaded,
      daysTotal: days,
      items,
      elapsedMs,
      itemsPerSecond: items / Math.max(elapsedMs / 1000, 0.001),
    };
  };

  const toItem = inventoryItemBuilder(db);
  await writer.write(tagInventory({ hotels: inventory.hotels }), toItem);
  onProgress?.(progress("hotels", 0));

  const inFlight: { date: string; done: Promise<void> }[] = [];
  let daysLoaded = 0;
  const finishOldest = async () => {
    const oldest = inFlight.shift();
    if (!oldest) return;
    await oldest.done;
    daysLoaded++;
    onProgress?.(progress("day", daysLoaded, oldest.date));
  };
  try {
    for (const day of inventory.days()) {
      counts.flights += day.flights.length;
      counts.roomNights += day.nights.length;
      const done = writer.write(tagInventory({ flights: day.flights, nights: day.nights }), toItem);
      // Attach a handler now: a failure surfaces when this day's turn comes in finishOldest.
      done.catch(() => undefined);
      inFlight.push({ date: day.date, done });
      while (inFlight.length > DAYS_AHEAD) await finishOldest();
    }
    while (inFlight.length > 0) await finishOldest();
  } catch (error) {
    // Let writes already sent settle before reporting, so nothing keeps running after the rejection.
    await Promise.allSettled(inFlight.map((d) => d.done));
    throw error;
  }

  const elapsedMs = performance.now() - started;
  const { items, retriedItems } = writer.stats();
  return {
    seed,
    startDate,
    days,
    items,
    ...counts,
    retriedItems,
    elapsedMs,
    itemsPerSecond: items / Math.max(elapsedMs / 1000, 0.001),
  };
}

export interface SeedingHandle {
  /** Resolves when the hotels and the first `readyAfterDays` days are loaded. */
  ready: Promise<void>;
  /** Resolves with the summary when everything is loaded; rejects if loading fails. */
  done: Promise<SeedSummary>;
}

/**
 * Starts seeding in the background and tells when enough is loaded to start serving.
 *
 * @example
 * const seeding = startSeeding({ db, startDate, days: 90, readyAfterDays: 7 });
 * await seeding.ready;          // serve now
 * seeding.done.then(printSummary, reportFailure);
 */
export function startSeeding(
  options: SeedInventoryOptions & { readyAfterDays?: number },
): SeedingHandle {
  const readyAfterDays = Math.min(options.readyAfterDays ?? 7, options.days);
  let markReady: () => void = () => undefined;
  let markFailed: (error: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  // The same failure is reported through `done`; callers that only await `done` must not also
  // get an unhandled rejection from `ready`.
  ready.catch(() => undefined);
  const done = seedInventory({
    ...options,
    onProgress: (progress) => {
      if (progress.phase === "day" && progress.daysLoaded >= readyAfterDays) markReady();
      options.onProgress?.(progress);
    },
  }).then(
    (summary) => {
      markReady();
      return summary;
    },
    (error: unknown) => {
      markFailed(error);
      throw error;
    },
  );
  return { ready, done };
}
