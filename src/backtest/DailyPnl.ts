/**
 * Daily P&L: one row per trading day that saw market data or a fill.
 *
 * A trading day starts at `output.trading_day_start_utc` (HH:MM, UTC; default 00:00 = UTC
 * calendar days) and lasts 24 h. It is labelled with the UTC date on which it starts when the
 * start is before 12:00 UTC, and with the date on which it ends when the start is 12:00 or later
 * (an evening session belongs to the next date, as CME labels its trade dates: with 22:00 the
 * day 2023-12-25T22:00Z .. 2023-12-26T22:00Z is "2023-12-26").
 *
 *   pnl          = equity at the last update of the day - equity at the last update of the
 *                  previous row (the starting capital for the first row): marked to market,
 *                  net of fees, exact (BigInt nanos, converted for the JSON only).
 *   fees         = fees of the day's fills; fills, volume_lots, closed_trades = the day's fills,
 *                  their lots, and those that reduced a position.
 *   end_equity   = equity at the last update of the day.
 * Days without any event or fill have no row (nothing can change equity on them).
 */
import type { Lots, Nanos } from '../core/index.ts';
import { nanosToNumber } from '../core/index.ts';
import type { DailyPnlRow } from './BacktestResults.ts';

const DAY_NS = 86_400_000_000_000n;
const DAY_NS_NUM = 86_400_000_000_000;
const HALF_DAY_MIN = 12 * 60;

/** "HH:MM" (00:00 .. 23:59) -> minutes after midnight UTC; throws RangeError otherwise. */
export function parseDayStart(text: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) throw new RangeError(`trading day start must be HH:MM between 00:00 and 23:59, got ${JSON.stringify(text)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The trading day of epoch ns `epochNs`: its index (start = index x day + offset) and label. */
export function tradingDayOf(epochNs: bigint, startMinutesUtc: number): { index: bigint; label: string } {
  const offset = BigInt(startMinutesUtc) * 60_000_000_000n;
  const shifted = epochNs - offset;
  // floor division for times before the epoch too
  let index = shifted / DAY_NS;
  if (shifted < 0n && index * DAY_NS !== shifted) index -= 1n;
  const labelDay = index + (startMinutesUtc >= HALF_DAY_MIN ? 1n : 0n);
  const label = new Date(Number(labelDay * 86_400_000n)).toISOString().slice(0, 10);
  return { index, label };
}

interface DayRow {
  label: string;
  endEquity: Nanos;
  fees: Nanos;
  fills: number;
  closedTrades: number;
  volumeLots: Lots;
}

export class DailyPnlTracker {
  private readonly rowsInOrder: DayRow[] = [];
  private current: DayRow | undefined;
  /** Clock ns range [curStart, curEnd) of the current row's day. */
  private curStartNs = Number.POSITIVE_INFINITY;
  private curEndNs = Number.NEGATIVE_INFINITY;
  private lastEquity: Nanos;

  constructor(
    private readonly timeBaseNs: bigint,
    private readonly startingEquity: Nanos,
    readonly startMinutesUtc = 0,
  ) {
    if (!Number.isInteger(startMinutesUtc) || startMinutesUtc < 0 || startMinutesUtc >= 24 * 60) {
      throw new RangeError(`trading day start must be 0..1439 minutes, got ${startMinutesUtc}`);
    }
    this.lastEquity = startingEquity;
  }

  /** The row of clock time tsNs, opened (carrying the last equity) when a new day starts. Times must not go backwards. */
  private rowAt(tsNs: number): DayRow {
    if (this.current !== undefined && tsNs >= this.curStartNs && tsNs < this.curEndNs) return this.current;
    if (this.current !== undefined && tsNs < this.curStartNs) {
      throw new RangeError(`daily P&L update at ${tsNs} ns is before the current day starting at ${this.curStartNs} ns`);
    }
    const { index, label } = tradingDayOf(this.timeBaseNs + BigInt(tsNs), this.startMinutesUtc);
    const startEpoch = index * DAY_NS + BigInt(this.startMinutesUtc) * 60_000_000_000n;
    this.curStartNs = Number(startEpoch - this.timeBaseNs);
    this.curEndNs = this.curStartNs + DAY_NS_NUM;
    const row: DayRow = { label, endEquity: this.lastEquity, fees: 0n, fills: 0, closedTrades: 0, volumeLots: 0 };
    this.rowsInOrder.push(row);
    this.current = row;
    return row;
  }

  /** Equity (nanos) at clock time tsNs; call on every equity change and at least once per day with data. */
  update(tsNs: number, equity: Nanos): void {
    const row = this.rowAt(tsNs);
    row.endEquity = equity;
    this.lastEquity = equity;
  }

  /**
   * The end of the run (after the settle time): like update(), but opens no new day just to
   * repeat an unchanged equity (a run whose last event is just before midnight).
   */
  close(tsNs: number, equity: Nanos): void {
    const sameDay = this.current !== undefined && tsNs >= this.curStartNs && tsNs < this.curEndNs;
    if (!sameDay && equity === this.lastEquity) return;
    this.update(tsNs, equity);
  }

  onFill(tsNs: number, fee: Nanos, lots: Lots, closedTrade: boolean): void {
    const row = this.rowAt(tsNs);
    row.fees += fee;
    row.fills++;
    row.volumeLots += lots;
    if (closedTrade) row.closedTrades++;
  }

  rows(): DailyPnlRow[] {
    let prev = this.startingEquity;
    return this.rowsInOrder.map((r) => {
      const pnl = r.endEquity - prev;
      prev = r.endEquity;
      return {
        day: r.label,
        pnl: nanosToNumber(pnl),
        fees: nanosToNumber(r.fees),
        fills: r.fills,
        closed_trades: r.closedTrades,
        volume_lots: r.volumeLots,
        end_equity: nanosToNumber(r.endEquity),
      };
    });
  }
}
