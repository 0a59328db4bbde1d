import { deflateRawSync, inflateRawSync } from "node:zlib";
import { Packr } from "msgpackr";
import { CacheError } from "./errors.js";

const RAW = 0;
const DEFLATE = 1;
export const DEFAULT_COMPRESS_THRESHOLD_BYTES = 1024;

/** Bytes ⇄ values: msgpackr, with raw-deflate above a size threshold. One flag byte says which. */
export interface Serializer {
  encode(value: unknown): Buffer;
  decode(bytes: Uint8Array): unknown;
}

/**
 * msgpackr without shared record structures (every process must read every other's bytes),
 * so plain data (objects, arrays, strings, numbers, booleans, null) round-trips exactly.
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
  const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });
  return {
    encode(value) {
      const packed = packr.pack(value);
      if (packed.length >= compressThresholdBytes) {
        const compressed = deflateRawSync(packed, { level: 1 });
        if (compressed.length < packed.length) return prefix(DEFLATE, compressed);
      }
      return prefix(RAW, packed);
    },
    decode(bytes) {
      const flag = bytes[0];
      const body = bytes.subarray(1);
      if (flag === RAW) return packr.unpack(body);
      if (flag === DEFLATE) return packr.unpack(inflateRawSync(body));
      throw new CacheError(`unknown cache encoding flag ${String(flag)}`);
    },
  };
}

function prefix(flag: number, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = flag;
  out.set(body, 1);
  return out;
}
