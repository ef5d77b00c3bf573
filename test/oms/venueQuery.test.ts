import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Instrument, Rng, SimClock, limitIntent, type MboAction, type MboEvent } from '../../src/core/index.ts';
import { InProcessBus } from '../../src/bus/InProcessBus.ts';
import type { KernelTopics, VenueHealth } from '../../src/bus/topics.ts';
import { L3OrderBook } from '../../src/data/book/L3OrderBook.ts';
import type { ExecutionReport } from '../../src/execution/ExecutionClient.ts';
import { ScheduleFeeModel } from '../../src/execution/sim/FeeModel.ts';
import { ConstantLatencyModel } from '../../src/execution/sim/LatencyModel.ts';
import { SimulatedVenue } from '../../src/execution/sim/SimulatedVenue.ts';
import { AckTimeoutMonitor } from '../../src/oms/AckTimeoutMonitor.ts';
import { OrderManager } from '../../src/oms/OrderManager.ts';

const ES = new Instrument({ id: 1, symbol: 'ES', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const NO_FEES = { maker_fee_per_contract: '0', taker_fee_per_contract: '0', maker_fee_bps: '0', taker_fee_bps: '0', exchange_fee_per_contract: '0', clearing_fee_per_contract: '0' };
const MS = 1_000_000;

/** OMS + SimulatedVenue (order latency 10 ms, ack latency `ackMs`) on a hand-built L3 book. */
function setup(ackMs: number, ackTimeoutMs = 0) {
  const clock = new SimClock(0n);
  const bus = new InProcessBus<KernelTopics>();
  const book = new L3OrderBook(1);
  const venue = new SimulatedVenue(
    clock,
    new Map([[1, ES]]),
    new Map([[1, book]]),
    new ScheduleFeeModel(NO_FEES),
    new ConstantLatencyModel({ order_latency_ns: 10 * MS, ack_latency_ns: ackMs * MS, jitter_ns: 0, use_random_jitter: false }, new Rng(1)),
    { venue: 'SIM', trackQueuePosition: false },
  );
  const oms = new OrderManager(clock, bus, 'Q');
  const reports: ExecutionReport[] = [];
  venue.onReport((r) => {
    reports.push(r);
    oms.applyReport(r);
  });
  const monitor = ackTimeoutMs > 0 ? new AckTimeoutMonitor(clock, bus, venue, { ackTimeoutNs: ackTimeoutMs * MS, ackMaxQueries: 3, venueUnhealthyAfter: 5 }) : undefined;
  const health: VenueHealth[] = [];
  bus.subscribe('venue.health', (h) => health.push(h));
  const feed = (action: MboAction, side: 'B' | 'A' | 'N', orderId: number, price: number, size: number): void => {
    const t = clock.now();
    const ev: MboEvent = { kind: 'mbo', tsNs: t, tsRecvNs: t, instrumentId: 1, action, side, orderId, price, size, flags: 0x80, sequence: 0 };
    book.apply(ev);
    venue.onMarketEvent(ev);
  };
  feed('A', 'B', 11, 400, 5);
  feed('A', 'A', 12, 404, 5);
  const submit = (price: number, qty: number) => {
    const o = oms.create(limitIntent(1, 'BUY', price, qty), 's');
    oms.markSubmitted(o);
    venue.submit(o);
    return o;
  };
  const statuses = () => reports.filter((r) => r.type === 'STATUS').map((r) => [r.venueState, r.cumQty]);
  return { clock, venue, oms, reports, feed, submit, statuses, monitor, health };
}

test('SimulatedVenue.queryOrder: UNKNOWN before arrival, NEW while resting, PARTIALLY_FILLED with cumQty, UNKNOWN once finished', () => {
  const h = setup(1);
  const o = h.submit(401, 3);
  h.venue.queryOrder(o); // reaches the venue together with the order, but sent after it: FIFO
  h.venue.queryOrder(o);
  h.clock.advanceTo(5 * MS);
  h.venue.queryOrder(o); // arrives at 15 ms, after the order (10 ms)
  h.clock.advanceTo(20 * MS);
  assert.equal(o.status, 'ACCEPTED');
  assert.deepEqual(h.statuses(), [
    ['NEW', 0],
    ['NEW', 0],
    ['NEW', 0],
  ]);
  // a sell aggressor prints 2 lots at our price
  h.feed('T', 'A', 0, 401, 2);
  h.venue.queryOrder(o);
  h.clock.advanceTo(40 * MS);
  assert.equal(o.filledQty, 2);
  assert.deepEqual(h.statuses().at(-1), ['PARTIALLY_FILLED', 2]);
  h.feed('T', 'A', 0, 401, 5);
  h.venue.queryOrder(o);
  h.clock.advanceTo(60 * MS);
  assert.equal(o.status, 'FILLED');
  assert.deepEqual(h.statuses().at(-1), ['UNKNOWN', 0]);
  assert.equal(h.oms.counters.statusReports, 5);
  assert.equal(h.oms.counters.anomalies, 0);
});

test('SimulatedVenue.queryOrder before the order arrives: UNKNOWN (the venue cannot know it yet)', () => {
  const h = setup(1);
  const o = h.submit(401, 1);
  // a query sent with its order arrives after it (one FIFO session), so ask about an order the venue never got
  const ghost = { ...o, clientOrderId: 'Q-999' };
  h.venue.queryOrder(ghost);
  h.clock.advanceTo(20 * MS);
  const st = h.reports.find((r) => r.type === 'STATUS');
  assert.equal(st?.clientOrderId, 'Q-999');
  assert.equal(st?.venueState, 'UNKNOWN');
});

test('ack slower than ack_timeout through the real venue: timeout, query, the STATUS answer acks, the slow ack is a late report', () => {
  // order latency 10 ms, ack latency 50 ms: the ack is back at 60 ms; the timeout is 40 ms
  const h = setup(50, 40);
  const o = h.submit(401, 1);
  h.clock.advanceTo(40 * MS);
  assert.equal(h.monitor?.health.totalTimeouts, 1);
  assert.equal(o.status, 'SUBMITTED');
  h.clock.advanceTo(60 * MS);
  assert.equal(o.status, 'ACCEPTED', 'the real ack at 60 ms');
  // the query left at 40 ms, arrived at 50 ms and its answer comes back at 100 ms
  h.clock.advanceTo(200 * MS);
  assert.equal(h.oms.counters.statusReports, 1);
  assert.equal(h.oms.counters.anomalies, 0);
  assert.equal(h.monitor?.health.totalTimeouts, 1, 'the wait ended at the ack');
  assert.equal(h.health.length, 1);
});
