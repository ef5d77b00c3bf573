import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, limitIntent, marketIntent } from '../../src/core/index.ts';
import type { Fill, OrderEventType, OrderIntent, OrderStatus } from '../../src/core/index.ts';
import { InProcessBus } from '../../src/bus/InProcessBus.ts';
import type { KernelTopics } from '../../src/bus/topics.ts';
import { report, type ExecutionReport } from '../../src/execution/ExecutionClient.ts';
import { OrderManager } from '../../src/oms/OrderManager.ts';

const ES = 1;
const NQ = 2;

interface Seen {
  topic: 'order.event' | 'order.fill';
  type: OrderEventType | 'fill';
  status: OrderStatus;
  filledQty: number;
  fill?: Fill;
  reason?: string;
}

function setup(prefix = 'node1') {
  const clock = new SimClock(0n, 1_000);
  const bus = new InProcessBus<KernelTopics>();
  const oms = new OrderManager(clock, bus, prefix);
  const seen: Seen[] = [];
  // the status is captured at publish time: the event carries the live order
  bus.subscribe('order.event', (e) => seen.push({ topic: 'order.event', type: e.type, status: e.order.status, filledQty: e.order.filledQty, fill: e.fill, reason: e.reason }));
  bus.subscribe('order.fill', (f) => seen.push({ topic: 'order.fill', type: 'fill', status: oms.get(f.clientOrderId)!.status, filledQty: f.qty, fill: f }));
  return { clock, bus, oms, seen };
}

function fillReport(id: string, tradeId: string, price: number, qty: number, fee = 0n, ts = 2_000, venueOrderId = 'V1'): ExecutionReport {
  return report('FILLED', id, venueOrderId, ts, { tradeId, lastPrice: price, lastQty: qty, liquidity: 'MAKER', fee });
}

/** A submitted + accepted limit order. */
function working(oms: OrderManager, intent: OrderIntent = limitIntent(ES, 'BUY', 19200, 5)) {
  const o = oms.create(intent, 'mm');
  oms.markSubmitted(o);
  oms.applyReport(report('ACCEPTED', o.clientOrderId, 'V1', 1_500));
  return o;
}

test('happy path: create -> submitted -> accepted -> partial -> filled, events in order', () => {
  const { clock, oms, seen } = setup();
  const o = oms.create(limitIntent(ES, 'BUY', 19200, 5), 'mm');
  assert.equal(o.clientOrderId, 'node1-1');
  assert.equal(o.status, 'INITIALIZED');
  assert.equal(o.strategyId, 'mm');
  assert.equal(o.createdNs, 1_000);
  assert.equal(seen.length, 0);

  clock.advanceTo(1_100);
  oms.markSubmitted(o);
  assert.equal(o.status, 'SUBMITTED');
  assert.equal(o.updatedNs, 1_100);
  oms.applyReport(report('ACCEPTED', o.clientOrderId, 'VEN-9', 1_200));
  assert.equal(o.status, 'ACCEPTED');
  assert.equal(o.venueOrderId, 'VEN-9');

  oms.applyReport(fillReport(o.clientOrderId, 'T1', 19200, 2, 1_000_000n, 1_300, 'VEN-9'));
  assert.equal(o.status, 'PARTIALLY_FILLED');
  assert.equal(o.filledQty, 2);
  oms.applyReport(fillReport(o.clientOrderId, 'T2', 19199, 3, -500_000n, 1_400, 'VEN-9'));
  assert.equal(o.status, 'FILLED');
  assert.equal(o.filledQty, 5);
  assert.equal(o.filledNotionalTicks, 19200 * 2 + 19199 * 3);
  assert.equal(o.feesPaid, 500_000n);

  assert.deepEqual(
    seen.map((s) => [s.topic, s.type, s.status, s.filledQty]),
    [
      ['order.event', 'OrderSubmitted', 'SUBMITTED', 0],
      ['order.event', 'OrderAccepted', 'ACCEPTED', 0],
      ['order.fill', 'fill', 'PARTIALLY_FILLED', 2],
      ['order.event', 'OrderFilled', 'PARTIALLY_FILLED', 2],
      ['order.fill', 'fill', 'FILLED', 3],
      ['order.event', 'OrderFilled', 'FILLED', 5],
    ],
  );
  const f1 = seen[2].fill!;
  assert.deepEqual(f1, {
    tradeId: 'T1',
    clientOrderId: 'node1-1',
    venueOrderId: 'VEN-9',
    strategyId: 'mm',
    instrumentId: ES,
    side: 'BUY',
    price: 19200,
    qty: 2,
    liquidity: 'MAKER',
    fee: 1_000_000n,
    tsNs: 1_300,
  });
  // the OrderFilled event carries the same Fill object as order.fill
  assert.equal(seen[3].fill, f1);
  assert.equal(oms.openOrderCount(), 0);
  const c = oms.counters;
  assert.equal(c.submitted, 1);
  assert.equal(c.accepted, 1);
  assert.equal(c.fills, 2);
  assert.equal(c.filled, 1);
  assert.equal(c.partiallyFilled, 1);
  assert.equal(c.anomalies, 0);
});

test('cancel: PENDING_CANCEL then CANCELED, removed from the open index', () => {
  const { oms, seen } = setup();
  const o = working(oms);
  assert.equal(oms.openOrderCount(), 1);
  const r = oms.requestCancel(o.clientOrderId);
  assert.equal(r, o);
  assert.equal(o.status, 'PENDING_CANCEL');
  // a second cancel while one is in flight is refused
  assert.equal(oms.requestCancel(o.clientOrderId), undefined);
  assert.equal(oms.requestCancel('nope-1'), undefined);
  assert.equal(oms.openOrderCount(), 1);
  oms.applyReport(report('CANCELED', o.clientOrderId, 'V1', 3_000));
  assert.equal(o.status, 'CANCELED');
  assert.equal(oms.openOrderCount(), 0);
  assert.deepEqual([...oms.openOrders()], []);
  assert.equal(oms.requestCancel(o.clientOrderId), undefined);
  assert.deepEqual(
    seen.map((s) => s.type),
    ['OrderSubmitted', 'OrderAccepted', 'OrderPendingCancel', 'OrderCanceled'],
  );
  assert.equal(oms.counters.canceled, 1);
});

test('cancel rejected returns to the previous open status', () => {
  const { oms, seen } = setup();
  const a = working(oms);
  oms.requestCancel(a.clientOrderId);
  oms.applyReport(report('CANCEL_REJECTED', a.clientOrderId, 'V1', 3_000, { reason: 'TOO_LATE_TO_CANCEL' }));
  assert.equal(a.status, 'ACCEPTED');
  assert.equal(seen.at(-1)!.type, 'OrderCancelRejected');
  assert.equal(seen.at(-1)!.reason, 'TOO_LATE_TO_CANCEL');

  const b = working(oms);
  oms.applyReport(fillReport(b.clientOrderId, 'T1', 19200, 1));
  assert.equal(b.status, 'PARTIALLY_FILLED');
  oms.requestCancel(b.clientOrderId);
  oms.applyReport(report('CANCEL_REJECTED', b.clientOrderId, 'V1', 3_000));
  assert.equal(b.status, 'PARTIALLY_FILLED');

  // cancel sent before the ack: back to SUBMITTED
  const c = oms.create(limitIntent(ES, 'SELL', 19210, 1), 'mm');
  oms.markSubmitted(c);
  oms.requestCancel(c.clientOrderId);
  oms.applyReport(report('CANCEL_REJECTED', c.clientOrderId, '', 3_000));
  assert.equal(c.status, 'SUBMITTED');

  // ack arrives while the cancel is in flight: the cancel stays pending, a reject resumes ACCEPTED
  const d = oms.create(limitIntent(ES, 'SELL', 19210, 1), 'mm');
  oms.markSubmitted(d);
  oms.requestCancel(d.clientOrderId);
  oms.applyReport(report('ACCEPTED', d.clientOrderId, 'V7', 3_000));
  assert.equal(d.status, 'PENDING_CANCEL');
  oms.applyReport(report('CANCEL_REJECTED', d.clientOrderId, 'V7', 3_100));
  assert.equal(d.status, 'ACCEPTED');
  assert.equal(oms.counters.anomalies, 0);
  assert.equal(oms.openOrderCount(), 4);
});

test('fill during PENDING_CANCEL: applied, cancel stays pending; a completing fill makes it FILLED', () => {
  const { oms, seen } = setup();
  const o = working(oms);
  oms.requestCancel(o.clientOrderId);
  oms.applyReport(fillReport(o.clientOrderId, 'T1', 19200, 2));
  assert.equal(o.status, 'PENDING_CANCEL');
  assert.equal(o.filledQty, 2);
  oms.applyReport(report('CANCELED', o.clientOrderId, 'V1', 3_000));
  assert.equal(o.status, 'CANCELED');
  assert.equal(o.filledQty, 2);

  const p = working(oms);
  oms.requestCancel(p.clientOrderId);
  oms.applyReport(fillReport(p.clientOrderId, 'T2', 19200, 5));
  assert.equal(p.status, 'FILLED');
  // the venue's "too late to cancel" after the fill is an expected race: ignored, not an anomaly
  const before = seen.length;
  oms.applyReport(report('CANCEL_REJECTED', p.clientOrderId, 'V1', 3_000, { reason: 'TOO_LATE_TO_CANCEL' }));
  assert.equal(p.status, 'FILLED');
  assert.equal(seen.length, before);
  assert.equal(oms.counters.lateReports, 1);
  assert.equal(oms.counters.anomalies, 0);
  assert.equal(oms.counters.filled, 1);
});

test('replace: price/qty change only on REPLACED; rejected replace resumes', () => {
  const { oms, seen } = setup();
  const o = working(oms);
  assert.equal(oms.requestReplace(o.clientOrderId, 0, 5), undefined, 'price must be > 0');
  assert.equal(oms.requestReplace(o.clientOrderId, 19201, 0), undefined, 'qty must be > 0');
  const r = oms.requestReplace(o.clientOrderId, 19201, 7);
  assert.equal(r, o);
  assert.equal(o.status, 'PENDING_REPLACE');
  assert.equal(o.price, 19200, 'unchanged until the venue confirms');
  assert.equal(o.qty, 5);
  assert.deepEqual(oms.pendingReplace(o.clientOrderId), { price: 19201, qty: 7 });
  assert.equal(oms.requestReplace(o.clientOrderId, 19202, 7), undefined, 'one replace at a time');
  // a fill at the old price may arrive while the replace is in flight
  oms.applyReport(fillReport(o.clientOrderId, 'T1', 19200, 1));
  assert.equal(o.status, 'PENDING_REPLACE');
  oms.applyReport(report('REPLACED', o.clientOrderId, 'V2', 3_000, { newPrice: 19201, newQty: 7 }));
  assert.equal(o.status, 'PARTIALLY_FILLED');
  assert.equal(o.price, 19201);
  assert.equal(o.qty, 7);
  assert.equal(o.venueOrderId, 'V2');
  assert.equal(oms.pendingReplace(o.clientOrderId), undefined);

  oms.requestReplace(o.clientOrderId, 19190, 4);
  oms.applyReport(report('REPLACE_REJECTED', o.clientOrderId, 'V2', 3_100, { reason: 'INVALID_REPLACE' }));
  assert.equal(o.status, 'PARTIALLY_FILLED');
  assert.equal(o.price, 19201);
  assert.equal(o.qty, 7);
  // qty must stay above the filled quantity
  assert.equal(oms.requestReplace(o.clientOrderId, 19201, 1), undefined);
  // market orders cannot be replaced
  const m = working(oms, marketIntent(ES, 'BUY', 1));
  assert.equal(oms.requestReplace(m.clientOrderId, 19200, 2), undefined);

  assert.deepEqual(
    seen.filter((s) => s.type === 'OrderPendingReplace' || s.type === 'OrderReplaced' || s.type === 'OrderReplaceRejected').map((s) => [s.type, s.status]),
    [
      ['OrderPendingReplace', 'PENDING_REPLACE'],
      ['OrderReplaced', 'PARTIALLY_FILLED'],
      ['OrderPendingReplace', 'PENDING_REPLACE'],
      ['OrderReplaceRejected', 'PARTIALLY_FILLED'],
    ],
  );
  assert.equal(oms.counters.replaced, 1);
  assert.equal(oms.counters.anomalies, 0);
});

test('cancel while a replace is in flight: cancel rejected goes back to PENDING_REPLACE', () => {
  const { oms } = setup();
  const o = working(oms);
  oms.requestReplace(o.clientOrderId, 19199, 5);
  assert.ok(oms.requestCancel(o.clientOrderId));
  assert.equal(o.status, 'PENDING_CANCEL');
  oms.applyReport(report('CANCEL_REJECTED', o.clientOrderId, 'V1', 3_000));
  assert.equal(o.status, 'PENDING_REPLACE');
  oms.applyReport(report('REPLACED', o.clientOrderId, 'V1', 3_100, { newPrice: 19199, newQty: 5 }));
  assert.equal(o.status, 'ACCEPTED');
  assert.equal(o.price, 19199);

  // REPLACED arriving while the cancel is pending: applied, cancel still pending
  oms.requestReplace(o.clientOrderId, 19198, 5);
  oms.requestCancel(o.clientOrderId);
  oms.applyReport(report('REPLACED', o.clientOrderId, 'V1', 3_200, { newPrice: 19198, newQty: 5 }));
  assert.equal(o.status, 'PENDING_CANCEL');
  assert.equal(o.price, 19198);
  oms.applyReport(report('CANCELED', o.clientOrderId, 'V1', 3_300));
  assert.equal(o.status, 'CANCELED');
  assert.equal(oms.counters.anomalies, 0);
});

test('overfill, duplicate tradeId and unknown id go to anomalies and change nothing', () => {
  const { oms, seen } = setup();
  const o = working(oms);
  oms.applyReport(fillReport(o.clientOrderId, 'T1', 19200, 3, 1_000n));
  const snapshot = { ...o };
  const published = seen.length;

  oms.applyReport(fillReport(o.clientOrderId, 'T1', 19200, 3, 1_000n)); // venue resends T1
  oms.applyReport(fillReport(o.clientOrderId, 'T2', 19200, 3, 1_000n)); // 3 + 3 > 5
  oms.applyReport(fillReport('node1-999', 'T3', 19200, 1)); // never created
  oms.applyReport(fillReport(o.clientOrderId, 'T4', 19200, 0)); // zero qty
  oms.applyReport(report('ACCEPTED', o.clientOrderId, 'V1', 3_000)); // duplicate ack
  oms.applyReport(report('REPLACED', o.clientOrderId, 'V1', 3_000, { newPrice: 1, newQty: 9 })); // no replace in flight

  assert.deepEqual({ ...o }, snapshot);
  assert.equal(seen.length, published, 'nothing published');
  assert.deepEqual(
    oms.anomalies.map((a) => [a.reason, a.clientOrderId, a.status, a.report.tradeId]),
    [
      ['DUPLICATE_TRADE_ID', 'node1-1', 'PARTIALLY_FILLED', 'T1'],
      ['OVERFILL', 'node1-1', 'PARTIALLY_FILLED', 'T2'],
      ['UNKNOWN_ORDER', 'node1-999', null, 'T3'],
      ['INVALID_FILL', 'node1-1', 'PARTIALLY_FILLED', 'T4'],
      ['ILLEGAL_TRANSITION', 'node1-1', 'PARTIALLY_FILLED', ''],
      ['ILLEGAL_TRANSITION', 'node1-1', 'PARTIALLY_FILLED', ''],
    ],
  );
  assert.equal(oms.counters.anomalies, 6);
  assert.deepEqual(oms.counters.anomaliesByReason, { DUPLICATE_TRADE_ID: 1, OVERFILL: 1, UNKNOWN_ORDER: 1, INVALID_FILL: 1, ILLEGAL_TRANSITION: 2 });
  assert.equal(oms.counters.fills, 1);

  // the remaining 2 lots still fill normally; a fill on the FILLED order is an overfill
  oms.applyReport(fillReport(o.clientOrderId, 'T5', 19200, 2));
  assert.equal(o.status, 'FILLED');
  oms.applyReport(fillReport(o.clientOrderId, 'T6', 19200, 1));
  assert.equal(o.filledQty, 5);
  assert.equal(oms.anomalies.at(-1)!.reason, 'OVERFILL');
  // terminal: a cancel after FILLED is a venue fault, not a late race
  oms.applyReport(report('CANCELED', o.clientOrderId, 'V1', 4_000));
  assert.equal(o.status, 'FILLED');
  assert.equal(oms.anomalies.at(-1)!.reason, 'ILLEGAL_TRANSITION');
});

test('the same tradeId on two different orders (self-cross) is not a duplicate', () => {
  const { oms } = setup();
  const b = working(oms, limitIntent(ES, 'BUY', 19200, 1));
  const s = working(oms, limitIntent(ES, 'SELL', 19200, 1));
  oms.applyReport(fillReport(b.clientOrderId, 'X1', 19200, 1));
  oms.applyReport(fillReport(s.clientOrderId, 'X1', 19200, 1));
  assert.equal(b.status, 'FILLED');
  assert.equal(s.status, 'FILLED');
  assert.equal(oms.counters.anomalies, 0);
});

test('invalid intents are DENIED with INVALID_ORDER; deny() records the risk reason', () => {
  const { clock, oms, seen } = setup();
  clock.advanceTo(5_000);
  const bad: OrderIntent[] = [
    limitIntent(ES, 'BUY', 19200, 0),
    limitIntent(ES, 'BUY', 19200, 1.5),
    limitIntent(ES, 'BUY', 0, 1),
    limitIntent(ES, 'BUY', 19200.5, 1),
    limitIntent(ES, 'BUY', Number.NaN, 1),
    { ...marketIntent(ES, 'BUY', 1), price: 19200 },
    { ...limitIntent(ES, 'BUY', 19200, 1), type: 'STOP_LIMIT' }, // no trigger
    { ...marketIntent(ES, 'BUY', 1), postOnly: true },
    { ...limitIntent(ES, 'BUY', 19200, 1), tif: 'GTD', expireTimeNs: 4_000 }, // already expired
    { ...limitIntent(ES, 'BUY', 19200, 1), expireTimeNs: 9_000 }, // expiry without GTD
    { ...limitIntent(ES, 'BUY', 19200, 1), side: 'HOLD' as 'BUY' },
  ];
  for (const intent of bad) {
    const o = oms.create(intent, 'mm');
    assert.equal(o.status, 'DENIED', JSON.stringify(intent));
    assert.equal(o.reason, 'INVALID_ORDER');
  }
  assert.equal(seen.length, bad.length);
  assert.ok(seen.every((s) => s.type === 'OrderDenied' && s.reason === 'INVALID_ORDER'));

  const good: OrderIntent[] = [
    limitIntent(ES, 'BUY', 19200, 1),
    marketIntent(ES, 'SELL', 3),
    { ...limitIntent(ES, 'BUY', 19200, 1), type: 'STOP_LIMIT', triggerPrice: 19190 },
    { ...marketIntent(ES, 'BUY', 1), type: 'STOP', tif: 'GTC', triggerPrice: 19210 },
    { ...limitIntent(ES, 'BUY', 19200, 1), tif: 'GTD', expireTimeNs: 6_000 },
  ];
  for (const intent of good) assert.equal(oms.create(intent, 'mm').status, 'INITIALIZED', JSON.stringify(intent));

  const o = oms.create(limitIntent(ES, 'BUY', 19200, 1), 'mm');
  oms.deny(o, 'MAX_POSITION');
  assert.equal(o.status, 'DENIED');
  assert.equal(o.reason, 'MAX_POSITION');
  assert.deepEqual({ ...oms.counters.deniedByReason }, { INVALID_ORDER: bad.length, MAX_POSITION: 1 });
  assert.equal(oms.counters.denied, bad.length + 1);
  // a denied order cannot be submitted: a programming error, so it throws
  assert.throws(() => oms.markSubmitted(o), /illegal order transition/);
  assert.equal(oms.openOrderCount(), 0);
  assert.equal(oms.all().length, bad.length + good.length + 1);
});

test('client order ids are deterministic and resume after restoreIdSequence', () => {
  const a = setup('nodeA').oms;
  const b = setup('nodeA').oms;
  const idsA = [1, 2, 3].map(() => a.create(limitIntent(ES, 'BUY', 19200, 1), 'mm').clientOrderId);
  const idsB = [1, 2, 3].map(() => b.create(limitIntent(ES, 'BUY', 19200, 1), 's2').clientOrderId);
  assert.deepEqual(idsA, ['nodeA-1', 'nodeA-2', 'nodeA-3']);
  assert.deepEqual(idsB, idsA);
  // denied orders consume ids too, so the sequence does not depend on what risk decided
  assert.equal(a.create(limitIntent(ES, 'BUY', 19200, 0), 'mm').clientOrderId, 'nodeA-4');

  const c = setup('nodeA').oms;
  c.restoreIdSequence(41);
  assert.equal(c.create(limitIntent(ES, 'BUY', 19200, 1), 'mm').clientOrderId, 'nodeA-42');
  assert.equal(c.lastIdSequence, 42);
  assert.throws(() => c.restoreIdSequence(10), RangeError);
  assert.throws(() => new OrderManager(new SimClock(0n), new InProcessBus<KernelTopics>(), 'bad prefix!'), RangeError);
});

test('open-order index: per instrument, submission order, updated on every close', () => {
  const { oms } = setup();
  const e1 = working(oms, limitIntent(ES, 'BUY', 19200, 2));
  const n1 = working(oms, limitIntent(NQ, 'SELL', 70000, 1));
  const e2 = working(oms, limitIntent(ES, 'SELL', 19210, 2));
  const n2 = oms.create(limitIntent(NQ, 'BUY', 69990, 1), 'mm'); // INITIALIZED: not open yet
  const ids = (it: Iterable<{ clientOrderId: string }>) => [...it].map((o) => o.clientOrderId);
  assert.deepEqual(ids(oms.openOrders()), [e1.clientOrderId, n1.clientOrderId, e2.clientOrderId]);
  assert.deepEqual(ids(oms.openOrders(ES)), [e1.clientOrderId, e2.clientOrderId]);
  assert.deepEqual(ids(oms.openOrders(NQ)), [n1.clientOrderId]);
  assert.deepEqual(ids(oms.openOrders(99)), []);
  oms.markSubmitted(n2);
  assert.equal(oms.openOrderCount(NQ), 2);

  oms.applyReport(fillReport(e1.clientOrderId, 'T1', 19200, 2)); // FILLED
  oms.applyReport(report('REJECTED', n2.clientOrderId, '', 3_000, { reason: 'POST_ONLY_WOULD_TAKE' }));
  assert.equal(n2.status, 'REJECTED');
  assert.equal(n2.reason, 'POST_ONLY_WOULD_TAKE');
  oms.applyReport(report('EXPIRED', n1.clientOrderId, 'V1', 3_000, { reason: 'GTD' }));
  assert.equal(n1.status, 'EXPIRED');
  assert.deepEqual(ids(oms.openOrders()), [e2.clientOrderId]);
  assert.deepEqual(ids(oms.openOrders(ES)), [e2.clientOrderId]);
  assert.deepEqual(ids(oms.openOrders(NQ)), []);
  assert.equal(oms.openOrderCount(), 1);
  assert.equal(oms.counters.rejected, 1);
  assert.equal(oms.counters.expired, 1);

  // cancelling everything while iterating, with the venue answering synchronously
  working(oms, limitIntent(ES, 'BUY', 19190, 1));
  working(oms, limitIntent(NQ, 'BUY', 69000, 1));
  let n = 0;
  for (const o of oms.openOrders()) {
    oms.requestCancel(o.clientOrderId);
    oms.applyReport(report('CANCELED', o.clientOrderId, 'V1', 4_000));
    n++;
  }
  assert.equal(n, 3);
  assert.equal(oms.openOrderCount(), 0);
  assert.equal(oms.openOrderCount(ES), 0);
  // all() keeps creation order and every order
  assert.deepEqual(ids(oms.all()).slice(0, 4), ['node1-1', 'node1-2', 'node1-3', 'node1-4']);
});

test('fill before ack (some venues): PARTIALLY_FILLED, then the late ack is accepted once', () => {
  const { oms } = setup();
  const o = oms.create(limitIntent(ES, 'BUY', 19200, 3), 'mm');
  oms.markSubmitted(o);
  oms.applyReport(fillReport(o.clientOrderId, 'T1', 19200, 1));
  assert.equal(o.status, 'PARTIALLY_FILLED');
  oms.applyReport(report('ACCEPTED', o.clientOrderId, 'V1', 3_000));
  assert.equal(o.status, 'PARTIALLY_FILLED');
  assert.equal(oms.counters.accepted, 1);
  // a rejection after a fill is not believable
  oms.applyReport(report('REJECTED', o.clientOrderId, 'V1', 3_100));
  assert.equal(o.status, 'PARTIALLY_FILLED');
  assert.equal(oms.anomalies.at(-1)!.reason, 'ILLEGAL_TRANSITION');

  // an IOC filled entirely before its ack: the late ack is a benign race
  const m = oms.create(marketIntent(ES, 'SELL', 2), 'mm');
  oms.markSubmitted(m);
  oms.applyReport(fillReport(m.clientOrderId, 'T2', 19199, 2));
  assert.equal(m.status, 'FILLED');
  oms.applyReport(report('ACCEPTED', m.clientOrderId, 'V2', 3_000));
  assert.equal(oms.counters.lateReports, 1);
  assert.equal(oms.counters.anomalies, 1);
});

test('anomaly listeners are told, and anomalies never throw', () => {
  const { oms } = setup();
  const got: string[] = [];
  oms.onAnomaly((a) => got.push(a.reason));
  assert.doesNotThrow(() => oms.applyReport({ ...report('ACCEPTED', 'x-1', '', 0), type: 'BOGUS' as 'ACCEPTED' }));
  assert.doesNotThrow(() => oms.applyReport(report('CANCELED', 'x-1', '', 0)));
  assert.deepEqual(got, ['UNKNOWN_ORDER', 'UNKNOWN_ORDER']);
  const o = working(oms);
  oms.applyReport({ ...report('ACCEPTED', o.clientOrderId, '', 0), type: 'BOGUS' as 'ACCEPTED' });
  assert.deepEqual(got, ['UNKNOWN_ORDER', 'UNKNOWN_ORDER', 'UNKNOWN_REPORT_TYPE']);
});
