import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSerializer } from "./serializer.js";

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

  it("compresses values above the threshold and leaves small ones raw", () => {
    const small = serializer.encode({ a: "x".repeat(100) });
    const large = serializer.encode({ a: "x".repeat(10_000) });
    expect(small[0]).toBe(0);
    expect(large[0]).toBe(1);
    expect(large.length).toBeLessThan(1_000);
    expect(serializer.decode(large)).toEqual({ a: "x".repeat(10_000) });
  });

  it("keeps incompressible data raw rather than growing it", () => {
    const random = randomBytes(4_000);
    const bytes = serializer.encode(random);
    expect(bytes[0]).toBe(0);
    expect(Buffer.from(serializer.decode(bytes) as Uint8Array).equals(random)).toBe(true);
  });

  it("refuses bytes it did not write", () => {
    expect(() => serializer.decode(Uint8Array.of(9, 1, 2))).toThrow(/encoding flag/);
  });
});
