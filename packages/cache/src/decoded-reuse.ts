import { LRUCache } from "lru-cache";

/** Decoded values take ~5–6× their msgpack bytes on the heap (measured on flight offers). */
export const HEAP_PER_ENCODED_BYTE = 6;

export interface DecodedReuseOptions {
  /**
   * Heap the kept copies may take: the stored bytes plus 6 × the MessagePack they hold (after
   * inflating: a deflated 5 kB entry can decode to ~150 kB of objects).
   */
  maxBytes: number;
}

interface Decoded {
  bytes: Buffer;
  value: unknown;
  heapBytes: number;
}

/**
 * Keeps, per key, the last bytes read from the store and what they decoded to. A read that
 * brings back byte-for-byte the same entry reuses that decoded value instead of decoding again
 * (a memory compare of a few kB instead of rebuilding every object). Nothing is trusted that
 * was not just read: every read still goes to the store, so a changed, invalidated or deleted
 * entry is never answered from here.
 *
 * Reused values are shared by every caller in the process, so they are deeply frozen: changing
 * one throws instead of silently changing what other requests see.
 */
export class DecodedReuse {
  readonly #lru: LRUCache<string, Decoded>;

  constructor(options: DecodedReuseOptions) {
    this.#lru = new LRUCache<string, Decoded>({
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.heapBytes),
    });
  }

  /** What `bytes` decode to: the kept value when the key last read exactly these bytes. */
  decode(
    key: string,
    bytes: Uint8Array,
    decode: (bytes: Uint8Array) => { value: unknown; packedBytes: number },
  ): unknown {
    const known = this.#lru.get(key);
    if (known && Buffer.compare(known.bytes, bytes) === 0) return known.value;
    const { value, packedBytes } = decode(bytes);
    deepFreeze(value);
    // A copy: the client's buffer may be a slice of a larger socket buffer.
    const heapBytes = bytes.length + packedBytes * HEAP_PER_ENCODED_BYTE;
    this.#lru.set(key, { bytes: Buffer.from(bytes), value, heapBytes });
    return value;
  }

  /** Estimated heap of the kept copies (what `maxBytes` bounds). */
  get heapBytes(): number {
    return this.#lru.calculatedSize;
  }

  delete(key: string): void {
    this.#lru.delete(key);
  }

  get size(): number {
    return this.#lru.size;
  }
}

/** The reuse layer a cache config asks for (`decodedReuse: { enabled, maxBytes }`), if any. */
export function decodedReuseFor(config: {
  enabled: boolean;
  maxBytes: number;
}): DecodedReuse | undefined {
  return config.enabled ? new DecodedReuse({ maxBytes: config.maxBytes }) : undefined;
}

/** Freezes plain objects and arrays all the way down (binary views cannot be frozen; skipped). */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  if (ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
