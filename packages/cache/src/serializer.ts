import { deflateRawSync, inflateRawSync } from "node:zlib";
import { Packr } from "msgpackr";
import { CacheError } from "./errors.js";

/** Plain MessagePack maps (written by earlier versions; still read). */
const MAPS = 0;
const MAPS_DEFLATE = 1;
/** msgpackr records: each object shape is described once per value, then rows of values. */
const RECORDS = 2;
const RECORDS_DEFLATE = 3;
export const DEFAULT_COMPRESS_THRESHOLD_BYTES = 1024;

/** Bytes ⇄ values: msgpackr, with raw-deflate above a size threshold. One flag byte says which. */
export interface Serializer {
  encode(value: unknown): Buffer;
  decode(bytes: Uint8Array): unknown;
  /** `decode`, plus the size of the MessagePack it read (after inflating, when compressed). */
  decodeMeasured(bytes: Uint8Array): { value: unknown; packedBytes: number };
}

/**
 * msgpackr with its record extension: an object shape (its keys) is written once per value and
 * every object of that shape after it is just its values. Search results are arrays of
 * same-shaped offers, so their keys are not repeated per offer (fewer bytes to store, send and
 * decode than plain MessagePack maps or JSON; BENCHMARKS.md). The shapes travel inside each value,
 * never in shared state, so every process reads every other's bytes. Plain data (objects, arrays,
 * strings, numbers, booleans, null) round-trips exactly, with two msgpackr rules: `-0` comes back
 * as `0` (as through JSON), and a key named `__proto__` comes back as `__proto_` (msgpackr's guard
 * against prototype pollution).
 *
 * @example
 * const s = createSerializer({ compressThresholdBytes: 2048 });
 * s.decode(s.encode({ a: [1, "x"] })); // { a: [1, "x"] }
 */
export function createSerializer({
  compressThresholdBytes = DEFAULT_COMPRESS_THRESHOLD_BYTES,
}: {
  compressThresholdBytes?: number;
} = {}): Serializer {
  const records = new Packr({ useRecords: true, mapsAsObjects: true, moreTypes: false });
  const maps = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });
  function decodeMeasured(bytes: Uint8Array): { value: unknown; packedBytes: number } {
    const flag = bytes[0];
    const body = bytes.subarray(1);
    switch (flag) {
      case RECORDS:
        return { value: records.unpack(body), packedBytes: body.length };
      case RECORDS_DEFLATE: {
        const packed = inflateRawSync(body);
        return { value: records.unpack(packed), packedBytes: packed.length };
      }
      case MAPS:
        return { value: maps.unpack(body), packedBytes: body.length };
      case MAPS_DEFLATE: {
        const packed = inflateRawSync(body);
        return { value: maps.unpack(packed), packedBytes: packed.length };
      }
      default:
        throw new CacheError(`unknown cache encoding flag ${String(flag)}`);
    }
  }
  return {
    encode(value) {
      const packed = records.pack(value);
      if (packed.length >= compressThresholdBytes) {
        const compressed = deflateRawSync(packed, { level: 1 });
        if (compressed.length < packed.length) return prefix(RECORDS_DEFLATE, compressed);
      }
      return prefix(RECORDS, packed);
    },
    decode(bytes) {
      return decodeMeasured(bytes).value;
    },
    decodeMeasured,
  };
}

function prefix(flag: number, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = flag;
  out.set(body, 1);
  return out;
}
