import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InProcessBus } from '../../src/bus/InProcessBus.ts';
import type { KernelTopics } from '../../src/bus/topics.ts';
import { SimClock, type Order, type RiskStateChanged } from '../../src/core/index.ts';
import { RiskEngine } from '../../src/risk/RiskEngine.ts';

function setup(position = 0, openBuy = 0, openOrders = 0) {
  const clock = new SimClock(0n);
  const bus = new InProcessBus<KernelTopics>();
  const published: RiskStateChanged[] = [];
  bus.subscribe('risk.state', (s) => published.push(s));
  const state = { position, openBuy, openOrders };
  const risk = new RiskEngine(
    { maxOrderSize: 5, maxPosition: 10, maxOpenOrders: 3, maxOrdersPerSecond: 4, warningDrawdownPct: 0.05, maxDrawdownPct: 0.1 },
    { position: () => state.position, openQty: (_i, side) => (side === 'BUY' ? state.openBuy : 0), openOrderCount: () => state.openOrders },
    clock,
    bus,
  );
  return { clock, risk, published, state };
}

const order = (side: 'BUY' | 'SELL', qty: number): Order => ({
  instrumentId: 1, side, type: 'LIMIT', tif: 'GTC', qty, price: 100, triggerPrice: 0, postOnly: false, reduceOnly: false, expireTimeNs: 0,
  clientOrderId: 'x', strategyId: 's', venueOrderId: '', status: 'INITIALIZED', filledQty: 0, filledNotionalTicks: 0, feesPaid: 0n, createdNs: 0, updatedNs: 0, reason: '',
});

test('max order size and max position (counting working orders) deny with their reason', () => {
  const { risk, state, clock } = setup(6, 2);
  assert.equal(risk.check(order('BUY', 6)), 'MAX_ORDER_SIZE');
  assert.equal(risk.check(order('BUY', 3)), 'MAX_POSITION', '6 held + 2 working + 3 = 11 > 10');
  clock.advanceTo(2e9);
  assert.equal(risk.check(order('BUY', 2)), null, '6 + 2 + 2 = 10 is allowed');
  state.position = -10;
  clock.advanceTo(4e9);
  assert.equal(risk.check(order('BUY', 5)), null, 'reducing a short is allowed');
  assert.deepEqual(risk.deniedByReason, { MAX_ORDER_SIZE: 1, MAX_POSITION: 1 });
});

test('open-order cap and the per-second rate limit', () => {
  const { risk, state, clock } = setup();
  state.openOrders = 3;
  assert.equal(risk.check(order('BUY', 1)), 'MAX_OPEN_ORDERS');
  state.openOrders = 0;
  for (let i = 0; i < 4; i++) assert.equal(risk.check(order('BUY', 1)), null);
  assert.equal(risk.check(order('BUY', 1)), 'RATE_LIMIT', 'a fifth order inside one second');
  clock.advanceTo(1e9);
  assert.equal(risk.check(order('BUY', 1)), null, 'a second later the window has room again');
});

test('drawdown moves NORMAL -> WARNING -> CIRCUIT_BREAKER; breaker allows only risk-reducing orders', () => {
  const { risk, published, state } = setup(4);
  risk.onEquity(100_000);
  risk.onEquity(96_000);
  assert.equal(risk.state, 'NORMAL');
  risk.onEquity(94_000);
  assert.equal(risk.state, 'WARNING');
  risk.onEquity(89_000);
  assert.equal(risk.state, 'CIRCUIT_BREAKER');
  assert.deepEqual(published.map((p) => `${p.from}->${p.to}`), ['NORMAL->WARNING', 'WARNING->CIRCUIT_BREAKER']);
  assert.match(published[1].reason, /drawdown 11\.00% > max_drawdown_pct 10\.00%/);
  assert.equal(risk.check(order('BUY', 1)), 'CIRCUIT_BREAKER');
  assert.equal(risk.check(order('SELL', 4)), null, 'closing the long is allowed');
  state.position = 0;
  risk.kill('operator');
  assert.equal(risk.check(order('SELL', 1)), 'KILL_SWITCH');
  assert.equal(risk.state, 'KILL_SWITCH');
});
