import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Instrument, MBO_FLAG_LAST, type L2Event, type MboEvent } from '../../src/core/index.ts';
import { L2OrderBook } from '../../src/data/book/L2OrderBook.ts';
import { L3OrderBook } from '../../src/data/book/L3OrderBook.ts';
import { DbnMboSource } from '../../src/data/dbn/DbnMboSource.ts';
import { openFileSource } from '../../src/data/readers/index.ts';

const ES = new Instrument({ id: 17077, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const DATA = '../shared/data';

test('L3 book rebuilt from the real ESH4 2023-12-25 MBO stream ends at 4810.00 / 4810.25 with no unknown order ids', () => {
  const src = new DbnMboSource(`${DATA}/cme-esh4-20231225.mbo.dbn.zst`, [ES]);
  const book = new L3OrderBook(ES.id);
  let n = 0;
  let crossedWhileOpen = 0;
  let firstTradeNs = -1;
  for (let ev = src.next(); ev !== undefined; ev = src.next()) {
    const r = book.apply(ev as MboEvent);
    if ((ev as MboEvent).action === 'T' && firstTradeNs < 0) firstTradeNs = (ev as MboEvent).tsNs;
    void r;
    if (firstTradeNs >= 0 && ((ev as MboEvent).flags & MBO_FLAG_LAST) !== 0 && book.isCrossed()) crossedWhileOpen++;
    n++;
  }
  assert.equal(n, 68_792);
  assert.equal(book.unknownOrderEvents, 0, 'no cancel or modify refers to an unknown order');
  assert.equal(book.duplicateAddEvents, 0);
  assert.equal(ES.ticksToPrice(book.bestBidPrice()), '4810.00');
  assert.equal(ES.ticksToPrice(book.bestAskPrice()), '4810.25');
  assert.ok(book.bestBidSize() > 0 && book.bestAskSize() > 0);
  assert.equal(book.isTwoSided(), true);
  // CME's pre-open is legitimately crossed: reported (counted), never treated as corruption
  assert.ok(book.crossedEvents > 0, 'the pre-open crossing is seen and counted');
  assert.equal(crossedWhileOpen, 0, 'once the Globex open has printed, the book is never crossed at the end of a venue packet');
  assert.equal(src.rejects.total, 0);
});

test('L3 book: depth, level walk and priority bookkeeping on a hand-built book', () => {
  const book = new L3OrderBook(1);
  const ev = (action: MboEvent['action'], side: 'B' | 'A', orderId: number, price: number, size: number): MboEvent => ({
    kind: 'mbo', tsNs: 0, tsRecvNs: 0, instrumentId: 1, action, side, orderId, price, size, flags: 0, sequence: 0,
  });
  book.apply(ev('A', 'B', 1, 100, 5));
  book.apply(ev('A', 'B', 2, 99, 7));
  book.apply(ev('A', 'B', 3, 100, 2));
  book.apply(ev('A', 'A', 4, 102, 4));
  assert.equal(book.bestBidPrice(), 100);
  assert.equal(book.bestBidSize(), 7);
  assert.equal(book.depth('B', 2), 14);
  assert.equal(book.levelPrice('B', 1), 99);
  assert.ok(Number.isNaN(book.levelPrice('B', 2)));
  assert.equal(book.sizeAheadOf('B', 100, book.peekNextPriority()), 7);
  assert.equal(book.apply(ev('C', 'B', 1, 100, 2)), 'reduced');
  assert.equal(book.touchedRemoved, 2);
  assert.equal(book.apply(ev('M', 'B', 3, 101, 2)), 'modified'); // price change
  assert.equal(book.bestBidPrice(), 101);
  assert.equal(book.apply(ev('C', 'B', 3, 101, 2)), 'removed');
  assert.equal(book.bestBidPrice(), 100);
  assert.equal(book.apply(ev('C', 'B', 999, 100, 1)), 'unknown_order');
  assert.equal(book.unknownOrderEvents, 1);
  assert.equal(book.apply(ev('A', 'A', 5, 100, 1)), 'added');
  assert.equal(book.isCrossed(), true);
  book.apply({ ...ev('R', 'B', 0, 0, 0), side: 'N' });
  assert.equal(book.orderCount, 0);
  assert.ok(Number.isNaN(book.bestBidPrice()));
});

test('L2 book from the real Binance snapshot + updates: best bid below best ask after every complete message', () => {
  const BTC = new Instrument({ id: 1, symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: '0.1', lotSize: '0.001', multiplier: '1', currency: 'USDT' });
  const book = new L2OrderBook(1);
  let messages = 0;
  for (const file of ['binance-btcusdt-depth-snap.csv', 'binance-btcusdt-depth-update.csv']) {
    const src = openFileSource('binance-depth', `${DATA}/${file}`, BTC, { timeBaseNs: 1667260800000000000n });
    for (let ev = src.next(); ev !== undefined; ev = src.next()) {
      book.apply(ev as L2Event);
      if ((ev as L2Event).isLast) messages++;
    }
    assert.equal(src.rejects.total, 0);
  }
  assert.ok(messages >= 2);
  assert.ok(book.bestBidPrice() < book.bestAskPrice(), `${book.bestBidPrice()} < ${book.bestAskPrice()}`);
  assert.ok(book.levelCount('B') > 0 && book.levelCount('A') > 0);
});
