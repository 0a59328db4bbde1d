import { type Airport, findAirport } from "../airports.js";
import type { Cabin, FlightOfferRecord } from "../domain.js";
import { seededId } from "../ids.js";
import { carriersFor } from "./carriers.js";
import { pick, type Random, randomBetween, randomFor, randomInt } from "./random.js";
import { type SeedRoute, seedRoutes } from "./routes.js";
import { dayOfWeek, daysBetween, daytimeOffsetMinutes, isoInstant } from "./time.js";

/** One cabin of a scheduled flight: its size and the fare it is priced from. */
export interface CabinPlan {
  cabin: Cabin;
  seatsTotal: number;
  /** Fare per traveller before day-of-week, lead-time and load factors, in US cents. */
  baseFareMinor: number;
}

/** A flight that operates every day of the seeded period at the same local time. */
export interface ScheduledFlight {
  route: SeedRoute;
  carrier: string;
  flightNumber: string;
  /** Local departure time at the origin, minutes after midnight. */
  departMinute: number;
  stops: number;
  durationMinutes: number;
  cabins: CabinPlan[];
}

/** Typical block speed of a jet airliner, km/h. */
const CRUISE_KMH = 800;
/** Taxi, climb and approach added to every leg, minutes. */
const LEG_OVERHEAD_MINUTES = 30;

const SHORT_HAUL_KM = 1_500;
const LONG_HAUL_KM = 4_000;

/** Flights a day on a route by its popularity rank: 4 on the top routes, 1 on the tail. */
export function flightsPerDay(rank: number): number {
  if (rank < 16) return 4;
  if (rank < 60) return 3;
  if (rank < 180) return 2;
  return 1;
}

function stopsFor(random: Random, km: number): number {
  const roll = random();
  if (km < SHORT_HAUL_KM) return 0;
  if (km < LONG_HAUL_KM) return roll < 0.1 ? 1 : 0;
  if (km < 9_000) return roll < 0.03 ? 2 : roll < 0.25 ? 1 : 0;
  return roll < 0.1 ? 2 : roll < 0.4 ? 1 : 0;
}

/** Door-to-door minutes: flying time (with a detour per stop), leg overheads and layovers. */
function durationFor(random: Random, km: number, stops: number): number {
  const flown = km * (1 + 0.12 * stops);
  let minutes = (flown / CRUISE_KMH) * 60 + LEG_OVERHEAD_MINUTES * (stops + 1);
  for (let s = 0; s < stops; s++) minutes += randomInt(random, 60, 180);
  return Math.ceil(minutes / 5) * 5;
}

/** The cabins a flight of this length offers, with seat counts of a plausible aircraft. */
function cabinsFor(random: Random, km: number): { cabin: Cabin; seatsTotal: number }[] {
  if (km < SHORT_HAUL_KM) return [{ cabin: "economy", seatsTotal: randomInt(random, 132, 186) }];
  if (km < LONG_HAUL_KM) {
    const cabins: { cabin: Cabin; seatsTotal: number }[] = [
      { cabin: "economy", seatsTotal: randomInt(random, 138, 174) },
    ];
    if (random() < 0.2)
      cabins.push({ cabin: "premium_economy", seatsTotal: randomInt(random, 18, 30) });
    cabins.push({ cabin: "business", seatsTotal: randomInt(random, 12, 20) });
    return cabins;
  }
  const cabins: { cabin: Cabin; seatsTotal: number }[] = [
    { cabin: "economy", seatsTotal: randomInt(random, 210, 290) },
    { cabin: "premium_economy", seatsTotal: randomInt(random, 24, 40) },
    { cabin: "business", seatsTotal: randomInt(random, 30, 48) },
  ];
  if (km > 7_000 && random() < 0.4)
    cabins.push({ cabin: "first", seatsTotal: randomInt(random, 6, 12) });
  return cabins;
}

const CABIN_FARE_MULTIPLIER: Record<Cabin, number> = {
  economy: 1,
  premium_economy: 1.7,
  business: 4,
  first: 7,
};

/** Economy fare in USD by distance: a base plus a falling per-km rate, like real fare curves. */
function economyFareUsd(km: number): number {
  return 49 + 0.11 * km ** 0.97;
}

/** Departure times spread over the day (06:00–22:00), with a little per-flight jitter. */
function departureMinutes(random: Random, count: number, km: number): number[] {
  if (count === 1 && km > 7_000) {
    // Single daily long-haul flights mostly leave in the evening, some late morning.
    const evening = random() < 0.7;
    return [
      evening ? randomInt(random, 18 * 12, 23 * 12) * 5 : randomInt(random, 9 * 12, 13 * 12) * 5,
    ];
  }
  const first = 6 * 60;
  const span = 16 * 60;
  return Array.from({ length: count }, (_, i) => {
    const centre = first + (span * (i + 0.5)) / count;
    const jitter = randomInt(random, -40, 40);
    return Math.round((centre + jitter) / 5) * 5;
  });
}

/**
 * The daily schedule of every seed route: carrier, flight number, departure time, stops,
 * duration and cabins. Depends only on the seed.
 */
export function buildFlightSchedule(
  seed: string,
  routes: SeedRoute[] = seedRoutes(),
): ScheduledFlight[] {
  const nextNumber = new Map<string, number>();
  const schedule: ScheduledFlight[] = [];
  for (const route of routes) {
    const random = randomFor(seed, "schedule", route.origin, route.destination);
    const origin = findAirport(route.origin) as Airport;
    const destination = findAirport(route.destination) as Airport;
    const carriers = carriersFor(origin.country, destination.country);
    const count = flightsPerDay(route.rank);
    for (const departMinute of departureMinutes(random, count, route.distanceKm)) {
      const carrier = pick(random, carriers);
      const number =
        (nextNumber.get(carrier) ?? randomInt(random, 1, 40)) + randomInt(random, 1, 6);
      nextNumber.set(carrier, number);
      const stops = stopsFor(random, route.distanceKm);
      const fare =
        economyFareUsd(route.distanceKm) * 0.82 ** stops * randomBetween(random, 0.9, 1.15);
      schedule.push({
        route,
        carrier,
        flightNumber: `${carrier}${number}`,
        departMinute,
        stops,
        durationMinutes: durationFor(random, route.distanceKm, stops),
        cabins: cabinsFor(random, route.distanceKm).map(({ cabin, seatsTotal }) => ({
          cabin,
          seatsTotal,
          baseFareMinor: Math.round(fare * CABIN_FARE_MULTIPLIER[cabin] * 100),
        })),
      });
    }
  }
  return schedule;
}

/** Busier on Fridays and Sundays, cheapest mid-week. */
const DAY_OF_WEEK_FACTOR = [1.12, 1, 0.9, 0.9, 1, 1.12, 0.95] as const;

function leadTimeFactor(daysAhead: number): number {
  if (daysAhead < 3) return 1.45;
  if (daysAhead < 7) return 1.3;
  if (daysAhead < 14) return 1.15;
  if (daysAhead < 30) return 1.05;
  if (daysAhead > 60) return 0.92;
  return 1;
}

export interface FlightDayContext {
  seed: string;
  /** First day of the seeded period (prices rise as departure nears it). */
  startDate: string;
  /** `updatedAt` of every generated record. */
  updatedAt: string;
}

/**
 * Every cabin of every scheduled flight leaving on one local date. Each route and day has its
 * own random stream, so any day can be generated alone and always comes out the same.
 */
export function generateFlightsForDay(
  schedule: ScheduledFlight[],
  date: string,
  context: FlightDayContext,
): FlightOfferRecord[] {
  const daysAhead = daysBetween(context.startDate, date);
  const demand = (DAY_OF_WEEK_FACTOR[dayOfWeek(date)] ?? 1) * leadTimeFactor(daysAhead);
  const records: FlightOfferRecord[] = [];
  for (const flight of schedule) {
    const { route } = flight;
    const random = randomFor(context.seed, "flight", flight.flightNumber, route.origin, date);
    const origin = findAirport(route.origin) as Airport;
    const departAt =
      Date.parse(`${date}T00:00:00Z`) +
      (flight.departMinute - daytimeOffsetMinutes(date, origin.timeZone)) * 60_000;
    const arriveAt = departAt + flight.durationMinutes * 60_000;
    for (const plan of flight.cabins) {
      // Far-out flights are emptier; a few near-term ones are sold out.
      const openShare = Math.min(
        1,
        0.12 + 0.75 * Math.min(1, daysAhead / 60) + randomBetween(random, -0.1, 0.2),
      );
      const seatsAvailable =
        random() < 0.01 ? 0 : Math.max(0, Math.round(plan.seatsTotal * openShare));
      const scarcity = seatsAvailable < plan.seatsTotal * 0.15 ? 1.2 : 1;
      const fare = plan.baseFareMinor * demand * scarcity * randomBetween(random, 0.94, 1.08);
      records.push({
        offerId: seededId("offer", departAt, random),
        origin: route.origin,
        destination: route.destination,
        departDate: date,
        departAt: isoInstant(departAt),
        arriveAt: isoInstant(arriveAt),
        durationMinutes: flight.durationMinutes,
        stops: flight.stops,
        carrier: flight.carrier,
        flightNumber: flight.flightNumber,
        cabin: plan.cabin,
        seatsAvailable,
        seatsTotal: plan.seatsTotal,
        // Whole dollars, as most published fares are.
        priceMinor: Math.max(2_900, Math.round(fare / 100) * 100),
        currency: "USD",
        version: 1,
        updatedAt: context.updatedAt,
      });
    }
  }
  return records;
}
