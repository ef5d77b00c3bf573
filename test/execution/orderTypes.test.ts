import assert from 'node:assert/strict';
import { test } from 'node:test';
import { venueHarness } from './harness.ts';

/** bid 100.00 (400) x5; offers 100.25 (401) x5 and 100.50 (402) x5. */
function market(h: ReturnType<typeof venueHarness>): void {
  h.mbo(0, 'A', 'B', 11, 400, 5);
  h.mbo(0, 'A', 'A', 21, 401, 5);
  h.mbo(0, 'A', 'A', 22, 402, 5);
}

test('STOP: waits for a print at or through its trigger, then takes liquidity as a market order when the packet ends', () => {
  const h = venueHarness();
  market(h);
  h.mbo(1, 'T', 'A', 0, 400, 1); // last trade 100.00
  const stop = h.order({ side: 'BUY', qty: 7, type: 'STOP', triggerPrice: 402 });
  h.venue.submit(stop);
  h.clock.advanceTo(2);
  assert.deepEqual(h.events(stop), ['ACCEPTED']);
  assert.equal(h.venue.pendingStopCount(1), 1);
  h.mbo(3, 'T', 'B', 0, 401, 2); // below the trigger: nothing
  h.mbo(4, 'C', 'A', 21, 401, 2);
  assert.equal(h.filled(stop), 0);
  // a buyer lifts 100.50: trigger. The print's own book reductions follow in the same packet.
  h.mbo(5, 'T', 'B', 0, 402, 1, false);
  h.clock.advanceTo(5);
  assert.equal(h.filled(stop), 0, 'waits for the end of the venue packet');
  h.mbo(5, 'C', 'A', 22, 402, 1, true);
  h.clock.advanceTo(6);
  // book now 401 x3, 402 x4: the market order takes 3 + 4 = 7
  assert.deepEqual(h.fills(stop), [
    [401, 3, 'TAKER'],
    [402, 4, 'TAKER'],
  ]);
  assert.equal(h.venue.pendingStopCount(), 0);
  assert.equal(h.venue.restingCount(), 0);
  // the fills are reported at the trigger time
  assert.ok(h.reports.filter((r) => r.clientOrderId === stop.clientOrderId && r.type === 'FILLED').every((r) => r.tsNs === 5));
});

test('STOP_LIMIT: triggers like a stop, then trades as a limit order and rests its remainder', () => {
  const h = venueHarness();
  h.mbo(0, 'A', 'B', 11, 400, 2);
  h.mbo(0, 'A', 'B', 12, 399, 2);
  h.mbo(0, 'A', 'B', 13, 398, 9);
  h.mbo(0, 'A', 'A', 21, 401, 5);
  h.mbo(1, 'T', 'A', 0, 400, 1);
  // sell stop at 99.75 (399), limit 99.75: sells into bids down to 399, rests the rest
  const sl = h.order({ side: 'SELL', qty: 6, type: 'STOP_LIMIT', triggerPrice: 399, price: 399 });
  h.venue.submit(sl);
  h.clock.advanceTo(2);
  h.mbo(3, 'T', 'A', 0, 400, 2); // at 100.00: above the trigger
  h.mbo(3, 'C', 'B', 11, 400, 2);
  assert.equal(h.filled(sl), 0);
  h.mbo(4, 'T', 'A', 0, 399, 1); // trigger; packet ends with the print itself
  h.clock.advanceTo(5);
  assert.deepEqual(h.fills(sl), [[399, 2, 'TAKER']], 'takes 399 only: 398 is through its limit');
  assert.equal(h.venue.restingCount(), 1, '4 lots rest at 99.75');
  assert.equal(h.venue.queueAhead(sl.clientOrderId), 0);
  h.mbo(6, 'T', 'B', 0, 399, 4);
  h.clock.advanceTo(7);
  assert.equal(h.filled(sl), 6);
  assert.deepEqual(h.events(sl), ['ACCEPTED']);
});

test('a stop whose trigger the market has already traded through is rejected on arrival; TIFs the rules refuse are rejected', () => {
  const h = venueHarness();
  market(h);
  h.mbo(1, 'T', 'B', 0, 401, 1);
  const through = h.order({ side: 'BUY', qty: 1, type: 'STOP', triggerPrice: 401 });
  const ioc = h.order({ side: 'BUY', qty: 1, type: 'STOP', triggerPrice: 405, tif: 'IOC' });
  const postIoc = h.order({ side: 'BUY', qty: 1, price: 399, tif: 'IOC', postOnly: true });
  h.venue.submit(through);
  h.venue.submit(ioc);
  h.venue.submit(postIoc);
  h.clock.advanceTo(2);
  assert.deepEqual(h.events(through), ['REJECTED:STOP_PRICE_THROUGH_MARKET']);
  assert.deepEqual(h.events(ioc), ['REJECTED:UNSUPPORTED_TIME_IN_FORCE']);
  assert.deepEqual(h.events(postIoc), ['REJECTED:POST_ONLY_NOT_ALLOWED']);
});

test('stops on L2 data trigger on the trades feed at once', () => {
  const h = venueHarness({ l2: true });
  h.level(0, 'B', 400, 5);
  h.level(0, 'A', 401, 5);
  h.trade(1, 'A', 400, 1);
  const stop = h.order({ side: 'SELL', qty: 2, type: 'STOP', triggerPrice: 399 });
  h.venue.submit(stop);
  h.clock.advanceTo(2);
  h.level(3, 'B', 400, 0);
  h.level(3, 'B', 399, 3);
  h.trade(4, 'A', 399, 1);
  h.clock.advanceTo(5);
  assert.deepEqual(h.fills(stop), [[399, 2, 'TAKER']]);
});

const DAY_NS = 86_400_000_000_000;
const HOUR_NS = 3_600_000_000_000;
const T0 = 1_703_462_400_000_000_000n; // 2023-12-25T00:00:00Z

test('DAY expires at the configured session close; an order placed after the close lives to the next one', () => {
  const h = venueHarness({ timeBaseNs: T0, sessionClose: '22:00' });
  h.mbo(0, 'A', 'B', 11, 400, 5);
  h.mbo(0, 'A', 'A', 21, 402, 5);
  h.clock.advanceTo(21 * HOUR_NS);
  const day = h.order({ side: 'BUY', qty: 1, price: 400, tif: 'DAY' });
  h.venue.submit(day);
  h.clock.advanceTo(22 * HOUR_NS - 1);
  assert.deepEqual(h.events(day), ['ACCEPTED']);
  assert.equal(h.venue.restingCount(), 1);
  h.clock.advanceTo(22 * HOUR_NS);
  assert.deepEqual(h.events(day), ['ACCEPTED', 'EXPIRED:DAY_EXPIRED']);
  assert.equal(h.reports.at(-1)?.tsNs, 22 * HOUR_NS);
  assert.equal(h.venue.restingCount(), 0);

  const late = h.order({ side: 'BUY', qty: 1, price: 400, tif: 'DAY' });
  h.clock.advanceTo(22 * HOUR_NS + 30 * 60e9);
  h.venue.submit(late);
  h.clock.advanceTo(DAY_NS + 22 * HOUR_NS - 1);
  assert.deepEqual(h.events(late), ['ACCEPTED']);
  h.clock.advanceTo(DAY_NS + 22 * HOUR_NS);
  assert.deepEqual(h.events(late), ['ACCEPTED', 'EXPIRED:DAY_EXPIRED']);
});

test('GTD expires at its expiry time (waiting stops too), not after a fill, and on arrival if latency made it late', () => {
  const h = venueHarness({ orderLatency: 100 });
  h.mbo(0, 'A', 'B', 11, 400, 5);
  h.mbo(0, 'A', 'A', 21, 402, 5);
  const gtd = h.order({ side: 'BUY', qty: 1, price: 400, tif: 'GTD', expireTimeNs: 5_000 });
  const stop = h.order({ side: 'BUY', qty: 1, type: 'STOP', triggerPrice: 405, tif: 'GTD', expireTimeNs: 6_000 });
  const filledFirst = h.order({ side: 'SELL', qty: 1, price: 401, tif: 'GTD', expireTimeNs: 5_000 });
  const tooLate = h.order({ side: 'BUY', qty: 1, price: 400, tif: 'GTD', expireTimeNs: 50 });
  for (const o of [gtd, stop, filledFirst, tooLate]) h.venue.submit(o);
  h.mbo(1_000, 'T', 'B', 0, 401, 1); // fills the 100.25 offer (nothing queued ahead of it)
  h.clock.advanceTo(4_999);
  assert.deepEqual(h.events(gtd), ['ACCEPTED']);
  h.clock.advanceTo(5_000);
  assert.deepEqual(h.events(gtd), ['ACCEPTED', 'EXPIRED:GTD_EXPIRED']);
  assert.deepEqual(h.events(filledFirst), ['ACCEPTED'], 'a filled order has nothing left to expire');
  assert.equal(h.filled(filledFirst), 1);
  h.clock.advanceTo(6_000);
  assert.deepEqual(h.events(stop), ['ACCEPTED', 'EXPIRED:GTD_EXPIRED']);
  assert.deepEqual(h.events(tooLate), ['EXPIRED:GTD_EXPIRED']);
  assert.equal(h.venue.restingCount() + h.venue.pendingStopCount(), 0);
});

test('replace to a crossing price takes liquidity as TAKER and rests what is left; a post-only replace that would cross is refused', () => {
  const h = venueHarness();
  h.mbo(0, 'A', 'B', 11, 400, 5);
  h.mbo(0, 'A', 'A', 21, 401, 1);
  h.mbo(0, 'A', 'A', 22, 402, 5);
  const buy = h.order({ side: 'BUY', qty: 2, price: 400 });
  const post = h.order({ side: 'BUY', qty: 1, price: 400, postOnly: true });
  h.venue.submit(buy);
  h.venue.submit(post);
  h.clock.advanceTo(1);
  assert.equal(h.venue.queueAhead(post.clientOrderId), 5);
  h.venue.replace(post, 402, 1);
  h.clock.advanceTo(2);
  assert.deepEqual(h.events(post), ['ACCEPTED', 'REPLACE_REJECTED:POST_ONLY_WOULD_TAKE']);
  assert.equal(h.venue.queueAhead(post.clientOrderId), 5, 'keeps its price and its place');
  h.venue.replace(buy, 401, 3); // crosses 100.25 x1: takes it, rests 2 at 100.25
  h.clock.advanceTo(3);
  assert.deepEqual(h.events(buy), ['ACCEPTED', 'REPLACED']);
  assert.deepEqual(h.fills(buy), [[401, 1, 'TAKER']]);
  assert.equal(h.venue.queueAhead(buy.clientOrderId), 0, 'alone at its new price');
  h.mbo(3, 'C', 'A', 21, 401, 1); // (the replay is not depleted by our fills: take the 100.25 lot out by hand)
  h.venue.replace(buy, 402, 3); // crosses 100.50 x5: the 2 left fill
  h.clock.advanceTo(4);
  assert.deepEqual(h.fills(buy), [
    [401, 1, 'TAKER'],
    [402, 2, 'TAKER'],
  ]);
  assert.equal(h.venue.restingCount(), 1, 'only the post-only order is left');
  // REPLACED goes out before the fills it causes
  const types = h.reports.filter((r) => r.clientOrderId === buy.clientOrderId).map((r) => r.type);
  assert.deepEqual(types, ['ACCEPTED', 'REPLACED', 'FILLED', 'REPLACED', 'FILLED']);
});

/** Our sell 2 @ 100.25 rests behind 5 displayed lots; then our own buy 10 @ 100.50 IOC arrives. */
function selfTradeScenario(policy: 'cancel_incoming' | 'cancel_resting' | 'none') {
  const h = venueHarness({ selfTrade: policy });
  h.mbo(0, 'A', 'B', 11, 400, 5);
  h.mbo(0, 'A', 'A', 21, 401, 5);
  h.mbo(0, 'A', 'A', 22, 402, 5);
  const resting = h.order({ side: 'SELL', qty: 2, price: 401 });
  h.venue.submit(resting);
  h.clock.advanceTo(1);
  assert.equal(h.venue.queueAhead(resting.clientOrderId), 5);
  const incoming = h.order({ side: 'BUY', qty: 10, price: 402, tif: 'IOC' });
  h.venue.submit(incoming);
  h.clock.advanceTo(2);
  return { h, resting, incoming };
}

test('self-trade prevention cancel_incoming (default): the incoming order trades up to our own order, then its remainder is cancelled', () => {
  const { h, resting, incoming } = selfTradeScenario('cancel_incoming');
  assert.deepEqual(h.fills(incoming), [[401, 5, 'TAKER']], 'the 5 lots queued ahead of our offer trade first');
  assert.deepEqual(h.events(incoming), ['ACCEPTED', 'CANCELED:SELF_TRADE_PREVENTED']);
  assert.deepEqual(h.events(resting), ['ACCEPTED']);
  assert.equal(h.filled(resting), 0);
  assert.equal(h.venue.restingCount(), 1);
});

test('self-trade prevention cancel_resting: our resting order is cancelled and the incoming order goes on', () => {
  const { h, resting, incoming } = selfTradeScenario('cancel_resting');
  assert.deepEqual(h.fills(incoming), [
    [401, 5, 'TAKER'],
    [402, 5, 'TAKER'],
  ]);
  assert.deepEqual(h.events(incoming), ['ACCEPTED']);
  assert.deepEqual(h.events(resting), ['ACCEPTED', 'CANCELED:SELF_TRADE_PREVENTED']);
  assert.equal(h.venue.restingCount(), 0);
});

test('self-trade prevention none: we trade with ourselves at the resting price (TAKER and MAKER fills), then go on', () => {
  const { h, resting, incoming } = selfTradeScenario('none');
  assert.deepEqual(h.fills(incoming), [
    [401, 5, 'TAKER'],
    [401, 2, 'TAKER'],
    [402, 3, 'TAKER'],
  ]);
  assert.deepEqual(h.fills(resting), [[401, 2, 'MAKER']]);
  assert.equal(h.venue.restingCount(), 0);
});

test('self-trade prevention also guards replaces, FOK counts only what it may trade, and post-only refuses to cross our own order', () => {
  const h = venueHarness();
  h.mbo(0, 'A', 'B', 11, 399, 5);
  h.mbo(0, 'A', 'A', 21, 402, 5);
  const ask = h.order({ side: 'SELL', qty: 1, price: 401 }); // our offer improves the displayed 100.50
  const bid = h.order({ side: 'BUY', qty: 1, price: 400 });
  h.venue.submit(ask);
  h.venue.submit(bid);
  h.clock.advanceTo(1);
  const post = h.order({ side: 'BUY', qty: 1, price: 401, postOnly: true });
  const fok = h.order({ side: 'BUY', qty: 3, price: 402, tif: 'FOK' });
  h.venue.submit(post);
  h.venue.submit(fok);
  h.clock.advanceTo(2);
  assert.deepEqual(h.events(post), ['REJECTED:POST_ONLY_WOULD_TAKE'], 'our own offer at 100.25 is liquidity it would take');
  assert.deepEqual(h.events(fok), ['ACCEPTED', 'EXPIRED:FOK_NOT_FILLED'], 'our offer is met before the displayed 100.50');
  h.venue.replace(bid, 401, 1);
  h.clock.advanceTo(3);
  assert.deepEqual(h.events(bid), ['ACCEPTED', 'REPLACED', 'CANCELED:SELF_TRADE_PREVENTED']);
  assert.deepEqual(h.events(ask), ['ACCEPTED']);
  assert.equal(h.venue.restingCount(), 1);
});
