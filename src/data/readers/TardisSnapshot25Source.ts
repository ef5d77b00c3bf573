import type { Instrument, L2Event } from '../../core/index.ts';
import type { SourceOptions } from '../MarketDataSource.ts';
import { CsvFields, firstField } from './csv.ts';
import { FileSource, type DeclaresSequenceRule, type L2SequenceRule } from './FileSource.ts';
import { newL2Event } from './GroupedL2CsvSource.ts';
import { parseEpochInteger, type TimeParts } from './timestamps.ts';

export interface TardisSnapshotOptions extends SourceOptions {
  /** Levels per side when the file has no header (default 25). A header sets it from its column count. */
  depth?: number;
}

const C_EXCHANGE = 0;
const C_TS = 2;
const C_LOCAL_TS = 3;
const FIRST_LEVEL = 4;

/**
 * Tardis.dev book_snapshot_25 CSV: `exchange,symbol,timestamp,local_timestamp` then, for
 * i = 0..24, `asks[i].price,asks[i].amount,bids[i].price,bids[i].amount` (times in µs).
 * (Other depths, e.g. book_snapshot_5, work too: the header's column count sets the depth.)
 *
 * Each row is a complete top-N book. It is emitted as one L2Event per non-empty level, in column
 * order (asks[0], bids[0], asks[1], bids[1], ...), all with isSnapshot = true, sequence =
 * prevSequence = -1, tsNs = timestamp, tsRecvNs = local_timestamp, and isLast = true on the row's
 * last emitted level. Book rule the consumer applies (and this reader guarantees): the first
 * isSnapshot event after an event with isLast = true (or after a non-snapshot event, or at the
 * start) clears the book; so every row replaces the whole book.
 *
 * A level with both price and amount empty is absent (thin book) and skipped; a level with only
 * one of them empty rejects the row. A row is validated whole before any of its levels is
 * emitted, so a bad row is skipped entirely (never half a book). A row whose levels are all empty
 * emits nothing (the previous book stays).
 */
export class TardisSnapshot25Source extends FileSource implements DeclaresSequenceRule {
  readonly l2SequenceRule: L2SequenceRule = 'none';
  private depth: number;
  private fields: CsvFields;
  private readonly ev: L2Event;
  private sides = new Uint8Array(0);
  private prices = new Float64Array(0);
  private sizes = new Float64Array(0);
  private n = 0;
  private idx = 0;
  private rowTs = 0;
  private rowRecv = 0;

  constructor(path: string, instrument: Instrument, options?: TardisSnapshotOptions) {
    super('tardis-snapshot25', path, instrument, options);
    const depth = options?.depth ?? 25;
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`depth must be a positive integer, got ${depth}`);
    this.depth = depth;
    this.fields = new CsvFields(FIRST_LEVEL + 4 * depth + 1);
    this.resize();
    this.ev = newL2Event(instrument.id);
    this.ev.isSnapshot = true;
    this.initTimeBase(options);
  }

  protected override lineTime(line: string, out: TimeParts): boolean {
    const a = line.indexOf(',');
    const b = a < 0 ? -1 : line.indexOf(',', a + 1);
    const c = b < 0 ? -1 : line.indexOf(',', b + 1);
    return c >= 0 && parseEpochInteger(line, b + 1, c, 1_000_000, out);
  }

  protected override read(): L2Event | undefined {
    while (this.idx >= this.n) {
      if (!this.readRow()) return undefined;
    }
    const i = this.idx++;
    const ev = this.ev;
    ev.tsNs = this.rowTs;
    ev.tsRecvNs = this.rowRecv;
    ev.side = this.sides[i] === 0 ? 'A' : 'B';
    ev.price = this.prices[i];
    ev.size = this.sizes[i];
    ev.isLast = this.idx === this.n;
    return ev;
  }

  private resize(): void {
    const cap = 2 * this.depth;
    this.sides = new Uint8Array(cap);
    this.prices = new Float64Array(cap);
    this.sizes = new Float64Array(cap);
    this.n = 0;
    this.idx = 0;
  }

  /** Parses the next good row into the level arrays; false at the end of the file. */
  private readRow(): boolean {
    for (;;) {
      const line = this.nextLine();
      if (line === undefined) return false;
      const lineNo = this.lines.lineNumber;
      if (firstField(line) === 'exchange') {
        const cols = line.split(',').length;
        const depth = (cols - FIRST_LEVEL) / 4;
        if (Number.isInteger(depth) && depth >= 1 && depth !== this.depth) {
          this.depth = depth;
          this.fields = new CsvFields(FIRST_LEVEL + 4 * depth + 1);
          this.resize();
        }
        continue;
      }
      const f = this.fields;
      const cols = f.split(line);
      const expected = FIRST_LEVEL + 4 * this.depth;
      if (cols !== expected) {
        this.reject(lineNo, 'column_count', `expected ${expected} columns, got ${cols}: ${line}`);
        continue;
      }
      if (!parseEpochInteger(line, f.start[C_TS], f.end[C_TS], 1_000_000, this.tp)) {
        this.reject(lineNo, 'bad_timestamp', line);
        continue;
      }
      const ts = this.relNs(this.tp);
      if (!parseEpochInteger(line, f.start[C_LOCAL_TS], f.end[C_LOCAL_TS], 1_000_000, this.tp)) {
        this.reject(lineNo, 'bad_timestamp', line);
        continue;
      }
      const recv = this.relNs(this.tp);
      if (Number.isNaN(ts) || Number.isNaN(recv)) {
        this.reject(lineNo, 'time_out_of_range', line);
        continue;
      }
      if (f.isEmpty(C_EXCHANGE)) {
        this.reject(lineNo, 'bad_exchange', line);
        continue;
      }
      if (this.parseLevels(lineNo, line)) {
        this.rowTs = ts;
        this.rowRecv = recv;
        return true;
      }
    }
  }

  private parseLevels(lineNo: number, line: string): boolean {
    const f = this.fields;
    let n = 0;
    for (let level = 0; level < this.depth; level++) {
      for (let side = 0; side < 2; side++) {
        const pc = FIRST_LEVEL + 4 * level + 2 * side;
        const ac = pc + 1;
        const noPrice = f.isEmpty(pc);
        const noAmount = f.isEmpty(ac);
        if (noPrice && noAmount) continue;
        const price = noPrice ? NaN : this.instrument.priceToTicks(line, f.start[pc], f.end[pc]);
        if (Number.isNaN(price)) {
          this.reject(lineNo, 'bad_price', `column ${pc + 1}: ${line}`);
          return false;
        }
        const size = noAmount ? NaN : this.instrument.qtyToLots(line, f.start[ac], f.end[ac]);
        if (!(size >= 0)) {
          this.reject(lineNo, 'bad_size', `column ${ac + 1}: ${line}`);
          return false;
        }
        this.sides[n] = side;
        this.prices[n] = price;
        this.sizes[n] = size;
        n++;
      }
    }
    this.n = n;
    this.idx = 0;
    return true;
  }
}
