/**
 * Small allocation-light helpers for the CSV readers: field offsets into the line instead of
 * split(','), exact integer parsing, and a strict float parser for vendor volumes.
 * None of the supported formats quotes its fields, so a quote character is just data (and then
 * fails the numeric parse of its column).
 */

/** Offsets of the comma-separated fields of one line (reused from row to row). */
export class CsvFields {
  line = '';
  count = 0;
  readonly start: Int32Array;
  readonly end: Int32Array;

  constructor(readonly capacity: number) {
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
  }

  /** Splits `line`; returns the number of fields (offsets are kept for the first `capacity`). */
  split(line: string): number {
    this.line = line;
    let n = 0;
    let s = 0;
    const cap = this.capacity;
    for (;;) {
      const comma = line.indexOf(',', s);
      const e = comma < 0 ? line.length : comma;
      if (n < cap) {
        this.start[n] = s;
        this.end[n] = e;
      }
      n++;
      if (comma < 0) break;
      s = comma + 1;
    }
    this.count = n;
    return n;
  }

  text(i: number): string {
    return this.line.slice(this.start[i], this.end[i]);
  }

  /** Field i equals `s` exactly. */
  is(i: number, s: string): boolean {
    const a = this.start[i];
    return this.end[i] - a === s.length && this.line.startsWith(s, a);
  }

  isEmpty(i: number): boolean {
    return this.end[i] === this.start[i];
  }
}

/** The first comma-separated field of `line`, lower-cased and trimmed (header detection). */
export function firstField(line: string): string {
  const comma = line.indexOf(',');
  return (comma < 0 ? line : line.slice(0, comma)).trim().toLowerCase();
}

/** Parses an optionally negative decimal integer (no spaces, no sign '+'); NaN if malformed or unsafe. */
export function parseIntField(text: string, start = 0, end = text.length): number {
  let i = start;
  let neg = false;
  if (i < end && text.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  if (i >= end) return NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  if (!Number.isSafeInteger(v)) return NaN;
  return neg ? -v : v;
}

/**
 * Parses a plain decimal float such as "2300413.7295", "1e-3" or "-0.5" (digits, at most one dot,
 * optional sign and exponent); NaN for anything else, including "", "NaN", "Infinity", "0x10".
 * For vendor volumes only: prices and sizes go through Instrument.priceToTicks / qtyToLots.
 */
export function parseFloatField(text: string, start = 0, end = text.length): number {
  let i = start;
  if (i < end) {
    const c = text.charCodeAt(i);
    if (c === 43 || c === 45) i++;
  }
  let digits = 0;
  let dot = false;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !dot) dot = true;
    else break;
  }
  if (digits === 0) return NaN;
  if (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 101 && c !== 69) return NaN; // e / E
    i++;
    if (i < end) {
      const s = text.charCodeAt(i);
      if (s === 43 || s === 45) i++;
    }
    let expDigits = 0;
    for (; i < end; i++) {
      const c2 = text.charCodeAt(i);
      if (c2 < 48 || c2 > 57) return NaN;
      expDigits++;
    }
    if (expDigits === 0) return NaN;
  }
  const v = Number(text.slice(start, end));
  return Number.isFinite(v) ? v : NaN;
}
