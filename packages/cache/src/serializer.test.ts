import { randomBytes } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { createSerializer } from "./serializer.js";

/**
 * JSON-like data as it comes back from JSON (so `-0` is `0`, as msgpackr also returns it),
 * without `__proto__` keys (msgpackr renames them; see the serializer's doc).
 */
const plainData = fc
  .jsonValue()
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)
  .filter((value) => !JSON.stringify(value).includes('"__proto__"'));

function offers(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `off_${1000 + i}`,
    origin: "JFK",
    destination: "LAX",
    departAt: `2026-03-14T0${i % 10}:15:00Z`,
    durationMinutes: 385 + i * 7,
    stops: i % 3,
    price: { amount: `${300 + i}.50`, currency: "USD" },
    segments: [{ from: "JFK", to: "LAX", carrier: "AA", flightNumber: `AA${100 + i}` }],
  }));
}

describe("serializer", () => {
  const serializer = createSerializer({ compressThresholdBytes: 1024 });

  it("round-trips plain data exactly, including undefined-free nesting and unicode", () => {
    const value = {
      id: "srch_1",
      offers: [{ price: { amount: "99.90", currency: "EUR" }, stops: 0, ratio: 0.1 + 0.2 }],
      flags: [true, false, null],
      text: "Привет 👋",
      big: Number.MAX_SAFE_INTEGER,
      neg: -42,
    };
    expect(serializer.decode(serializer.encode(value))).toStrictEqual(value);
  });

  it("round-trips any JSON-like value, decoded by another instance (another process)", () => {
    const reader = createSerializer({ compressThresholdBytes: 64 });
    fc.assert(
      fc.property(fc.array(plainData, { minLength: 1, maxLength: 8 }), (values) => {
        // Encoded in one order, decoded in the reverse order by a reader with its own history:
        // no record shape may leak from one value into another.
        const encoded = values.map((v) => serializer.encode(v));
        for (let i = values.length - 1; i >= 0; i--) {
          expect(reader.decode(encoded[i] as Buffer)).toStrictEqual(values[i]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keeps many distinct object shapes in one value apart", () => {
    const value = Array.from({ length: 300 }, (_, i) => ({
      [`k${i}`]: i,
      nested: { [`n${i % 70}`]: [i, { deep: `d${i}` }] },
    }));
    expect(createSerializer().decode(serializer.encode(value))).toStrictEqual(value);
  });

  it("stores a search result as records: smaller than plain MessagePack before compression", () => {
    const value = offers(20);
    const records = createSerializer({ compressThresholdBytes: Number.MAX_SAFE_INTEGER });
    const plain = new Packr({ useRecords: false }).pack(value);
    const bytes = records.encode(value);
    expect(bytes[0]).toBe(2);
    expect(bytes.length).toBeLessThan(plain.length * 0.7);
    expect(records.decode(bytes)).toStrictEqual(value);
  });

  it("compresses values above the threshold and leaves small ones uncompressed", () => {
    const small = serializer.encode({ a: "x".repeat(100) });
    const large = serializer.encode({ a: "x".repeat(10_000) });
    expect(small[0]).toBe(2);
    expect(large[0]).toBe(3);
    expect(large.length).toBeLessThan(1_000);
    expect(serializer.decode(large)).toEqual({ a: "x".repeat(10_000) });
  });

  it("keeps incompressible data uncompressed rather than growing it", () => {
    const random = randomBytes(4_000);
    const bytes = serializer.encode(random);
    expect(bytes[0]).toBe(2);
    expect(Buffer.from(serializer.decode(bytes) as Uint8Array).equals(random)).toBe(true);
  });

  it("still reads the plain-map encoding earlier versions wrote (flags 0 and 1)", () => {
    const value = offers(5);
    const packed = new Packr({ useRecords: false, mapsAsObjects: true }).pack(value);
    expect(serializer.decode(Buffer.concat([Uint8Array.of(0), packed]))).toStrictEqual(value);
    const deflated = Buffer.concat([Uint8Array.of(1), deflateRawSync(packed)]);
    expect(serializer.decode(deflated)).toStrictEqual(value);
  });

  it("refuses bytes it did not write", () => {
    expect(() => serializer.decode(Uint8Array.of(9, 1, 2))).toThrow(/encoding flag/);
  });
});
