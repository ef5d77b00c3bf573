/**
 * Wall-clock times in an IANA time zone, from the clock's epoch time, with nothing but
 * Intl.DateTimeFormat (no tz database dependency). Used off the hot path only: the risk engine
 * computes the next boundary (daily reset, trading-hours edge) once and compares clock ns
 * against it until it is reached.
 */

const MS_PER_MIN = 60_000;
const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is a zone this runtime knows (e.g. "America/Chicago", "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** "17:00" -> 1020 minutes after midnight; NaN if malformed. */
export function parseHhMm(text: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m === null ? NaN : Number(m[1]) * 60 + Number(m[2]);
}

/** Offset of the zone's wall clock from UTC at `epochMs`, in ms (Chicago in winter: -6 h). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const p of formatter(timeZone).formatToParts(new Date(whole))) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      default: break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) - whole;
}

/** Minutes since local midnight (fractional) of `epochMs` in the zone. */
export function localMinuteOfDay(epochMs: number, timeZone: string): number {
  const local = epochMs + zoneOffsetMs(epochMs, timeZone);
  return (((local % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_MIN;
}

/**
 * Epoch ms of the first instant strictly after `afterMs` at which the zone's wall clock reads
 * `minuteOfDay` (minutes after midnight). DST is honoured: 17:00 Chicago is 23:00 UTC in
 * winter and 22:00 UTC in summer. A wall time skipped by a spring-forward gap resolves to the
 * instant one offset-change later (e.g. 02:30 -> 03:30).
 */
export function nextLocalTimeMs(afterMs: number, minuteOfDay: number, timeZone: string): number {
  const localNow = afterMs + zoneOffsetMs(afterMs, timeZone);
  const localDay = Math.floor(localNow / MS_PER_DAY) * MS_PER_DAY;
  for (let k = -1; k <= 2; k++) {
    const wall = localDay + k * MS_PER_DAY + minuteOfDay * MS_PER_MIN;
    // wall -> UTC: the offset depends on the answer, so take it twice (converges except in a DST gap)
    let utc = wall - zoneOffsetMs(wall, timeZone);
    utc = wall - zoneOffsetMs(utc, timeZone);
    if (utc > afterMs) return utc;
  }
  // unreachable for real zones (offsets are under a day); fail loudly rather than loop
  throw new RangeError(`no ${minuteOfDay} min wall time after ${afterMs} in ${timeZone}`);
}

/**
 * Epoch-ms view of a clock's time (clock ns since timeBaseNs), and back. Off the hot path.
 * Fractional epoch ms carry ~0.2 us of float error: fine for wall-clock boundaries, which are
 * whole minutes (and map back to clock ns exactly).
 */
export class ClockCalendar {
  private readonly baseMs: number;
  private readonly baseRemNs: number;

  constructor(timeBaseNs: bigint) {
    this.baseMs = Number(timeBaseNs / 1_000_000n);
    this.baseRemNs = Number(timeBaseNs % 1_000_000n);
  }

  toEpochMs(clockNs: number): number {
    return this.baseMs + (clockNs + this.baseRemNs) / 1e6;
  }

  toClockNs(epochMs: number): number {
    return Math.round((epochMs - this.baseMs) * 1e6 - this.baseRemNs);
  }
}
