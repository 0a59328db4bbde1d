import { amountMilli } from "./money.js";
import type { FlightOffer, SearchMeta } from "./offers.js";

/** The price-independent part of a flight offer, as `flightOfferStamper` builds it. */
type OfferBody = Omit<FlightOffer, "pricedAt" | "expiresAt">;

/** What an offer was stamped from, and that offer's JSON written once (without `}`). */
export interface StampSource {
  offer: OfferBody;
  /** Departure instant of `offer`, parsed. */
  departAtMs: number;
  /** `offer` as JSON without its closing brace, written on first use. */
  json?: string;
  /** `offer.price` in thousandths (`amountMilli`), computed on first use. */
  priceMilli?: number;
}

/**
 * A flight offer priced at one instant, holding (privately: invisible to `JSON.stringify`,
 * `Object.keys` and equality checks) the built offer it was stamped from. Only
 * `flightOfferStamper` makes them.
 */
export class StampedFlightOffer implements FlightOffer {
  readonly #source: StampSource;
  id: string;
  type: "flight";
  origin: string;
  destination: string;
  departAt: string;
  arriveAt: string;
  durationMinutes: number;
  stops: number;
  carrier: string;
  flightNumber: string;
  cabin: FlightOffer["cabin"];
  seatsAvailable: number;
  price: FlightOffer["price"];
  pricedAt: string;
  expiresAt: string;

  constructor(source: StampSource, pricedAt: string, expiresAt: string) {
    const o = source.offer;
    this.#source = source;
    // A fresh object per answer (price too): callers may change theirs without touching others'.
    this.id = o.id;
    this.type = o.type;
    this.origin = o.origin;
    this.destination = o.destination;
    this.departAt = o.departAt;
    this.arriveAt = o.arriveAt;
    this.durationMinutes = o.durationMinutes;
    this.stops = o.stops;
    this.carrier = o.carrier;
    this.flightNumber = o.flightNumber;
    this.cabin = o.cabin;
    this.seatsAvailable = o.seatsAvailable;
    this.price = { amount: o.price.amount, currency: o.price.currency };
    this.pricedAt = pricedAt;
    this.expiresAt = expiresAt;
  }

  /** What `offer` was stamped from, if it is a `StampedFlightOffer`. */
  static sourceOf(offer: object): StampSource | undefined {
    return #source in offer ? (offer as StampedFlightOffer).#source : undefined;
  }
}

/**
 * `JSON.stringify(response)` for a search answer, faster: a flight offer that still holds
 * exactly what it was stamped from reuses that offer's JSON, written once per built offer, and
 * only its `pricedAt`/`expiresAt` are written per answer. Anything else (hotel offers, offers
 * from cache-aside suppliers, an offer a caller has changed) is written by `JSON.stringify`.
 * The result parses to the same value as `JSON.stringify(response)` (the same text when nothing
 * was changed).
 */
export function searchResponseJson(response: {
  data: readonly object[];
  meta: SearchMeta;
}): string {
  let out = '{"data":[';
  const { data } = response;
  // The offers of one answer are usually stamped at one instant: their clock fields are
  // written once and reused while they repeat.
  let pricedAt: string | undefined;
  let expiresAt: string | undefined;
  let clockFields = "";
  for (let i = 0; i < data.length; i++) {
    if (i > 0) out += ",";
    const offer = data[i] as object;
    const source = StampedFlightOffer.sourceOf(offer);
    if (source && unchanged(offer as FlightOffer, source.offer)) {
      const stamped = offer as FlightOffer;
      if (stamped.pricedAt !== pricedAt || stamped.expiresAt !== expiresAt) {
        pricedAt = stamped.pricedAt;
        expiresAt = stamped.expiresAt;
        clockFields = `,"pricedAt":${JSON.stringify(pricedAt)},"expiresAt":${JSON.stringify(expiresAt)}}`;
      }
      source.json ??= JSON.stringify(source.offer).slice(0, -1);
      out += source.json + clockFields;
    } else {
      out += JSON.stringify(offer);
    }
  }
  return `${out}],"meta":${JSON.stringify(response.meta)}}`;
}

const OFFER_KEYS = 15;

/** The offer holds the body's values and nothing else besides its two clock fields. */
function unchanged(o: FlightOffer, b: OfferBody): boolean {
  return (
    o.id === b.id &&
    o.type === b.type &&
    o.origin === b.origin &&
    o.destination === b.destination &&
    o.departAt === b.departAt &&
    o.arriveAt === b.arriveAt &&
    o.durationMinutes === b.durationMinutes &&
    o.stops === b.stops &&
    o.carrier === b.carrier &&
    o.flightNumber === b.flightNumber &&
    o.cabin === b.cabin &&
    o.seatsAvailable === b.seatsAvailable &&
    typeof o.price === "object" &&
    o.price !== null &&
    o.price.amount === b.price.amount &&
    o.price.currency === b.price.currency &&
    typeof o.pricedAt === "string" &&
    typeof o.expiresAt === "string" &&
    Object.keys(o).length === OFFER_KEYS &&
    Object.keys(o.price).length === 2
  );
}

/**
 * An offer's departure instant (for filters and ranking): read from what it was stamped from
 * while `departAt` is unchanged, parsed otherwise.
 */
export function departsOf(offer: FlightOffer): number {
  const source = StampedFlightOffer.sourceOf(offer);
  return source && offer.departAt === source.offer.departAt
    ? source.departAtMs
    : Date.parse(offer.departAt);
}

/**
 * An offer's price in thousandths (`amountMilli`, for filters and ranking): computed once per
 * built offer while the price is unchanged, parsed otherwise.
 */
export function priceMilliOf(offer: FlightOffer): number {
  const source = StampedFlightOffer.sourceOf(offer);
  const built = source?.offer.price;
  if (!source || offer.price.amount !== built?.amount || offer.price.currency !== built.currency) {
    return amountMilli(offer.price);
  }
  source.priceMilli ??= amountMilli(built);
  return source.priceMilli;
}
