/**
 * Fixed-point prices and quantities.
 *
 * Inside Bulwark a price is an integer number of ticks of its instrument and a quantity an
 * integer number of lots. Both are plain JS numbers (exact integers below 2^53) so matching,
 * netting and comparison never touch a float. Text is converted only at the edges, digit by
 * digit, never through parseFloat.
 */

/** Price in integer ticks of its instrument. */
export type Ticks = number;
/** Quantity in integer lots of its instrument. */
export type Lots = number;

const POW10: readonly number[] = Array.from({ length: 19 }, (_, i) => 10 ** i);

/**
 * Parses a decimal string ("4810.25", "-0.5", "1e-3" is not accepted) into an integer scaled by
 * 10^decimals, or NaN when the text is malformed, has more decimals than `decimals`
 * (non-zero ones), or the result is not a safe integer.
 * Written by hand (no library) because every row of every CSV goes through it.
 */
export function parseScaled(text: string, decimals: number, start = 0, end = text.length): number {
  let i = start;
  while (i < end && text.charCodeAt(i) === 32) i++;
  while (end > i && text.charCodeAt(end - 1) === 32) end--;
  if (i >= end) return NaN;
  let neg = false;
  const c0 = text.charCodeAt(i);
  if (c0 === 45 /* - */) { neg = true; i++; } else if (c0 === 43 /* + */) i++;
  let intPart = 0;
  let digits = 0;
  let frac = 0;
  let fracDigits = 0;
  let seenDot = false;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (seenDot) return NaN;
      seenDot = true;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return NaN;
    digits++;
    if (!seenDot) {
      intPart = intPart * 10 + d;
    } else if (fracDigits < decimals) {
      frac = frac * 10 + d;
      fracDigits++;
    } else if (d !== 0) {
      return NaN; // more precision than the instrument carries: refuse rather than round
    }
  }
  if (digits === 0) return NaN;
  const v = intPart * POW10[decimals] + frac * POW10[decimals - fracDigits];
  if (!Number.isSafeInteger(v)) return NaN;
  return neg ? -v : v;
}

/** Formats an integer scaled by 10^decimals as a decimal string ("481025", 2 -> "4810.25"). */
export function formatScaled(value: number, decimals: number): string {
  if (decimals === 0) return String(value);
  const neg = value < 0;
  const abs = neg ? -value : value;
  const s = String(abs).padStart(decimals + 1, '0');
  const out = `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
  return neg ? `-${out}` : out;
}

/** Number of decimals in a decimal string such as "0.25" (2) or "1" (0). */
export function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Integer division that must be exact; returns NaN otherwise (e.g. a price off the tick grid). */
export function exactDiv(numerator: number, denominator: number): number {
  if (denominator === 0 || !Number.isFinite(numerator)) return NaN;
  const q = numerator / denominator;
  return Number.isInteger(q) && q * denominator === numerator ? q : NaN;
}
