import { randomFillSync } from "node:crypto";
import { monotonicFactory, ulid } from "ulid";
import { InvalidIdError } from "./errors.js";

export const ID_PREFIXES = {
  offer: "off_",
  booking: "bkg_",
  search: "srch_",
  searchBatch: "sbat_",
  hotel: "htl_",
  apiKey: "key_",
  webhook: "whk_",
  webhookEvent: "evt_",
  webhookDelivery: "dlv_",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/**
 * ulid's default generator asks `crypto.randomBytes` for one byte per character (16 system
 * calls per id); this one draws the same cryptographic bytes from a pool refilled 4 KiB at a
 * time. Values in [0, 1) as ulid expects.
 */
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;
function pooledRandom(): number {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return (pool[poolOffset++] as number) / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

/**
 * A new time-ordered id with its type prefix.
 *
 * @example
 * newId("booking") // "bkg_01JD8X3Z5K7M9P1Q3R5T7V9X1Z"
 */
export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}${nextUlid(now)}`;
}

/** A deterministic id for seed data: same time and random source, same id. */
export function seededId(kind: IdKind, time: number, random: () => number): string {
  return `${ID_PREFIXES[kind]}${ulid(time, random)}`;
}

/** True when `id` carries the prefix of `kind` and a sane body. */
export function isId(kind: IdKind, id: string): boolean {
  const prefix = ID_PREFIXES[kind];
  return id.startsWith(prefix) && /^[A-Za-z0-9_-]{6,120}$/.test(id.slice(prefix.length));
}

export function assertId(kind: IdKind, id: string): string {
  if (!isId(kind, id)) throw new InvalidIdError(`"${id.slice(0, 40)}" is not a ${kind} id`);
  return id;
}

/**
 * Hotel offers are derived (hotel × stay), not stored: their id encodes what identifies them.
 * The body is base64url so the id stays opaque to clients.
 */
export function hotelOfferId(stay: { hotelId: string; checkIn: string; checkOut: string }): string {
  const body = Buffer.from(`h|${stay.hotelId}|${stay.checkIn}|${stay.checkOut}`).toString(
    "base64url",
  );
  return `${ID_PREFIXES.offer}${body}`;
}

export type ParsedOfferId =
  | { type: "flight"; offerId: string }
  | { type: "itinerary"; offerId: string; itinerary: ItineraryRef }
  | { type: "hotel"; offerId: string; hotelId: string; checkIn: string; checkOut: string };

/** Longest hotel stay an offer id may name (the contract's 1–30 nights). */
export const MAX_STAY_NIGHTS = 30;

const DAY_MS = 86_400_000;

/** Epoch ms of a `YYYY-MM-DD` that is a real calendar date in years 2000–2199, else undefined. */
function calendarDay(value: string): number | undefined {
  if (!/^2[01]\d{2}-\d{2}-\d{2}$/.test(value)) return undefined;
  const time = Date.parse(`${value}T00:00:00Z`);
  if (!Number.isFinite(time) || new Date(time).toISOString().slice(0, 10) !== value) {
    return undefined;
  }
  return time;
}

/** True for real calendar dates with check-out 1–30 nights after check-in. */
function isStayInRange(checkIn: string, checkOut: string): boolean {
  const from = calendarDay(checkIn);
  const to = calendarDay(checkOut);
  if (from === undefined || to === undefined) return false;
  const nights = (to - from) / DAY_MS;
  return nights >= 1 && nights <= MAX_STAY_NIGHTS;
}

/**
 * Tells a flight offer id from a hotel offer id; `undefined` for anything that is neither. Hotel
 * ids are checked completely (real calendar dates, 1–30 nights), so nothing downstream ever sees
 * an impossible date.
 */
export function parseOfferId(offerId: string): ParsedOfferId | undefined {
  if (!isId("offer", offerId)) return undefined;
  const body = offerId.slice(ID_PREFIXES.offer.length);
  if (/^[0-9A-HJKMNP-TV-Z]{26}$/.test(body)) return { type: "flight", offerId };
  if (body.startsWith(ITINERARY_TAG)) {
    const itinerary = decodeItinerary(body.slice(ITINERARY_TAG.length));
    return itinerary ? { type: "itinerary", offerId, itinerary } : undefined;
  }
  let decoded: string;
  try {
    decoded = Buffer.from(body, "base64url").toString("utf8");
  } catch {
    return undefined;
  }
  const parts = decoded.split("|");
  const [tag, hotelId, checkIn, checkOut] = parts;
  if (
    parts.length !== 4 ||
    tag !== "h" ||
    !hotelId ||
    !isId("hotel", hotelId) ||
    !checkIn ||
    !checkOut ||
    !isStayInRange(checkIn, checkOut)
  ) {
    return undefined;
  }
  return { type: "hotel", offerId, hotelId, checkIn, checkOut };
}

/** What an itinerary offer id names: its legs' flight offer ids per slice, and the passengers. */
export interface ItineraryRef {
  /** One or two slices (one way, round trip), each 1–3 flight offer ids in flying order. */
  slices: string[][];
  passengers: { adults: number; children: number; infants: number };
  /** Local date of the first departure at its airport (ages are checked against it). */
  firstDepartureDate: string;
}

const ITINERARY_TAG = "I";
const ITINERARY_VERSION = 1;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID_BODY = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function ulidToBytes(ulid: string): Buffer {
  let value = 0n;
  for (const char of ulid) value = (value << 5n) | BigInt(CROCKFORD.indexOf(char));
  return Buffer.from(value.toString(16).padStart(32, "0"), "hex");
}

function bytesToUlid(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString("hex")}`);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/**
 * The id of an itinerary: `off_I` + base64url of [version, adults, children, infants, first
 * departure day (2 bytes, days since 1970), slice count, legs per slice…, 16 bytes per leg]. Opaque to clients, and enough for `GET /v1/offers/{id}` to re-price
 * it from the flights themselves. `undefined` when a leg is not one of our flight offer ids
 * (an external supplier's offer cannot be part of an itinerary).
 *
 * @example
 * itineraryOfferId({ slices: [["off_01…", "off_01…"]], passengers: { adults: 1, children: 0, infants: 0 } })
 */
export function itineraryOfferId(ref: ItineraryRef): string | undefined {
  const legs = ref.slices.flat();
  const bodies = legs.map((id) => id.slice(ID_PREFIXES.offer.length));
  if (
    !legs.every((id) => id.startsWith(ID_PREFIXES.offer)) ||
    !bodies.every((b) => ULID_BODY.test(b))
  ) {
    return undefined;
  }
  const { adults, children, infants } = ref.passengers;
  const day = Date.parse(`${ref.firstDepartureDate}T00:00:00Z`) / DAY_MS;
  if (!Number.isInteger(day) || day < 0 || day > 0xffff) return undefined;
  const head = Buffer.from([
    ITINERARY_VERSION,
    adults,
    children,
    infants,
    day >> 8,
    day & 0xff,
    ref.slices.length,
    ...ref.slices.map((s) => s.length),
  ]);
  const body = Buffer.concat([head, ...bodies.map(ulidToBytes)]).toString("base64url");
  return `${ID_PREFIXES.offer}${ITINERARY_TAG}${body}`;
}

function decodeItinerary(body: string): ItineraryRef | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return undefined;
  const bytes = Buffer.from(body, "base64url");
  const [version, adults, children, infants, dayHigh, dayLow, sliceCount] = bytes;
  if (
    version !== ITINERARY_VERSION ||
    sliceCount === undefined ||
    sliceCount < 1 ||
    sliceCount > 2
  ) {
    return undefined;
  }
  const counts = [...bytes.subarray(7, 7 + sliceCount)];
  if (counts.length !== sliceCount || counts.some((n) => n < 1 || n > 3)) return undefined;
  const start = 7 + sliceCount;
  const legCount = counts.reduce((a, b) => a + b, 0);
  if (bytes.length !== start + legCount * 16) return undefined;
  if (
    adults === undefined ||
    children === undefined ||
    infants === undefined ||
    adults < 1 ||
    adults + children > 9 ||
    infants > adults
  ) {
    return undefined;
  }
  const ids: string[] = [];
  for (let i = 0; i < legCount; i++) {
    const leg = bytes.subarray(start + i * 16, start + (i + 1) * 16);
    ids.push(`${ID_PREFIXES.offer}${bytesToUlid(leg)}`);
  }
  const slices: string[][] = [];
  let next = 0;
  for (const count of counts) {
    slices.push(ids.slice(next, next + count));
    next += count;
  }
  const firstDepartureDate = new Date((((dayHigh as number) << 8) | (dayLow as number)) * DAY_MS)
    .toISOString()
    .slice(0, 10);
  return { slices, passengers: { adults, children, infants }, firstDepartureDate };
}
