import { parseOfferId } from "@travel/core";
import { describe, expect, it } from "vitest";
import { canonicalJson, requestHash } from "./canonical.js";
import { createCursorCodec } from "./cursor.js";
import { referenceCandidate } from "./reference.js";
import { bookingRequestSchema, idempotencyKeySchema } from "./request.js";
import { quantityOf } from "./travelers.js";

describe("requestHash", () => {
  it("ignores key order and undefined members, and tells different requests apart", () => {
    const a = { offerId: "off_x", quantity: 1, contact: { email: "a@b.co", phone: undefined } };
    const b = { contact: { email: "a@b.co" }, quantity: 1, offerId: "off_x" };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestHash("op", a)).toBe(requestHash("op", b));
    expect(requestHash("op", a)).not.toBe(requestHash("op", { ...b, quantity: 2 }));
    expect(requestHash("op", a)).not.toBe(requestHash("other", a));
    expect(requestHash("op", [1, 2])).not.toBe(requestHash("op", [2, 1]));
  });
});

describe("referenceCandidate", () => {
  it("is 6 characters of A–Z0–9, stable per booking and attempt, different across attempts", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const ref = referenceCandidate(`bkg_${i}`, 0);
      expect(ref).toMatch(/^[A-Z0-9]{6}$/);
      seen.add(ref);
    }
    expect(seen.size).toBe(2_000);
    expect(referenceCandidate("bkg_a", 3)).toBe(referenceCandidate("bkg_a", 3));
    expect(referenceCandidate("bkg_a", 0)).not.toBe(referenceCandidate("bkg_a", 1));
  });
});

describe("cursor codec", () => {
  const codec = createCursorCodec("0123456789abcdef-secret");
  it("round-trips and refuses altered cursors, other tenants, other filters and other secrets", () => {
    const cursor = codec.encode("t1", "confirmed", "position-1")!;
    expect(codec.decode(cursor, "t1", "confirmed")).toBe("position-1");
    expect(codec.encode("t1", undefined, null)).toBeNull();
    const [body, mac] = cursor.split(".");
    const forged = `${Buffer.from(JSON.stringify({ t: "t2", s: "confirmed", p: "x" })).toString("base64url")}.${mac}`;
    for (const bad of [forged, `${body}.AAAA`, "nonsense", `${cursor}.x`, ""]) {
      expect(() => codec.decode(bad, "t1", "confirmed")).toThrow(/cursor/);
    }
    expect(() => codec.decode(cursor, "t2", "confirmed")).toThrow();
    expect(() => codec.decode(cursor, "t1", undefined)).toThrow();
    expect(() =>
      createCursorCodec("other-secret-0123456").decode(cursor, "t1", "confirmed"),
    ).toThrow();
  });
});

describe("request schemas", () => {
  const valid = {
    offerId: "off_01ARZ3NDEKTSV4RRFFQ69G5FAV",
    travelers: [{ givenName: "José", familyName: "O'Brien-Núñez" }],
    contact: { email: "jose@example.com" },
    expectedTotal: { amount: "10.50", currency: "EUR" },
  };
  it("derives an omitted quantity (v2: the seated travellers, 1 room) and accepts names in any script", () => {
    const parsed = bookingRequestSchema.parse(valid);
    expect(parsed.quantity).toBeUndefined();
    expect(parsed.travelers.every((t) => t.type === "adult")).toBe(true);
    expect(quantityOf(parsed, parseOfferId(parsed.offerId))).toBe(parsed.travelers.length);
    expect(
      bookingRequestSchema.safeParse({
        ...valid,
        travelers: [{ givenName: "美咲", familyName: "山田" }],
      }).success,
    ).toBe(true);
  });
  it.each([
    ["unknown member", { ...valid, extra: 1 }],
    [
      "control characters in a name",
      { ...valid, travelers: [{ givenName: "A\u0000", familyName: "B" }] },
    ],
    [
      "a 101-character name",
      { ...valid, travelers: [{ givenName: "a".repeat(101), familyName: "B" }] },
    ],
    ["no travelers", { ...valid, travelers: [] }],
    ["a float amount", { ...valid, expectedTotal: { amount: 10.5, currency: "EUR" } }],
    ["a negative amount", { ...valid, expectedTotal: { amount: "-1.00", currency: "EUR" } }],
    ["quantity 0", { ...valid, quantity: 0 }],
    [
      "an impossible birth date",
      { ...valid, travelers: [{ ...valid.travelers[0], dateOfBirth: "2001-02-30" }] },
    ],
    ["a bad email", { ...valid, contact: { email: "not-an-email" } }],
  ])("refuses %s", (_label, body) => {
    expect(bookingRequestSchema.safeParse(body).success).toBe(false);
  });
  it("accepts 8–128 printable idempotency keys only", () => {
    expect(idempotencyKeySchema.safeParse("abcd-1234").success).toBe(true);
    for (const bad of [
      "short",
      "x".repeat(129),
      "with\nnewline",
      " leading-space",
      "tab\there!!",
    ]) {
      expect(idempotencyKeySchema.safeParse(bad).success).toBe(false);
    }
  });
});
