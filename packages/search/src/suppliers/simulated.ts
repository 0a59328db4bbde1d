import { createHash } from "node:crypto";
import {
  type Cabin,
  DependencyFailureError,
  findAirport,
  fromMinor,
  greatCircleKm,
} from "@travel/core";
import { startOfLocalDay } from "../clock.js";
import type { FlightOffer, HotelOffer, Offer } from "../offers.js";
import { MAX_NIGHTS } from "../query.js";
import { stayNights } from "../tags.js";
import { checkInDayEnds } from "./stays.js";
import type { FlightSearchRequest, HotelSearchRequest, Supplier } from "./supplier.js";

/**
 * TEST / DEMO SUPPLIER — not a real data source and not wired in production by default.
 *
 * A stand-in for an external supplier API: deterministic offers derived from a hash of the
 * request (same request, same offers, in every process), with configurable latency and
 * failures so tests and demos can exercise timeouts, partial results and the circuit breaker.
 * Its offer ids (`off_sim_…`) encode the request, so `priceOffer` can re-derive them.
 */
export interface SimulatedSupplierOptions {
  /** Default `"simulated"`. */
  name?: string;
  /** Delay of every call, in ms (honours the abort signal). Default 0. */
  latencyMs?: number;
  /** Share of calls that fail, 0…1, drawn from a seeded sequence (deterministic). Default 0. */
  failureRate?: number;
  /** Seed of the failure sequence and of the generated offers. Default `"sim"`. */
  seed?: string;
  /** Validity of a quoted price in seconds. Default 900. */
  offerValiditySeconds?: number;
}

export interface SimulatedSupplier extends Supplier {
  /** Changes latency / failure behaviour at run time (a supplier going down and recovering). */
  configure(behaviour: { latencyMs?: number; failureRate?: number }): void;
  /** Calls received so far (including failed ones). */
  readonly calls: number;
}

const CARRIERS = ["SA", "SB", "SC", "SD"];
const CABIN_FACTOR: Record<Cabin, number> = {
  economy: 1,
  premium_economy: 1.6,
  business: 3.2,
  first: 5,
};
const ID_PREFIX = "off_sim_";
const CURRENCY = "USD";

export function createSimulatedSupplier(options: SimulatedSupplierOptions = {}): SimulatedSupplier {
  const name = options.name ?? "simulated";
  const seed = options.seed ?? "sim";
  const validity = options.offerValiditySeconds ?? 900;
  let latencyMs = options.latencyMs ?? 0;
  let failureRate = options.failureRate ?? 0;
  let calls = 0;
  const failures = seededRandom(`${seed}|failures`);

  async function behave(signal: AbortSignal): Promise<void> {
    calls++;
    if (latencyMs > 0) await sleep(latencyMs, signal);
    if (failureRate > 0 && failures() < failureRate) {
      throw new DependencyFailureError(name, `simulated supplier ${name} failed`);
    }
  }

  function flights(request: FlightSearchRequest, now: Date): FlightOffer[] {
    const from = findAirport(request.origin);
    const to = findAirport(request.destination);
    if (!from || !to || from.iata === to.iata) return [];
    const random = seededRandom(
      `${seed}|f|${request.origin}|${request.destination}|${request.departureDate}`,
    );
    const km = greatCircleKm(from, to);
    const count = 2 + Math.floor(random() * 4);
    const dayStart = startOfLocalDay(request.departureDate, from.timeZone).getTime();
    const offers: FlightOffer[] = [];
    for (let i = 0; i < count; i++) {
      const stops = random() < 0.6 ? 0 : 1;
      const durationMinutes = Math.round(km / 13.5 + 35 + stops * (60 + random() * 120));
      const departAt = new Date(dayStart + (6 * 60 + Math.floor(random() * 16 * 60)) * 60_000);
      const arriveAt = new Date(departAt.getTime() + durationMinutes * 60_000);
      const carrier = CARRIERS[Math.floor(random() * CARRIERS.length)] ?? "SA";
      const baseMinor = Math.round((40 + km * 0.09) * (0.8 + random() * 0.6)) * 100;
      const priceMinor = Math.round(baseMinor * CABIN_FACTOR[request.cabin]);
      const seats = Math.floor(random() * 10);
      const id = encodeId([
        "f",
        request.origin,
        request.destination,
        request.departureDate,
        request.cabin,
        String(i),
      ]);
      offers.push({
        id,
        type: "flight",
        origin: request.origin,
        destination: request.destination,
        departAt: departAt.toISOString(),
        arriveAt: arriveAt.toISOString(),
        durationMinutes,
        stops,
        carrier,
        flightNumber: `${carrier}${100 + Math.floor(random() * 9000)}`,
        cabin: request.cabin,
        seatsAvailable: seats,
        price: fromMinor(priceMinor, CURRENCY),
        pricedAt: now.toISOString(),
        expiresAt: new Date(
          Math.min(now.getTime() + validity * 1000, departAt.getTime()),
        ).toISOString(),
      });
    }
    return offers;
  }

  function hotels(request: HotelSearchRequest, now: Date): HotelOffer[] {
    const city = findAirport(request.city);
    const nights = stayNights(request.checkIn, request.checkOut);
    if (!city || nights.length === 0 || nights.length > MAX_NIGHTS) return [];
    const random = seededRandom(`${seed}|h|${request.city}`);
    const count = 2 + Math.floor(random() * 3);
    const offers: HotelOffer[] = [];
    for (let i = 0; i < count; i++) {
      const rating = Math.round((2.5 + random() * 2.5) * 2) / 2;
      const nightlyMinor = Math.round(60 + rating * 40 + random() * 80) * 100;
      let rooms = Number.POSITIVE_INFINITY;
      for (const night of nights) {
        const nightRandom = seededRandom(`${seed}|n|${request.city}|${i}|${night}`);
        rooms = Math.min(rooms, Math.floor(nightRandom() * 8));
      }
      offers.push({
        id: encodeId(["h", request.city, String(i), request.checkIn, request.checkOut]),
        type: "hotel",
        hotelId: `htl_SIM${request.city}${i}`,
        name: `Simulated ${city.city} Hotel ${i + 1}`,
        city: request.city,
        rating,
        roomType: i % 2 === 0 ? "Standard double" : "Queen room",
        checkIn: request.checkIn,
        checkOut: request.checkOut,
        nights: nights.length,
        roomsAvailable: rooms,
        price: fromMinor(nightlyMinor * nights.length, CURRENCY),
        pricedAt: now.toISOString(),
        expiresAt: new Date(
          Math.min(
            now.getTime() + validity * 1000,
            checkInDayEnds(request.city, request.checkIn).getTime(),
          ),
        ).toISOString(),
      });
    }
    return offers;
  }

  return {
    name,
    ownsOffer: (offerId) => decodeId(offerId) !== undefined,
    get calls() {
      return calls;
    },
    configure(behaviour) {
      if (behaviour.latencyMs !== undefined) latencyMs = behaviour.latencyMs;
      if (behaviour.failureRate !== undefined) failureRate = behaviour.failureRate;
    },
    async searchFlights(request, { signal, now }) {
      await behave(signal);
      return flights(request, now);
    },
    async searchHotels(request, { signal, now }) {
      await behave(signal);
      return hotels(request, now);
    },
    async priceOffer(offerId, { signal, now }): Promise<Offer | undefined> {
      const parts = decodeId(offerId);
      if (!parts) return undefined;
      await behave(signal);
      if (parts[0] === "f" && parts.length === 6) {
        const [, origin, destination, departureDate, cabin] = parts as [
          string,
          string,
          string,
          string,
          Cabin,
        ];
        if (!(cabin in CABIN_FACTOR)) return undefined;
        return flights({ origin, destination, departureDate, cabin }, now).find(
          (o) => o.id === offerId,
        );
      }
      if (parts[0] === "h" && parts.length === 5) {
        const [, city, , checkIn, checkOut] = parts as [string, string, string, string, string];
        return hotels({ city, checkIn, checkOut }, now).find((o) => o.id === offerId);
      }
      return undefined;
    },
  };
}

function encodeId(parts: string[]): string {
  return `${ID_PREFIX}${Buffer.from(parts.join("|")).toString("base64url")}`;
}

function decodeId(offerId: string): string[] | undefined {
  if (!offerId.startsWith(ID_PREFIX) || offerId.length > 200) return undefined;
  const body = offerId.slice(ID_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return undefined;
  return Buffer.from(body, "base64url").toString("utf8").split("|");
}

/** mulberry32 seeded from a string hash: deterministic across processes and runs. */
function seededRandom(seed: string): () => number {
  let state = createHash("sha256").update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
