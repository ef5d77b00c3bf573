import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MboAction } from '../../src/core/index.ts';
import { NO_FEES, venueHarness } from './harness.ts';

/** The shared venue harness, with this file's original call shapes (feed an MBO record; fills by client order id). */
function setup(opts: { orderLatency?: number; ackLatency?: number; fees?: typeof NO_FEES } = {}) {
  const h = venueHarness(opts);
  const feed = (t: number, action: MboAction, side: 'B' | 'A' | 'N', orderId: number, price: number, size: number): void => h.mbo(t, action, side, orderId, price, size);
  const filled = (id: string): number => h.reports.filter((r) => r.type === 'FILLED' && r.clientOrderId === id).reduce((sum, r) => sum + r.lastQty, 0);
  return { clock: h.clock, book: h.l3, venue: h.venue, reports: h.reports, feed, order: h.order, filled };
}

test('L3 queue position: fills only after exactly the quantity ahead of it has traded', () => {
  const { clock, venue, feed, order, filled } = setup();
  feed(1, 'A', 'B', 11, 400, 5); // bid 100.00 x5 (id 11)
  feed(2, 'A', 'B', 12, 400, 3); // bid 100.00 x3 (id 12)
  feed(3, 'A', 'A', 21, 401, 10); // offer 100.25
  const buy = order({ side: 'BUY', qty: 2, price: 400 });
  venue.submit(buy);
  clock.advanceTo(4);
  assert.equal(venue.queueAhead(buy.clientOrderId), 8, 'joins behind 5 + 3');
  feed(5, 'A', 'B', 13, 400, 4); // arrives after us: behind
  // a seller hits 6 lots at 100.00: all of them go to the 8 ahead of us
  feed(6, 'T', 'A', 0, 400, 6);
  assert.equal(filled(buy.clientOrderId), 0);
  feed(6, 'C', 'B', 11, 400, 5); // the resting side's reductions follow the print
  feed(6, 'C', 'B', 12, 400, 1);
  assert.equal(venue.queueAhead(buy.clientOrderId), 2);
  feed(7, 'C', 'B', 13, 400, 4); // an order behind us leaving does not move us
  assert.equal(venue.queueAhead(buy.clientOrderId), 2);
  feed(8, 'T', 'A', 0, 400, 3); // 2 to the order ahead, 1 to us
  clock.advanceTo(9);
  assert.equal(filled(buy.clientOrderId), 1);
  feed(9, 'C', 'B', 12, 400, 2);
  assert.equal(venue.queueAhead(buy.clientOrderId), 0);
  feed(10, 'T', 'A', 0, 400, 5);
  clock.advanceTo(11);
  assert.equal(filled(buy.clientOrderId), 2, 'fully filled, never more than its quantity');
  assert.equal(venue.restingCount(), 0);
});

test('a modify that increases size or moves price sends the order ahead of us to the back; a decrease keeps it ahead', () => {
  const { clock, venue, feed, order } = setup();
  feed(1, 'A', 'B', 11, 400, 5);
  feed(1, 'A', 'B', 12, 400, 3);
  const buy = order({ side: 'BUY', qty: 1, price: 400 });
  venue.submit(buy);
  clock.advanceTo(2);
  assert.equal(venue.queueAhead(buy.clientOrderId), 8);
  feed(3, 'M', 'B', 12, 400, 2); // decrease: keeps priority, 1 lot less ahead
  assert.equal(venue.queueAhead(buy.clientOrderId), 7);
  feed(4, 'M', 'B', 11, 400, 6); // increase: goes behind us
  assert.equal(venue.queueAhead(buy.clientOrderId), 2);
  feed(5, 'M', 'B', 12, 399, 2); // price change away: no longer at our level
  assert.equal(venue.queueAhead(buy.clientOrderId), 0);
});

test('a print through our price fills us without waiting for the queue', () => {
  const { clock, venue, feed, order, filled, reports } = setup();
  feed(1, 'A', 'B', 11, 400, 50);
  feed(1, 'A', 'A', 21, 402, 5);
  const sell = order({ side: 'SELL', qty: 3, price: 401 }); // improves the offer
  venue.submit(sell);
  clock.advanceTo(2);
  feed(3, 'T', 'B', 0, 402, 2); // buyer lifted 100.50, above our 100.25 offer
  clock.advanceTo(4);
  assert.equal(filled(sell.clientOrderId), 2, 'up to the print size');
  const f = reports.find((r) => r.type === 'FILLED');
  assert.equal(f?.lastPrice, 401, 'at our limit price');
  assert.equal(f?.liquidity, 'MAKER');
  feed(5, 'T', 'A', 0, 400, 10); // a seller's print cannot fill our offer
  clock.advanceTo(6);
  assert.equal(filled(sell.clientOrderId), 2);
});

test('order latency: a print before the order reaches the venue cannot fill it', () => {
  const { clock, venue, feed, order, filled } = setup({ orderLatency: 1000 });
  feed(0, 'A', 'B', 11, 400, 1);
  feed(0, 'A', 'A', 21, 402, 1);
  const buy = order({ side: 'BUY', qty: 1, price: 401 });
  venue.submit(buy); // reaches the venue at t=1000
  feed(500, 'T', 'A', 0, 401, 5); // would fill an order already resting at 100.25
  clock.advanceTo(999);
  assert.equal(filled(buy.clientOrderId), 0);
  assert.equal(venue.restingCount(), 0, 'not arrived yet');
  feed(1500, 'T', 'A', 0, 401, 5);
  clock.advanceTo(1501);
  assert.equal(filled(buy.clientOrderId), 1);
});

test('ack latency delays every report by exactly its amount', () => {
  const { clock, venue, feed, order, reports } = setup({ orderLatency: 100, ackLatency: 250 });
  feed(0, 'A', 'B', 11, 400, 1);
  feed(0, 'A', 'A', 21, 402, 1);
  venue.submit(order({ side: 'BUY', qty: 1, price: 400 }));
  clock.advanceTo(349);
  assert.equal(reports.length, 0);
  clock.advanceTo(350);
  assert.deepEqual(reports.map((r) => [r.type, r.tsNs]), [['ACCEPTED', 100]]);
});

test('marketable orders take displayed liquidity level by level as TAKER; post-only and FOK refuse', () => {
  const fees = { ...NO_FEES, taker_fee_per_contract: '2.00', maker_fee_per_contract: '-0.50' };
  const { clock, venue, feed, order, reports } = setup({ fees });
  feed(0, 'A', 'B', 11, 400, 5);
  feed(0, 'A', 'A', 21, 401, 2);
  feed(0, 'A', 'A', 22, 402, 3);
  const take = order({ side: 'BUY', qty: 4, price: 402, tif: 'IOC' });
  venue.submit(take);
  clock.advanceTo(1);
  const fills = reports.filter((r) => r.type === 'FILLED');
  assert.deepEqual(fills.map((f) => [f.lastPrice, f.lastQty, f.liquidity, f.fee]), [
    [401, 2, 'TAKER', 4_000_000_000n],
    [402, 2, 'TAKER', 4_000_000_000n],
  ]);
  const post = order({ side: 'BUY', qty: 1, price: 401, postOnly: true });
  venue.submit(post);
  const fok = order({ side: 'BUY', qty: 10, price: 402, tif: 'FOK' });
  venue.submit(fok);
  const ioc = order({ side: 'BUY', qty: 10, price: 401, tif: 'IOC' });
  venue.submit(ioc);
  clock.advanceTo(2);
  assert.equal(reports.find((r) => r.clientOrderId === post.clientOrderId && r.type === 'REJECTED')?.reason, 'POST_ONLY_WOULD_TAKE');
  assert.equal(reports.find((r) => r.clientOrderId === fok.clientOrderId && r.type === 'EXPIRED')?.reason, 'FOK_NOT_FILLED');
  assert.equal(reports.filter((r) => r.clientOrderId === fok.clientOrderId && r.type === 'FILLED').length, 0, 'FOK never fills partially');
  assert.equal(reports.filter((r) => r.clientOrderId === ioc.clientOrderId && r.type === 'FILLED').reduce((s, r) => s + r.lastQty, 0), 2);
  assert.equal(reports.find((r) => r.clientOrderId === ioc.clientOrderId && r.type === 'CANCELED')?.reason, 'IOC_REMAINDER');
  // a resting maker fill earns the rebate
  const rest = order({ side: 'SELL', qty: 1, price: 403 });
  venue.submit(rest);
  clock.advanceTo(3);
  feed(4, 'T', 'B', 0, 404, 1);
  clock.advanceTo(5);
  const maker = reports.find((r) => r.clientOrderId === rest.clientOrderId && r.type === 'FILLED');
  assert.equal(maker?.fee, -500_000_000n);
});

test('cancel and cancel/replace: price change loses priority, size decrease keeps it, late cancel is rejected', () => {
  const { clock, venue, feed, order, reports } = setup();
  feed(0, 'A', 'B', 11, 400, 5);
  feed(0, 'A', 'A', 21, 402, 5);
  const buy = order({ side: 'BUY', qty: 3, price: 400 });
  venue.submit(buy);
  clock.advanceTo(1);
  feed(2, 'A', 'B', 12, 400, 4); // behind us
  assert.equal(venue.queueAhead(buy.clientOrderId), 5);
  venue.replace(buy, 400, 2); // size decrease: keeps its place
  clock.advanceTo(3);
  assert.equal(venue.queueAhead(buy.clientOrderId), 5);
  venue.replace(buy, 400, 4); // size increase: to the back, behind 12 too
  clock.advanceTo(4);
  assert.equal(venue.queueAhead(buy.clientOrderId), 9);
  venue.cancel(buy);
  clock.advanceTo(5);
  assert.equal(venue.restingCount(), 0);
  venue.cancel(buy);
  clock.advanceTo(6);
  assert.deepEqual(reports.map((r) => r.type), ['ACCEPTED', 'REPLACED', 'REPLACED', 'CANCELED', 'CANCEL_REJECTED']);
});

test('no continuous matching while the book is crossed (pre-open)', () => {
  const { clock, venue, feed, order, reports } = setup();
  feed(0, 'A', 'B', 11, 402, 5);
  feed(0, 'A', 'A', 21, 400, 5); // crossed, as CME's pre-open allows
  const buy = order({ side: 'BUY', qty: 1, price: 401 });
  venue.submit(buy);
  const mkt = order({ side: 'SELL', qty: 1, price: 0, type: 'MARKET', tif: 'IOC' });
  venue.submit(mkt);
  clock.advanceTo(1);
  assert.equal(reports.filter((r) => r.type === 'FILLED').length, 0);
  assert.equal(venue.restingCount(), 1, 'the limit rests for the open');
  assert.equal(reports.find((r) => r.clientOrderId === mkt.clientOrderId)?.reason, 'NO_CONTINUOUS_MARKET');
  feed(2, 'T', 'N', 0, 401, 10); // the opening print at our price with nothing ahead of us fills us
  clock.advanceTo(3);
  assert.equal(reports.filter((r) => r.type === 'FILLED').length, 1);
});
