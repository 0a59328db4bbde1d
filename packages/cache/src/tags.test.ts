import { describe, expect, it } from "vitest";
import { entryBody, parseSeq, splitTagHeader, tagHeaderSeq, withTagHeader } from "./tags.js";

describe("tag header", () => {
  const body = Buffer.from([1, 0x92, 0xa1, 0x61]);

  it("round-trips: the header's sequence and tags, and the body past it", () => {
    const stored = withTagHeader({ seq: 1234567, tags: ["off_1", "route:JFK-LAX"] }, body);
    expect(tagHeaderSeq(stored)).toBe(1234567);
    expect(splitTagHeader(stored)).toEqual({
      meta: { seq: 1234567, tags: ["off_1", "route:JFK-LAX"] },
      body,
    });
    expect(Buffer.from(entryBody(stored))).toEqual(body);
    expect(tagHeaderSeq(withTagHeader({ seq: 0, tags: ["a"] }, body))).toBe(0);
    expect(tagHeaderSeq(withTagHeader({ seq: 999_999_999_999_999, tags: ["a"] }, body))).toBe(
      999_999_999_999_999,
    );
  });

  it("untagged bytes have no header sequence and are their own body", () => {
    expect(tagHeaderSeq(body)).toBeUndefined();
    expect(entryBody(body)).toBe(body);
  });

  it("a malformed header gives no sequence (the reader then checks every stamp)", () => {
    for (const bad of ["T|a\n", "T12x|a\n", "T12", "T", `T${"9".repeat(16)}|a\n`]) {
      expect(tagHeaderSeq(Buffer.from(bad, "latin1"))).toBeUndefined();
    }
  });
});

describe("parseSeq", () => {
  it("reads Redis's decimal counter; an absent key is 0", () => {
    expect(parseSeq(Buffer.from("0"))).toBe(0);
    expect(parseSeq(Buffer.from("999999999999999"))).toBe(999_999_999_999_999);
    expect(parseSeq(null)).toBe(0);
    expect(parseSeq(undefined)).toBe(0);
  });

  it("anything else is NaN, which no entry's sequence is ≥ (so its stamps are read)", () => {
    for (const bad of ["", "-1", "1.5", "abc", "1234567890123456"]) {
      expect(parseSeq(Buffer.from(bad))).toBeNaN();
    }
  });
});
