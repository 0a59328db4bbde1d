import { describe, expect, it } from "vitest";
import { createCursorCodec, resumeIndex } from "./cursor.js";
import { InvalidCursorError } from "./errors.js";

const codec = createCursorCodec("a-test-secret-of-32-bytes-length!");
const fingerprint = "fp-query-a";

function rejection(fn: () => unknown): InvalidCursorError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCursorError);
    return error as InvalidCursorError;
  }
  throw new Error("expected the cursor to be refused");
}

describe("cursor", () => {
  it("round-trips a position and is opaque", () => {
    const cursor = codec.encode(fingerprint, { offset: 40, lastId: "off_B" });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(cursor, fingerprint)).toEqual({ offset: 40, lastId: "off_B" });
  });

  it("refuses a cursor from another query as a 422 on `cursor`", () => {
    const cursor = codec.encode("fp-query-b", { offset: 20, lastId: "off_A" });
    const error = rejection(() => codec.decode(cursor, fingerprint));
    expect(error.status).toBe(422);
    expect(error.code).toBe("validation_failed");
    expect(error.errors?.[0]?.path).toBe("cursor");
  });

  it("refuses any changed payload byte, signature byte or shape", () => {
    const cursor = codec.encode(fingerprint, { offset: 20, lastId: "off_A" });
    const [body = "", mac = ""] = cursor.split(".");
    const forged = Buffer.from(
      JSON.stringify({ v: 1, f: fingerprint, o: 9000, l: "off_A" }),
    ).toString("base64url");
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    for (const bad of [
      `${forged}.${mac}`,
      `${flip(body, 3)}.${mac}`,
      `${body}.${flip(mac, 5)}`,
      `${body}.${mac.slice(0, -2)}`,
      `${body}`,
      `${body}.${mac}.x`,
      "",
      "not a cursor",
    ]) {
      rejection(() => codec.decode(bad, fingerprint));
    }
  });

  it("refuses a cursor signed with another secret", () => {
    const other = createCursorCodec("another-secret-of-32-bytes-long!!");
    rejection(() =>
      codec.decode(other.encode(fingerprint, { offset: 20, lastId: "x" }), fingerprint),
    );
  });

  it("refuses short secrets at construction", () => {
    expect(() => createCursorCodec("short")).toThrow(/16 bytes/);
  });
});

describe("resumeIndex", () => {
  const ids = ["a", "b", "c", "d", "e"];
  it("continues at the offset when the list is unchanged", () => {
    expect(resumeIndex(ids, { offset: 2, lastId: "b" })).toBe(2);
  });
  it("continues after the last shown offer when offers moved before it", () => {
    expect(resumeIndex(["x", ...ids], { offset: 2, lastId: "b" })).toBe(3);
    expect(resumeIndex(["a", "c", "d"], { offset: 2, lastId: "c" })).toBe(2);
  });
  it("falls back to the offset when the last offer is gone, clamped to the end", () => {
    expect(resumeIndex(["a", "c", "d"], { offset: 2, lastId: "b" })).toBe(2);
    expect(resumeIndex(["a"], { offset: 4, lastId: "zz" })).toBe(1);
  });
});
