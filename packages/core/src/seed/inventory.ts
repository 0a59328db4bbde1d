import type { FlightOfferRecord, HotelRecord, RoomNightRecord } from "../domain.js";
import { addDays } from "../repositories/inventory.js";
import { buildFlightSchedule, generateFlightsForDay, type ScheduledFlight } from "./flights.js";
import { generateHotels, generateRoomNightsForDay, type HotelPlan, planHotels } from "./hotels.js";
import { type SeedRoute, seedRoutes } from "./routes.js";
import { isoInstant } from "./time.js";

export interface SeedOptions {
  /** Any string; the same seed and start date give byte-identical records. */
  seed: string;
  /** First day (`YYYY-MM-DD`) with flights and room nights. */
  startDate: string;
  /** Number of days from `startDate` (30 by default in the CLI). */
  days: number;
  /** Only the busiest N route pairs (both directions each); all by default. For quick tests. */
  routePairs?: number;
}

/** Everything that departs or is slept in on one date. */
export interface SeedDay {
  /** 0 for `startDate`. */
  index: number;
  date: string;
  flights: FlightOfferRecord[];
  nights: RoomNightRecord[];
}

/** The seed's static parts plus a generator of its days, nearest first. */
export interface SeedInventory {
  routes: SeedRoute[];
  schedule: ScheduledFlight[];
  hotels: HotelRecord[];
  days(): Generator<SeedDay>;
}

export const DEFAULT_SEED = "travel-platform";

/**
 * The synthetic inventory for a period: generated lazily one day at a time, so a loader can
 * write the first days while later ones do not exist yet.
 *
 * @example
 * const inventory = generateInventory({ seed: "demo", startDate: "2026-01-01", days: 90 });
 * for (const day of inventory.days()) console.log(day.date, day.flights.length);
 */
export function generateInventory(options: SeedOptions): SeedInventory {
  const { seed, startDate, days } = options;
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(startDate) ||
    Number.isNaN(Date.parse(`${startDate}T00:00:00Z`))
  ) {
    throw new RangeError(`startDate must be a YYYY-MM-DD date, got "${startDate}"`);
  }
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`days must be a positive integer, got ${days}`);
  const all = seedRoutes();
  const routes = options.routePairs === undefined ? all : all.slice(0, options.routePairs * 2);
  const schedule = buildFlightSchedule(seed, routes);
  const hotels = generateHotels(seed);
  const plans: HotelPlan[] = planHotels(seed, hotels);
  const updatedAt = isoInstant(Date.parse(`${startDate}T00:00:00Z`));
  return {
    routes,
    schedule,
    hotels,
    *days() {
      for (let index = 0; index < days; index++) {
        const date = addDays(startDate, index);
        yield {
          index,
          date,
          flights: generateFlightsForDay(schedule, date, { seed, startDate, updatedAt }),
          nights: generateRoomNightsForDay(plans, date, { seed, updatedAt }),
        };
      }
    },
  };
}
