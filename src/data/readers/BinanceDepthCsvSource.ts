import type { Instrument, L2Event } from '../../core/index.ts';
import type { SourceOptions } from '../MarketDataSource.ts';
import { parseIntField } from './csv.ts';
import type { DeclaresSequenceRule, L2SequenceRule } from './FileSource.ts';
import { GroupedL2CsvSource, type MessageKey } from './GroupedL2CsvSource.ts';
import { parseEpochInteger, type TimeParts } from './timestamps.ts';

const C_SYMBOL = 0;
const C_TS = 1;
const C_FIRST = 2;
const C_LAST = 3;
const C_SIDE = 4;
const C_TYPE = 5;
const C_PRICE = 6;
const C_QTY = 7;
const C_PU = 8;

/**
 * Binance USDⓈ-M diff-depth CSV, as Binance's data portal and NautilusTrader publish it:
 * `symbol,timestamp,first_update_id,last_update_id,side,update_type,price,qty,pu`.
 *
 * One L2Event per row: tsNs = tsRecvNs = timestamp (ms); side a -> 'A', b -> 'B';
 * isSnapshot = update_type 'snap' ('set' is a diff); sequence = last_update_id;
 * prevSequence = pu (-1 on snapshot rows); isLast on the last row of a message, a message being
 * consecutive rows with the same (first_update_id, last_update_id). Update ids are ~2.1e12, well
 * inside 2^53, so they are plain numbers (a larger id is rejected as `bad_update_id`).
 * The symbol column is not checked against the instrument.
 */
export class BinanceDepthCsvSource extends GroupedL2CsvSource implements DeclaresSequenceRule {
  readonly l2SequenceRule: L2SequenceRule = 'linked';

  constructor(path: string, instrument: Instrument, options?: SourceOptions) {
    super('binance-depth', path, instrument, options, 9, 'symbol');
    this.initTimeBase(options);
  }

  protected override lineTime(line: string, out: TimeParts): boolean {
    const a = line.indexOf(',');
    if (a < 0) return false;
    const b = line.indexOf(',', a + 1);
    return parseEpochInteger(line, a + 1, b < 0 ? line.length : b, 1_000, out);
  }

  protected override parseRow(lineNo: number, ev: L2Event, key: MessageKey): boolean {
    const f = this.fields;
    const line = f.line;
    if (!parseEpochInteger(line, f.start[C_TS], f.end[C_TS], 1_000, this.tp)) {
      this.reject(lineNo, 'bad_timestamp', line);
      return false;
    }
    const ts = this.relNs(this.tp);
    if (Number.isNaN(ts)) {
      this.reject(lineNo, 'time_out_of_range', line);
      return false;
    }
    const first = parseIntField(line, f.start[C_FIRST], f.end[C_FIRST]);
    const last = parseIntField(line, f.start[C_LAST], f.end[C_LAST]);
    const pu = parseIntField(line, f.start[C_PU], f.end[C_PU]);
    if (!(first >= 0) || !(last >= 0) || !(pu >= -1)) {
      this.reject(lineNo, 'bad_update_id', line);
      return false;
    }
    let side: 'A' | 'B';
    if (f.is(C_SIDE, 'a')) side = 'A';
    else if (f.is(C_SIDE, 'b')) side = 'B';
    else {
      this.reject(lineNo, 'bad_side', line);
      return false;
    }
    let snap: boolean;
    if (f.is(C_TYPE, 'snap')) snap = true;
    else if (f.is(C_TYPE, 'set')) snap = false;
    else {
      this.reject(lineNo, 'bad_update_type', line);
      return false;
    }
    const price = this.instrument.priceToTicks(line, f.start[C_PRICE], f.end[C_PRICE]);
    if (Number.isNaN(price)) {
      this.reject(lineNo, 'bad_price', line);
      return false;
    }
    const size = this.instrument.qtyToLots(line, f.start[C_QTY], f.end[C_QTY]);
    if (!(size >= 0)) {
      this.reject(lineNo, 'bad_size', line);
      return false;
    }
    if (f.isEmpty(C_SYMBOL)) {
      this.reject(lineNo, 'bad_symbol', line);
      return false;
    }
    ev.tsNs = ts;
    ev.tsRecvNs = ts;
    ev.side = side;
    ev.price = price;
    ev.size = size;
    ev.isSnapshot = snap;
    ev.sequence = last;
    ev.prevSequence = snap ? -1 : pu;
    key.a = first;
    key.b = last;
    key.c = snap ? 1 : 0;
    return true;
  }
}
