import { Instrument, MBO_FLAG_LAST, Rng, SimClock, type MboAction, type MboEvent, type Order, type OrderIntent } from '../../src/core/index.ts';
import { L2OrderBook } from '../../src/data/book/L2OrderBook.ts';
import { L3OrderBook } from '../../src/data/book/L3OrderBook.ts';
import type { ExecutionReport } from '../../src/execution/ExecutionClient.ts';
import { ScheduleFeeModel, type FeeSchedule } from '../../src/execution/sim/FeeModel.ts';
import type { FillModel } from '../../src/execution/sim/FillModel.ts';
import { ConstantLatencyModel } from '../../src/execution/sim/LatencyModel.ts';
import type { QueueModel } from '../../src/execution/sim/QueueModel.ts';
import { SimulatedVenue } from '../../src/execution/sim/SimulatedVenue.ts';
import { simulatedVenueRules, type SelfTradePrevention } from '../../src/execution/sim/VenueRules.ts';

export const ES = new Instrument({ id: 1, symbol: 'ES', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
export const NO_FEES: FeeSchedule = {
  maker_fee_per_contract: '0',
  taker_fee_per_contract: '0',
  maker_fee_bps: '0',
  taker_fee_bps: '0',
  exchange_fee_per_contract: '0',
  clearing_fee_per_contract: '0',
};

export interface HarnessOptions {
  l2?: boolean;
  orderLatency?: number;
  ackLatency?: number;
  fees?: FeeSchedule;
  timeBaseNs?: bigint;
  selfTrade?: SelfTradePrevention;
  sessionClose?: string;
  queueModel?: QueueModel;
  fillModel?: FillModel;
  trackQueuePosition?: boolean;
}

/**
 * A venue on a hand-built book (L3 by default, L2 with `l2`), fed as the kernel feeds it: each
 * event is applied to the book, then to the venue, after the clock reaches its time.
 */
export function venueHarness(opts: HarnessOptions = {}) {
  const clock = new SimClock(opts.timeBaseNs ?? 0n);
  const l3 = new L3OrderBook(1);
  const l2 = new L2OrderBook(1);
  const book = opts.l2 ? l2 : l3;
  const venue = new SimulatedVenue(
    clock,
    new Map([[1, ES]]),
    new Map([[1, book]]),
    new ScheduleFeeModel(opts.fees ?? NO_FEES),
    new ConstantLatencyModel({ order_latency_ns: opts.orderLatency ?? 0, ack_latency_ns: opts.ackLatency ?? 0, jitter_ns: 0, use_random_jitter: false }, new Rng(1)),
    {
      venue: 'SIM',
      trackQueuePosition: opts.trackQueuePosition ?? true,
      queueModel: opts.queueModel,
      fillModel: opts.fillModel,
      rules: simulatedVenueRules({ self_trade_prevention: opts.selfTrade ?? 'cancel_incoming', session_close_utc: opts.sessionClose ?? '00:00' }),
    },
  );
  const reports: ExecutionReport[] = [];
  venue.onReport((r) => reports.push(r));

  /** One MBO record; `last` sets F_LAST (end of the venue packet); `flags` adds others (e.g. F_SNAPSHOT 0x20). */
  const mbo = (t: number, action: MboAction, side: 'B' | 'A' | 'N', orderId: number, price: number, size: number, last = true, flags = 0): void => {
    clock.advanceTo(t);
    const ev: MboEvent = { kind: 'mbo', tsNs: t, tsRecvNs: t, instrumentId: 1, action, side, orderId, price, size, flags: flags | (last ? MBO_FLAG_LAST : 0), sequence: 0 };
    l3.apply(ev);
    venue.onMarketEvent(ev);
  };
  /** One L2 level update (absolute size) as a complete venue message. */
  const level = (t: number, side: 'B' | 'A', price: number, size: number): void => {
    clock.advanceTo(t);
    const ev = { kind: 'l2' as const, tsNs: t, tsRecvNs: t, instrumentId: 1, side, price, size, isSnapshot: false, sequence: -1, prevSequence: -1, isLast: true };
    l2.apply(ev);
    venue.onMarketEvent(ev);
  };
  /** A print from a trades feed (L2 data). */
  const trade = (t: number, aggressor: 'B' | 'A' | 'N', price: number, size: number): void => {
    clock.advanceTo(t);
    venue.onMarketEvent({ kind: 'trade', tsNs: t, instrumentId: 1, price, size, aggressor, tradeId: '' });
  };

  let n = 0;
  const order = (intent: Partial<OrderIntent> & Pick<OrderIntent, 'side' | 'qty'>): Order => ({
    instrumentId: 1,
    type: 'LIMIT',
    tif: 'GTC',
    price: 0,
    triggerPrice: 0,
    postOnly: false,
    reduceOnly: false,
    expireTimeNs: 0,
    ...intent,
    clientOrderId: `T-${++n}`,
    strategyId: 's',
    venueOrderId: '',
    status: 'SUBMITTED',
    filledQty: 0,
    filledNotionalTicks: 0,
    feesPaid: 0n,
    createdNs: clock.now(),
    updatedNs: clock.now(),
    reason: '',
  });
  const of = (o: Order): ExecutionReport[] => reports.filter((r) => r.clientOrderId === o.clientOrderId);
  const filled = (o: Order): number => of(o).reduce((s, r) => s + (r.type === 'FILLED' ? r.lastQty : 0), 0);
  /** [type, reason] of an order's reports other than fills. */
  const events = (o: Order): string[] => of(o).filter((r) => r.type !== 'FILLED').map((r) => (r.reason ? `${r.type}:${r.reason}` : r.type));
  /** [price, qty, liquidity] of an order's fills. */
  const fills = (o: Order): [number, number, string][] => of(o).filter((r) => r.type === 'FILLED').map((r) => [r.lastPrice, r.lastQty, r.liquidity]);
  return { clock, book, l2, l3, venue, reports, mbo, level, trade, order, filled, events, fills };
}
