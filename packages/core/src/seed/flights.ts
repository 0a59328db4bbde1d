import { type Airport, findAirport } from "../airports.js";
import type { Cabin, FlightOfferRecord } from "../domain.js";
import { seededId } from "../ids.js";
import { carrier } from "./carriers.js";
import { type Random, randomBetween, randomFor, randomInt } from "./random.js";
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

/** Taxi out and in, added to every leg, minutes. */
const TAXI_MINUTES = 25;

const SHORT_HAUL_KM = 1_500;
const LONG_HAUL_KM = 4_000;

/** Average block speed by stage length: short legs spend most of their time climbing. */
function blockSpeedKmh(km: number): number {
  if (km < 1_000) return 620;
  if (km < 3_000) return 740;
  return 830;
}

/** East or west: the jet stream shortens eastbound and lengthens westbound long legs. */
function windFactor(origin: Airport, destination: Airport, km: number): number {
  if (km < 2_000) return 1;
  const dLon = ((destination.longitude - origin.longitude + 540) % 360) - 180;
  if (Math.abs(dLon) < 20) return 1;
  return dLon > 0 ? 0.94 : 1.07;
}

/** Scheduled block minutes of one carrier's flight: distance, wind, taxi and a little padding. */
function blockMinutes(random: Random, origin: Airport, destination: Airport, km: number): number {
  const airborne = (km / blockSpeedKmh(km)) * 60 * windFactor(origin, destination, km);
  return Math.ceil((airborne + TAXI_MINUTES + randomInt(random, 0, 12)) / 5) * 5;
}

/** The cabins of a plausible aircraft for the leg: regional jet, narrow body, wide body. */
function cabinsFor(
  random: Random,
  km: number,
  lowCost: boolean,
  dailyOnRoute: number,
): { cabin: Cabin; seatsTotal: number }[] {
  if (lowCost) return [{ cabin: "economy", seatsTotal: randomInt(random, 180, 230) }];
  if (km < SHORT_HAUL_KM) {
    // Thin routes get regional jets (E175: 76 seats), busy ones A320/737 family.
    if (dailyOnRoute <= 2 && km < 900)
      return [{ cabin: "economy", seatsTotal: randomInt(random, 64, 76) }];
    return [{ cabin: "economy", seatsTotal: randomInt(random, 132, 186) }];
  }
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

/**
 * Local departure minutes of one carrier's `count` daily flights on a route. Frequent routes
 * spread over 06:00–22:00 (each carrier offset so carriers interleave, as on a shuttle);
 * long-haul flights from the Americas to Europe, Africa and the Middle East leave in the
 * evening and arrive next morning; other long-haul flights leave in the morning or evening.
 */
function departureMinutes(
  random: Random,
  count: number,
  km: number,
  origin: Airport,
  destination: Airport,
  slot: number,
): number[] {
  const overnightEast =
    km > 5_000 &&
    origin.timeZone.startsWith("America/") &&
    !destination.timeZone.startsWith("America/") &&
    !destination.timeZone.startsWith("Pacific/") &&
    !destination.timeZone.startsWith("Asia/Tokyo");
  if (overnightEast) {
    return Array.from(
      { length: count },
      (_, i) =>
        (17 * 60 + Math.round((i * 330) / count / 5) * 5 + randomInt(random, 0, 6) * 5) % 1440,
    ).map((m) => Math.min(m, 23 * 60 + 30));
  }
  if (km > 7_000 && count <= 3) {
    return Array.from({ length: count }, (_, i) =>
      i % 2 === 0
        ? randomInt(random, 19 * 12, 23 * 12) * 5
        : randomInt(random, 8 * 12, 13 * 12) * 5,
    );
  }
  const first = 6 * 60;
  const span = 16 * 60 + 30;
  const offset = ((slot * 0.37) % 1) * (span / count);
  return Array.from({ length: count }, (_, i) => {
    const centre = first + (span * i) / count + offset;
    const jitter = randomInt(random, -10, 10);
    return Math.min(22 * 60 + 30, Math.max(first, Math.round((centre + jitter) / 5) * 5));
  });
}

/**
 * The daily schedule of every seed route: carrier, flight number, departure time, duration and
 * cabins. Every leg is nonstop (connections are built from legs at search time). A flight and
 * its return share a number pair (`BA117` out, `BA118` back), taken from the carrier's range.
 * Depends only on the seed.
 */
export function buildFlightSchedule(
  seed: string,
  routes: SeedRoute[] = seedRoutes(),
): ScheduledFlight[] {
  const nextNumber = new Map<string, number>();
  const schedule: ScheduledFlight[] = [];
  const byKey = new Map(routes.map((r) => [`${r.origin}-${r.destination}`, r]));
  for (const route of routes) {
    if (route.rank % 2 === 1) continue; // the return is planned with its outbound
    const back = byKey.get(`${route.destination}-${route.origin}`) as SeedRoute;
    const origin = findAirport(route.origin) as Airport;
    const destination = findAirport(route.destination) as Airport;
    route.carriers.forEach(({ carrier: code, daily }, slot) => {
      const random = randomFor(seed, "schedule", route.origin, route.destination, code);
      const { numbers, reach } = carrier(code);
      const [low, high] = numbers;
      const span = high - low + 1;
      let next = nextNumber.get(code) ?? low + randomInt(random, 0, 20);
      const lowCost = reach === "regional";
      const outMinutes = blockMinutes(random, origin, destination, route.distanceKm);
      const backMinutes = blockMinutes(random, destination, origin, route.distanceKm);
      const outTimes = departureMinutes(random, daily, route.distanceKm, origin, destination, slot);
      const backTimes = departureMinutes(
        random,
        daily,
        route.distanceKm,
        destination,
        origin,
        slot + 1,
      );
      const cabins = cabinsFor(random, route.distanceKm, lowCost, route.dailyFlights);
      const fare =
        economyFareUsd(route.distanceKm) * (lowCost ? 0.7 : 1) * randomBetween(random, 0.92, 1.12);
      const plans = cabins.map(({ cabin, seatsTotal }) => ({
        cabin,
        seatsTotal,
        baseFareMinor: Math.round(fare * CABIN_FARE_MULTIPLIER[cabin] * 100),
      }));
      for (let i = 0; i < daily; i++) {
        // Odd number out, the next even one back; wrap inside the carrier's range.
        const out = low + ((next - low + (next % 2 === 0 ? 1 : 0)) % span);
        const ret = out + 1 > high ? low : out + 1;
        next = out + 2 + (i === daily - 1 ? 2 * randomInt(random, 0, 4) : 0);
        schedule.push(
          {
            route,
            carrier: code,
            flightNumber: `${code}${out}`,
            departMinute: outTimes[i] as number,
            stops: 0,
            durationMinutes: outMinutes,
            cabins: plans,
          },
          {
            route: back,
            carrier: code,
            flightNumber: `${code}${ret}`,
            departMinute: backTimes[i] as number,
            stops: 0,
            durationMinutes: backMinutes,
            cabins: plans,
          },
        );
      }
      nextNumber.set(code, next);
    });
  }
  return schedule;
}

/** Peak (morning and early evening business departures) costs more, late evening less. */
function timeOfDayFactor(departMinute: number): number {
  const hour = departMinute / 60;
  if (hour < 7) return 0.9;
  if (hour < 9.5) return 1.12;
  if (hour < 16) return 0.96;
  if (hour < 19.5) return 1.1;
  return 0.88;
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
      const fare =
        plan.baseFareMinor *
        demand *
        timeOfDayFactor(flight.departMinute) *
        scarcity *
        randomBetween(random, 0.94, 1.08);
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
