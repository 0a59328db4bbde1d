import { CacheConfigError } from "./errors.js";

/**
 * What is stored per entry. `q` is the global invalidation sequence read *before* the loader
 * ran: the entry is valid only while every tag's last invalidation sequence is ≤ `q`. So an
 * invalidation that races with a slow loader still wins, and no per-tag set of keys is kept.
 */
export interface Envelope<T = unknown> {
  v: T;
  /** Created at (ms). */
  c: number;
  /** Fresh until (ms). */
  f: number;
  /** Servable-as-stale until (ms). */
  s: number;
  t?: string[];
  q?: number;
}

const MAX_TAG_LENGTH = 256;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f]/;

/** Deduplicates tags and rejects empty or oversized ones (a programming error, so it throws). */
export function normalizeTags(tags: readonly string[] | undefined): string[] {
  if (!tags || tags.length === 0) return [];
  const unique = [...new Set(tags)];
  for (const tag of unique) {
    if (
      typeof tag !== "string" ||
      tag.length === 0 ||
      tag.length > MAX_TAG_LENGTH ||
      CONTROL_CHARACTERS.test(tag)
    ) {
      throw new CacheConfigError(
        `cache tags must be 1–${MAX_TAG_LENGTH} printable characters, got ${JSON.stringify(tag)}`,
      );
    }
  }
  return unique;
}

/** What the store needs to judge an entry's tags without decoding its value. */
export interface EntryMeta {
  tags: readonly string[];
  /** Global invalidation sequence read before the loader ran. */
  seq: number;
}

/** True when a tag invalidation newer than the entry's load start exists. */
export function isInvalidated(meta: EntryMeta, tagSeqs: readonly number[], floor = 0): boolean {
  if (meta.tags.length === 0) return false;
  if (meta.seq < floor) return true;
  return tagSeqs.some((seq) => seq > meta.seq);
}

const HEADER_MARK = 0x54; // "T": never a serializer flag byte (0 or 1)
const TAG_SEPARATOR = "\x1f";

/**
 * Tagged entries are stored as `T<seq>|<tag>\x1f<tag>…\n<bytes>`, so Redis can check the tag
 * stamps in the same round trip as the GET (a Lua script reads this plain-text header).
 */
export function withTagHeader(meta: EntryMeta, body: Uint8Array): Buffer {
  const header = Buffer.from(`T${meta.seq}|${meta.tags.join(TAG_SEPARATOR)}\n`, "utf8");
  return Buffer.concat([header, body]);
}

/** True when the stored bytes start with a tag header (`T<seq>|…\n`). */
export function hasTagHeader(bytes: Uint8Array): boolean {
  return bytes[0] === HEADER_MARK;
}

/**
 * The sequence a tagged entry was written at (its header's `<seq>`), without parsing the tags;
 * undefined for untagged bytes or a malformed header. Digits are read in place: this runs on
 * every tagged cache hit.
 */
export function tagHeaderSeq(bytes: Uint8Array): number | undefined {
  if (!hasTagHeader(bytes)) return undefined;
  const bar = bytes.indexOf(0x7c, 1); // "|"
  const seq = bar < 0 ? Number.NaN : decimal(bytes, 1, bar);
  return Number.isNaN(seq) ? undefined : seq;
}

/** A decimal counter as Redis returns it (a `GET` of the invalidation sequence); 0 when absent. */
export function parseSeq(reply: Uint8Array | null | undefined): number {
  return reply ? decimal(reply, 0, reply.length) : 0;
}

/**
 * `bytes[start, end)` as a decimal number: 1–15 ASCII digits (exact as a double; Redis counts to
 * 2^63, but 10^15 invalidations is far off), NaN for anything else.
 */
function decimal(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return Number.NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x30 || byte > 0x39) return Number.NaN;
    value = value * 10 + (byte - 0x30);
  }
  return value;
}

/** A stored entry's serialized bytes, past its tag header if it has one. */
export function entryBody(bytes: Uint8Array): Uint8Array {
  return hasTagHeader(bytes) ? bytes.subarray(bytes.indexOf(0x0a) + 1) : bytes;
}

export function splitTagHeader(bytes: Buffer): { meta?: EntryMeta; body: Buffer } {
  if (!hasTagHeader(bytes)) return { body: bytes };
  const newline = bytes.indexOf(0x0a);
  const header = bytes.toString("utf8", 1, newline);
  const bar = header.indexOf("|");
  return {
    meta: { seq: Number(header.slice(0, bar)), tags: header.slice(bar + 1).split(TAG_SEPARATOR) },
    body: bytes.subarray(newline + 1),
  };
}

export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return typeof e.c === "number" && typeof e.f === "number" && typeof e.s === "number" && "v" in e;
}
