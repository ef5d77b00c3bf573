import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEventType, OrderStatus } from '../../src/core/index.ts';
import { ORDER_TRANSITIONS, TERMINAL_STATUSES, isLateReport, nextStatus } from '../../src/oms/OrderStateMachine.ts';

const ALL_EVENTS: OrderEventType[] = [
  'OrderSubmitted',
  'OrderDenied',
  'OrderAccepted',
  'OrderRejected',
  'OrderFilled',
  'OrderPendingCancel',
  'OrderCanceled',
  'OrderCancelRejected',
  'OrderPendingReplace',
  'OrderReplaced',
  'OrderReplaceRejected',
  'OrderExpired',
];

const view = (status: OrderStatus, qty = 10, filledQty = 0) => ({ status, qty, filledQty });
const ctx = (acked: boolean, replaceInFlight = false) => ({ acked, replaceInFlight });

test('terminal statuses accept nothing', () => {
  assert.deepEqual([...TERMINAL_STATUSES].sort(), ['CANCELED', 'DENIED', 'EXPIRED', 'FILLED', 'REJECTED']);
  for (const s of TERMINAL_STATUSES) {
    for (const e of ALL_EVENTS) assert.equal(nextStatus(view(s, 10, 10), e, 1, ctx(true, true)), null, `${s} + ${e}`);
  }
});

test('main lifecycle edges', () => {
  assert.equal(nextStatus(view('INITIALIZED'), 'OrderSubmitted'), 'SUBMITTED');
  assert.equal(nextStatus(view('INITIALIZED'), 'OrderDenied'), 'DENIED');
  assert.equal(nextStatus(view('INITIALIZED'), 'OrderAccepted'), null);
  assert.equal(nextStatus(view('SUBMITTED'), 'OrderAccepted'), 'ACCEPTED');
  assert.equal(nextStatus(view('SUBMITTED'), 'OrderRejected'), 'REJECTED');
  assert.equal(nextStatus(view('SUBMITTED'), 'OrderDenied'), null);
  assert.equal(nextStatus(view('ACCEPTED'), 'OrderFilled', 4), 'PARTIALLY_FILLED');
  assert.equal(nextStatus(view('ACCEPTED'), 'OrderFilled', 10), 'FILLED');
  assert.equal(nextStatus(view('PARTIALLY_FILLED', 10, 4), 'OrderFilled', 6), 'FILLED');
  assert.equal(nextStatus(view('PARTIALLY_FILLED', 10, 4), 'OrderFilled', 7), null, 'overfill');
  assert.equal(nextStatus(view('ACCEPTED'), 'OrderFilled', 0), null, 'empty fill');
  assert.equal(nextStatus(view('ACCEPTED'), 'OrderRejected'), null, 'rejected after ack');
  assert.equal(nextStatus(view('ACCEPTED'), 'OrderAccepted'), null, 'duplicate ack');
  // fills before the ack
  assert.equal(nextStatus(view('SUBMITTED'), 'OrderFilled', 3), 'PARTIALLY_FILLED');
  assert.equal(nextStatus(view('SUBMITTED'), 'OrderFilled', 10), 'FILLED');
  assert.equal(nextStatus(view('PARTIALLY_FILLED', 10, 3), 'OrderAccepted', 0, ctx(false)), 'PARTIALLY_FILLED');
  assert.equal(nextStatus(view('PARTIALLY_FILLED', 10, 3), 'OrderAccepted', 0, ctx(true)), null);
});

test('cancel edges', () => {
  for (const s of ['SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED', 'PENDING_REPLACE'] as const) {
    assert.equal(nextStatus(view(s), 'OrderPendingCancel'), 'PENDING_CANCEL', s);
  }
  assert.equal(nextStatus(view('PENDING_CANCEL'), 'OrderPendingCancel'), null);
  assert.equal(nextStatus(view('PENDING_CANCEL'), 'OrderCanceled'), 'CANCELED');
  assert.equal(nextStatus(view('PENDING_CANCEL', 10, 2), 'OrderFilled', 3), 'PENDING_CANCEL');
  assert.equal(nextStatus(view('PENDING_CANCEL', 10, 2), 'OrderFilled', 8), 'FILLED');
  assert.equal(nextStatus(view('PENDING_CANCEL', 10, 0), 'OrderCancelRejected', 0, ctx(true)), 'ACCEPTED');
  assert.equal(nextStatus(view('PENDING_CANCEL', 10, 2), 'OrderCancelRejected', 0, ctx(true)), 'PARTIALLY_FILLED');
  assert.equal(nextStatus(view('PENDING_CANCEL', 10, 0), 'OrderCancelRejected', 0, ctx(false)), 'SUBMITTED');
  assert.equal(nextStatus(view('PENDING_CANCEL', 10, 0), 'OrderCancelRejected', 0, ctx(true, true)), 'PENDING_REPLACE');
  assert.equal(nextStatus(view('ACCEPTED'), 'OrderCancelRejected'), null, 'no cancel in flight');
  // the order itself is refused before the cancel lands
  assert.equal(nextStatus(view('PENDING_CANCEL'), 'OrderRejected', 0, ctx(false)), 'REJECTED');
  assert.equal(nextStatus(view('PENDING_CANCEL'), 'OrderRejected', 0, ctx(true)), null);
  // unsolicited cancels (IOC remainder, venue risk)
  assert.equal(nextStatus(view('ACCEPTED'), 'OrderCanceled'), 'CANCELED');
  assert.equal(nextStatus(view('PARTIALLY_FILLED', 10, 1), 'OrderCanceled'), 'CANCELED');
});

test('replace edges', () => {
  assert.equal(nextStatus(view('ACCEPTED'), 'OrderPendingReplace'), 'PENDING_REPLACE');
  assert.equal(nextStatus(view('PARTIALLY_FILLED', 10, 1), 'OrderPendingReplace'), 'PENDING_REPLACE');
  assert.equal(nextStatus(view('SUBMITTED'), 'OrderPendingReplace'), null);
  assert.equal(nextStatus(view('PENDING_REPLACE'), 'OrderPendingReplace'), null);
  assert.equal(nextStatus(view('PENDING_CANCEL'), 'OrderPendingReplace'), null);
  assert.equal(nextStatus(view('PENDING_REPLACE'), 'OrderReplaced'), 'ACCEPTED');
  assert.equal(nextStatus(view('PENDING_REPLACE', 10, 4), 'OrderReplaced'), 'PARTIALLY_FILLED');
  assert.equal(nextStatus(view('PENDING_REPLACE', 10, 4), 'OrderReplaceRejected'), 'PARTIALLY_FILLED');
  assert.equal(nextStatus(view('PENDING_REPLACE', 10, 4), 'OrderFilled', 2), 'PENDING_REPLACE');
  assert.equal(nextStatus(view('PENDING_REPLACE', 10, 4), 'OrderFilled', 6), 'FILLED');
  assert.equal(nextStatus(view('PENDING_CANCEL'), 'OrderReplaced', 0, ctx(true, true)), 'PENDING_CANCEL');
  assert.equal(nextStatus(view('PENDING_CANCEL'), 'OrderReplaced', 0, ctx(true, false)), null);
  assert.equal(nextStatus(view('ACCEPTED'), 'OrderReplaced'), null);
});

test('every table entry names a known event and a status or computed target', () => {
  const statuses = new Set(Object.keys(ORDER_TRANSITIONS));
  for (const [from, edges] of Object.entries(ORDER_TRANSITIONS)) {
    for (const [event, target] of Object.entries(edges)) {
      assert.ok(ALL_EVENTS.includes(event as OrderEventType), `${from}: ${event}`);
      assert.ok(statuses.has(target as string) || ['FILL', 'FILL_OR_STAY', 'STAY', 'RESUME'].includes(target as string), `${from}: ${event} -> ${target}`);
    }
  }
});

test('late reports on finished orders are recognised as races', () => {
  assert.equal(isLateReport('FILLED', 'OrderCancelRejected', true), true);
  assert.equal(isLateReport('CANCELED', 'OrderReplaceRejected', true), true);
  assert.equal(isLateReport('FILLED', 'OrderAccepted', false), true);
  assert.equal(isLateReport('FILLED', 'OrderAccepted', true), false);
  assert.equal(isLateReport('FILLED', 'OrderCanceled', true), false);
  assert.equal(isLateReport('REJECTED', 'OrderCancelRejected', false), false);
  assert.equal(isLateReport('ACCEPTED', 'OrderCancelRejected', true), false);
});
