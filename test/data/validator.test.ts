import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Instrument, type BarEvent, type L2Event, type MarketEvent, type MboEvent, type QuoteEvent, type TradeEvent } from '../../src/core/index.ts';
import type { MarketDataSource } from '../../src/data/MarketDataSource.ts';
import { DataRejectError, RejectCounter } from '../../src/data/RejectCounter.ts';
import { openFileSource } from '../../src/data/readers/index.ts';
import { ValidatingSource } from '../../src/data/Validator.ts';

const DATA = new URL('../../../shared/data/', import.meta.url).pathname;

/** A source over a fixed list of events; reuses no objects, counts its own (none) rejects. */
class ListSource implements MarketDataSource {
  readonly name = 'list';
  readonly timeBaseNs = 0n;
  readonly rejects = new RejectCounter();
  private i = 0;
  closed = false;
  constructor(private readonly events: MarketEvent[], readonly l2SequenceRule?: 'linked' | 'consecutive' | 'none') {}
  next(): MarketEvent | undefined {
    return this.events[this.i++];
  }
  progress(): { done: number; total: number } {
    return { done: Math.min(this.i, this.events.length), total: this.events.length };
  }
  close(): void {
    this.closed = true;
  }
}

function drain(src: MarketDataSource): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let e = src.next(); e !== undefined; e = src.next()) out.push({ ...e });
  return out;
}

function quote(tsNs: number, bidPrice: number, askPrice: number, bidSize = 1, askSize = 1): QuoteEvent {
  return { kind: 'quote', tsNs, instrumentId: 1, bidPrice, askPrice, bidSize, askSize };
}
function trade(tsNs: number, price: number, size: number): TradeEvent {
  return { kind: 'trade', tsNs, instrumentId: 1, price, size, aggressor: 'B', tradeId: `t${tsNs}` };
}
function bar(tsNs: number, open: number, high: number, low: number, close: number, volume = 1): BarEvent {
  return { kind: 'bar', tsNs, instrumentId: 1, intervalNs: 60, open, high, low, close, volume };
}
function lvl(tsNs: number, price: number, size: number, o: Partial<L2Event> = {}): L2Event {
  return { kind: 'l2', tsNs, tsRecvNs: tsNs, instrumentId: 1, side: 'B', price, size, isSnapshot: false, sequence: -1, prevSequence: -1, isLast: true, ...o };
}
function mbo(tsNs: number, tsRecvNs: number, action: MboEvent['action'], side: MboEvent['side'], price: number, size: number, orderId = 1): MboEvent {
  return { kind: 'mbo', tsNs, tsRecvNs, instrumentId: 1, action, side, orderId, price, size, flags: 0, sequence: 0 };
}

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-validator-'));
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('ValidatingSource: drops with a reason', () => {
  it('time_backwards: compared with the last passed event', () => {
    const v = new ValidatingSource(new ListSource([quote(10, 1, 2), quote(5, 1, 2), quote(10, 1, 2), trade(9, 5, 1), bar(11, 1, 1, 1, 1), quote(3, 1, 2)]));
    assert.deepEqual(drain(v).map((e) => e.tsNs), [10, 10, 11]);
    assert.deepEqual(v.rejects.byReason, { time_backwards: 3 });
    assert.deepEqual(v.rejects.samples.map((s) => s.position), [2, 4, 6]);
  });

  it('non_positive_price on quotes, bars, trades and L2 levels', () => {
    const v = new ValidatingSource(new ListSource([
      quote(1, 0, 2), quote(1, 1, -2), quote(1, 1, 2),
      trade(2, 0, 1), trade(2, 5, 1),
      bar(3, 1, 2, 0, 1), bar(3, 1, 2, 1, 1),
      lvl(4, -1, 1), lvl(4, 0, 0), lvl(4, 7, 1),
    ]));
    assert.deepEqual(drain(v).map((e) => e.kind), ['quote', 'trade', 'bar', 'l2']);
    assert.deepEqual(v.rejects.byReason, { non_positive_price: 6 });
  });

  it('non_positive_size for trades, negative_size everywhere else', () => {
    const v = new ValidatingSource(new ListSource([
      trade(1, 5, 0), trade(1, 5, -1), trade(1, 5, 1),
      quote(2, 1, 2, -1, 1), quote(2, 1, 2, 0, 0),
      lvl(3, 5, -3), lvl(3, 5, 0),
      bar(4, 1, 1, 1, 1, -0.5), bar(4, 1, 1, 1, 1, 0),
      mbo(5, 5, 'A', 'B', 5, -1), mbo(5, 5, 'C', 'B', 5, 0),
    ]));
    assert.deepEqual(drain(v).map((e) => e.kind), ['trade', 'quote', 'l2', 'bar', 'mbo']);
    assert.deepEqual(v.rejects.byReason, { non_positive_size: 2, negative_size: 4 });
  });

  it('crossed_quote: bid >= ask, locked included', () => {
    const v = new ValidatingSource(new ListSource([quote(1, 100, 101), quote(2, 101, 101), quote(3, 102, 101), quote(4, 100, 102)]));
    assert.deepEqual(drain(v).map((e) => e.tsNs), [1, 4]);
    assert.deepEqual(v.rejects.byReason, { crossed_quote: 2 });
    assert.equal(v.gaps, 0);
  });

  it('passes a crossed MBO book through and checks MBO time on tsRecvNs', () => {
    // CME pre-open: bid 4811.00 above ask 4810.00 (ticks of 0.25), ts_event out of order but ts_recv monotonic
    const events = [
      mbo(100, 1000, 'A', 'B', 19244, 5, 1),
      mbo(90, 1001, 'A', 'A', 19240, 3, 2),
      mbo(95, 1001, 'T', 'N', 19242, 1, 0),
      mbo(200, 999, 'A', 'B', 19243, 1, 3), // ts_recv backwards
      mbo(210, 1002, 'C', 'A', 19240, 3, 2),
    ];
    const v = new ValidatingSource(new ListSource(events));
    assert.deepEqual(drain(v).map((e) => (e as MboEvent).orderId), [1, 2, 0, 2]);
    assert.deepEqual(v.rejects.byReason, { time_backwards: 1 });
  });

  it('adds into the inner counter, keeps the inner counts, and forwards name/base/progress/close', () => {
    const inner = new ListSource([quote(1, 2, 1)]);
    inner.rejects.add('list', 7, 'bad_price', 'x');
    const v = new ValidatingSource(inner);
    assert.equal(v.next(), undefined);
    assert.equal(v.rejects, inner.rejects);
    assert.equal(v.rejects.total, 2);
    assert.deepEqual(v.rejects.byReason, { bad_price: 1, crossed_quote: 1 });
    assert.deepEqual([v.name, v.timeBaseNs, v.progress().done], ['list', 0n, 1]);
    v.close();
    assert.equal(inner.closed, true);
  });

  it('throws DataRejectError with stopOnReject', () => {
    const v = new ValidatingSource(new ListSource([quote(1, 1, 2), quote(2, 3, 2)]), { stopOnReject: true });
    assert.equal(v.next()?.tsNs, 1);
    assert.throws(() => v.next(), (e: unknown) => e instanceof DataRejectError && e.sample.reason === 'crossed_quote' && e.sample.position === 2);
  });
});

describe('ValidatingSource: L2 messages', () => {
  it('moves isLast back to the previous level when the last level of a message is dropped', () => {
    const v = new ValidatingSource(new ListSource([
      lvl(1, 10, 1, { isSnapshot: true, isLast: false }),
      lvl(1, 11, 1, { isSnapshot: true, isLast: false }),
      lvl(1, -12, 1, { isSnapshot: true, isLast: true }), // dropped
      lvl(2, 13, 1, { isLast: false }),
      lvl(2, 14, 1, { isLast: true }),
      trade(3, 5, 1),
      lvl(4, 15, -1, { isLast: true }), // dropped, nothing of its message passed
      lvl(5, 16, 1, { isLast: true }),
    ]));
    const out = drain(v);
    assert.deepEqual(out.map((e) => (e.kind === 'l2' ? [e.price, e.isLast] : [e.kind])), [[10, false], [11, true], [13, false], [14, true], ['trade'], [16, true]]);
    assert.deepEqual(v.rejects.byReason, { non_positive_price: 1, negative_size: 1 });
  });

  it("'linked' (Binance pu): a gap is counted once per message, the stream continues, a snapshot resyncs", () => {
    const msg = (seq: number, pu: number, snap = false): L2Event[] => [
      lvl(seq, 100, 1, { sequence: seq, prevSequence: snap ? -1 : pu, isSnapshot: snap, isLast: false }),
      lvl(seq, 101, 1, { sequence: seq, prevSequence: snap ? -1 : pu, isSnapshot: snap, isLast: true }),
    ];
    const v = new ValidatingSource(new ListSource([
      ...msg(100, -1, true), // snapshot lastUpdateId 100
      ...msg(105, 98), // bridges the snapshot: pu 98 < 100 <= 105: fine
      ...msg(110, 105),
      ...msg(120, 111), // gap (expected pu 110)
      ...msg(130, 120), // continues from 120: fine
      ...msg(140, 131), // gap
      ...msg(200, -1, true), // snapshot: resync
      ...msg(210, 200),
    ]));
    const out = drain(v);
    assert.equal(out.length, 16);
    assert.equal(v.gaps, 2);
    assert.equal(v.resyncPending, false);
    assert.deepEqual(v.rejects.byReason, { sequence_gap: 2 });
    assert.deepEqual(v.rejects.samples.map((s) => s.position), [7, 11]);
    assert.equal(v.l2SequenceRule, 'linked');
  });

  it("'linked': a delta that does not reach the snapshot's id is a gap, and resyncPending stays until a snapshot", () => {
    const v = new ValidatingSource(new ListSource([
      lvl(1, 100, 1, { sequence: 100, isSnapshot: true }),
      lvl(2, 100, 1, { sequence: 150, prevSequence: 120 }),
      lvl(3, 100, 1, { sequence: 160, prevSequence: 150 }),
    ]));
    assert.equal(drain(v).length, 3);
    assert.deepEqual([v.gaps, v.resyncPending], [1, true]);
  });

  it("'consecutive' (Bybit u): sequence must be previous + 1, declared by the source or given", () => {
    const events = (): L2Event[] => [
      lvl(1, 100, 1, { sequence: 1, isSnapshot: true }),
      lvl(2, 100, 1, { sequence: 2, prevSequence: 1 }),
      lvl(3, 100, 1, { sequence: 4, prevSequence: 2 }), // 3 missing
      lvl(4, 100, 1, { sequence: 5, prevSequence: 4 }),
      lvl(5, 100, 1, { sequence: 5, prevSequence: 5 }), // repeated
      lvl(6, 100, 1, { sequence: 50, isSnapshot: true }),
      lvl(7, 100, 1, { sequence: 51, prevSequence: 50 }),
    ];
    const declared = new ValidatingSource(new ListSource(events(), 'consecutive'));
    assert.equal(drain(declared).length, 7);
    assert.deepEqual([declared.l2SequenceRule, declared.gaps, declared.resyncPending], ['consecutive', 2, false]);
    const given = new ValidatingSource(new ListSource(events()), { l2SequenceRule: 'consecutive' });
    drain(given);
    assert.equal(given.gaps, 2);
    const linked = new ValidatingSource(new ListSource(events())); // pu chain is intact: the 'linked' rule sees no gap
    drain(linked);
    assert.equal(linked.gaps, 0);
  });

  it('stopOnReject throws on a sequence gap', () => {
    const v = new ValidatingSource(new ListSource([lvl(1, 1, 1, { sequence: 1, isSnapshot: true }), lvl(2, 1, 1, { sequence: 3, prevSequence: 1 })], 'consecutive'), { stopOnReject: true });
    assert.throws(() => v.next(), (e: unknown) => e instanceof DataRejectError && e.sample.reason === 'sequence_gap' && e.sample.position === 2);
    assert.equal(v.gaps, 1);
  });
});

describe('ValidatingSource on the real files', () => {
  const BTCUSDT = new Instrument({ id: 1, symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: '0.1', lotSize: '0.001', multiplier: '1', currency: 'USDT' });
  const XRPUSDT = new Instrument({ id: 2, symbol: 'XRPUSDT', venue: 'BYBIT', tickSize: '0.0001', lotSize: '1', multiplier: '1', currency: 'USDT' });

  it('Binance depth update file alone: one message, nothing to chain, 0 gaps', () => {
    const v = new ValidatingSource(openFileSource('binance-depth', DATA + 'binance-btcusdt-depth-update.csv', BTCUSDT));
    assert.equal(drain(v).length, 100);
    assert.deepEqual([v.gaps, v.rejects.total], [0, 0]);
  });

  it('Binance snapshot then update: 1 gap (pu 2098041693400 != snapshot lastUpdateId 2098021528332)', () => {
    const snap = readFileSync(DATA + 'binance-btcusdt-depth-snap.csv', 'utf8');
    const upd = readFileSync(DATA + 'binance-btcusdt-depth-update.csv', 'utf8');
    const p = join(tmp, 'binance-snap-then-update.csv');
    writeFileSync(p, snap + upd); // the second header is recognised, not rejected
    const v = new ValidatingSource(openFileSource('binance-depth', p, BTCUSDT));
    const out = drain(v) as L2Event[];
    assert.equal(out.length, 200);
    assert.equal(v.gaps, 1);
    assert.equal(v.resyncPending, true);
    assert.deepEqual(v.rejects.byReason, { sequence_gap: 1 });
    assert.equal(v.rejects.samples[0].position, 101);
    assert.deepEqual(out.filter((e) => e.isLast).length, 2);
  });

  it('Bybit: 49 consecutive deltas after the snapshot, 0 gaps; removing one message makes exactly 1', () => {
    const v = new ValidatingSource(openFileSource('bybit-orderbook', DATA + 'bybit-xrpusdt-ob500-20241201.jsonl', XRPUSDT));
    assert.equal(drain(v).length, 3966);
    assert.deepEqual([v.l2SequenceRule, v.gaps, v.rejects.total], ['consecutive', 0, 0]);
    const lines = readFileSync(DATA + 'bybit-xrpusdt-ob500-20241201.jsonl', 'utf8').split('\n');
    lines.splice(20, 1);
    const p = join(tmp, 'bybit-missing-one.jsonl');
    writeFileSync(p, lines.join('\n'));
    const gapped = new ValidatingSource(openFileSource('bybit-orderbook', p, XRPUSDT));
    drain(gapped);
    assert.deepEqual([gapped.gaps, gapped.resyncPending, gapped.rejects.total], [1, true, 1]);
  });

  it('TrueFX: drops the one locked quote (line 943, 86.836/86.836)', () => {
    const ins = new Instrument({ id: 3, symbol: 'USDJPY', venue: 'TRUEFX', tickSize: '0.001', lotSize: '1', multiplier: '1', currency: 'JPY' });
    const v = new ValidatingSource(openFileSource('truefx', DATA + 'truefx-usdjpy-ticks.csv', ins));
    assert.equal(drain(v).length, 999);
    assert.deepEqual(v.rejects.byReason, { crossed_quote: 1 });
    assert.equal(v.rejects.samples[0].position, 942);
  });

  it('HistData, bars and Tardis snapshots are clean', () => {
    const cases: [Parameters<typeof openFileSource>[0], string, string, string, number][] = [
      ['histdata', 'histdata-eurusd-ticks-20200101.csv', '0.00001', '1', 9500],
      ['bars', 'btc-perp-20211231-20220201-1m.csv', '0.125', '1', 45031],
      ['bars', 'fxcm-gbpusd-m1-ask-2012.csv', '0.00001', '1', 30117],
      ['tardis-snapshot25', 'tardis-binance-futures-book-snapshot-25-BTCUSDT.csv', '0.01', '0.001', 500],
      ['tardis-l2', 'tardis-deribit-incremental-book-L2-BTC-PERPETUAL.csv', '0.5', '10', 15],
    ];
    for (const [format, file, tickSize, lotSize, count] of cases) {
      const ins = new Instrument({ id: 4, symbol: 'X', venue: 'X', tickSize, lotSize, multiplier: '1', currency: 'USD' });
      const v = new ValidatingSource(openFileSource(format, DATA + file, ins));
      assert.equal(drain(v).length, count, file);
      assert.deepEqual([v.rejects.total, v.gaps], [0, 0], file);
    }
  });
});
