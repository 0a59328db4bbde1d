import { currencyExponent, type Money } from "@travel/core";

/**
 * A money amount in thousandths of its major unit, exactly (every ISO 4217 currency has at
 * most 3 decimals). Lets a `maxPrice` such as "450" be compared with "449.99" USD or "45000" JPY
 * without floats.
 */
export function amountMilli(money: Money): number {
  return decimalMilli(money.amount, Math.min(currencyExponent(money.currency), 3));
}

/** "450.5" → 450500. Throws on anything but a plain non-negative decimal. */
export function decimalMilli(amount: string, maxDecimals = 3): number {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!match) throw new RangeError(`"${amount}" is not a decimal amount`);
  const fraction = match[2] ?? "";
  if (fraction.length > maxDecimals) throw new RangeError(`"${amount}" has too many decimals`);
  const milli = Number((match[1] ?? "0") + fraction.padEnd(3, "0"));
  if (!Number.isSafeInteger(milli)) throw new RangeError(`"${amount}" is too large`);
  return milli;
}
