import type { Instrument, QuoteEvent } from '../../core/index.ts';
import type { SourceOptions } from '../MarketDataSource.ts';
import { CsvFields, firstField, parseFloatField } from './csv.ts';
import { FileSource } from './FileSource.ts';
import { LineReader } from './LineReader.ts';
import { parseHistDataTime, parseIsoDateTime, type TimeParts } from './timestamps.ts';

export type QuoteCsvFormat = 'truefx' | 'histdata';

export interface QuoteCsvOptions extends SourceOptions {
  /** File layout; detected from the first line when absent. */
  format?: QuoteCsvFormat;
  /**
   * Offset from UTC (minutes) of timestamps that carry no zone. HistData: default -300 (EST
   * without daylight saving, as HistData documents for all its files). TrueFX: default 0 (UTC; the
   * file's timestamps carry +00:00 anyway).
   */
  utcOffsetMinutes?: number;
}

/** EST without DST, HistData's documented time zone for all its data. */
export const HISTDATA_UTC_OFFSET_MINUTES = -300;

const HEADER_NAMES = new Set(['timestamp', 'time', 'date', 'datetime']);

function detectFormat(path: string, chunkSize: number | undefined): QuoteCsvFormat {
  const r = new LineReader(path, chunkSize);
  try {
    for (let line = r.next(); line !== undefined; line = r.next()) {
      if (line.length === 0 || r.lineTooLong) continue;
      return /^\d{8} \d{9},/.test(line) ? 'histdata' : 'truefx';
    }
    return 'truefx';
  } finally {
    r.close();
  }
}

/**
 * FX top-of-book ticks from CSV -> QuoteEvent (bid/ask sizes are 0: neither format has them).
 * - 'truefx': `timestamp,bid,ask` with timestamps like `2013-01-01 22:00:00.295000+00:00`
 *   (header `timestamp,bid,ask`).
 * - 'histdata': no header, `YYYYMMDD HHMMSSmmm,bid,ask,volume`, in EST without DST (UTC-5 all
 *   year, per HistData's documentation): 20200101 170000065 is 2020-01-01T22:00:00.065Z. The
 *   volume column (always 0 in HistData tick files) must be a non-negative number and is ignored.
 * Bid and ask go through priceToTicks (exact, on the tick grid). Crossed quotes are passed on:
 * dropping them is ValidatingSource's job.
 */
export class QuoteCsvSource extends FileSource {
  readonly format: QuoteCsvFormat;
  private readonly offsetMinutes: number;
  private readonly columns: number;
  private readonly fields = new CsvFields(5);
  private readonly ev: QuoteEvent;

  constructor(path: string, instrument: Instrument, options?: QuoteCsvOptions) {
    const format = options?.format ?? detectFormat(path, options?.chunkSize);
    super(format, path, instrument, options);
    this.format = format;
    this.offsetMinutes = options?.utcOffsetMinutes ?? (format === 'histdata' ? HISTDATA_UTC_OFFSET_MINUTES : 0);
    this.columns = format === 'histdata' ? 4 : 3;
    this.ev = { kind: 'quote', tsNs: 0, instrumentId: instrument.id, bidPrice: 0, askPrice: 0, bidSize: 0, askSize: 0 };
    this.initTimeBase(options);
  }

  protected override lineTime(line: string, out: TimeParts): boolean {
    const comma = line.indexOf(',');
    return this.parseTime(line, 0, comma < 0 ? line.length : comma, out);
  }

  private parseTime(line: string, start: number, end: number, out: TimeParts): boolean {
    return this.format === 'histdata'
      ? parseHistDataTime(line, start, end, out, this.offsetMinutes)
      : parseIsoDateTime(line, start, end, out, this.offsetMinutes);
  }

  protected override read(): QuoteEvent | undefined {
    const f = this.fields;
    for (;;) {
      const line = this.nextLine();
      if (line === undefined) return undefined;
      const lineNo = this.lines.lineNumber;
      const n = f.split(line);
      if (n !== this.columns) {
        if (HEADER_NAMES.has(firstField(line))) continue;
        this.reject(lineNo, 'column_count', `expected ${this.columns} columns, got ${n}: ${line}`);
        continue;
      }
      if (!this.parseTime(line, f.start[0], f.end[0], this.tp)) {
        if (HEADER_NAMES.has(firstField(line))) continue;
        this.reject(lineNo, 'bad_timestamp', line);
        continue;
      }
      const ts = this.relNs(this.tp);
      if (Number.isNaN(ts)) {
        this.reject(lineNo, 'time_out_of_range', line);
        continue;
      }
      const bid = this.instrument.priceToTicks(line, f.start[1], f.end[1]);
      const ask = this.instrument.priceToTicks(line, f.start[2], f.end[2]);
      if (Number.isNaN(bid) || Number.isNaN(ask)) {
        this.reject(lineNo, 'bad_price', line);
        continue;
      }
      if (this.columns === 4 && !(parseFloatField(line, f.start[3], f.end[3]) >= 0)) {
        this.reject(lineNo, 'bad_volume', line);
        continue;
      }
      const ev = this.ev;
      ev.tsNs = ts;
      ev.bidPrice = bid;
      ev.askPrice = ask;
      return ev;
    }
  }
}
