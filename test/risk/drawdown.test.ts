import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitIntent, marketIntent, type Order, type TradeEvent } from '../../src/core/index.ts';
import { Strategy } from '../../src/strategy/Strategy.ts';
import { buildKernel } from './harness.ts';

/** Buys 4 lots at market on every print while it holds less than 40, and keeps one bid resting far below. */
class SteadyLoser extends Strategy {
  readonly denied: Order[] = [];
  restingId = '';

  override onStart(): void {
    this.restingId = this.ctx.submit(limitIntent(1, 'BUY', 18_000, 1)).clientOrderId;
  }

  override onTrade(trade: TradeEvent): void {
    if (this.ctx.position(trade.instrumentId) >= 40) return;
    const o = this.ctx.submit(marketIntent(trade.instrumentId, 'BUY', 4));
    if (o.status === 'DENIED') this.denied.push(o);
  }
}

test('a steadily losing strategy walks NORMAL -> WARNING (sizes halved) -> CIRCUIT_BREAKER -> COOLDOWN -> reset', () => {
  const strategy = new SteadyLoser('loser');
  const { clock, kernel, venue, risk, oms, portfolio, states, bus } = buildKernel(
    { maxOrderSize: 10, maxPosition: 50, maxOpenOrders: 10, maxOrdersPerSecond: 100, warningDrawdownPct: 0.05, maxDrawdownPct: 0.1, cooldownNs: 60e9 },
    { capital: '50000', strategy },
  );
  // the size of every market order that left, with the risk state it left in
  const sent: { state: string; qty: number }[] = [];
  bus.subscribe('order.event', (e) => {
    if (e.type === 'OrderSubmitted' && e.order.type === 'MARKET') sent.push({ state: risk.state, qty: e.order.qty });
  });
  const trade: TradeEvent = { kind: 'trade', tsNs: 0, instrumentId: 1, price: 0, size: 1, aggressor: 'A', tradeId: '' };
  let t = 0;
  /** One print at `price`, then 5 ms for the venue's answers. */
  const print = (price: number): void => {
    t += 1e9;
    venue.px.set(1, price);
    clock.advanceTo(t);
    trade.tsNs = t;
    trade.price = price;
    kernel.onMarketEvent(trade);
    clock.advanceTo(t + 5e6);
  };
  kernel.start();
  clock.advanceTo(5e6);
  const resting = oms.get(strategy.restingId) as Order;
  assert.equal(resting.status, 'ACCEPTED');

  // the market falls 8 ticks (100 USD a lot) a print; every print it buys more
  let price = 19_200;
  while (risk.state === 'NORMAL') {
    print(price);
    price -= 8;
    assert.ok(t < 100e9, 'never reached WARNING');
  }
  assert.equal(risk.state, 'WARNING');
  assert.match(states[0].reason, /drawdown \d+\.\d\d% > warning_drawdown_pct 5\.00%/);
  while (risk.state === 'WARNING') {
    print(price);
    price -= 8;
  }
  const normalOrders = sent.filter((s) => s.state === 'NORMAL');
  const warningOrders = sent.filter((s) => s.state === 'WARNING');
  assert.ok(normalOrders.length >= 3);
  assert.ok(normalOrders.every((o) => o.qty === 4), 'NORMAL: 4 lots as asked');
  assert.ok(warningOrders.length >= 1, 'it kept buying in WARNING');
  assert.ok(warningOrders.every((o) => o.qty === 2), `WARNING: halved to 2 lots, got ${warningOrders.map((o) => o.qty).join(',')}`);
  assert.equal(sent.length, normalOrders.length + warningOrders.length, 'nothing risk-increasing left in any other state');

  // CIRCUIT_BREAKER: the resting bid is cancelled, risk-increasing orders are denied, reducing ones go
  assert.equal(risk.state, 'CIRCUIT_BREAKER');
  assert.match(states.at(-1)?.reason ?? '', /drawdown \d+\.\d\d% > max_drawdown_pct 10\.00%/);
  assert.deepEqual(venue.cancels, [strategy.restingId]);
  assert.equal(resting.status, 'CANCELED');
  assert.equal(oms.openOrderCount(), 0);
  const deniedBefore = strategy.denied.length;
  print(price); // the strategy tries to buy again
  assert.equal(strategy.denied.length, deniedBefore + 1);
  assert.equal(strategy.denied.at(-1)?.reason, 'CIRCUIT_BREAKER');
  const held = portfolio.position(1);
  const sell = kernel.submit(marketIntent(1, 'SELL', 4));
  assert.equal(sell.status, 'SUBMITTED', 'a risk-reducing order is accepted');
  clock.advanceTo(t + 10e6);
  assert.equal(portfolio.position(1), held - 4);
  const buy = kernel.submit(limitIntent(1, 'BUY', price, 1));
  assert.equal(buy.status, 'DENIED');
  assert.equal(buy.reason, 'CIRCUIT_BREAKER');

  // reset refused during the cooldown, with the reason
  const early = risk.reset('desk-head', 'try again');
  assert.equal(early.accepted, false);
  assert.match(early.accepted ? '' : early.reason, /cooldown not over: \d+\.\d{3} s left/);
  const tripAt = states.at(-1)?.tsNs ?? 0;
  clock.advanceTo(tripAt + 60e9);
  assert.equal(risk.state, 'COOLDOWN');
  assert.equal(kernel.submit(limitIntent(1, 'BUY', price, 1)).reason, 'COOLDOWN');

  // cooldown over but drawdown still above the warning line: refused
  const stillDown = risk.reset('desk-head', 'cooldown over');
  assert.equal(stillDown.accepted, false);
  assert.match(stillDown.accepted ? '' : stillDown.reason, /drawdown \d+\.\d\d% still above warning_drawdown_pct 5\.00%/);

  // the market comes back: drawdown under the warning line, reset accepted
  t = clock.now();
  for (let p = price; risk.drawdown() > 0.05; p += 8) {
    print(p);
    assert.ok(p < 20_000, 'never recovered');
  }
  assert.equal(risk.state, 'COOLDOWN', 'recovery alone does not leave COOLDOWN');
  assert.deepEqual(risk.reset('desk-head', 'drawdown recovered'), { accepted: true, from: 'COOLDOWN', to: 'NORMAL' });
  assert.equal(kernel.submit(limitIntent(1, 'BUY', 19_000, 1)).status, 'SUBMITTED');
  assert.deepEqual(
    states.map((s) => s.to),
    ['WARNING', 'CIRCUIT_BREAKER', 'COOLDOWN', 'NORMAL'],
  );
  assert.match(states[3].reason, /reset by desk-head: drawdown recovered/);
  assert.deepEqual(risk.transitions, states);
});

test('kill switch in the kernel: cancel all, then flatten once the cancels are answered, then disconnect; only flatten orders pass', () => {
  const { clock, kernel, venue, risk, oms, portfolio, states } = buildKernel({
    maxOrderSize: 10,
    maxPosition: 20,
    maxOpenOrders: 10,
    maxOrdersPerSecond: 100,
    warningDrawdownPct: 0.5,
    maxDrawdownPct: 0.9,
    flattenOnKill: true,
  });
  kernel.start();
  venue.px.set(1, 19_200);
  kernel.submit(marketIntent(1, 'BUY', 6));
  const bid = kernel.submit(limitIntent(1, 'BUY', 19_000, 2));
  const ask = kernel.submit(limitIntent(1, 'SELL', 19_400, 2));
  clock.advanceTo(5e6);
  assert.equal(portfolio.position(1), 6);
  assert.equal(oms.openOrderCount(), 2);

  risk.kill('operator: strategy misbehaving');
  assert.deepEqual(venue.cancels.sort(), [bid.clientOrderId, ask.clientOrderId].sort());
  const sentAtKill = venue.received.length;
  assert.equal(kernel.submit(marketIntent(1, 'SELL', 1)).reason, 'KILL_SWITCH', 'even a reducing order from the strategy');
  assert.equal(venue.received.length, sentAtKill, 'nothing sent before the cancels are answered');
  assert.equal(venue.disconnected, 0);
  venue.fill(bid.clientOrderId, 19_000, 1); // a pending cancel can still fill: flatten must wait for it
  clock.advanceTo(6_500_000); // cancels answered at 6 ms; the flatten order's answer is due at 7 ms
  const flatten = venue.received.slice(sentAtKill);
  assert.equal(flatten.length, 1);
  assert.deepEqual([flatten[0].type, flatten[0].side, flatten[0].qty, flatten[0].reduceOnly], ['MARKET', 'SELL', 7, true]);
  assert.equal(venue.disconnected, 0, 'still connected until the flatten order is answered');
  clock.advanceTo(20e6);
  assert.equal(portfolio.position(1), 0);
  assert.equal(venue.disconnected, 1);
  assert.equal(risk.state, 'KILL_SWITCH', 'state preserved');
  assert.deepEqual(states.map((s) => s.to), ['KILL_SWITCH']);

  assert.equal(risk.reset('ops', 'root cause fixed').accepted, true);
  assert.equal(kernel.submit(limitIntent(1, 'BUY', 19_000, 1)).status, 'SUBMITTED');
});

test('an exception on the event path trips the kill switch before it propagates; feed loss while positioned kills', () => {
  class Throws extends Strategy {
    override onTrade(): void {
      throw new TypeError('strategy bug');
    }
  }
  const a = buildKernel({ maxOrderSize: 1, maxPosition: 1, maxOpenOrders: 1, maxOrdersPerSecond: 1, warningDrawdownPct: 0.5, maxDrawdownPct: 0.9 }, { strategy: new Throws('t') });
  a.kernel.start();
  assert.throws(() => a.kernel.onMarketEvent({ kind: 'trade', tsNs: 0, instrumentId: 1, price: 19_200, size: 1, aggressor: 'A', tradeId: '' }), TypeError);
  assert.equal(a.risk.state, 'KILL_SWITCH');
  assert.equal(a.states[0].reason, 'fatal error: TypeError: strategy bug');

  const b = buildKernel({ maxOrderSize: 5, maxPosition: 5, maxOpenOrders: 5, maxOrdersPerSecond: 5, warningDrawdownPct: 0.5, maxDrawdownPct: 0.9, killOnFeedLoss: true });
  b.kernel.start();
  b.venue.px.set(1, 19_200);
  b.bus.publish('feed.status', { source: 'glbx', up: false, reason: 'heartbeat lost', tsNs: 0 });
  assert.equal(b.risk.state, 'NORMAL', 'flat: a feed loss is not a kill');
  b.kernel.submit(marketIntent(1, 'BUY', 1));
  b.clock.advanceTo(5e6);
  b.bus.publish('feed.status', { source: 'glbx', up: false, reason: 'heartbeat lost', tsNs: 5e6 });
  assert.equal(b.risk.state, 'KILL_SWITCH');
  assert.match(b.states[0].reason, /feed loss while positioned \(ESH4 1 lots\): glbx: heartbeat lost/);
});

test('a replace in flight counts at its larger size: a new order cannot use the room it is about to take', () => {
  const { clock, kernel, oms } = buildKernel({ maxOrderSize: 10, maxPosition: 10, maxOpenOrders: 10, maxOrdersPerSecond: 100, warningDrawdownPct: 0.5, maxDrawdownPct: 0.9 });
  kernel.start();
  const a = kernel.submit(limitIntent(1, 'BUY', 19_000, 2));
  clock.advanceTo(5e6);
  assert.equal(kernel.replace(a.clientOrderId, 19_000, 6), true);
  assert.equal(oms.get(a.clientOrderId)?.status, 'PENDING_REPLACE');
  assert.equal(kernel.openQty(1, 'BUY'), 6);
  assert.equal(kernel.submit(limitIntent(1, 'BUY', 19_000, 5)).reason, 'MAX_POSITION', '6 (replace in flight) + 5 > 10');
  assert.equal(kernel.submit(limitIntent(1, 'BUY', 19_000, 4)).status, 'SUBMITTED');
  clock.advanceTo(10e6);
  assert.equal(kernel.openQty(1, 'BUY'), 10);
});
