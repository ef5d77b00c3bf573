import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock, limitIntent, type MarketEvent, type MboEvent, type TradeEvent } from '../../src/core/index.ts';
import { MarketDataDelay } from '../../src/execution/sim/MarketDataDelay.ts';
import { ES_ID, kernelHarness } from './kernelHarness.ts';

test('the delay line hands each event over exactly latency later, in order, as a copy of what the source sent', () => {
  const clock = new SimClock(0n);
  const delay = new MarketDataDelay(clock, 100, 2);
  const out: { at: number; price: number; kind: string }[] = [];
  delay.connect((ev) => out.push({ at: clock.now(), price: ev.kind === 'mbo' || ev.kind === 'trade' ? ev.price : -1, kind: ev.kind }));
  // the source reuses one object: mutate it after each push
  const ev: MboEvent = { kind: 'mbo', tsNs: 0, tsRecvNs: 0, instrumentId: 1, action: 'A', side: 'B', orderId: 1, price: 400, size: 1, flags: 0, sequence: 0 };
  for (let i = 0; i < 5; i++) {
    clock.advanceTo(i * 10);
    ev.price = 400 + i;
    delay.push(ev);
  }
  const trade: TradeEvent = { kind: 'trade', tsNs: 50, instrumentId: 1, price: 999, size: 1, aggressor: 'B', tradeId: 'x' };
  clock.advanceTo(50);
  delay.push(trade);
  ev.price = -7; // the source moved on
  assert.ok(delay.capacity >= 6, 'grew past its initial 2 slots');
  clock.advanceTo(99);
  assert.equal(out.length, 0);
  clock.advanceTo(120);
  assert.deepEqual(out, [
    { at: 100, price: 400, kind: 'mbo' },
    { at: 110, price: 401, kind: 'mbo' },
    { at: 120, price: 402, kind: 'mbo' },
  ]);
  clock.advanceTo(1_000);
  assert.deepEqual(
    out.map((o) => [o.at, o.price]),
    [
      [100, 400],
      [110, 401],
      [120, 402],
      [130, 403],
      [140, 404],
      [150, 999],
    ],
  );
  assert.equal(delay.pending, 0);
  assert.throws(() => new MarketDataDelay(clock, 0), /> 0/);
});

test('the delay line interleaves with other clock timers in true time order', () => {
  const clock = new SimClock(0n);
  const delay = new MarketDataDelay(clock, 100);
  const log: string[] = [];
  delay.connect((ev: MarketEvent) => log.push(`md@${clock.now()}:${ev.kind}`));
  delay.push({ kind: 'quote', tsNs: 0, instrumentId: 1, bidPrice: 1, askPrice: 2, bidSize: 1, askSize: 1 });
  clock.setTimer(50, () => log.push('report@50'));
  clock.setTimer(150, () => log.push('report@150'));
  clock.advanceTo(10);
  delay.push({ kind: 'bar', tsNs: 10, instrumentId: 1, intervalNs: 1, open: 1, high: 1, low: 1, close: 1, volume: 0 });
  clock.advanceTo(500);
  assert.deepEqual(log, ['report@50', 'md@100:quote', 'md@110:bar', 'report@150']);
});

/**
 * Bid 100.00, offer 100.25 x1 at t=0; at t=100 that offer is gone and 101.25 is best. The
 * strategy buys 100.25 IOC the first time it sees it.
 */
function staleBookRun(marketDataLatencyNs: number) {
  const h = kernelHarness({ latency: { market_data_latency_ns: marketDataLatencyNs } });
  let sent = false;
  h.strategy.onBookHook = (book, ctx) => {
    if (!sent && book.bestAskPrice() === 401) {
      sent = true;
      ctx.submit(limitIntent(ES_ID, 'BUY', 401, 1, 'IOC'));
    }
  };
  h.mbo(0, 'A', 'B', 11, 400, 5);
  h.mbo(0, 'A', 'A', 21, 401, 1);
  h.mbo(100, 'C', 'A', 21, 401, 1);
  h.mbo(100, 'A', 'A', 22, 405, 5);
  h.node.clock.advanceTo(550);
  const strategyBook = h.node.kernel.book(ES_ID);
  const venueBook = h.node.books.get(ES_ID);
  const stale = { strategyAsk: strategyBook.bestAskPrice(), venueAsk: venueBook?.bestAskPrice() };
  h.node.clock.advanceTo(10_000);
  return { h, stale, order: h.node.oms.all()[0] };
}

test('market-data latency: the strategy acts on the book as it was, the venue matches on the book as it is', () => {
  const now = staleBookRun(0);
  assert.deepEqual(
    now.h.fills.map((f) => [f.price, f.qty, f.liquidity]),
    [[401, 1, 'TAKER']],
    'without latency the strategy catches the 100.25 offer',
  );

  const late = staleBookRun(500);
  // at t=550 the strategy sees 100.25 as the best offer (the t=0 book); the venue has had 101.25 since t=100
  assert.deepEqual(late.stale, { strategyAsk: 401, venueAsk: 405 });
  // it saw each book update exactly 500 ns late
  assert.deepEqual(
    late.h.strategy.seen.map((s) => [s.t, s.ask]),
    [
      [500, NaN],
      [500, 401],
      [600, NaN],
      [600, 405],
    ],
  );
  assert.equal(late.h.fills.length, 0, 'the offer it reacted to had gone 400 ns before it saw it');
  assert.equal(late.order.status, 'CANCELED');
  assert.equal(late.order.reason, 'IOC_REMAINDER');
});

test('market-data latency: after stop() delayed events still mark the books but reach no strategy', () => {
  const h = kernelHarness({ latency: { market_data_latency_ns: 1_000 } });
  h.mbo(0, 'A', 'B', 11, 400, 5);
  h.mbo(10, 'A', 'A', 21, 401, 1);
  h.node.kernel.stop();
  h.node.clock.advanceTo(5_000);
  assert.equal(h.strategy.seen.length, 0);
  assert.equal(h.node.kernel.book(ES_ID).bestAskPrice(), 401, 'the lagged book caught up');
});
