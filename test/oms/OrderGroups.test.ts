import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument, limitIntent, marketIntent } from '../../src/core/index.ts';
import type { Order, OrderIntent } from '../../src/core/index.ts';
import { OrderGroups } from '../../src/oms/OrderGroups.ts';
import type { LegUnwindPolicy } from '../../src/oms/OmsSettings.ts';
import { omsHarness } from './harness.ts';

const MS = 1_000_000;
const ES = new Instrument({ id: 1, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const NQ = new Instrument({ id: 2, symbol: 'NQH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '20', currency: 'USD' });
const BTC_A = new Instrument({ id: 3, symbol: 'BTC-A', venue: 'VENUE_A', tickSize: '0.1', lotSize: '0.001', multiplier: '1', currency: 'USD' });
const BTC_B = new Instrument({ id: 4, symbol: 'BTC-B', venue: 'VENUE_B', tickSize: '0.1', lotSize: '0.001', multiplier: '1', currency: 'USDT' });

function setup(legTimeoutNs = 100 * MS, legUnwindPolicy: LegUnwindPolicy = 'hedge') {
  const h = omsHarness([ES, NQ, BTC_A, BTC_B]);
  const groups = new OrderGroups(h.clock, h.bus, h.port, { legTimeoutNs, legUnwindPolicy });
  return { ...h, groups };
}

function stop(instrumentId: number, side: 'BUY' | 'SELL', trigger: number, qty: number): OrderIntent {
  return { instrumentId, side, type: 'STOP', tif: 'GTC', qty, price: 0, triggerPrice: trigger, postOnly: false, reduceOnly: false, expireTimeNs: 0 };
}

// --- OCO -----------------------------------------------------------------------------------

test('OCO: a partial fill of one cancels the others; the one that filled keeps working', () => {
  const h = setup();
  const g = h.groups.submitOco([limitIntent(ES.id, 'BUY', 19200, 5), limitIntent(ES.id, 'SELL', 19210, 5), stop(ES.id, 'SELL', 19190, 5)]);
  const [a, b, c] = g.members.map((m) => m.order);
  assert.equal(g.kind, 'OCO');
  assert.equal(g.state, 'WORKING');
  assert.equal(h.venue.callsOf('submit').length, 3);
  for (const o of [a, b, c]) h.venue.ack(o);
  h.venue.fill(a, 2);
  assert.equal(g.state, 'TRIGGERED');
  assert.equal(g.winner, a);
  assert.deepEqual(
    h.venue.callsOf('cancel').map((x) => x.order),
    [b, c],
  );
  assert.equal(a.status, 'PARTIALLY_FILLED', 'the chosen order keeps its remainder working');
  // the strategy saw the fill before the cancels it caused
  const i = h.statuses.indexOf('T-1:OrderFilled:PARTIALLY_FILLED');
  const j = h.statuses.indexOf('T-2:OrderPendingCancel:PENDING_CANCEL');
  assert.ok(i >= 0 && j > i, h.statuses.join(' '));
  h.venue.confirmCancels();
  assert.equal(g.state, 'TRIGGERED');
  h.venue.fill(a, 3);
  assert.equal(g.state, 'DONE');
  assert.equal(g.finished, true);
  assert.equal(h.portfolio.position(ES.id), 5);
  assert.equal(h.alerts.length, 0);
});

test('OCO: a member that fills before its cancel lands is kept and raises OCO_MULTIPLE_FILLS', () => {
  const h = setup();
  const g = h.groups.submitOco([limitIntent(ES.id, 'BUY', 19200, 1), limitIntent(ES.id, 'BUY', 19199, 1)]);
  const [a, b] = g.members.map((m) => m.order);
  h.venue.ack(a);
  h.venue.ack(b);
  h.venue.fill(a, 1);
  assert.equal(b.status, 'PENDING_CANCEL');
  h.venue.fill(b, 1); // the venue filled it before the cancel got there
  h.venue.cancelRejected(b);
  assert.equal(g.state, 'DONE');
  assert.deepEqual(
    h.alerts.map((x) => [x.level, x.code]),
    [['WARNING', 'OCO_MULTIPLE_FILLS']],
  );
  assert.equal(h.portfolio.position(ES.id), 2);
});

test('OCO: members that end unfilled drop out; all unfilled is DONE without a winner; cancelGroup pulls the rest', () => {
  const h = setup();
  const g = h.groups.submitOco([limitIntent(ES.id, 'BUY', 19200, 1), limitIntent(ES.id, 'SELL', 19210, 1), limitIntent(ES.id, 'SELL', 19220, 1)]);
  const [a, b, c] = g.members.map((m) => m.order);
  h.venue.reject(a);
  assert.equal(g.state, 'WORKING');
  assert.equal(h.venue.callsOf('cancel').length, 0, 'a reject does not trigger the others');
  h.venue.ack(b);
  h.venue.ack(c);
  assert.equal(h.groups.cancelGroup(g.id), true);
  assert.equal(h.groups.cancelGroup('nope'), false);
  assert.deepEqual(
    h.venue.callsOf('cancel').map((x) => x.order),
    [b, c],
  );
  h.venue.confirmCancels();
  assert.equal(g.state, 'DONE');
  assert.equal(g.winner, undefined);
});

test('OCO: a member denied at submission fails the group, cancels what was sent, sends nothing more', () => {
  const h = setup();
  h.setDeny((o) => (o.side === 'SELL' ? 'MAX_POSITION' : null));
  const g = h.groups.submitOco([limitIntent(ES.id, 'BUY', 19200, 1), limitIntent(ES.id, 'SELL', 19210, 1), limitIntent(ES.id, 'BUY', 19190, 1)]);
  assert.equal(g.state, 'FAILED');
  assert.match(g.reason, /T-2 denied: MAX_POSITION/);
  assert.equal(g.members.length, 2, 'the third order was never created');
  assert.equal(h.venue.callsOf('submit').length, 1);
  assert.deepEqual(
    h.venue.callsOf('cancel').map((x) => x.order.clientOrderId),
    ['T-1'],
  );
  assert.equal(h.groups.submitOco([limitIntent(ES.id, 'BUY', 19200, 1)]).state, 'FAILED');
});

test('groups give up on an order whose cancels keep being refused (no endless cancel loop)', () => {
  const h = setup();
  const g = h.groups.submitOco([limitIntent(ES.id, 'BUY', 19200, 2), limitIntent(ES.id, 'SELL', 19210, 1)]);
  const [a, b] = g.members.map((m) => m.order);
  h.venue.ack(a);
  h.venue.ack(b);
  h.venue.fill(a, 1);
  for (let i = 0; i < 10; i++) if (b.status === 'PENDING_CANCEL') h.venue.cancelRejected(b);
  // the venue said "too late" without a fill: the group retried, then stopped
  assert.equal(h.venue.callsOf('cancel', b.clientOrderId).length, 3);
});

// --- bracket -------------------------------------------------------------------------------

function bracketSetup() {
  const h = setup();
  const g = h.groups.submitBracket(limitIntent(ES.id, 'BUY', 19200, 5), 19220, 19180);
  const entry = g.entry as Order;
  h.venue.ack(entry);
  return { ...h, g, entry };
}

test('bracket: nothing but the entry until it fills; a full fill sends SL STOP then TP LIMIT for the filled qty; TP fill cancels SL', () => {
  const h = bracketSetup();
  assert.equal(h.g.kind, 'BRACKET');
  assert.equal(h.venue.callsOf('submit').length, 1);
  assert.equal(h.g.state, 'WORKING');
  h.venue.fill(h.entry, 5);
  assert.equal(h.g.state, 'TRIGGERED');
  const tp = h.g.takeProfit as Order;
  const sl = h.g.stopLoss as Order;
  assert.deepEqual([tp.side, tp.type, tp.price, tp.qty, tp.tif], ['SELL', 'LIMIT', 19220, 5, 'GTC']);
  assert.deepEqual([sl.side, sl.type, sl.triggerPrice, sl.price, sl.qty, sl.tif], ['SELL', 'STOP', 19180, 0, 5, 'GTC']);
  assert.deepEqual(
    h.venue.callsOf('submit').map((x) => x.order.type),
    ['LIMIT', 'STOP', 'LIMIT'],
    'entry, then the stop-loss first',
  );
  assert.equal(h.g.protectedQty, 5);
  h.venue.ack(tp);
  h.venue.ack(sl);
  h.venue.fill(tp, 5);
  assert.deepEqual(
    h.venue.callsOf('cancel').map((x) => x.order),
    [sl],
  );
  assert.equal(h.g.state, 'TRIGGERED');
  h.venue.canceled(sl);
  assert.equal(h.g.state, 'DONE');
  assert.equal(h.portfolio.position(ES.id), 0);
  assert.equal(h.alerts.length, 0);
  assert.equal(h.oms.counters.anomalies, 0);
});

test('bracket: partial entry fills are protected at once; exits grow with the entry (TP replaced, SL cancelled then re-sent)', () => {
  const h = bracketSetup();
  h.venue.fill(h.entry, 2);
  const tp = h.g.takeProfit as Order;
  const sl1 = h.g.stopLoss as Order;
  assert.equal(tp.qty, 2);
  assert.equal(sl1.qty, 2);
  h.venue.ack(tp);
  h.venue.ack(sl1);
  h.venue.fill(h.entry, 1);
  // TP: one order throughout, replaced to 3
  assert.deepEqual(
    h.venue.callsOf('replace').map((x) => [x.order.clientOrderId, x.price, x.qty]),
    [[tp.clientOrderId, 19220, 3]],
  );
  // SL: cannot be replaced: cancelled, and re-sent only once the cancel is confirmed
  assert.deepEqual(
    h.venue.callsOf('cancel').map((x) => x.order),
    [sl1],
  );
  assert.equal(h.g.stopLoss, sl1);
  h.venue.replaced(tp, 19220, 3);
  h.venue.canceled(sl1);
  const sl2 = h.g.stopLoss as Order;
  assert.notEqual(sl2, sl1);
  assert.deepEqual([sl2.type, sl2.qty, sl2.triggerPrice], ['STOP', 3, 19180]);
  assert.equal(tp.qty, 3);
  assert.equal(h.g.state, 'TRIGGERED');
  assert.equal(h.alerts.length, 0);
});

test('bracket: an entry partially filled then cancelled leaves exits sized to what filled', () => {
  const h = bracketSetup();
  h.venue.fill(h.entry, 3);
  h.port.cancel(h.entry.clientOrderId);
  h.venue.canceled(h.entry);
  assert.equal(h.entry.status, 'CANCELED');
  const tp = h.g.takeProfit as Order;
  const sl = h.g.stopLoss as Order;
  assert.equal(tp.qty, 3);
  assert.equal(sl.qty, 3);
  assert.equal(h.venue.callsOf('cancel').length, 1, 'only the entry was cancelled');
  h.venue.ack(tp);
  h.venue.ack(sl);
  h.venue.fill(sl, 3, 19179);
  h.venue.canceled(tp);
  assert.equal(h.g.state, 'DONE');
  assert.equal(h.portfolio.position(ES.id), 0);
});

test('bracket exit partial fill: the other exit is REDUCED to the remaining position, not cancelled', () => {
  const h = bracketSetup();
  h.venue.fill(h.entry, 5);
  const tp = h.g.takeProfit as Order;
  const sl1 = h.g.stopLoss as Order;
  h.venue.ack(tp);
  h.venue.ack(sl1);
  h.venue.fill(tp, 2);
  assert.equal(h.g.protectedQty, 3);
  assert.deepEqual(
    h.venue.callsOf('cancel').map((x) => x.order),
    [sl1],
  );
  h.venue.canceled(sl1);
  const sl2 = h.g.stopLoss as Order;
  assert.equal(sl2.qty, 3);
  h.venue.ack(sl2);
  // the stop fires for the rest: TP cancelled, done, flat
  h.venue.fill(sl2, 3, 19180);
  assert.equal(h.venue.callsOf('cancel').at(-1)?.order, tp);
  h.venue.canceled(tp);
  assert.equal(h.g.state, 'DONE');
  assert.equal(h.portfolio.position(ES.id), 0);
  assert.equal(h.alerts.length, 0);
});

test('bracket: an exit cancelled by someone else detaches the bracket with a CRITICAL alert', () => {
  const h = bracketSetup();
  h.venue.fill(h.entry, 5);
  const sl = h.g.stopLoss as Order;
  h.venue.ack(sl);
  h.venue.canceled(sl, 'RISK_CANCEL_ALL'); // e.g. the circuit breaker's cancel-all
  assert.equal(h.g.state, 'DETACHED');
  assert.deepEqual(
    h.alerts.map((a) => [a.level, a.code]),
    [['CRITICAL', 'BRACKET_DETACHED']],
  );
  assert.match(h.alerts[0].message, /5 lots of position left to the strategy/);
  assert.equal(h.venue.callsOf('submit').length, 3, 'no new stop');
});

test('bracket: an exit denied by risk detaches it (CRITICAL); a detached bracket does nothing more', () => {
  const h = bracketSetup();
  h.setDeny((o) => (o.type === 'STOP' ? 'RATE_LIMIT' : null));
  h.venue.fill(h.entry, 2);
  assert.equal(h.g.state, 'DETACHED');
  assert.match(h.g.reason, /STOP_LOSS denied: RATE_LIMIT/);
  assert.equal(h.alerts[0].level, 'CRITICAL');
  assert.equal(h.g.takeProfit, undefined, 'nothing after the denied stop');
  const sent = h.venue.callsOf('submit').length;
  h.setDeny(() => null);
  h.venue.fill(h.entry, 3);
  assert.equal(h.venue.callsOf('submit').length, sent, 'a detached bracket sends nothing more');
});

test('bracket: validation, entry denied, entry rejected, entry cancelled unfilled', () => {
  const h = setup();
  const bad = h.groups.submitBracket(limitIntent(ES.id, 'BUY', 19200, 1), 19180, 19220);
  assert.equal(bad.state, 'FAILED');
  assert.match(bad.reason, /take-profit above the stop-loss/);
  assert.equal(bad.members.length, 0);
  assert.equal(h.groups.submitBracket(limitIntent(ES.id, 'SELL', 19200, 1), 19220, 19180).state, 'FAILED');
  assert.equal(h.groups.submitBracket(limitIntent(ES.id, 'SELL', 19200, 1), 19180, 0).state, 'FAILED');
  const sell = h.groups.submitBracket(limitIntent(ES.id, 'SELL', 19200, 1), 19180, 19220);
  assert.equal(sell.state, 'WORKING');
  h.venue.reject(sell.entry as Order);
  assert.equal(sell.state, 'FAILED');
  h.setDeny(() => 'MAX_OPEN_ORDERS');
  const denied = h.groups.submitBracket(limitIntent(ES.id, 'BUY', 19200, 1), 19220, 19180);
  assert.equal(denied.state, 'FAILED');
  assert.match(denied.reason, /MAX_OPEN_ORDERS/);
  h.setDeny(() => null);
  const c = h.groups.submitBracket(limitIntent(ES.id, 'BUY', 19200, 1), 19220, 19180);
  h.venue.ack(c.entry as Order);
  h.groups.cancelGroup(c.id);
  h.venue.confirmCancels();
  assert.equal(c.state, 'DETACHED');
  assert.equal(h.alerts.at(-1)?.level, 'WARNING', 'cancelled by the strategy with nothing filled: not critical');
});

// --- legs ----------------------------------------------------------------------------------

function arb(h: ReturnType<typeof setup>, policy?: LegUnwindPolicy) {
  const g = h.groups.submitLegs([limitIntent(BTC_A.id, 'BUY', 600_000, 5), limitIntent(BTC_B.id, 'SELL', 600_100, 5)], policy);
  const [a, b] = g.legs;
  return { g, a, b };
}

test('legs: every leg filled is DONE, no alert, the leg timer is cancelled', () => {
  const h = setup();
  const { g, a, b } = arb(h);
  assert.equal(g.kind, 'LEGS');
  h.venue.fill(a, 5);
  assert.equal(g.state, 'WORKING');
  h.venue.fill(b, 5);
  assert.equal(g.state, 'DONE');
  assert.equal(g.legRisk, false);
  assert.equal(h.clock.pendingTimers(), 0);
  h.clock.advanceTo(h.clock.now() + 1_000 * MS);
  assert.equal(h.alerts.length, 0);
});

test('legs (hedge): one leg fills, the other is rejected: CRITICAL LEG_RISK and a market order flattens the filled leg', () => {
  const h = setup();
  const { g, a, b } = arb(h);
  h.venue.fill(a, 5);
  h.clock.advanceTo(h.clock.now() + 7);
  h.venue.reject(b, 'INSUFFICIENT_MARGIN');
  assert.equal(g.state, 'UNWINDING');
  assert.equal(g.legRisk, true);
  assert.equal(h.alerts.length, 1);
  const alert = h.alerts[0];
  assert.deepEqual(Object.keys(alert).sort(), ['code', 'level', 'message', 'tsNs']);
  assert.equal(alert.level, 'CRITICAL');
  assert.equal(alert.code, 'LEG_RISK');
  assert.equal(alert.tsNs, h.clock.now());
  assert.match(alert.message, /INSUFFICIENT_MARGIN/);
  assert.match(alert.message, /policy hedge/);
  const [hedge] = g.hedges;
  assert.deepEqual([hedge.instrumentId, hedge.side, hedge.type, hedge.qty], [BTC_A.id, 'SELL', 'MARKET', 5]);
  h.venue.ack(hedge);
  h.venue.fill(hedge, 5, 599_990);
  assert.equal(g.state, 'UNWOUND');
  assert.equal(h.portfolio.position(BTC_A.id), 0);
  assert.equal(h.portfolio.position(BTC_B.id), 0);
  assert.equal(h.alerts.length, 1);
});

test('legs (cancel policy): the other legs are cancelled, the position is left, LEG_RISK is raised', () => {
  const h = setup(100 * MS, 'hedge');
  const { g, a, b } = arb(h, 'cancel');
  assert.equal(g.policy, 'cancel');
  h.venue.fill(a, 2);
  h.venue.canceled(b, 'VENUE_CANCEL');
  assert.equal(g.legRisk, true);
  assert.deepEqual(
    h.venue.callsOf('cancel').map((x) => x.order),
    [a],
  );
  h.venue.canceled(a);
  assert.equal(g.state, 'UNWOUND');
  assert.equal(g.hedges.length, 0);
  assert.equal(h.portfolio.position(BTC_A.id), 2);
  assert.deepEqual(
    h.alerts.map((x) => [x.level, x.code]),
    [['CRITICAL', 'LEG_RISK']],
  );
  assert.match(h.alerts[0].message, /position left to the strategy/);
});

test('legs: leg_timeout with a partial fill cancels the legs, hedges, and hedges a fill that races the cancel', () => {
  const h = setup(100 * MS);
  const t0 = h.clock.now();
  const { g, a, b } = arb(h);
  h.venue.fill(a, 2);
  h.clock.advanceTo(t0 + 100 * MS - 1);
  assert.equal(g.state, 'WORKING');
  h.clock.advanceTo(t0 + 100 * MS);
  assert.equal(g.state, 'UNWINDING');
  assert.match(g.reason, /leg_timeout_ms \(100 ms\)/);
  assert.deepEqual(
    h.venue.callsOf('cancel').map((x) => x.order),
    [a, b],
  );
  assert.deepEqual(
    g.hedges.map((x) => [x.side, x.qty]),
    [['SELL', 2]],
  );
  // a fills once more before its cancel lands: that is hedged too
  h.venue.fill(a, 1);
  assert.deepEqual(
    g.hedges.map((x) => [x.side, x.qty]),
    [
      ['SELL', 2],
      ['SELL', 1],
    ],
  );
  h.venue.confirmCancels();
  for (const x of g.hedges) h.venue.fill(x, x.qty, 600_000);
  assert.equal(g.state, 'UNWOUND');
  assert.equal(h.portfolio.position(BTC_A.id), 0);
  assert.equal(h.alerts.filter((x) => x.code === 'LEG_RISK').length, 1, 'one LEG_RISK alert per group');
});

test('legs: a timeout with nothing filled cancels the legs, FAILED, no alert; a late fill then unwinds', () => {
  const h = setup(50 * MS);
  const { g, a, b } = arb(h);
  h.clock.advanceTo(h.clock.now() + 50 * MS);
  assert.equal(g.state, 'FAILED');
  assert.equal(h.alerts.length, 0);
  assert.equal(h.venue.callsOf('cancel').length, 2);
  h.venue.canceled(a);
  h.venue.fill(b, 1); // b filled before its cancel arrived
  assert.equal(g.state, 'UNWINDING');
  assert.deepEqual(
    g.hedges.map((x) => [x.instrumentId, x.side, x.qty]),
    [[BTC_B.id, 'BUY', 1]],
  );
  assert.equal(h.alerts[0].code, 'LEG_RISK');
});

test('legs: a hedge that is denied or fills only partly raises LEG_HEDGE_FAILED', () => {
  const h = setup();
  const { g, a, b } = arb(h);
  h.setDeny((o) => (o.type === 'MARKET' ? 'KILL_SWITCH' : null));
  h.venue.fill(a, 5);
  h.venue.reject(b);
  assert.deepEqual(
    h.alerts.map((x) => [x.level, x.code]),
    [
      ['CRITICAL', 'LEG_RISK'],
      ['CRITICAL', 'LEG_HEDGE_FAILED'],
    ],
  );
  assert.match(h.alerts[1].message, /denied: KILL_SWITCH/);
  assert.equal(g.state, 'UNWOUND', 'nothing left working; the residual is the operator\u2019s');

  const h2 = setup();
  const x = arb(h2);
  h2.venue.fill(x.a, 5);
  h2.venue.reject(x.b);
  const [hedge] = x.g.hedges;
  h2.venue.ack(hedge);
  h2.venue.fill(hedge, 3);
  h2.venue.canceled(hedge, 'IOC_REMAINDER');
  assert.equal(h2.alerts.at(-1)?.code, 'LEG_HEDGE_FAILED');
  assert.match(h2.alerts.at(-1)?.message ?? '', /left 2 lots unhedged/);
  assert.equal(x.g.hedges.length, 1, 'not retried');
});

test('legs: a leg denied at submission cancels the legs already sent; cancelGroup breaks a working group', () => {
  const h = setup();
  h.setDeny((o) => (o.instrumentId === BTC_B.id ? 'MAX_NOTIONAL' : null));
  const g = h.groups.submitLegs([limitIntent(BTC_A.id, 'BUY', 600_000, 5), limitIntent(BTC_B.id, 'SELL', 600_100, 5), marketIntent(NQ.id, 'BUY', 1)]);
  assert.equal(g.state, 'FAILED');
  assert.equal(g.members.length, 2);
  assert.equal(h.venue.callsOf('cancel')[0].order.instrumentId, BTC_A.id);
  assert.equal(h.clock.pendingTimers(), 0);
  h.setDeny(() => null);
  const y = arb(h);
  h.venue.fill(y.a, 1);
  h.groups.cancelGroup(y.g.id);
  assert.equal(y.g.state, 'UNWINDING');
  assert.match(y.g.reason, /cancelled by the strategy/);
  assert.equal(h.groups.submitLegs([limitIntent(ES.id, 'BUY', 1, 1)]).state, 'FAILED');
});
