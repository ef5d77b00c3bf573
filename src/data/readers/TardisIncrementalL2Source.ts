import type { Instrument, L2Event } from '../../core/index.ts';
import type { SourceOptions } from '../MarketDataSource.ts';
import type { DeclaresSequenceRule, L2SequenceRule } from './FileSource.ts';
import { GroupedL2CsvSource, type MessageKey } from './GroupedL2CsvSource.ts';
import { parseEpochInteger, type TimeParts } from './timestamps.ts';

const C_EXCHANGE = 0;
const C_TS = 2;
const C_LOCAL_TS = 3;
const C_SNAPSHOT = 4;
const C_SIDE = 5;
const C_PRICE = 6;
const C_AMOUNT = 7;

/**
 * Tardis.dev incremental_book_L2 CSV:
 * `exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount` (times in µs).
 *
 * One L2Event per row: tsNs = timestamp (exchange time), tsRecvNs = local_timestamp (Tardis'
 * receive time); side ask -> 'A', bid -> 'B'; isSnapshot = is_snapshot 'true'; amount is the new
 * absolute size (0 removes). Tardis has no update ids: sequence = prevSequence = -1.
 * Messages (isLast on their last row): consecutive delta rows with the same (timestamp,
 * local_timestamp), as Tardis writes one venue message's levels with one local_timestamp; and a
 * whole run of consecutive snapshot rows, whatever their timestamps. The latter follows Tardis'
 * own rule ("if the update is part of a snapshot and the previous one was not, reset the book"):
 * a snapshot split over several local_timestamps stays one message, so the book rule "the first
 * isSnapshot row after a non-snapshot row or after isLast clears the book" never clears it halfway.
 */
export class TardisIncrementalL2Source extends GroupedL2CsvSource implements DeclaresSequenceRule {
  readonly l2SequenceRule: L2SequenceRule = 'none';

  constructor(path: string, instrument: Instrument, options?: SourceOptions) {
    super('tardis-l2', path, instrument, options, 8, 'exchange');
    this.initTimeBase(options);
  }

  protected override lineTime(line: string, out: TimeParts): boolean {
    const a = line.indexOf(',');
    const b = a < 0 ? -1 : line.indexOf(',', a + 1);
    const c = b < 0 ? -1 : line.indexOf(',', b + 1);
    return c >= 0 && parseEpochInteger(line, b + 1, c, 1_000_000, out);
  }

  protected override parseRow(lineNo: number, ev: L2Event, key: MessageKey): boolean {
    const f = this.fields;
    const line = f.line;
    if (!parseEpochInteger(line, f.start[C_TS], f.end[C_TS], 1_000_000, this.tp)) {
      this.reject(lineNo, 'bad_timestamp', line);
      return false;
    }
    const ts = this.relNs(this.tp);
    if (!parseEpochInteger(line, f.start[C_LOCAL_TS], f.end[C_LOCAL_TS], 1_000_000, this.tp)) {
      this.reject(lineNo, 'bad_timestamp', line);
      return false;
    }
    const recv = this.relNs(this.tp);
    if (Number.isNaN(ts) || Number.isNaN(recv)) {
      this.reject(lineNo, 'time_out_of_range', line);
      return false;
    }
    let snap: boolean;
    if (f.is(C_SNAPSHOT, 'true')) snap = true;
    else if (f.is(C_SNAPSHOT, 'false')) snap = false;
    else {
      this.reject(lineNo, 'bad_is_snapshot', line);
      return false;
    }
    let side: 'A' | 'B';
    if (f.is(C_SIDE, 'ask')) side = 'A';
    else if (f.is(C_SIDE, 'bid')) side = 'B';
    else {
      this.reject(lineNo, 'bad_side', line);
      return false;
    }
    const price = this.instrument.priceToTicks(line, f.start[C_PRICE], f.end[C_PRICE]);
    if (Number.isNaN(price)) {
      this.reject(lineNo, 'bad_price', line);
      return false;
    }
    const size = this.instrument.qtyToLots(line, f.start[C_AMOUNT], f.end[C_AMOUNT]);
    if (!(size >= 0)) {
      this.reject(lineNo, 'bad_size', line);
      return false;
    }
    if (f.isEmpty(C_EXCHANGE)) {
      this.reject(lineNo, 'bad_exchange', line);
      return false;
    }
    ev.tsNs = ts;
    ev.tsRecvNs = recv;
    ev.side = side;
    ev.price = price;
    ev.size = size;
    ev.isSnapshot = snap;
    ev.sequence = -1;
    ev.prevSequence = -1;
    // every snapshot row shares one key, so a run of snapshot rows is one message
    key.a = snap ? -1 : ts;
    key.b = snap ? -1 : recv;
    key.c = snap ? 1 : 0;
    return true;
  }
}
