import { LRUCache } from "lru-cache";
import type { Clock } from "../cache.js";
import type { InvalidationMessage, Store, StoredRecords } from "../store.js";
import { type EntryMeta, isInvalidated } from "../tags.js";

interface EntryItem {
  kind: "entry";
  bytes: Uint8Array;
  expiresAt: number;
  meta: EntryMeta | undefined;
}

interface RecordsItem {
  kind: "records";
  present: boolean;
  expiresAt: number;
  fields: Map<string, { version: number; bytes: Uint8Array }>;
  size: number;
}

type Item = EntryItem | RecordsItem;

export interface MemoryStoreOptions {
  /** Upper bound on the encoded bytes held (entries and record maps together). */
  maxBytes: number;
  /** Upper bound on remembered tag invalidations (default 100 000). */
  maxTagStamps: number;
  clock: Clock;
}

const ITEM_OVERHEAD_BYTES = 64;
const FIELD_OVERHEAD_BYTES = 48;

/**
 * In-process store for local mode: `lru-cache` bounded by encoded bytes. Expiry is checked
 * with the injected clock on read, so tests and replays can move time.
 */
export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  readonly shared = false;
  readonly #items: LRUCache<string, Item>;
  readonly #tags: LRUCache<string, { seq: number; expiresAt: number }>;
  readonly #clock: Clock;
  #seq = 0;
  #floor = 0;

  constructor({ maxBytes, maxTagStamps, clock }: MemoryStoreOptions) {
    this.#clock = clock;
    this.#items = new LRUCache<string, Item>({
      maxSize: maxBytes,
      sizeCalculation: (item, key) =>
        key.length + ITEM_OVERHEAD_BYTES + (item.kind === "entry" ? entrySize(item) : item.size),
    });
    this.#tags = new LRUCache({
      max: maxTagStamps,
      // Forgetting a live stamp must not resurrect entries it invalidated: raise the floor instead.
      dispose: (stamp, _tag, reason) => {
        if (reason === "evict" && stamp.expiresAt > this.#clock.now()) {
          this.#floor = Math.max(this.#floor, stamp.seq);
        }
      },
    });
  }

  /** Bytes currently held (for metrics and tests). */
  get sizeBytes(): number {
    return this.#items.calculatedSize;
  }

  #live(key: string): Item | undefined {
    const item = this.#items.get(key);
    if (item && item.expiresAt <= this.#clock.now()) {
      this.#items.delete(key);
      return undefined;
    }
    return item;
  }

  async getEntry(key: string, _expectTags?: boolean): Promise<Uint8Array | undefined> {
    const item = this.#live(key);
    if (item?.kind !== "entry") return undefined;
    if (item.meta && isInvalidated(item.meta, this.#tagSeqs(item.meta.tags), this.#floor)) {
      return undefined;
    }
    return item.bytes;
  }

  async setEntry(key: string, bytes: Uint8Array, ttlMs: number, meta?: EntryMeta): Promise<void> {
    this.#items.set(key, { kind: "entry", bytes, expiresAt: this.#clock.now() + ttlMs, meta });
  }

  async deleteEntry(key: string): Promise<void> {
    this.#items.delete(key);
  }

  async currentSeq(): Promise<number> {
    return this.#seq;
  }

  #tagSeqs(tags: readonly string[]): number[] {
    const now = this.#clock.now();
    return tags.map((tag) => {
      const stamp = this.#tags.get(tag);
      return stamp && stamp.expiresAt > now ? stamp.seq : 0;
    });
  }

  async invalidateTags(tags: readonly string[], retentionMs: number): Promise<number> {
    const seq = ++this.#seq;
    const expiresAt = this.#clock.now() + retentionMs;
    for (const tag of tags) this.#tags.set(tag, { seq, expiresAt });
    return seq;
  }

  async tryLock(): Promise<boolean> {
    return true; // one process: the engine's in-flight map already coalesces loads
  }

  async unlock(): Promise<void> {}

  async applyRecords(
    key: string,
    entries: readonly { field: string; version: number; bytes: Uint8Array }[],
    ttlMs: number,
    fill: boolean,
  ): Promise<{ applied: string[]; ignored: string[] }> {
    const now = this.#clock.now();
    const existing = this.#live(key);
    const item: RecordsItem =
      existing?.kind === "records"
        ? existing
        : { kind: "records", present: false, expiresAt: now + ttlMs, fields: new Map(), size: 0 };
    const applied: string[] = [];
    const ignored: string[] = [];
    for (const { field, version, bytes } of entries) {
      const current = item.fields.get(field);
      if (current && current.version >= version) {
        ignored.push(field);
        continue;
      }
      item.size += bytes.length - (current?.bytes.length ?? -field.length - FIELD_OVERHEAD_BYTES);
      item.fields.set(field, { version, bytes });
      applied.push(field);
    }
    if (fill) {
      item.present = true;
      item.expiresAt = now + ttlMs;
    }
    // A new object, so lru-cache recounts the size (it skips that for an identical value).
    this.#items.set(key, { ...item });
    return { applied, ignored };
  }

  async getRecords(key: string): Promise<StoredRecords | null> {
    const item = this.#live(key);
    if (item?.kind !== "records" || !item.present) return null;
    return { fields: new Map(item.fields), generation: null };
  }

  async deleteRecords(key: string): Promise<void> {
    this.#items.delete(key);
  }

  async recordsMemoryUsage(key: string): Promise<number | null> {
    const item = this.#live(key);
    if (item?.kind !== "records") return null;
    return key.length + ITEM_OVERHEAD_BYTES + item.size;
  }

  async publishInvalidation(_message: InvalidationMessage): Promise<void> {}

  onInvalidation(_listener: (message: InvalidationMessage) => void): void {}

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#items.clear();
  }
}

function entrySize(item: EntryItem): number {
  if (!item.meta) return item.bytes.length;
  return item.meta.tags.reduce((sum, tag) => sum + tag.length + 8, item.bytes.length);
}
