import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Instrument, SimClock, isOpen, sideSign } from '../../src/core/index.ts';
import type { Order, OrderIntent, OrderStatus } from '../../src/core/index.ts';
import { InProcessBus } from '../../src/bus/InProcessBus.ts';
import type { KernelTopics } from '../../src/bus/topics.ts';
import { report, type ExecutionReportType, type VenueOrderState } from '../../src/execution/ExecutionClient.ts';
import { OrderManager } from '../../src/oms/OrderManager.ts';
import { ORDER_TRANSITIONS, TERMINAL_STATUSES } from '../../src/oms/OrderStateMachine.ts';
import { Portfolio } from '../../src/portfolio/Portfolio.ts';

/**
 * Random sequences of commands (new, cancel, replace, deny) and venue reports (every type,
 * plausible and malformed values, duplicate trade ids, reports for unknown orders) through the
 * OrderManager, with the Portfolio booking its fills. After every step:
 * - every status change came with an order.event, and that event is allowed by the transition
 *   table from the status the order had (with the computed targets resolved);
 * - a terminal status never changes; 0 <= filledQty <= qty; filledQty and filledNotional are the
 *   sums of the fills published for the order; trade ids are not applied twice;
 * - the open-order index holds exactly the open orders;
 * - the portfolio position of each instrument = the signed sum of all fills.
 */

const A = new Instrument({ id: 1, symbol: 'A', venue: 'X', tickSize: '1', lotSize: '1', multiplier: '1', currency: 'USD' });
const B = new Instrument({ id: 2, symbol: 'B', venue: 'X', tickSize: '1', lotSize: '1', multiplier: '1', currency: 'USD' });

type Step =
  | { kind: 'new'; instrument: 1 | 2; side: 'BUY' | 'SELL'; type: 'LIMIT' | 'MARKET'; qty: number; price: number; deny: boolean; invalid: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'replace'; pick: number; price: number; qty: number }
  | { kind: 'report'; pick: number; type: ExecutionReportType; qty: number; price: number; trade: number; newQty: number; venueState: VenueOrderState; cumQty: number; unknown: boolean };

// weighted by repetition: acks and fills are what venues mostly send
const REPORT_TYPES: ExecutionReportType[] = ['ACCEPTED', 'ACCEPTED', 'ACCEPTED', 'REJECTED', 'FILLED', 'FILLED', 'FILLED', 'CANCELED', 'CANCEL_REJECTED', 'REPLACED', 'REPLACED', 'REPLACE_REJECTED', 'EXPIRED', 'STATUS', 'STATUS'];
const VENUE_STATES: VenueOrderState[] = ['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'REJECTED', 'UNKNOWN'];

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('new' as const), instrument: fc.constantFrom(1 as const, 2 as const), side: fc.constantFrom('BUY' as const, 'SELL' as const), type: fc.constantFrom('LIMIT' as const, 'MARKET' as const), qty: fc.integer({ min: 1, max: 6 }), price: fc.integer({ min: 1, max: 5 }), deny: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), invalid: fc.integer({ min: 0, max: 9 }).map((n) => n === 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), price: fc.integer({ min: 0, max: 6 }), qty: fc.integer({ min: 0, max: 8 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('report' as const),
      pick: fc.nat(),
      type: fc.constantFrom(...REPORT_TYPES),
      qty: fc.integer({ min: 0, max: 4 }),
      price: fc.integer({ min: 0, max: 6 }),
      trade: fc.integer({ min: 0, max: 12 }), // 0 = no trade id; small range = duplicates happen
      newQty: fc.integer({ min: 0, max: 8 }),
      venueState: fc.constantFrom(...VENUE_STATES),
      cumQty: fc.integer({ min: 0, max: 8 }),
      unknown: fc.boolean(),
    }),
  },
);

/** Statuses a computed target of the table may resolve to. */
function allowedTargets(from: OrderStatus, event: keyof (typeof ORDER_TRANSITIONS)['SUBMITTED']): OrderStatus[] | null {
  const t = ORDER_TRANSITIONS[from][event];
  if (t === undefined) return null;
  switch (t) {
    case 'FILL':
      return ['FILLED', 'PARTIALLY_FILLED'];
    case 'FILL_OR_STAY':
      return ['FILLED', from];
    case 'STAY':
      return [from];
    case 'RESUME':
      return ['PENDING_REPLACE', 'PARTIALLY_FILLED', 'ACCEPTED', 'SUBMITTED'];
    default:
      return [t];
  }
}

/** `sabotage` (tests of the checks themselves) may tamper with the first order after each step. */
function run(steps: Step[], sabotage?: (o: Order) => void): void {
  const clock = new SimClock(0n, 1);
  const bus = new InProcessBus<KernelTopics>();
  const oms = new OrderManager(clock, bus, 'P');
  const portfolio = new Portfolio([A, B], 0n);
  const known = new Map<string, OrderStatus>(); // status as of the last event
  const changed = new Set<string>(); // orders that had an event during the current step
  const fillQty = new Map<string, number>();
  const fillNotional = new Map<string, number>();
  const tradeIds = new Map<string, Set<string>>();
  const expectedPos = new Map<number, number>();
  const violations: string[] = [];

  bus.subscribe('order.fill', (f) => {
    portfolio.applyFill(f);
    fillQty.set(f.clientOrderId, (fillQty.get(f.clientOrderId) ?? 0) + f.qty);
    fillNotional.set(f.clientOrderId, (fillNotional.get(f.clientOrderId) ?? 0) + f.qty * f.price);
    expectedPos.set(f.instrumentId, (expectedPos.get(f.instrumentId) ?? 0) + sideSign(f.side) * f.qty);
    if (f.tradeId !== '') {
      const s = tradeIds.get(f.clientOrderId) ?? new Set<string>();
      if (s.has(f.tradeId)) violations.push(`trade id ${f.tradeId} applied twice to ${f.clientOrderId}`);
      s.add(f.tradeId);
      tradeIds.set(f.clientOrderId, s);
    }
  });
  bus.subscribe('order.event', (e) => {
    const id = e.order.clientOrderId;
    const from = known.get(id) ?? 'INITIALIZED';
    const to = e.order.status;
    const allowed = allowedTargets(from, e.type);
    if (allowed === null) violations.push(`${id}: ${e.type} is not in the table for ${from}`);
    else if (!allowed.includes(to)) violations.push(`${id}: ${e.type} from ${from} went to ${to}, table allows ${allowed.join('/')}`);
    if (TERMINAL_STATUSES.has(from)) violations.push(`${id}: event ${e.type} after terminal ${from}`);
    known.set(id, to);
    changed.add(id);
  });

  const orders: Order[] = [];
  // mostly an open order (where reports matter), sometimes any order (finished ones included)
  const pick = (n: number): Order | undefined => {
    const open = orders.filter(isOpen);
    const from = n % 4 === 0 || open.length === 0 ? orders : open;
    return from.length === 0 ? undefined : from[Math.floor(n / 4) % from.length];
  };

  for (const s of steps) {
    clock.advanceTo(clock.now() + 1);
    changed.clear();
    const before = new Map(orders.map((o) => [o.clientOrderId, o.status]));
    switch (s.kind) {
      case 'new': {
        const intent: OrderIntent = {
          instrumentId: s.instrument,
          side: s.side,
          type: s.type,
          tif: s.type === 'MARKET' ? 'IOC' : 'GTC',
          qty: s.invalid ? 0 : s.qty,
          price: s.type === 'MARKET' ? 0 : s.price,
          triggerPrice: 0,
          postOnly: false,
          reduceOnly: false,
          expireTimeNs: 0,
        };
        const o = oms.create(intent, 's');
        orders.push(o);
        if (o.status === 'INITIALIZED') {
          if (s.deny) oms.deny(o, 'MAX_POSITION');
          else oms.markSubmitted(o);
        }
        break;
      }
      case 'cancel': {
        const o = pick(s.pick);
        if (o) oms.requestCancel(o.clientOrderId);
        break;
      }
      case 'replace': {
        const o = pick(s.pick);
        if (o) oms.requestReplace(o.clientOrderId, s.price, s.qty);
        break;
      }
      case 'report': {
        const o = pick(s.pick);
        const id = s.unknown || !o ? 'P-404' : o.clientOrderId;
        oms.applyReport(
          report(s.type, id, 'V', clock.now(), {
            tradeId: s.trade === 0 ? '' : `T${s.trade}`,
            lastQty: s.qty,
            lastPrice: s.price,
            fee: 0n,
            newPrice: s.price,
            newQty: s.newQty,
            venueState: s.venueState,
            cumQty: s.cumQty,
            reason: s.type === 'REJECTED' ? 'NO' : '',
          }),
        );
        break;
      }
    }
    if (sabotage && orders.length > 0) sabotage(orders[0]);
    // every status change came with an event; the last event tells the status the order has
    for (const o of orders) {
      const prev = before.get(o.clientOrderId) ?? 'INITIALIZED';
      if (o.status !== prev && !changed.has(o.clientOrderId)) violations.push(`${o.clientOrderId}: ${prev} -> ${o.status} without an event`);
      if (changed.has(o.clientOrderId) && known.get(o.clientOrderId) !== o.status) violations.push(`${o.clientOrderId}: status ${o.status} but last event said ${known.get(o.clientOrderId)}`);
      if (TERMINAL_STATUSES.has(prev) && o.status !== prev) violations.push(`${o.clientOrderId}: left terminal ${prev}`);
      if (!(o.filledQty >= 0 && o.filledQty <= o.qty)) violations.push(`${o.clientOrderId}: filledQty ${o.filledQty} of ${o.qty}`);
      if (o.filledQty !== (fillQty.get(o.clientOrderId) ?? 0)) violations.push(`${o.clientOrderId}: filledQty ${o.filledQty} != sum of fills`);
      if (o.filledNotionalTicks !== (fillNotional.get(o.clientOrderId) ?? 0)) violations.push(`${o.clientOrderId}: notional != sum of fills`);
      if (o.status === 'FILLED' && o.filledQty !== o.qty) violations.push(`${o.clientOrderId}: FILLED with ${o.filledQty}/${o.qty}`);
    }
    const openIds = new Set([...oms.openOrders()].map((o) => o.clientOrderId));
    const shouldBeOpen = new Set(orders.filter(isOpen).map((o) => o.clientOrderId));
    if (openIds.size !== shouldBeOpen.size || [...openIds].some((id) => !shouldBeOpen.has(id))) violations.push(`open index ${[...openIds]} != open orders ${[...shouldBeOpen]}`);
    for (const inst of [A, B]) {
      if (portfolio.position(inst.id) !== (expectedPos.get(inst.id) ?? 0)) violations.push(`position of ${inst.symbol} != sum of fills`);
      const byInstrument = [...oms.openOrders(inst.id)].length;
      if (byInstrument !== oms.openOrderCount(inst.id)) violations.push(`open count of ${inst.symbol}`);
    }
    if (violations.length > 0) break;
  }
  assert.deepEqual(violations, []);
}

test('property: random order/fill/cancel/replace/status sequences never break the OMS invariants', () => {
  fc.assert(
    fc.property(fc.array(stepArb, { minLength: 1, maxLength: 80, size: 'max' }), (steps) => run(steps)),
    { numRuns: 1000, seed: 4_2024 },
  );
});

test('the property checks can fail: a change made behind the OMS back is caught', () => {
  const steps: Step[] = [
    { kind: 'new', instrument: 1, side: 'BUY', type: 'LIMIT', qty: 2, price: 1, deny: false, invalid: false },
    { kind: 'report', pick: 0, type: 'ACCEPTED', qty: 0, price: 0, trade: 0, newQty: 0, venueState: 'NEW', cumQty: 0, unknown: false },
  ];
  run(steps);
  assert.throws(() => run(steps, (o) => (o.status = 'CANCELED')), /without an event|but last event said/);
  assert.throws(() => run(steps, (o) => (o.filledQty = 1)), /sum of fills/);
  assert.equal(allowedTargets('SUBMITTED', 'OrderReplaced'), null);
  assert.deepEqual(allowedTargets('PENDING_CANCEL', 'OrderFilled'), ['FILLED', 'PENDING_CANCEL']);
});
