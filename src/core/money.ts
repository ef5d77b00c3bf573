/**
 * Money: amounts of a currency as BigInt in units of 1e-9 ("nanos").
 * A notional (ticks x lots x multiplier) or a cumulative P&L can pass 2^53, so everything that
 * accumulates money is a bigint; it becomes a float only for statistics and display.
 */
import { Decimal } from 'decimal.js';

export type Nanos = bigint;
export const NANOS_PER_UNIT = 1_000_000_000n;

/** Exact conversion of a decimal (string or config number) into nanos; throws on more than 9 decimals. */
export function toNanos(value: string | number): Nanos {
  const d = new Decimal(typeof value === 'number' ? String(value) : value).times(1e9);
  if (!d.isInteger()) throw new RangeError(`${value} has more than 9 decimals`);
  return BigInt(d.toFixed(0));
}

/** Nanos as a float in currency units, for statistics and charts only. */
export function nanosToNumber(n: Nanos): number {
  const whole = n / NANOS_PER_UNIT;
  const rem = n % NANOS_PER_UNIT;
  return Number(whole) + Number(rem) / 1e9;
}

/** Nanos formatted with `decimals` digits, rounded half away from zero. */
export function formatNanos(n: Nanos, decimals = 2): string {
  return new Decimal(n.toString()).div(1e9).toFixed(decimals);
}

/** Rounds nanos to a whole number of currency `decimals` (e.g. cents), half away from zero. */
export function roundNanos(n: Nanos, decimals: number): Nanos {
  const step = 10n ** BigInt(9 - decimals);
  const half = step / 2n;
  return n >= 0n ? ((n + half) / step) * step : -(((-n + half) / step) * step);
}
