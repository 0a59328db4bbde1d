import { describe, expect, it } from "vitest";
import { InvalidIdError } from "./errors.js";
import { assertId, hotelOfferId, isId, newId, parseOfferId, seededId } from "./ids.js";
import { mulberry32 } from "./seed/random.js";

describe("ids", () => {
  it("prefixes ids with their type and orders them by time", () => {
    const a = newId("booking", 1_700_000_000_000);
    const b = newId("booking", 1_700_000_000_001);
    expect(a).toMatch(/^bkg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(isId("booking", a)).toBe(true);
    expect(isId("offer", a)).toBe(false);
    expect(() => assertId("offer", a)).toThrow(InvalidIdError);
  });

  it("makes the same seeded id from the same time and random source", () => {
    expect(seededId("offer", 1_700_000_000_000, mulberry32(7))).toBe(
      seededId("offer", 1_700_000_000_000, mulberry32(7)),
    );
    expect(seededId("offer", 1_700_000_000_000, mulberry32(7))).not.toBe(
      seededId("offer", 1_700_000_000_000, mulberry32(8)),
    );
  });
});

describe("parseOfferId", () => {
  it("recognises flight offer ids", () => {
    const id = newId("offer");
    expect(parseOfferId(id)).toEqual({ type: "flight", offerId: id });
  });

  it("recognises hotel offer ids and decodes the stay", () => {
    const hotelId = newId("hotel");
    const id = hotelOfferId({ hotelId, checkIn: "2026-05-01", checkOut: "2026-05-04" });
    expect(id.startsWith("off_")).toBe(true);
    expect(id).not.toContain(hotelId); // opaque to clients
    expect(parseOfferId(id)).toEqual({
      type: "hotel",
      offerId: id,
      hotelId,
      checkIn: "2026-05-01",
      checkOut: "2026-05-04",
    });
  });

  it.each([
    ["empty", ""],
    ["prefix only", "off_"],
    ["another type", newId("booking")],
    ["bad characters", "off_<script>alert(1)</script>"],
    ["too long", `off_${"A".repeat(200)}`],
    ["not a stay", `off_${Buffer.from("hello world").toString("base64url")}`],
    [
      "stay with a non-hotel id",
      `off_${Buffer.from("h|bkg_01ABCDEFGH|2026-05-01|2026-05-02").toString("base64url")}`,
    ],
    [
      "stay with bad dates",
      `off_${Buffer.from("h|htl_01ABCDEFGH|May 1|2026-05-02").toString("base64url")}`,
    ],
    ...[
      ["impossible dates", "2026-13-45", "2026-14-01"],
      ["February 30th", "2026-02-30", "2026-03-02"],
      ["check-out before check-in", "2026-05-04", "2026-05-01"],
      ["zero nights", "2026-05-01", "2026-05-01"],
      ["31 nights", "2026-05-01", "2026-06-01"],
      ["year 9999", "9999-12-01", "9999-12-02"],
    ].map(([label, checkIn, checkOut]) => [
      `stay with ${label}`,
      hotelOfferId({ hotelId: "htl_01ABCDEFGH", checkIn: checkIn ?? "", checkOut: checkOut ?? "" }),
    ]),
    [
      "stay with extra parts",
      `off_${Buffer.from("h|htl_01ABCDEFGH|2026-05-01|2026-05-02|x").toString("base64url")}`,
    ],
  ])("returns undefined for garbage: %s", (_label, id) => {
    expect(parseOfferId(id)).toBeUndefined();
  });
});
