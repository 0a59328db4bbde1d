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

/** Deduplicates tags and rejects empty or oversized ones (a programming error, so it throws). */
export function normalizeTags(tags: readonly string[] | undefined): string[] {
  if (!tags || tags.length === 0) return [];
  const unique = [...new Set(tags)];
  for (const tag of unique) {
    if (typeof tag !== "string" || tag.length === 0 || tag.length > MAX_TAG_LENGTH) {
      throw new CacheConfigError(
        `cache tags must be 1–${MAX_TAG_LENGTH} characters, got ${JSON.stringify(tag)}`,
      );
    }
  }
  return unique;
}

/** True when a tag invalidation newer than the entry's load start exists. */
export function isInvalidated(
  envelope: Envelope,
  tagSeqs: readonly number[],
  floor: number,
): boolean {
  if (!envelope.t || envelope.t.length === 0) return false;
  const loadedAt = envelope.q ?? 0;
  if (loadedAt < floor) return true;
  return tagSeqs.some((seq) => seq > loadedAt);
}

export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return typeof e.c === "number" && typeof e.f === "number" && typeof e.s === "number" && "v" in e;
}
