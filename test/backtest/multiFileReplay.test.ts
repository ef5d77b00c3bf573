import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runBacktest } from '../../src/backtest/BacktestRunner.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { Instrument, MBO_FLAG_LAST, type MarketEvent, type MboEvent, type QuoteEvent } from '../../src/core/index.ts';
import { L2OrderBook } from '../../src/data/book/L2OrderBook.ts';
import { L3OrderBook, MBO_FLAG_SNAPSHOT } from '../../src/data/book/L3OrderBook.ts';
import type { MarketDataSource } from '../../src/data/MarketDataSource.ts';
import { MergedSource, eventTimeNs } from '../../src/data/MergedSource.ts';
import { RejectCounter } from '../../src/data/RejectCounter.ts';
import { ReplaySpanError, openReplay, openSource, type DataFileSpec } from '../../src/data/openSource.ts';

const DATA = new URL('../../../shared/data/', import.meta.url).pathname;
const DAY1 = 'examples/data/cme-esh4-20231224.mbo.dbn.zst';
const DAY2 = 'examples/data/cme-esh4-20231225.mbo.dbn.zst';

const ESH4 = new Instrument({ id: 17077, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const EURUSD = new Instrument({ id: 1, symbol: 'EURUSD', venue: 'HISTDATA', tickSize: '0.00001', lotSize: '1', multiplier: '1', currency: 'USD' });
const DERIBIT = new Instrument({ id: 2, symbol: 'BTC-PERPETUAL', venue: 'DERIBIT', tickSize: '0.5', lotSize: '10', multiplier: '1', currency: 'USD' });
const USDJPY = new Instrument({ id: 3, symbol: 'USDJPY', venue: 'TRUEFX', tickSize: '0.001', lotSize: '1', multiplier: '1', currency: 'JPY' });
const GBPUSD = new Instrument({ id: 4, symbol: 'GBPUSD', venue: 'FXCM', tickSize: '0.00001', lotSize: '1', multiplier: '1', currency: 'USD' });

function countEvents(src: MarketDataSource): number {
  let n = 0;
  while (src.next() !== undefined) n++;
  src.close();
  return n;
}

/**
 * An in-memory source (synthetic events, for the merge algorithm only) that, like the file
 * readers, returns ONE reused event object: the merge must not advance it before it is consumed.
 */
class ArraySource implements MarketDataSource {
  readonly rejects = new RejectCounter();
  readonly timeBaseNs = 0n;
  private i = 0;
  private readonly slot: QuoteEvent = { kind: 'quote', tsNs: 0, instrumentId: 0, bidPrice: 0, askPrice: 0, bidSize: 0, askSize: 0 };
  constructor(readonly name: string, private readonly rows: readonly [number, number, number][]) {}
  next(): MarketEvent | undefined {
    const r = this.rows[this.i++];
    if (r === undefined) return undefined;
    // [time, instrument id, tag]: the tag rides in bidPrice so the test can tell events apart
    Object.assign(this.slot, { tsNs: r[0], instrumentId: r[1], bidPrice: r[2], askPrice: r[2] + 1 });
    return this.slot;
  }
  progress(): { done: number; total: number } {
    return { done: this.i, total: this.rows.length };
  }
  close(): void {}
}

describe('MergedSource', () => {
  it('interleaves two instruments in time order; ties go to the source listed first, runs of equal times stay whole', () => {
    // synthetic rows: [time ns, instrument, tag]
    const a = new ArraySource('a', [[10, 1, 100], [20, 1, 101], [20, 1, 102], [35, 1, 103], [50, 1, 104]]);
    const b = new ArraySource('b', [[5, 2, 200], [20, 2, 201], [30, 2, 202], [50, 2, 203], [60, 2, 204]]);
    const merged = new MergedSource([a, b]);
    const got: [number, number, number, number][] = [];
    for (let ev = merged.next(); ev !== undefined; ev = merged.next()) {
      assert.equal(ev.kind, 'quote');
      if (ev.kind === 'quote') got.push([ev.tsNs, ev.instrumentId, ev.bidPrice, merged.lastSourceIndex]);
    }
    assert.deepEqual(
      got.map((g) => g[2]),
      [200, 100, 101, 102, 201, 202, 103, 104, 203, 204],
      'at t=20 both of a (listed first) come before b; at t=50 a before b',
    );
    assert.deepEqual(got.map((g) => g[3]), [1, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
    assert.deepEqual(merged.eventsBySource, [5, 5]);
    assert.equal(merged.lastSourceIndex, -1, 'exhausted');
    // listed the other way round, the ties flip and nothing else changes
    const flipped = new MergedSource([
      new ArraySource('b', [[5, 2, 200], [20, 2, 201], [30, 2, 202], [50, 2, 203], [60, 2, 204]]),
      new ArraySource('a', [[10, 1, 100], [20, 1, 101], [20, 1, 102], [35, 1, 103], [50, 1, 104]]),
    ]);
    const tags: number[] = [];
    for (let ev = flipped.next(); ev !== undefined; ev = flipped.next()) if (ev.kind === 'quote') tags.push(ev.bidPrice);
    assert.deepEqual(tags, [200, 100, 201, 101, 102, 202, 103, 203, 104, 204]);
  });

  it('orders MBO events by receive time and quotes by event time', () => {
    const mbo: MboEvent = { kind: 'mbo', tsNs: 1, tsRecvNs: 40, instrumentId: 1, action: 'A', side: 'B', orderId: 1, price: 1, size: 1, flags: 0, sequence: 0 };
    const quote: QuoteEvent = { kind: 'quote', tsNs: 30, instrumentId: 2, bidPrice: 1, askPrice: 2, bidSize: 1, askSize: 1 };
    assert.equal(eventTimeNs(mbo), 40);
    assert.equal(eventTimeNs(quote), 30);
  });

  it('refuses sources on different time bases', () => {
    const other = new ArraySource('x', []);
    Object.defineProperty(other, 'timeBaseNs', { value: 5n });
    assert.throws(() => new MergedSource([new ArraySource('a', []), other]), /time base/);
  });

  it('real files with identical timestamps (FXCM GBP/USD bid and ask minute bars): ties are broken by file order, every minute', () => {
    const bid: DataFileSpec = { path: DATA + 'fxcm-gbpusd-m1-bid-2012.csv', format: 'bars', instrument: GBPUSD };
    const ask: DataFileSpec = { path: DATA + 'fxcm-gbpusd-m1-ask-2012.csv', format: 'bars', instrument: GBPUSD };
    for (const [order, first] of [[[bid, ask], 0], [[ask, bid], 0]] as const) {
      const src = openReplay(order);
      assert.ok(src instanceof MergedSource);
      let n = 0;
      let prevT = -Infinity;
      let prevIdx = -1;
      let tiesInOrder = 0;
      for (let ev = src.next(); ev !== undefined; ev = src.next()) {
        const t = eventTimeNs(ev);
        assert.ok(t >= prevT, 'time order');
        if (t === prevT) {
          assert.ok(src.lastSourceIndex > prevIdx, 'at a tie the file listed first comes first');
          tiesInOrder++;
        } else {
          assert.equal(src.lastSourceIndex, first, 'each minute starts with the file listed first');
        }
        prevT = t;
        prevIdx = src.lastSourceIndex;
        n++;
      }
      assert.equal(n, 2 * 30_117);
      assert.equal(tiesInOrder, 30_117, 'both files carry the same 30,117 minutes');
      src.close();
    }
  });
});

describe('L3 book and snapshots', () => {
  function mbo(action: MboEvent['action'], orderId: number, flags: number, side: 'B' | 'A' = 'B', price = 100, size = 1): MboEvent {
    return { kind: 'mbo', tsNs: 0, tsRecvNs: 0, instrumentId: 1, action, side, orderId, price, size, flags, sequence: 0 };
  }

  it('a snapshot after live records starts a fresh book instead of counting duplicate adds', () => {
    const book = new L3OrderBook(1);
    const SNAP = MBO_FLAG_SNAPSHOT;
    book.apply(mbo('A', 1, SNAP, 'B', 100, 5));
    book.apply(mbo('A', 2, SNAP | MBO_FLAG_LAST, 'A', 101, 3));
    assert.equal(book.snapshots, 1);
    assert.equal(book.snapshotResets, 0, 'the first snapshot finds an empty book');
    book.apply(mbo('A', 3, MBO_FLAG_LAST, 'B', 99, 2)); // live
    book.apply(mbo('C', 2, MBO_FLAG_LAST, 'A', 101, 3)); // live: order 2 leaves
    assert.equal(book.orderCount, 2);
    // a new snapshot re-states orders 1 and 3 (and not 2)
    book.apply(mbo('A', 1, SNAP, 'B', 100, 5));
    book.apply(mbo('A', 3, SNAP, 'B', 99, 2));
    assert.equal(book.duplicateAddEvents, 0);
    assert.equal(book.snapshots, 2);
    assert.equal(book.snapshotResets, 1);
    assert.equal(book.orderCount, 2, 'records of one snapshot build on each other');
    assert.equal(book.bestBidPrice(), 100);
    assert.ok(Number.isNaN(book.bestAskPrice()), 'the ask cancelled before the snapshot is gone');
  });

  it('a snapshot right after a finished snapshot (F_LAST) starts afresh too: day 1 of ESH4 is nothing but a snapshot', () => {
    const book = new L3OrderBook(1);
    book.apply(mbo('A', 1, MBO_FLAG_SNAPSHOT | MBO_FLAG_LAST));
    book.apply(mbo('A', 1, MBO_FLAG_SNAPSHOT));
    assert.equal(book.duplicateAddEvents, 0);
    assert.equal(book.snapshotResets, 1);
    // without F_LAST the second record belongs to the same snapshot, so a repeated id is a duplicate
    const same = new L3OrderBook(1);
    same.apply(mbo('A', 1, MBO_FLAG_SNAPSHOT));
    same.apply(mbo('A', 1, MBO_FLAG_SNAPSHOT));
    assert.equal(same.duplicateAddEvents, 1);
    assert.equal(same.snapshots, 1);
  });
});

describe('multi-file replay of real ESH4 data', () => {
  it('the two files as they are: day 2 opens with the same snapshot day 1 holds', () => {
    // the data check this fix rests on: day 1 is a snapshot only (8,725 adds, the last one F_LAST);
    // day 2 starts by re-adding exactly those order ids, flagged F_SNAPSHOT, then trades
    const s1 = openSource({ path: DAY1, format: 'dbn-mbo', instrument: ESH4 }, {});
    const ids = new Set<number>();
    let lastFlags = 0;
    for (let ev = s1.next(); ev !== undefined; ev = s1.next()) {
      assert.ok(ev.kind === 'mbo' && ev.action === 'A' && (ev.flags & MBO_FLAG_SNAPSHOT) !== 0);
      if (ev.kind === 'mbo') {
        ids.add(ev.orderId);
        lastFlags = ev.flags;
      }
    }
    s1.close();
    assert.equal(ids.size, 8_725);
    assert.ok((lastFlags & MBO_FLAG_LAST) !== 0);
    const s2 = openSource({ path: DAY2, format: 'dbn-mbo', instrument: ESH4 }, {});
    let snapshotAdds = 0;
    for (let ev = s2.next(); ev !== undefined && ev.kind === 'mbo' && (ev.flags & MBO_FLAG_SNAPSHOT) !== 0; ev = s2.next()) {
      assert.ok(ids.has(ev.orderId));
      snapshotAdds++;
    }
    s2.close();
    assert.equal(snapshotAdds, 8_725);
  });

  it('day 1 then day 2 replay exactly events(day1) + events(day2), with no unknown-order or duplicate-add event, ending at 4810.00 / 4810.25', () => {
    const e1 = countEvents(openSource({ path: DAY1, format: 'dbn-mbo', instrument: ESH4 }, {}));
    const e2 = countEvents(openSource({ path: DAY2, format: 'dbn-mbo', instrument: ESH4 }, {}));
    assert.equal(e1, 8_725);
    assert.equal(e2, 68_792);
    // listed in reverse: the merge puts day 1 first anyway (time order)
    const src = openReplay([
      { path: DAY2, format: 'dbn-mbo', instrument: ESH4 },
      { path: DAY1, format: 'dbn-mbo', instrument: ESH4 },
    ]);
    const book = new L3OrderBook(ESH4.id);
    let n = 0;
    let prev = -Infinity;
    for (let ev = src.next(); ev !== undefined; ev = src.next()) {
      assert.ok(eventTimeNs(ev) >= prev);
      prev = eventTimeNs(ev);
      if (ev.kind === 'mbo') book.apply(ev);
      n++;
    }
    assert.equal(src.timeBaseNs, 1_703_376_000_000_000_000n, 'UTC midnight of 2023-12-24, the earliest first event');
    assert.equal(n, e1 + e2);
    assert.equal(src.rejects.total, 0);
    assert.equal(book.unknownOrderEvents, 0);
    assert.equal(book.duplicateAddEvents, 0);
    assert.equal(book.snapshotResets, 1);
    assert.equal(ESH4.ticksToPrice(book.bestBidPrice()), '4810.00');
    assert.equal(ESH4.ticksToPrice(book.bestAskPrice()), '4810.25');
  });

  it('the example config examples/market-maker-es-2days.toml runs both days through the kernel', () => {
    const { results, node } = runBacktest(loadConfig('examples/market-maker-es-2days.toml'), { progress: false });
    assert.deepEqual(results.data.files, [DAY1, DAY2]);
    assert.equal(results.data.events, 8_725 + 68_792);
    assert.equal(results.data.rejected, 0);
    assert.equal(results.data.unknown_order_events, 0);
    assert.equal(results.data.duplicate_add_events, 0);
    assert.equal(results.data.book_snapshots, 2);
    assert.equal(results.data.book_snapshot_resets, 1);
    assert.deepEqual(results.data.events_by_instrument, { ESH4: 77_517 });
    const book = node.books.get(17077);
    assert.ok(book instanceof L3OrderBook);
    assert.equal(ESH4.ticksToPrice(book.bestBidPrice()), '4810.00');
    assert.equal(ESH4.ticksToPrice(book.bestAskPrice()), '4810.25');
    assert.equal(results.instruments[0].final_bid, 4810);
    assert.equal(results.instruments[0].final_ask, 4810.25);
    assert.equal(results.run.start, '2023-12-24T13:00:05.718200244Z');
    // CME trade dates with the 22:00 UTC day start: the snapshot days, then the re-open of 2023-12-25 22:00Z
    assert.equal(results.run.trading_day_start_utc, '22:00');
    assert.deepEqual(results.daily_pnl.map((d) => d.day), ['2023-12-24', '2023-12-25', '2023-12-26']);
    assert.equal(results.daily_pnl[2].fills, results.fills.length);
    assert.equal(node.oms.counters.anomalies, 0);
  });
});

describe('multi-instrument replay', () => {
  it('HistData EUR/USD quotes and Tardis Deribit BTC-PERPETUAL L2 merge in time order onto per-instrument books', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-two-'));
    try {
      const cfg = join(dir, 'two.toml');
      writeFileSync(
        cfg,
        [
          '[node]',
          'name = "two-instruments"',
          '[trading]',
          'strategy = "market_maker"',
          'starting_capital = "100000"',
          '[[trading.instruments]]',
          'id = 1',
          'symbol = "EURUSD"',
          'venue = "HISTDATA"',
          'tick_size = "0.00001"',
          'lot_size = "1"',
          'currency = "USD"',
          '[[trading.instruments]]',
          'id = 2',
          'symbol = "BTC-PERPETUAL"',
          'venue = "DERIBIT"',
          'tick_size = "0.5"',
          'lot_size = "10"',
          'currency = "USD"',
          // listed later in time first: the merge, not the list, decides the order
          '[[trading.data]]',
          `path = "${DATA}tardis-deribit-incremental-book-L2-BTC-PERPETUAL.csv"`,
          'format = "tardis-l2"',
          'instrument = "BTC-PERPETUAL"',
          '[[trading.data]]',
          `path = "${DATA}histdata-eurusd-ticks-20200101.csv"`,
          'format = "histdata"',
          'instrument = "EURUSD"',
          '[trading.params]',
          'instrument_id = 1',
          'quote_size = 1',
          '[risk]',
          'max_order_size = 2',
          'max_position = 5',
          '[output]',
          'progress = false',
          '',
        ].join('\n'),
      );
      const loaded = loadConfig(cfg);
      // the stream: every event in time order, EUR/USD (2020-01-01/02) before BTC-PERPETUAL (2020-04-01)
      const src = openReplay([
        { path: `${DATA}tardis-deribit-incremental-book-L2-BTC-PERPETUAL.csv`, format: 'tardis-l2', instrument: DERIBIT },
        { path: `${DATA}histdata-eurusd-ticks-20200101.csv`, format: 'histdata', instrument: EURUSD },
      ]);
      const seq: number[] = [];
      let prev = -Infinity;
      for (let ev = src.next(); ev !== undefined; ev = src.next()) {
        assert.ok(eventTimeNs(ev) >= prev, 'time order');
        prev = eventTimeNs(ev);
        if (seq.length === 0 || seq[seq.length - 1] !== ev.instrumentId) seq.push(ev.instrumentId);
      }
      assert.deepEqual(seq, [1, 2], 'all of EUR/USD, then all of BTC-PERPETUAL');

      const { results, node } = runBacktest(loaded, { progress: false });
      assert.equal(results.data.events, 9_500 + 15);
      assert.deepEqual(results.data.events_by_instrument, { EURUSD: 9_500, 'BTC-PERPETUAL': 15 });
      assert.equal(results.run.instrument, 'EURUSD,BTC-PERPETUAL');
      const eur = node.books.get(1);
      const btc = node.books.get(2);
      assert.ok(eur instanceof L2OrderBook && btc instanceof L2OrderBook, 'one book per instrument');
      // last HistData row: 20200101 230052125,1.121300,1.121320 ; Deribit: only asks, best 6421.5
      assert.equal(EURUSD.ticksToPrice(eur.bestBidPrice()), '1.12130');
      assert.equal(EURUSD.ticksToPrice(eur.bestAskPrice()), '1.12132');
      assert.ok(Number.isNaN(btc.bestBidPrice()));
      assert.equal(DERIBIT.ticksToPrice(btc.bestAskPrice()), '6421.5');
      assert.deepEqual(
        results.instruments.map((i) => [i.symbol, i.events, i.final_bid, i.final_ask]),
        [
          ['EURUSD', 9_500, 1.1213, 1.12132],
          ['BTC-PERPETUAL', 15, null, 6421.5],
        ],
      );
      assert.deepEqual(
        results.price_series.map((p) => [p.instrument, p.source]),
        [
          ['EURUSD', 'mid'],
          ['BTC-PERPETUAL', 'none'],
        ],
      );
      assert.ok(results.price_series[0].points.length > 300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('files more than ~104 days apart are refused with the reason (TrueFX 2013 + HistData 2020), exit 2 from the CLI', () => {
    const specs: DataFileSpec[] = [
      { path: `${DATA}truefx-usdjpy-ticks.csv`, format: 'truefx', instrument: USDJPY },
      { path: `${DATA}histdata-eurusd-ticks-20200101.csv`, format: 'histdata', instrument: EURUSD },
    ];
    assert.throws(() => openReplay(specs), (e: unknown) => e instanceof ReplaySpanError && /104 days/.test(e.message) && /truefx-usdjpy/.test(e.message));
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-span-'));
    try {
      const cfg = join(dir, 'span.toml');
      writeFileSync(
        cfg,
        [
          '[node]',
          'name = "span"',
          '[trading]',
          'strategy = "market_maker"',
          'starting_capital = "1000"',
          '[[trading.instruments]]',
          'id = 3',
          'symbol = "USDJPY"',
          'venue = "TRUEFX"',
          'tick_size = "0.001"',
          'lot_size = "1"',
          'currency = "JPY"',
          '[[trading.instruments]]',
          'id = 1',
          'symbol = "EURUSD"',
          'venue = "HISTDATA"',
          'tick_size = "0.00001"',
          'lot_size = "1"',
          'currency = "USD"',
          '[[trading.data]]',
          `path = "${DATA}truefx-usdjpy-ticks.csv"`,
          'format = "truefx"',
          'instrument = "USDJPY"',
          '[[trading.data]]',
          `path = "${DATA}histdata-eurusd-ticks-20200101.csv"`,
          'format = "histdata"',
          'instrument = "EURUSD"',
          '[trading.params]',
          'instrument_id = 3',
          '[risk]',
          'max_order_size = 1',
          'max_position = 1',
          '',
        ].join('\n'),
      );
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'backtest', '--config', cfg, '--out', join(dir, 'out'), '--no-progress'], { encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /trading\.data: the files start more than 104 days apart/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
