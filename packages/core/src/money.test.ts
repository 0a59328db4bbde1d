import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidMoneyError } from "./errors.js";
import {
  currencyExponent,
  fromMinor,
  MAX_MONEY_MINOR,
  moneySchema,
  multiplyMinor,
  sameMoney,
  toMinor,
} from "./money.js";

describe("toMinor / fromMinor", () => {
  it("parses decimal strings exactly, without float rounding", () => {
    expect(toMinor({ amount: "123.45", currency: "USD" })).toEqual({
      minor: 12345,
      currency: "USD",
    });
    // 0.1 + 0.2 style traps: 1.005 * 100 is 100.49999… in floating point.
    expect(toMinor({ amount: "1.005", currency: "KWD" }).minor).toBe(1005);
    expect(toMinor({ amount: "0.29", currency: "USD" }).minor).toBe(29);
    expect(toMinor({ amount: "10.5", currency: "USD" }).minor).toBe(1050);
    expect(toMinor({ amount: "1500", currency: "JPY" }).minor).toBe(1500);
  });

  it("formats minor units with the currency's decimals", () => {
    expect(fromMinor(12345, "USD")).toEqual({ amount: "123.45", currency: "USD" });
    expect(fromMinor(5, "USD").amount).toBe("0.05");
    expect(fromMinor(0, "EUR").amount).toBe("0.00");
    expect(fromMinor(1500, "JPY").amount).toBe("1500");
    expect(fromMinor(1005, "KWD").amount).toBe("1.005");
  });

  it("refuses amounts the currency cannot represent", () => {
    expect(() => toMinor({ amount: "1.234", currency: "USD" })).toThrow(InvalidMoneyError);
    expect(() => toMinor({ amount: "1.5", currency: "JPY" })).toThrow(/at most 0 decimal places/);
    expect(() => toMinor({ amount: "abc", currency: "USD" })).toThrow(InvalidMoneyError);
    expect(() => toMinor({ amount: "-1.00", currency: "USD" })).toThrow(InvalidMoneyError);
    expect(() => toMinor({ amount: "99999999999999999", currency: "USD" })).toThrow(/too large/);
    expect(() => fromMinor(1.5, "USD")).toThrow(InvalidMoneyError);
  });

  const currencies = fc.constantFrom("USD", "EUR", "JPY", "KWD", "GBP", "CLP", "BHD");

  it("round-trips every safe minor amount (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        currencies,
        (minor, currency) => {
          expect(toMinor(fromMinor(minor, currency))).toEqual({ minor, currency });
        },
      ),
    );
  });

  it("round-trips every well-formed decimal string to its canonical form (property)", () => {
    fc.assert(
      fc.property(
        currencies,
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.nat({ max: 999 }),
        (currency, whole, fractionSeed) => {
          const exponent = currencyExponent(currency);
          const fraction =
            exponent === 0 ? "" : String(fractionSeed % 10 ** exponent).padStart(exponent, "0");
          const amount = fraction ? `${whole}.${fraction}` : `${whole}`;
          expect(fromMinor(toMinor({ amount, currency }).minor, currency)).toEqual({
            amount,
            currency,
          });
        },
      ),
    );
  });

  it("keeps sums exact where floats drift (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 50 }), (cents) => {
        const total = cents.reduce((sum, c) => sum + toMinor(fromMinor(c, "USD")).minor, 0);
        expect(total).toBe(cents.reduce((a, b) => a + b, 0));
      }),
    );
  });
});

describe("money helpers", () => {
  it("compares amounts by value", () => {
    expect(
      sameMoney({ amount: "10.5", currency: "USD" }, { amount: "10.50", currency: "USD" }),
    ).toBe(true);
    expect(
      sameMoney({ amount: "10.50", currency: "USD" }, { amount: "10.50", currency: "EUR" }),
    ).toBe(false);
    expect(
      sameMoney({ amount: "10.501", currency: "USD" }, { amount: "10.50", currency: "USD" }),
    ).toBe(false);
  });

  it("multiplies by quantity and refuses overflow", () => {
    expect(multiplyMinor(12345, 3)).toBe(37035);
    expect(() => multiplyMinor(Number.MAX_SAFE_INTEGER, 2)).toThrow(InvalidMoneyError);
  });

  it("validates the wire Money object", () => {
    expect(moneySchema.safeParse({ amount: "12.30", currency: "USD" }).success).toBe(true);
    expect(moneySchema.safeParse({ amount: 12.3, currency: "USD" }).success).toBe(false);
    expect(moneySchema.safeParse({ amount: "12.30", currency: "usd" }).success).toBe(false);
    expect(moneySchema.safeParse({ amount: "1e3", currency: "USD" }).success).toBe(false);
    expect(moneySchema.safeParse({ amount: "1.00", currency: "USD", extra: 1 }).success).toBe(
      false,
    );
  });

  it("accepts only amounts that convert exactly to minor units (toMinor never throws after it)", () => {
    const refused = [
      { amount: "999999999999999.99", currency: "USD" },
      { amount: "100000000000.01", currency: "USD" },
      { amount: "1.5", currency: "JPY" },
      { amount: "1.234", currency: "USD" },
    ];
    for (const money of refused) {
      const result = moneySchema.safeParse(money);
      expect(result.success, money.amount).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["amount"]);
    }
    const accepted = [
      { amount: "100000000000.00", currency: "USD" },
      { amount: "10000000000000", currency: "JPY" },
      { amount: "1.234", currency: "KWD" },
    ];
    for (const money of accepted) {
      expect(moneySchema.safeParse(money).success, money.amount).toBe(true);
      expect(toMinor(money).minor).toBeLessThanOrEqual(MAX_MONEY_MINOR);
    }
  });
});
