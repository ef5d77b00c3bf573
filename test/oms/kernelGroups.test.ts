import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.ts';
import { MBO_FLAG_LAST, limitIntent } from '../../src/core/index.ts';
import type { MboAction, MboEvent, Order, OrderEvent } from '../../src/core/index.ts';
import type { Alert, VenueHealth } from '../../src/bus/topics.ts';
import { buildBacktestNode } from '../../src/engine/BacktestNode.ts';
import { Strategy, type StrategyContext } from '../../src/strategy/Strategy.ts';
import { strategies } from '../../src/strategy/registry.ts';

/**
 * The OMS pieces wired through the real kernel (buildBacktestNode: risk engine, order manager,
 * SimulatedVenue, portfolio) on a hand-fed L3 book, with a strategy that does nothing by itself:
 * the test uses its StrategyContext, as a strategy would.
 */
class IdleStrategy extends Strategy {
  readonly events: OrderEvent[] = [];
  onEventHook: (e: OrderEvent, ctx: StrategyContext) => void = () => {};
  get kernelContext(): StrategyContext {
    return this.ctx;
  }
  override onOrderEvent(e: OrderEvent): void {
    this.events.push(e);
    this.onEventHook(e, this.ctx);
  }
}

let built: IdleStrategy | undefined;
strategies.oms_idle_test = { params: z.record(z.string(), z.unknown()), build: (id) => (built = new IdleStrategy(id)) };

const ES = 1;
const MS = 1_000_000;

function harness(oms: Record<string, unknown> = {}, latency: Record<string, unknown> = {}) {
  const config = configSchema.parse({
    node: { name: 'oms-kernel-test', seed: 5 },
    trading: {
      strategy: 'oms_idle_test',
      starting_capital: '100000',
      instruments: [{ id: ES, symbol: 'ES', venue: 'CME', tick_size: '0.25', lot_size: '1', multiplier: '50', currency: 'USD' }],
      data: [{ path: 'unused.dbn', format: 'dbn-mbo', instrument: 'ES' }],
    },
    latency,
    risk: { max_order_size: 50, max_position: 100, max_open_orders: 100, max_orders_per_second: 1000 },
    oms,
  });
  const node = buildBacktestNode(config, 0n);
  const strategy = built as IdleStrategy;
  node.kernel.start();
  const ctx = strategy.kernelContext;
  const alerts: Alert[] = [];
  node.bus.subscribe('alert', (a) => alerts.push(a));
  const health: VenueHealth[] = [];
  node.bus.subscribe('venue.health', (h) => health.push(h));
  let t = 0;
  /** One MBO record as its own venue packet, 1 µs after the previous one; timers due by then fire first. */
  const mbo = (action: MboAction, side: 'B' | 'A' | 'N', orderId: number, price: number, size: number): void => {
    t = Math.max(t, node.clock.now()) + 1_000;
    node.clock.advanceTo(t);
    const ev: MboEvent = { kind: 'mbo', tsNs: t, tsRecvNs: t, instrumentId: ES, action, side, orderId, price, size, flags: MBO_FLAG_LAST, sequence: 0 };
    node.kernel.onMarketEvent(ev);
  };
  /** Lets time run (reports in flight arrive). */
  const wait = (ns: number): void => {
    t = node.clock.now() + ns;
    node.clock.advanceTo(t);
  };
  // the market: 400 bid x 10, 401 offered x 10
  mbo('A', 'B', 11, 400, 10);
  mbo('A', 'A', 12, 401, 10);
  return { node, strategy, ctx, alerts, health, mbo, wait };
}

test('kernel + SimulatedVenue: bracket entry fills, exits go out, the STOP triggers on a print, TP is cancelled, flat', () => {
  const h = harness();
  const g = h.ctx.submitBracket(limitIntent(ES, 'BUY', 401, 2), 410, 395);
  assert.equal(h.ctx.group(g.id), g);
  h.wait(1);
  const entry = g.entry as Order;
  assert.equal(entry.status, 'FILLED');
  assert.equal(h.ctx.position(ES), 2);
  const tp = g.takeProfit as Order;
  const sl = g.stopLoss as Order;
  h.wait(1);
  assert.equal(tp.status, 'ACCEPTED');
  assert.equal(sl.status, 'ACCEPTED', 'the simulated venue accepts a resting STOP');
  assert.equal(g.state, 'TRIGGERED');
  // the market drops: bids at 394, a print at 394 triggers the sell stop (trigger 395)
  h.mbo('C', 'B', 11, 400, 10);
  h.mbo('A', 'B', 13, 394, 10);
  h.mbo('T', 'A', 0, 394, 1);
  h.wait(1);
  h.wait(1);
  assert.equal(sl.status, 'FILLED');
  assert.equal(tp.status, 'CANCELED');
  assert.equal(g.state, 'DONE');
  assert.equal(h.ctx.position(ES), 0);
  assert.equal(h.alerts.length, 0);
  assert.equal(h.node.oms.counters.anomalies, 0);
});

test('kernel + SimulatedVenue: a leg rejected after the other filled raises LEG_RISK and hedges it flat', () => {
  const h = harness({ leg_unwind_policy: 'hedge' });
  // leg 1 takes the offer; leg 2 is post-only and would take the bid: the venue rejects it
  const g = h.ctx.submitLegs([limitIntent(ES, 'BUY', 401, 3), { ...limitIntent(ES, 'SELL', 400, 3), postOnly: true }]);
  h.wait(1);
  const [a, b] = g.legs;
  assert.equal(a.status, 'FILLED');
  assert.equal(b.status, 'REJECTED');
  assert.equal(g.legRisk, true);
  assert.deepEqual(
    h.alerts.map((x) => [x.level, x.code]),
    [['CRITICAL', 'LEG_RISK']],
  );
  h.wait(1);
  assert.equal(g.hedges.length, 1);
  assert.equal(g.hedges[0].status, 'FILLED');
  assert.equal(g.state, 'UNWOUND');
  assert.equal(h.ctx.position(ES), 0);
});

test('kernel: leg_timeout_ms from the config unwinds a group whose second leg never fills', () => {
  const h = harness({ leg_timeout_ms: 50, leg_unwind_policy: 'cancel' });
  const g = h.ctx.submitLegs([limitIntent(ES, 'BUY', 401, 1), limitIntent(ES, 'SELL', 420, 1)]);
  h.wait(49 * MS);
  assert.equal(g.state, 'WORKING');
  h.wait(1 * MS);
  // latency 0: the cancel of the second leg is answered within the same instant
  assert.equal(g.state, 'UNWOUND');
  assert.match(g.reason, /leg_timeout_ms \(50 ms\)/);
  assert.equal(g.legs[1].status, 'CANCELED');
  assert.equal(h.ctx.position(ES), 1, 'cancel policy: the filled leg stays');
  assert.equal(h.alerts[0].code, 'LEG_RISK');
});

test('kernel: ack_timeout_ms from the config; a slow venue is queried and counted (venueHealth, venue.health)', () => {
  const h = harness({ ack_timeout_ms: 2, venue_unhealthy_after: 1 }, { order_latency_ns: 1 * MS, ack_latency_ns: 5 * MS });
  const o = h.ctx.submit(limitIntent(ES, 'BUY', 399, 1));
  h.wait(2 * MS);
  assert.equal(h.node.kernel.venueHealth.totalTimeouts, 1);
  assert.equal(h.node.kernel.venueHealth.healthy, false);
  assert.equal(h.health.length, 1);
  assert.equal(h.alerts[0].code, 'VENUE_UNHEALTHY');
  h.wait(20 * MS);
  assert.equal(o.status, 'ACCEPTED');
  assert.equal(h.node.oms.counters.statusReports >= 1, true);
  assert.equal(h.node.oms.counters.anomalies, 0);
});

test('kernel: the ack timeout default (5 s) leaves a normal run untouched', () => {
  const h = harness({}, { order_latency_ns: 250_000, ack_latency_ns: 250_000 });
  h.ctx.submit(limitIntent(ES, 'BUY', 399, 1));
  h.wait(10_000 * MS);
  assert.equal(h.node.kernel.venueHealth.totalTimeouts, 0);
  assert.equal(h.node.clock.pendingTimers(), 0);
});

test('cancel/replace is atomic from the strategy view: always the old order or the new one, never neither', () => {
  const h = harness({}, { order_latency_ns: 1 * MS, ack_latency_ns: 1 * MS });
  const o = h.ctx.submit(limitIntent(ES, 'BUY', 398, 2));
  h.wait(3 * MS);
  assert.equal(o.status, 'ACCEPTED');
  const seen: string[] = [];
  h.strategy.onEventHook = (e, ctx) => {
    const cur = ctx.order(o.clientOrderId) as Order;
    seen.push(`${e.type}:${cur.status}:${cur.price}x${cur.qty}`);
  };
  // 1: an accepted replace
  assert.equal(h.ctx.replace(o.clientOrderId, 399, 3), true);
  assert.equal(o.status, 'PENDING_REPLACE');
  assert.deepEqual([o.price, o.qty], [398, 2], 'old price and size until the venue confirms');
  assert.equal(h.node.kernel.openQty(ES, 'BUY'), 3, 'risk counts the larger size while the replace is in flight');
  h.wait(3 * MS);
  // 2: a replace with a cancel right behind it: the replace is applied first, then the cancel
  assert.equal(h.ctx.replace(o.clientOrderId, 397, 3), true);
  assert.equal(h.ctx.cancel(o.clientOrderId), true);
  h.wait(3 * MS);
  assert.deepEqual(seen, [
    'OrderPendingReplace:PENDING_REPLACE:398x2',
    'OrderReplaced:ACCEPTED:399x3',
    'OrderPendingReplace:PENDING_REPLACE:399x3',
    'OrderPendingCancel:PENDING_CANCEL:399x3',
    'OrderReplaced:PENDING_CANCEL:397x3',
    'OrderCanceled:CANCELED:397x3',
  ]);
  assert.equal(h.node.oms.counters.anomalies, 0);
});

test('mark_price = "mid" marks on book changes in half ticks; "last" (default) only on prints and fills', () => {
  for (const mode of ['last', 'mid'] as const) {
    const h = harness({ mark_price: mode });
    const equity: number[] = [];
    h.node.kernel.onEquity((_t, e) => equity.push(e));
    h.ctx.submit(limitIntent(ES, 'BUY', 401, 1));
    h.wait(1);
    assert.equal(h.ctx.position(ES), 1);
    // bid 400 / ask 401: mid 400.5 ticks
    assert.equal(h.node.portfolio.markHalfTicks(ES), mode === 'mid' ? 801 : 802);
    const before = equity.length;
    h.mbo('A', 'B', 14, 401 - 1, 5); // same best bid: the mid does not move
    h.mbo('C', 'A', 12, 401, 10);
    h.mbo('A', 'A', 15, 403, 10); // ask 403: mid 401.5
    if (mode === 'mid') {
      assert.equal(h.node.portfolio.markHalfTicks(ES), 803);
      assert.equal(h.node.portfolio.unrealizedPnl(ES), 6_250_000_000n, '+0.5 tick on ES = 6.25 USD');
      assert.equal(equity.length, before + 1, 'equity re-published only when the mid moved');
    } else {
      assert.equal(h.node.portfolio.markHalfTicks(ES), 802);
      assert.equal(equity.length, before);
    }
    h.mbo('T', 'B', 0, 403, 1);
    assert.equal(h.node.portfolio.markHalfTicks(ES), mode === 'mid' ? 803 : 806, 'a print marks only in last mode');
  }
});

test('kernel.reconcile compares the portfolio and the open orders with a venue report', () => {
  const h = harness();
  h.ctx.submit(limitIntent(ES, 'BUY', 401, 2));
  const resting = h.ctx.submit(limitIntent(ES, 'BUY', 398, 1));
  h.wait(1);
  assert.deepEqual(h.node.kernel.reconcile({ venue: 'CME', positions: [{ instrumentId: ES, qty: 2 }], openOrders: [{ clientOrderId: resting.clientOrderId, leavesQty: 1 }] }), []);
  const d = h.node.kernel.reconcile({ venue: 'CME', positions: [{ instrumentId: ES, qty: 1 }], openOrders: [] });
  assert.deepEqual(
    d.map((x) => x.kind),
    ['POSITION_QTY_MISMATCH', 'ORDER_MISSING'],
  );
});
