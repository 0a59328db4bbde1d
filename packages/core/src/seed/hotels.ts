import { type Airport, findAirport } from "../airports.js";
import type { HotelRecord, RoomNightRecord } from "../domain.js";
import { seededId } from "../ids.js";
import { pick, type Random, randomBetween, randomFor, randomInt, shuffled } from "./random.js";
import { dayOfWeek } from "./time.js";

/**
 * Cities with seeded hotels, each named by the IATA code of its main airport (the contract's
 * city code), with a rough hotel price level (1 = an average big city). City names and
 * coordinates come from the airport data set.
 */
export const HOTEL_CITIES: Readonly<Record<string, number>> = {
  LHR: 1.4,
  JFK: 1.5,
  CDG: 1.3,
  HND: 1.1,
  DXB: 1.1,
  SIN: 1.2,
  LAX: 1.2,
  FRA: 0.9,
  AMS: 1.2,
  MAD: 0.9,
  BCN: 1,
  FCO: 1,
  IST: 0.7,
  HKG: 1.1,
  BKK: 0.6,
  SYD: 1.1,
  ORD: 1,
  SFO: 1.3,
  MIA: 1.1,
  YYZ: 0.9,
  ICN: 0.9,
  DEL: 0.5,
  MEX: 0.6,
  GRU: 0.6,
  KUL: 0.6,
};

/** Hotel ids do not depend on the start date: the same seed always names the same hotels. */
const HOTEL_ID_EPOCH = Date.UTC(2024, 0, 1);

/** Nightly rate in USD of an average-city hotel by star rating. */
const BASE_RATE_USD: Record<string, number> = {
  "2.5": 70,
  "3": 95,
  "3.5": 120,
  "4": 165,
  "4.5": 235,
  "5": 340,
};

const RATINGS = [2.5, 3, 3, 3.5, 3.5, 4, 4, 4, 4.5, 4.5, 5] as const;

const NAME_WORDS = {
  luxury: ["Imperial", "Palace", "Royal", "Grand", "Regency", "Majestic", "Belvedere"],
  upscale: ["Park", "Metropole", "Continental", "Harbour View", "Riverside", "Plaza", "Skyline"],
  midscale: ["Central", "Garden", "Station", "Old Town", "Parkside", "Gateway", "Square"],
  budget: ["City Stay", "Express", "Airport", "Budget", "Corner", "Hostel"],
} as const;

const ROOM_TYPES = {
  luxury: ["Deluxe King Room", "Junior Suite", "Executive Suite", "Grand Deluxe Room"],
  upscale: ["Superior Double Room", "Deluxe Twin Room", "Executive King Room"],
  midscale: ["Standard Double Room", "Classic Twin Room", "Superior Queen Room"],
  budget: ["Standard Double Room", "Economy Twin Room", "Compact Double Room"],
} as const;

type Tier = keyof typeof NAME_WORDS;

function tierOf(rating: number): Tier {
  if (rating >= 4.5) return "luxury";
  if (rating >= 4) return "upscale";
  if (rating >= 3) return "midscale";
  return "budget";
}

function hotelName(random: Random, word: string, city: string, tier: Tier): string {
  const formats: ((w: string, c: string) => string)[] =
    tier === "budget"
      ? [(w, c) => `${c} ${w} Inn`, (w, c) => `${w} Hotel ${c}`]
      : tier === "luxury"
        ? [(w, c) => `The ${w} ${c}`, (w, c) => `${w} Hotel ${c}`, (w, c) => `${c} ${w} Residences`]
        : [(w, c) => `${w} Hotel ${c}`, (w, c) => `${c} ${w} Suites`, (w, c) => `Hotel ${w} ${c}`];
  return pick(random, formats)(word, city);
}

/**
 * The seed's hotels: 8–15 per city with names, star ratings, room types and coordinates within
 * ~12 km of the city's main airport (approximate: the data set has airports, not city centres).
 */
export function generateHotels(seed: string): HotelRecord[] {
  const hotels: HotelRecord[] = [];
  for (const code of Object.keys(HOTEL_CITIES)) {
    const airport = findAirport(code) as Airport;
    const random = randomFor(seed, "hotels", code);
    const count = randomInt(random, 8, 15);
    const used = new Set<string>();
    const words = Object.fromEntries(
      (Object.keys(NAME_WORDS) as Tier[]).map((tier) => [tier, shuffled(random, NAME_WORDS[tier])]),
    ) as Record<Tier, string[]>;
    for (let i = 0; i < count; i++) {
      const rating = pick(random, RATINGS);
      const tier = tierOf(rating);
      // Take the tier's next unused word; fall back to a numbered name when a tier runs out.
      const word = words[tier].shift() ?? `${pick(random, NAME_WORDS[tier])} ${i + 1}`;
      let name = hotelName(random, word, airport.city, tier);
      if (used.has(name)) name = `${name} ${i + 1}`;
      used.add(name);
      hotels.push({
        hotelId: seededId("hotel", HOTEL_ID_EPOCH, random),
        city: code,
        name,
        rating,
        roomType: pick(random, ROOM_TYPES[tier]),
        currency: "USD",
        latitude: Number((airport.latitude + randomBetween(random, -0.1, 0.1)).toFixed(5)),
        longitude: Number((airport.longitude + randomBetween(random, -0.1, 0.1)).toFixed(5)),
      });
    }
  }
  return hotels;
}

/** Hotel plans derived once from the hotel list: room count and base rate stay fixed per hotel. */
export interface HotelPlan {
  hotel: HotelRecord;
  roomsTotal: number;
  /** Nightly rate in US cents before weekend, season and occupancy factors. */
  baseRateMinor: number;
}

export function planHotels(seed: string, hotels: HotelRecord[]): HotelPlan[] {
  return hotels.map((hotel) => {
    const random = randomFor(seed, "hotel-plan", hotel.hotelId);
    const cityLevel = HOTEL_CITIES[hotel.city] ?? 1;
    const base =
      (BASE_RATE_USD[String(hotel.rating)] ?? 120) * cityLevel * randomBetween(random, 0.85, 1.2);
    return { hotel, roomsTotal: randomInt(random, 8, 40), baseRateMinor: Math.round(base * 100) };
  });
}

/** Summer and the December holidays cost more, January and February less. */
const MONTH_FACTOR = [0.88, 0.9, 1, 1.02, 1.05, 1.12, 1.18, 1.18, 1.05, 1.02, 0.97, 1.15] as const;

export interface NightContext {
  seed: string;
  updatedAt: string;
}

/** Rooms and price of every seeded hotel for one night. */
export function generateRoomNightsForDay(
  plans: HotelPlan[],
  date: string,
  context: NightContext,
): RoomNightRecord[] {
  const weekday = dayOfWeek(date);
  const weekend = weekday === 5 || weekday === 6 ? 1.15 : 1;
  const season = MONTH_FACTOR[Number(date.slice(5, 7)) - 1] ?? 1;
  return plans.map(({ hotel, roomsTotal, baseRateMinor }) => {
    const random = randomFor(context.seed, "night", hotel.hotelId, date);
    const occupied = randomBetween(random, 0.1, weekend > 1 ? 0.9 : 0.7);
    const roomsAvailable =
      random() < 0.02 ? 0 : Math.max(0, Math.round(roomsTotal * (1 - occupied)));
    const busy = roomsAvailable < roomsTotal * 0.2 ? 1.15 : 1;
    const price = baseRateMinor * weekend * season * busy * randomBetween(random, 0.95, 1.05);
    return {
      hotelId: hotel.hotelId,
      city: hotel.city,
      date,
      roomsAvailable,
      roomsTotal,
      // Rates end in whole dollars.
      priceMinor: Math.round(price / 100) * 100,
      currency: hotel.currency,
      version: 1,
      updatedAt: context.updatedAt,
    };
  });
}
