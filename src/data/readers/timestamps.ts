/**
 * Exact timestamp parsing. A timestamp is split into whole epoch seconds (from Date.UTC, or the
 * integer part of an epoch count) and an integer nanosecond remainder, never through a float
 * number of seconds, so `2013-01-01 22:00:00.295000` is exactly ...295000000 ns.
 */

/** An instant as whole epoch seconds plus 0..999_999_999 ns (both exact integers). */
export class TimeParts {
  sec = 0;
  nsec = 0;

  set(sec: number, nsec: number): this {
    this.sec = sec;
    this.nsec = nsec;
    return this;
  }

  toEpochNs(): bigint {
    return BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec);
  }
}

const SECONDS_PER_DAY = 86_400;
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/**
 * An integer count of `unitsPerSecond` units since the epoch (1_000 for ms, 1_000_000 for µs);
 * false unless the text is 1+ digits and the value is a safe integer.
 */
export function parseEpochInteger(text: string, start: number, end: number, unitsPerSecond: number, out: TimeParts): boolean {
  if (start >= end) return false;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    v = v * 10 + d;
  }
  if (!Number.isSafeInteger(v)) return false;
  const sec = Math.floor(v / unitsPerSecond);
  out.sec = sec;
  out.nsec = (v - sec * unitsPerSecond) * (1_000_000_000 / unitsPerSecond);
  return true;
}

/** Epoch milliseconds as a JS number (e.g. from JSON); false unless a non-negative safe integer. */
export function epochMsToParts(ms: number, out: TimeParts): boolean {
  if (!Number.isSafeInteger(ms) || ms < 0) return false;
  const sec = Math.floor(ms / 1000);
  out.sec = sec;
  out.nsec = (ms - sec * 1000) * 1_000_000;
  return true;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  switch (m) {
    case 2:
      return isLeap(y) ? 29 : 28;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    default:
      return 31;
  }
}

/** Digits text[i, i+n) as a number, or -1 if any is not a digit. */
function digitsAt(text: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = text.charCodeAt(i + k) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Whole epoch seconds of a civil date-time in UTC, or NaN when a field is out of range. */
function civilToEpochSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return NaN;
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f{1,9}][Z|±HH:MM|±HHMM|±HH]` (a 'T' may replace the space). Without a zone
 * the time is taken to be at `defaultOffsetMinutes` from UTC (0 = UTC).
 */
export function parseIsoDateTime(text: string, start: number, end: number, out: TimeParts, defaultOffsetMinutes = 0): boolean {
  if (end - start < 19) return false;
  const i = start;
  if (text.charCodeAt(i + 4) !== 45 || text.charCodeAt(i + 7) !== 45) return false;
  const sep = text.charCodeAt(i + 10);
  if (sep !== 32 && sep !== 84) return false;
  if (text.charCodeAt(i + 13) !== 58 || text.charCodeAt(i + 16) !== 58) return false;
  const sec = civilToEpochSeconds(
    digitsAt(text, i, 4),
    digitsAt(text, i + 5, 2),
    digitsAt(text, i + 8, 2),
    digitsAt(text, i + 11, 2),
    digitsAt(text, i + 14, 2),
    digitsAt(text, i + 17, 2),
  );
  if (Number.isNaN(sec)) return false;
  let p = i + 19;
  let nsec = 0;
  if (p < end && text.charCodeAt(p) === 46) {
    p++;
    let n = 0;
    while (p < end) {
      const d = text.charCodeAt(p) - 48;
      if (d < 0 || d > 9) break;
      if (n === 9) return false; // finer than a nanosecond
      nsec = nsec * 10 + d;
      n++;
      p++;
    }
    if (n === 0) return false;
    nsec *= POW10[9 - n];
  }
  let offsetMinutes = defaultOffsetMinutes;
  if (p < end) {
    const c = text.charCodeAt(p);
    if (c === 90 /* Z */ && p + 1 === end) {
      offsetMinutes = 0;
    } else if (c === 43 || c === 45) {
      const rest = end - p - 1;
      let hh: number;
      let mm = 0;
      if (rest === 2) {
        hh = digitsAt(text, p + 1, 2);
      } else if (rest === 4) {
        hh = digitsAt(text, p + 1, 2);
        mm = digitsAt(text, p + 3, 2);
      } else if (rest === 5 && text.charCodeAt(p + 3) === 58) {
        hh = digitsAt(text, p + 1, 2);
        mm = digitsAt(text, p + 4, 2);
      } else {
        return false;
      }
      if (hh < 0 || mm < 0 || hh > 23 || mm > 59) return false;
      offsetMinutes = (c === 45 ? -1 : 1) * (hh * 60 + mm);
    } else {
      return false;
    }
  }
  out.sec = sec - offsetMinutes * 60;
  out.nsec = nsec;
  return true;
}

/**
 * HistData tick time `YYYYMMDD HHMMSSmmm` (exactly 18 characters), a local time at
 * `offsetMinutes` from UTC (HistData: EST without daylight saving, -300).
 */
export function parseHistDataTime(text: string, start: number, end: number, out: TimeParts, offsetMinutes: number): boolean {
  if (end - start !== 18 || text.charCodeAt(start + 8) !== 32) return false;
  const i = start;
  const sec = civilToEpochSeconds(
    digitsAt(text, i, 4),
    digitsAt(text, i + 4, 2),
    digitsAt(text, i + 6, 2),
    digitsAt(text, i + 9, 2),
    digitsAt(text, i + 11, 2),
    digitsAt(text, i + 13, 2),
  );
  const ms = digitsAt(text, i + 15, 3);
  if (Number.isNaN(sec) || ms < 0) return false;
  out.sec = sec - offsetMinutes * 60;
  out.nsec = ms * 1_000_000;
  return true;
}

/** Epoch ns of UTC midnight of the day of `t`. */
export function utcMidnightOf(t: TimeParts): bigint {
  return BigInt(Math.floor(t.sec / SECONDS_PER_DAY) * SECONDS_PER_DAY) * 1_000_000_000n;
}

/**
 * Converts absolute instants to clock time (ns since a bigint time base) with number arithmetic
 * only: (sec - baseSec) * 1e9 + (nsec - baseNsec) is exact whenever the result is a safe integer,
 * which is checked, so the hot path allocates no BigInt.
 */
export class TimeBase {
  readonly epochNs: bigint;
  private readonly baseSec: number;
  private readonly baseNsec: number;

  constructor(epochNs: bigint) {
    this.epochNs = epochNs;
    let s = epochNs / 1_000_000_000n;
    let r = epochNs % 1_000_000_000n;
    if (r < 0n) {
      s -= 1n;
      r += 1_000_000_000n;
    }
    this.baseSec = Number(s);
    this.baseNsec = Number(r);
  }

  /** Clock ns of `t`, or NaN when it is not representable exactly (|result| >= 2^53, ~104 days). */
  relative(t: TimeParts): number {
    const ds = t.sec - this.baseSec;
    if (!(ds > -9_007_199 && ds < 9_007_199)) return NaN;
    const v = ds * 1_000_000_000 + (t.nsec - this.baseNsec);
    return Number.isSafeInteger(v) ? v : NaN;
  }
}
