import { CacheConfigError } from "./errors.js";

export const DEFAULT_NAMESPACE = "default";
export const SEARCH_NAMESPACE = "search";
export const DEFAULT_TTL_SECONDS = 600;
export const DEFAULT_STALE_TTL_SECONDS = 60;
export const DEFAULT_NEGATIVE_TTL_SECONDS = 30;
export const SEARCH_TTL_MIN_SECONDS = 300;
export const SEARCH_TTL_MAX_SECONDS = 900;
/** Entries written together expire within ±10% of their TTL, not all at once. */
export const TTL_JITTER = 0.1;

export interface NamespacePolicy {
  ttlSeconds: number;
  staleTtlSeconds: number;
  negativeTtlSeconds: number;
}

export const DEFAULT_POLICY: NamespacePolicy = {
  ttlSeconds: DEFAULT_TTL_SECONDS,
  staleTtlSeconds: DEFAULT_STALE_TTL_SECONDS,
  negativeTtlSeconds: DEFAULT_NEGATIVE_TTL_SECONDS,
};

/**
 * Validates a search-result TTL: 5 to 15 minutes.
 *
 * @example
 * const ttlSeconds = searchTtl(Number(process.env.SEARCH_TTL_SECONDS ?? 600));
 */
export function searchTtl(seconds: number): number {
  if (
    !Number.isFinite(seconds) ||
    seconds < SEARCH_TTL_MIN_SECONDS ||
    seconds > SEARCH_TTL_MAX_SECONDS
  ) {
    throw new CacheConfigError(
      `search TTL must be between ${SEARCH_TTL_MIN_SECONDS} and ${SEARCH_TTL_MAX_SECONDS} seconds, got ${seconds}`,
    );
  }
  return seconds;
}

/** Fails for negative, non-finite or (for the search namespace) out-of-range TTLs. */
export function validateTtl(namespace: string, field: string, seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new CacheConfigError(`${field} for namespace "${namespace}" must be ≥ 0, got ${seconds}`);
  }
  if (namespace === SEARCH_NAMESPACE && field === "ttlSeconds") searchTtl(seconds);
  return seconds;
}

/** Applies ±`TTL_JITTER` to a duration; `random` returns [0, 1). */
export function jitterMs(ms: number, random: () => number): number {
  return Math.max(1, Math.round(ms * (1 + (random() * 2 - 1) * TTL_JITTER)));
}

export function isEmptyDefault(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}
