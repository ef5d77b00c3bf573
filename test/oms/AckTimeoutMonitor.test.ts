import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitIntent } from '../../src/core/index.ts';
import { report } from '../../src/execution/ExecutionClient.ts';
import { AckTimeoutMonitor } from '../../src/oms/AckTimeoutMonitor.ts';
import { omsHarness } from './harness.ts';

const MS = 1_000_000;
const ES = 1;

function setup(settings: { ackTimeoutNs?: number; ackMaxQueries?: number; venueUnhealthyAfter?: number } = {}) {
  const h = omsHarness();
  const monitor = new AckTimeoutMonitor(h.clock, h.bus, h.venue, {
    ackTimeoutNs: settings.ackTimeoutNs ?? 100 * MS,
    ackMaxQueries: settings.ackMaxQueries ?? 2,
    venueUnhealthyAfter: settings.venueUnhealthyAfter ?? 3,
  });
  return { ...h, monitor };
}

test('an ack in time: no timeout, no query, the timer is gone', () => {
  const h = setup();
  const o = h.submit(limitIntent(ES, 'BUY', 100, 1));
  assert.equal(h.monitor.watching, 1);
  h.clock.advanceTo(h.clock.now() + 50 * MS);
  h.venue.ack(o);
  assert.equal(h.monitor.watching, 0);
  h.clock.advanceTo(h.clock.now() + 1_000 * MS);
  assert.equal(h.monitor.health.totalTimeouts, 0);
  assert.equal(h.venue.callsOf('query').length, 0);
  assert.equal(h.health.length, 0, 'nothing to publish');
  assert.equal(h.clock.pendingTimers(), 0);
});

test('no ack: timeout at ack_timeout, the order is queried; a STATUS NEW answer applies the missing ack', () => {
  const h = setup();
  const t0 = h.clock.now();
  const o = h.submit(limitIntent(ES, 'BUY', 100, 1));
  h.clock.advanceTo(t0 + 100 * MS - 1);
  assert.equal(h.monitor.health.totalTimeouts, 0, 'not a nanosecond early');
  h.clock.advanceTo(t0 + 100 * MS);
  assert.equal(h.monitor.health.totalTimeouts, 1);
  assert.equal(h.monitor.health.consecutiveTimeouts, 1);
  assert.equal(h.monitor.health.lastTimeoutNs, t0 + 100 * MS);
  assert.deepEqual(h.venue.callsOf('query').map((c) => c.order), [o]);
  assert.equal(h.health.length, 1);
  assert.equal(h.health[0].totalTimeouts, 1);
  assert.equal(h.health[0].queries, 1);
  assert.equal(h.health[0].venue, 'STUB');
  // the venue answers the query: it has the order
  h.venue.emit(report('STATUS', o.clientOrderId, 'V-9', h.clock.now(), { venueState: 'NEW', cumQty: 0 }));
  assert.equal(o.status, 'ACCEPTED');
  assert.equal(o.venueOrderId, 'V-9');
  assert.equal(h.oms.counters.accepted, 1);
  assert.equal(h.oms.counters.statusReports, 1);
  assert.equal(h.monitor.watching, 0);
  // a late answer does not make the venue timely again
  assert.equal(h.monitor.health.consecutiveTimeouts, 1);
  // the venue's own (slow) ack arrives after all: an expected late report, not an anomaly; a third one is
  h.venue.ack(o);
  assert.equal(o.status, 'ACCEPTED');
  assert.equal(h.oms.counters.lateReports, 1);
  assert.equal(h.oms.counters.anomalies, 0);
  assert.equal(h.oms.counters.accepted, 1);
  h.venue.ack(o);
  assert.equal(h.oms.counters.anomaliesByReason.ILLEGAL_TRANSITION, 1);
  h.clock.advanceTo(h.clock.now() + 10 * MS);
  const next = h.submit(limitIntent(ES, 'SELL', 101, 1));
  h.venue.ack(next);
  assert.equal(h.monitor.health.consecutiveTimeouts, 0, 'a timely answer resets the consecutive count');
  assert.equal(h.health.at(-1)?.consecutiveTimeouts, 0);
  assert.equal(h.clock.pendingTimers(), 0);
});

test('consecutive timeouts make the venue unhealthy (WARNING alert); the next timely answer heals it', () => {
  const h = setup({ venueUnhealthyAfter: 2, ackMaxQueries: 5 });
  const a = h.submit(limitIntent(ES, 'BUY', 100, 1));
  h.clock.advanceTo(h.clock.now() + 100 * MS);
  assert.equal(h.monitor.health.healthy, true);
  h.clock.advanceTo(h.clock.now() + 100 * MS); // second timeout of the same order (after the query)
  assert.equal(h.monitor.health.consecutiveTimeouts, 2);
  assert.equal(h.monitor.health.healthy, false);
  assert.deepEqual(
    h.alerts.map((x) => [x.level, x.code]),
    [['WARNING', 'VENUE_UNHEALTHY']],
  );
  assert.equal(h.health.at(-1)?.healthy, false);
  // the venue answers a new order in time
  const b = h.submit(limitIntent(ES, 'BUY', 99, 1));
  h.venue.ack(b);
  assert.equal(h.monitor.health.healthy, true);
  assert.equal(h.monitor.health.consecutiveTimeouts, 0);
  assert.deepEqual(h.alerts.at(-1)?.code, 'VENUE_HEALTHY');
  assert.equal(h.monitor.health.totalTimeouts, 2);
  void a;
});

test('gives up after ack_max_queries queries: CRITICAL ORDER_UNANSWERED, order left SUBMITTED, no timer left', () => {
  const h = setup({ ackMaxQueries: 2, venueUnhealthyAfter: 10 });
  const o = h.submit(limitIntent(ES, 'BUY', 100, 1));
  for (let i = 0; i < 10; i++) h.clock.advanceTo(h.clock.now() + 100 * MS);
  assert.equal(h.venue.callsOf('query').length, 2);
  assert.equal(h.monitor.health.totalTimeouts, 3, 'two timeouts with a query each, the third gives up');
  assert.equal(h.monitor.health.unanswered, 1);
  assert.equal(o.status, 'SUBMITTED', 'the OMS never invents an answer');
  assert.deepEqual(
    h.alerts.map((x) => [x.level, x.code]),
    [['CRITICAL', 'ORDER_UNANSWERED']],
  );
  assert.match(h.alerts[0].message, /T-1 still SUBMITTED after 2 status queries/);
  assert.equal(h.monitor.watching, 0);
  assert.equal(h.clock.pendingTimers(), 0);
});

test('a query answered UNKNOWN changes nothing; REJECTED rejects the order', () => {
  const h = setup({ ackMaxQueries: 3 });
  h.venue.queryAnswer = (o) => report('STATUS', o.clientOrderId, '', h.clock.now(), { venueState: o.clientOrderId === 'T-1' ? 'UNKNOWN' : 'REJECTED', reason: 'NEVER_ARRIVED' });
  const a = h.submit(limitIntent(ES, 'BUY', 100, 1));
  const b = h.submit(limitIntent(ES, 'BUY', 100, 1));
  h.clock.advanceTo(h.clock.now() + 100 * MS);
  assert.equal(a.status, 'SUBMITTED');
  assert.equal(b.status, 'REJECTED');
  assert.equal(b.reason, 'NEVER_ARRIVED');
  assert.equal(h.monitor.watching, 1, 'a is still watched, b is finished');
  assert.equal(h.oms.counters.statusReports, 2);
  assert.equal(h.oms.counters.anomalies, 0);
});

test('a cancel without an answer times out too; an answer that leaves the order waiting restarts the wait', () => {
  const h = setup();
  const o = h.submit(limitIntent(ES, 'BUY', 100, 3));
  h.clock.advanceTo(h.clock.now() + 10 * MS);
  h.port.cancel(o.clientOrderId); // cancel before the ack
  h.clock.advanceTo(h.clock.now() + 80 * MS); // 90 ms after submit
  h.venue.ack(o); // the ack comes in time; the cancel answer is still due
  assert.equal(o.status, 'PENDING_CANCEL');
  assert.equal(h.monitor.watching, 1);
  h.clock.advanceTo(h.clock.now() + 99 * MS);
  assert.equal(h.monitor.health.totalTimeouts, 0, 'the wait restarted at the ack');
  h.clock.advanceTo(h.clock.now() + 1 * MS);
  assert.equal(h.monitor.health.totalTimeouts, 1);
  assert.equal(h.venue.callsOf('query').length, 1);
  h.venue.canceled(o);
  assert.equal(h.monitor.watching, 0);
  assert.equal(h.clock.pendingTimers(), 0);
});

test('a replace without an answer times out', () => {
  const h = setup();
  const o = h.submit(limitIntent(ES, 'BUY', 100, 3));
  h.venue.ack(o);
  assert.equal(h.monitor.watching, 0);
  h.port.replace(o.clientOrderId, 101, 3);
  assert.equal(h.monitor.watching, 1);
  h.clock.advanceTo(h.clock.now() + 100 * MS);
  assert.equal(h.monitor.health.totalTimeouts, 1);
  h.venue.replaced(o, 101, 3);
  assert.equal(o.status, 'ACCEPTED');
  assert.equal(h.monitor.watching, 0);
});

test('ack_timeout 0 watches nothing; bad settings are refused', () => {
  const h = setup({ ackTimeoutNs: 0 });
  h.submit(limitIntent(ES, 'BUY', 100, 1));
  h.clock.advanceTo(h.clock.now() + 10_000 * MS);
  assert.equal(h.monitor.watching, 0);
  assert.equal(h.monitor.health.totalTimeouts, 0);
  assert.throws(() => new AckTimeoutMonitor(h.clock, h.bus, h.venue, { ackTimeoutNs: -1, ackMaxQueries: 1, venueUnhealthyAfter: 1 }), /ack timeout/);
  assert.throws(() => new AckTimeoutMonitor(h.clock, h.bus, h.venue, { ackTimeoutNs: 1, ackMaxQueries: 1, venueUnhealthyAfter: 0 }), /unhealthy/);
});

test('STATUS answers the OMS does not apply: filled less than us is a STATUS_MISMATCH; NEW on an acked order changes nothing', () => {
  const h = setup();
  const o = h.submit(limitIntent(ES, 'BUY', 100, 5));
  h.venue.ack(o);
  h.venue.fill(o, 2);
  const before = h.events.length;
  h.venue.emit(report('STATUS', o.clientOrderId, 'V', h.clock.now(), { venueState: 'PARTIALLY_FILLED', cumQty: 2 }));
  assert.equal(h.events.length, before);
  assert.equal(h.oms.counters.anomalies, 0);
  h.venue.emit(report('STATUS', o.clientOrderId, 'V', h.clock.now(), { venueState: 'PARTIALLY_FILLED', cumQty: 1 }));
  assert.equal(h.oms.counters.anomaliesByReason.STATUS_MISMATCH, 1);
  h.venue.emit(report('STATUS', o.clientOrderId, 'V', h.clock.now(), { venueState: 'REJECTED', cumQty: 2 }));
  assert.equal(h.oms.counters.anomaliesByReason.STATUS_MISMATCH, 2);
  assert.equal(o.status, 'PARTIALLY_FILLED');
  assert.equal(h.oms.counters.statusReports, 3);
});
