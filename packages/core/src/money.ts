import { z } from "zod";
import { InvalidMoneyError } from "./errors.js";

/** ISO 4217 minor-unit exponents that differ from 2 (the default). */
const MINOR_UNIT_EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** Number of decimal places a currency's amounts carry. */
export function currencyExponent(currency: string): number {
  return MINOR_UNIT_EXPONENTS[currency] ?? 2;
}

/** Money as stored and computed: integer minor units. */
export interface MinorMoney {
  readonly minor: number;
  readonly currency: string;
}

/** Money as it crosses the wire: decimal string amount. */
export interface Money {
  amount: string;
  currency: string;
}

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD");

/**
 * Largest amount the API accepts, in minor units (10^13: a hundred billion dollars). Totals
 * multiply amounts by quantities of at most a few dozen, so every sum stays an exact integer.
 */
export const MAX_MONEY_MINOR = 10_000_000_000_000;

/**
 * The contract's Money object: a decimal string amount and an ISO 4217 currency. An amount the
 * schema accepts converts exactly to integer minor units (no more decimals than the currency has,
 * at most `MAX_MONEY_MINOR`), so `toMinor` never throws on validated input.
 */
export const moneySchema = z
  .object({
    amount: z
      .string()
      .max(24)
      .regex(/^\d{1,15}(\.\d{1,3})?$/, 'must be a non-negative decimal string such as "123.45"'),
    currency: currencySchema,
  })
  .strict()
  .superRefine((money, ctx) => {
    const exponent = currencyExponent(money.currency);
    const [whole = "", fraction = ""] = money.amount.split(".");
    if (fraction.length > exponent) {
      ctx.addIssue({
        code: "custom",
        path: ["amount"],
        message: `${money.currency} amounts have at most ${exponent} decimal places`,
      });
    } else if (Number(whole + fraction.padEnd(exponent, "0")) > MAX_MONEY_MINOR) {
      ctx.addIssue({
        code: "custom",
        path: ["amount"],
        message: `must be at most ${fromMinor(MAX_MONEY_MINOR, money.currency).amount}`,
      });
    }
  });

/**
 * Parses a decimal-string amount into integer minor units, exactly (no floats).
 *
 * @example
 * toMinor({ amount: "123.45", currency: "USD" }) // { minor: 12345, currency: "USD" }
 */
export function toMinor(money: Money): MinorMoney {
  const exponent = currencyExponent(money.currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(money.amount);
  if (!match) throw new InvalidMoneyError(`"${money.amount}" is not a decimal amount`);
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? "";
  if (fraction.length > exponent) {
    throw new InvalidMoneyError(
      `${money.currency} amounts have at most ${exponent} decimal places, got "${money.amount}"`,
    );
  }
  const minor = Number(whole + fraction.padEnd(exponent, "0"));
  if (!Number.isSafeInteger(minor)) throw new InvalidMoneyError(`"${money.amount}" is too large`);
  return { minor, currency: money.currency };
}

/**
 * Formats integer minor units as the wire's decimal string.
 *
 * @example
 * fromMinor(12345, "USD") // { amount: "123.45", currency: "USD" }
 */
export function fromMinor(minor: number, currency: string): Money {
  if (!Number.isSafeInteger(minor)) throw new InvalidMoneyError(`${minor} is not an integer`);
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const amount = exponent === 0 ? whole : `${whole}.${fraction}`;
  return { amount: negative ? `-${amount}` : amount, currency };
}

/** Multiplies minor units by an integer quantity, refusing results beyond safe integers. */
export function multiplyMinor(minor: number, quantity: number): number {
  const result = minor * quantity;
  if (!Number.isSafeInteger(result)) throw new InvalidMoneyError("amount overflow");
  return result;
}

/** True when two money values denote the same amount in the same currency ("10.5" = "10.50"). */
export function sameMoney(a: Money, b: Money): boolean {
  if (a.currency !== b.currency) return false;
  try {
    return toMinor(a).minor === toMinor(b).minor;
  } catch {
    // An amount with more decimals than the currency allows can never equal a valid amount.
    return false;
  }
}

/**
 * The sandbox's published fractions of the adult fare (contract v2, "Passengers"); real
 * suppliers give their own.
 */
export const PASSENGER_FARE_PERCENT = { adult: 100, child: 75, infant: 10 } as const;

/** One passenger's fare: `adultMinor × percent / 100`, rounded half-up to the minor unit. */
export function passengerFareMinor(
  adultMinor: number,
  type: keyof typeof PASSENGER_FARE_PERCENT,
): number {
  return Math.floor((adultMinor * PASSENGER_FARE_PERCENT[type] + 50) / 100);
}
