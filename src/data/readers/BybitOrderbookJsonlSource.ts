import type { Instrument, L2Event } from '../../core/index.ts';
import type { SourceOptions } from '../MarketDataSource.ts';
import { FileSource, type DeclaresSequenceRule, type L2SequenceRule } from './FileSource.ts';
import { newL2Event } from './GroupedL2CsvSource.ts';
import { epochMsToParts, type TimeParts } from './timestamps.ts';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses one line; undefined when it is not JSON. */
function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/** Event time of a message: `cts` (matching engine time) when present, else `ts`. */
function eventTimeMs(msg: Record<string, unknown>): unknown {
  return msg.cts !== undefined ? msg.cts : msg.ts;
}

/**
 * Bybit v5 public websocket order book messages (topic `orderbook.{depth}.{symbol}`), one JSON
 * message per line, as recorded from the stream:
 * `{"topic","type":"snapshot"|"delta","ts","cts","data":{"s","b":[[price,size]...],"a":[...],"u","seq"}}`.
 *
 * Each message becomes one L2Event per level, bids first then asks, in message order; isLast on
 * its last level. isSnapshot = type 'snapshot' (the book consumer clears the book on it).
 * Size "0" deletes the level (size 0). sequence = data.u; prevSequence = the previous good
 * message's u for deltas (-1 for snapshots and for a delta with no message before it).
 * Bybit's rule is that a delta's u is the previous u + 1 (a snapshot resets; u = 1 after a
 * service restart): l2SequenceRule = 'consecutive' tells ValidatingSource to check it.
 * tsNs = cts (matching-engine time, ms) when present, else ts; tsRecvNs = ts (Bybit's push time:
 * the recording has no local receive time).
 *
 * A line that is not JSON, not an order book message, or has any bad level is rejected whole.
 * A message with no levels emits nothing (its u still becomes the previous u).
 */
export class BybitOrderbookJsonlSource extends FileSource implements DeclaresSequenceRule {
  readonly l2SequenceRule: L2SequenceRule = 'consecutive';
  private readonly ev: L2Event;
  private sides = new Uint8Array(1024);
  private prices = new Float64Array(1024);
  private sizes = new Float64Array(1024);
  private n = 0;
  private idx = 0;
  private prevU = -1;

  constructor(path: string, instrument: Instrument, options?: SourceOptions) {
    super('bybit-orderbook', path, instrument, options);
    this.ev = newL2Event(instrument.id);
    this.initTimeBase(options);
  }

  protected override lineTime(line: string, out: TimeParts): boolean {
    const msg = parseJson(line);
    if (!isRecord(msg)) return false;
    const ms = eventTimeMs(msg);
    return typeof ms === 'number' && epochMsToParts(ms, out);
  }

  protected override read(): L2Event | undefined {
    while (this.idx >= this.n) {
      if (!this.readMessage()) return undefined;
    }
    const ev = this.ev;
    const i = this.idx++;
    ev.side = this.sides[i] === 0 ? 'B' : 'A';
    ev.price = this.prices[i];
    ev.size = this.sizes[i];
    ev.isLast = this.idx === this.n;
    return ev;
  }

  private readMessage(): boolean {
    for (;;) {
      const line = this.nextLine();
      if (line === undefined) return false;
      const lineNo = this.lines.lineNumber;
      const msg = parseJson(line);
      if (msg === undefined) {
        this.reject(lineNo, 'bad_json', line);
        continue;
      }
      if (!isRecord(msg) || !isRecord(msg.data) || (msg.topic !== undefined && !(typeof msg.topic === 'string' && msg.topic.startsWith('orderbook.')))) {
        this.reject(lineNo, 'not_orderbook', line);
        continue;
      }
      const data = msg.data;
      let snap: boolean;
      if (msg.type === 'snapshot') snap = true;
      else if (msg.type === 'delta') snap = false;
      else {
        this.reject(lineNo, 'bad_message_type', line);
        continue;
      }
      const ms = eventTimeMs(msg);
      const recvMs = msg.ts;
      if (typeof ms !== 'number' || typeof recvMs !== 'number' || !epochMsToParts(ms, this.tp)) {
        this.reject(lineNo, 'bad_timestamp', line);
        continue;
      }
      const ts = this.relNs(this.tp);
      if (!epochMsToParts(recvMs, this.tp)) {
        this.reject(lineNo, 'bad_timestamp', line);
        continue;
      }
      const recv = this.relNs(this.tp);
      if (Number.isNaN(ts) || Number.isNaN(recv)) {
        this.reject(lineNo, 'time_out_of_range', line);
        continue;
      }
      const u = data.u;
      if (typeof u !== 'number' || !Number.isSafeInteger(u) || u < 0) {
        this.reject(lineNo, 'bad_update_id', line);
        continue;
      }
      const b = data.b;
      const a = data.a;
      if (!Array.isArray(b) || !Array.isArray(a)) {
        this.reject(lineNo, 'bad_levels', line);
        continue;
      }
      this.ensure(b.length + a.length);
      let n = 0;
      let bad = '';
      for (let side = 0; side < 2 && bad === ''; side++) {
        const levels: unknown[] = side === 0 ? b : a;
        for (const level of levels) {
          if (!Array.isArray(level) || level.length !== 2 || typeof level[0] !== 'string' || typeof level[1] !== 'string') {
            bad = 'bad_level';
            break;
          }
          const price = this.instrument.priceToTicks(level[0]);
          if (Number.isNaN(price)) {
            bad = 'bad_price';
            break;
          }
          const size = this.instrument.qtyToLots(level[1]);
          if (!(size >= 0)) {
            bad = 'bad_size';
            break;
          }
          this.sides[n] = side;
          this.prices[n] = price;
          this.sizes[n] = size;
          n++;
        }
      }
      if (bad !== '') {
        this.reject(lineNo, bad, line);
        continue;
      }
      const ev = this.ev;
      ev.tsNs = ts;
      ev.tsRecvNs = recv;
      ev.isSnapshot = snap;
      ev.sequence = u;
      ev.prevSequence = snap ? -1 : this.prevU;
      this.prevU = u;
      this.n = n;
      this.idx = 0;
      return true;
    }
  }

  private ensure(cap: number): void {
    if (cap <= this.sides.length) return;
    let c = this.sides.length;
    while (c < cap) c *= 2;
    this.sides = new Uint8Array(c);
    this.prices = new Float64Array(c);
    this.sizes = new Float64Array(c);
  }
}
