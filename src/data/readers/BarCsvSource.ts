import type { BarEvent, Instrument } from '../../core/index.ts';
import type { SourceOptions } from '../MarketDataSource.ts';
import { CsvFields, parseFloatField } from './csv.ts';
import { FileSource } from './FileSource.ts';
import { parseIsoDateTime, TimeParts } from './timestamps.ts';

export interface BarCsvOptions extends SourceOptions {
  /** Bar length in ns. Default: inferred as the smallest positive step between the first 1,000 timestamps (0 if fewer than two). */
  intervalNs?: number;
  /** Whether the file's timestamp is the bar's open (default) or close time; BarEvent.tsNs is always the open time. */
  timestampAt?: 'open' | 'close';
  /** Offset from UTC (minutes) of timestamps without a zone (default 0: UTC). */
  utcOffsetMinutes?: number;
}

const TIME_NAMES = new Set(['timestamp', 'time', 'date', 'datetime', 'ts_event']);
const INTERVAL_SCAN = 1_000;

/**
 * OHLC(V) bars from CSV -> BarEvent, e.g. `timestamp,open,high,low,close,volume` with
 * `2021-12-31 23:01:00.000000` (no zone: UTC unless utcOffsetMinutes says otherwise), or FXCM's
 * `timestamp,open,high,low,close` with `2012-02-01 00:00:00+00:00` (no volume: volume = 0).
 *
 * With a header, columns are found by name (a time column named timestamp/time/date/datetime/
 * ts_event, open, high, low, close, optional volume); without one, they are positional
 * (time, open, high, low, close[, volume]) and the first data row's count (5 or 6) fixes the
 * layout. Prices go through priceToTicks; volume is a float as the vendor printed it.
 * A row is rejected when a price is off-grid or malformed, when high < max(open, close),
 * low > min(open, close) or low <= 0 (`bad_ohlc`), or when volume is not a non-negative number.
 */
export class BarCsvSource extends FileSource {
  /** Bar length in ns (given or inferred; 0 when unknown). */
  readonly intervalNs: number;
  private readonly shiftNs: number;
  private readonly offsetMinutes: number;
  private readonly fields = new CsvFields(64);
  private readonly ev: BarEvent;
  /** Column indexes: time, open, high, low, close, volume (-1 none); columns -1 until known. */
  private cTime = 0;
  private cOpen = 1;
  private cHigh = 2;
  private cLow = 3;
  private cClose = 4;
  private cVolume = -1;
  private columns = -1;

  constructor(path: string, instrument: Instrument, options?: BarCsvOptions) {
    super('bars', path, instrument, options);
    this.offsetMinutes = options?.utcOffsetMinutes ?? 0;
    let interval = options?.intervalNs;
    if (interval !== undefined && !(Number.isSafeInteger(interval) && interval >= 0)) {
      throw new RangeError(`intervalNs must be a non-negative safe integer, got ${interval}`);
    }
    if (interval === undefined) {
      let prev: TimeParts | undefined;
      let best = Infinity;
      this.initTimeBase(options, INTERVAL_SCAN, (t) => {
        if (prev !== undefined) {
          const d = (t.sec - prev.sec) * 1_000_000_000 + (t.nsec - prev.nsec);
          if (d > 0 && d < best) best = d;
        } else {
          prev = new TimeParts();
        }
        prev.set(t.sec, t.nsec);
      });
      interval = Number.isSafeInteger(best) ? best : 0;
    } else {
      this.initTimeBase(options);
    }
    this.intervalNs = interval;
    this.shiftNs = options?.timestampAt === 'close' ? interval : 0;
    this.ev = { kind: 'bar', tsNs: 0, instrumentId: instrument.id, intervalNs: interval, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  }

  /** Prescan (construction): learns the layout from a header, then reads the time column. */
  protected override lineTime(line: string, out: TimeParts): boolean {
    if (this.looksLikeHeader(line)) {
      this.readHeader(line);
      return false;
    }
    const f = this.fields;
    const n = f.split(line);
    return n > this.cTime && n <= f.capacity && parseIsoDateTime(line, f.start[this.cTime], f.end[this.cTime], out, this.offsetMinutes);
  }

  /** Takes the column layout from a header; false if `line` is not a header. */
  private readHeader(line: string): boolean {
    const names = line.split(',').map((s) => s.trim().toLowerCase());
    const time = names.findIndex((s) => TIME_NAMES.has(s));
    if (time < 0) return false;
    const open = names.indexOf('open');
    const high = names.indexOf('high');
    const low = names.indexOf('low');
    const close = names.indexOf('close');
    if (open < 0 || high < 0 || low < 0 || close < 0) return true; // a header, but not one we can use: rows will be rejected
    this.cTime = time;
    this.cOpen = open;
    this.cHigh = high;
    this.cLow = low;
    this.cClose = close;
    this.cVolume = names.indexOf('volume');
    this.columns = names.length;
    return true;
  }

  protected override read(): BarEvent | undefined {
    const f = this.fields;
    for (;;) {
      const line = this.nextLine();
      if (line === undefined) return undefined;
      const lineNo = this.lines.lineNumber;
      const n = f.split(line);
      if (this.columns < 0 && (n === 5 || n === 6) && !this.looksLikeHeader(line)) {
        this.columns = n;
        this.cVolume = n === 6 ? 5 : -1;
      }
      if (n !== this.columns || n > f.capacity) {
        if (this.looksLikeHeader(line) && this.readHeader(line)) continue;
        this.reject(lineNo, 'column_count', `expected ${this.columns < 0 ? '5 or 6' : this.columns} columns, got ${n}: ${line}`);
        continue;
      }
      if (!parseIsoDateTime(line, f.start[this.cTime], f.end[this.cTime], this.tp, this.offsetMinutes)) {
        if (this.looksLikeHeader(line) && this.readHeader(line)) continue;
        this.reject(lineNo, 'bad_timestamp', line);
        continue;
      }
      const ts = this.relNs(this.tp) - this.shiftNs;
      if (!Number.isSafeInteger(ts)) {
        this.reject(lineNo, 'time_out_of_range', line);
        continue;
      }
      const ins = this.instrument;
      const open = ins.priceToTicks(line, f.start[this.cOpen], f.end[this.cOpen]);
      const high = ins.priceToTicks(line, f.start[this.cHigh], f.end[this.cHigh]);
      const low = ins.priceToTicks(line, f.start[this.cLow], f.end[this.cLow]);
      const close = ins.priceToTicks(line, f.start[this.cClose], f.end[this.cClose]);
      if (Number.isNaN(open) || Number.isNaN(high) || Number.isNaN(low) || Number.isNaN(close)) {
        this.reject(lineNo, 'bad_price', line);
        continue;
      }
      if (high < open || high < close || low > open || low > close || low <= 0) {
        this.reject(lineNo, 'bad_ohlc', line);
        continue;
      }
      let volume = 0;
      if (this.cVolume >= 0) {
        volume = parseFloatField(line, f.start[this.cVolume], f.end[this.cVolume]);
        if (!(volume >= 0)) {
          this.reject(lineNo, 'bad_volume', line);
          continue;
        }
      }
      const ev = this.ev;
      ev.tsNs = ts;
      ev.open = open;
      ev.high = high;
      ev.low = low;
      ev.close = close;
      ev.volume = volume;
      return ev;
    }
  }

  private looksLikeHeader(line: string): boolean {
    const c = line.charCodeAt(0);
    return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  }
}
