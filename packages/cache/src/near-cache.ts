import { LRUCache } from "lru-cache";
import type { Clock } from "./cache.js";
import type { Envelope } from "./tags.js";

export interface NearCacheOptions {
  /** Upper bound on entries (default 1000). */
  maxEntries: number;
  /** Upper bound on the encoded size of held entries (default 16 MiB). */
  maxBytes: number;
  /** How long an entry may be answered locally (default 2 s, never past its fresh TTL). */
  ttlMs: number;
}

interface NearItem {
  envelope: Envelope;
  expiresAt: number;
}

/**
 * A small in-process L1 in front of Redis. Other processes' invalidations and writes reach it
 * over Redis pub/sub; if the subscription drops, the whole L1 is cleared on reconnect.
 */
export class NearCache {
  readonly #lru: LRUCache<string, NearItem>;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  #generation = 0;

  constructor(options: NearCacheOptions, clock: Clock) {
    this.#lru = new LRUCache<string, NearItem>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: () => 1,
    });
    this.#ttlMs = options.ttlMs;
    this.#clock = clock;
  }

  get(key: string): Envelope | undefined {
    const item = this.#lru.get(key);
    if (!item) return undefined;
    if (this.#clock.now() >= item.expiresAt) {
      this.#lru.delete(key);
      return undefined;
    }
    return item.envelope;
  }

  /** Bumped by every drop; a read or load that began before a drop must not fill the L1. */
  get generation(): number {
    return this.#generation;
  }

  /** Holds the entry unless an invalidation arrived since `generation` was read. */
  set(key: string, envelope: Envelope, sizeBytes: number, generation: number): void {
    if (generation !== this.#generation) return;
    const now = this.#clock.now();
    const expiresAt = Math.min(now + this.#ttlMs, envelope.f);
    if (expiresAt <= now) return;
    this.#lru.set(key, { envelope, expiresAt }, { size: Math.max(1, sizeBytes) });
  }

  delete(key: string): void {
    this.#generation++;
    this.#lru.delete(key);
  }

  /** Drops every held entry carrying one of the tags (the L1 is small, so a scan is cheap). */
  dropTags(tags: readonly string[]): void {
    this.#generation++;
    const wanted = new Set(tags);
    for (const [key, item] of this.#lru.entries()) {
      if (item.envelope.t?.some((tag) => wanted.has(tag))) this.#lru.delete(key);
    }
  }

  clear(): void {
    this.#generation++;
    this.#lru.clear();
  }
}
