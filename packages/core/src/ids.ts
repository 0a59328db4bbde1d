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
