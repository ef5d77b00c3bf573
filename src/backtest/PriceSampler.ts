/**
 * The price line of each instrument for the report, sampled per interval so results.json stays
 * small: one point per sampling interval that saw a price, holding the last price of the
 * interval and the lowest and highest price in it (t = the time of that last price).
 *
 * What a "price" is depends on the data: trade prints (MBO T records, trade events) where the
 * data has them; the close, low and high of OHLC bars; otherwise the mid of the quote or of the
 * L2 book after a complete venue message. `source` in the series says which ('mixed' when an
 * instrument's data gave more than one kind). Intervals are aligned to the clock's time base
 * like EquitySampler's. Per call: a few compares and stores; arrays grow once per interval.
 */
import type { Instrument, Ticks } from '../core/index.ts';
import type { PriceSeries } from './BacktestResults.ts';
import { intervalEndAfter } from './PerformanceStatistics.ts';

const SRC_TRADES = 1;
const SRC_MID = 2;
const SRC_BARS = 4;

class InstrumentPrices {
  readonly ts: number[] = [];
  readonly last: number[] = [];
  readonly low: number[] = [];
  readonly high: number[] = [];
  intervalEndNs = Number.NEGATIVE_INFINITY;
  sources = 0;
  constructor(readonly instrument: Instrument) {}
}

export class PriceSampler {
  readonly intervalNs: number;
  private readonly byId = new Map<number, InstrumentPrices>();

  constructor(instruments: Iterable<Instrument>, readonly samplingIntervalS: number) {
    const intervalNs = Math.round(samplingIntervalS * 1e9);
    if (!(intervalNs > 0) || !Number.isSafeInteger(intervalNs)) throw new RangeError(`sampling interval must be a positive number of seconds, got ${samplingIntervalS}`);
    this.intervalNs = intervalNs;
    for (const i of instruments) this.byId.set(i.id, new InstrumentPrices(i));
  }

  /** A trade print at `price` ticks. */
  trade(instrumentId: number, tsNs: number, price: Ticks): void {
    this.add(instrumentId, tsNs, price, price, price, SRC_TRADES);
  }

  /** A two-sided quote or book: the mid (may be half a tick). Ignored unless bid < ask. */
  mid(instrumentId: number, tsNs: number, bid: Ticks, ask: Ticks): void {
    if (!(bid < ask)) return;
    const m = (bid + ask) / 2;
    this.add(instrumentId, tsNs, m, m, m, SRC_MID);
  }

  /** An OHLC bar: its low, high and close. */
  bar(instrumentId: number, tsNs: number, low: Ticks, high: Ticks, close: Ticks): void {
    this.add(instrumentId, tsNs, close, low, high, SRC_BARS);
  }

  private add(instrumentId: number, tsNs: number, last: number, low: number, high: number, source: number): void {
    const s = this.byId.get(instrumentId);
    if (s === undefined) return;
    s.sources |= source;
    if (tsNs >= s.intervalEndNs) {
      s.intervalEndNs = intervalEndAfter(tsNs, this.intervalNs);
      s.ts.push(tsNs);
      s.last.push(last);
      s.low.push(low);
      s.high.push(high);
      return;
    }
    const i = s.ts.length - 1;
    s.ts[i] = tsNs;
    s.last[i] = last;
    if (low < s.low[i]) s.low[i] = low;
    if (high > s.high[i]) s.high[i] = high;
  }

  /** One series per instrument (in the order given), prices converted from ticks. */
  series(timeBaseNs: bigint): PriceSeries[] {
    const out: PriceSeries[] = [];
    for (const s of this.byId.values()) {
      const inst = s.instrument;
      const src = s.sources;
      const source = src === SRC_TRADES ? 'trades' : src === SRC_MID ? 'mid' : src === SRC_BARS ? 'bars' : src === 0 ? 'none' : 'mixed';
      out.push({
        instrument: inst.symbol,
        source,
        interval_s: this.samplingIntervalS,
        points: s.ts.map((t, i) => ({
          t: (timeBaseNs + BigInt(t)).toString(),
          price: inst.ticksToNumber(s.last[i]),
          low: inst.ticksToNumber(s.low[i]),
          high: inst.ticksToNumber(s.high[i]),
        })),
      });
    }
    return out;
  }
}
