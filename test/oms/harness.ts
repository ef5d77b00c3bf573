import { SimClock } from '../../src/core/index.ts';
import type { Instrument, Lots, Order, OrderEvent, OrderIntent, Ticks } from '../../src/core/index.ts';
import { InProcessBus } from '../../src/bus/InProcessBus.ts';
import type { Alert, KernelTopics, VenueHealth } from '../../src/bus/topics.ts';
import { report, type ExecutionClient, type ExecutionReport } from '../../src/execution/ExecutionClient.ts';
import { OrderManager } from '../../src/oms/OrderManager.ts';
import type { GroupOrderPort } from '../../src/oms/OrderGroups.ts';
import { Portfolio } from '../../src/portfolio/Portfolio.ts';

/** One call the OMS side made to the venue. */
export interface VenueCall {
  kind: 'submit' | 'cancel' | 'replace' | 'query';
  order: Order;
  price?: Ticks;
  qty?: Lots;
}

/**
 * An ExecutionClient driven by hand: it records every call and answers only when the test
 * says so (ack, fill, cancel, ...), which lets a test put reports in any order it likes.
 */
export class StubVenue implements ExecutionClient {
  readonly venue = 'STUB';
  readonly calls: VenueCall[] = [];
  private readonly listeners: ((r: ExecutionReport) => void)[] = [];
  private trade = 0;
  /** When set, queryOrder answers at once with this (else it is only recorded). */
  queryAnswer: ((o: Order) => ExecutionReport | undefined) | undefined;

  constructor(private readonly clock: SimClock) {}

  submit(order: Order): void {
    this.calls.push({ kind: 'submit', order });
  }
  cancel(order: Order): void {
    this.calls.push({ kind: 'cancel', order });
  }
  replace(order: Order, price: Ticks, qty: Lots): void {
    this.calls.push({ kind: 'replace', order, price, qty });
  }
  queryOrder(order: Order): void {
    this.calls.push({ kind: 'query', order });
    const r = this.queryAnswer?.(order);
    if (r !== undefined) this.emit(r);
  }
  onReport(listener: (r: ExecutionReport) => void): void {
    this.listeners.push(listener);
  }

  /** The calls of one kind, optionally for one order. */
  callsOf(kind: VenueCall['kind'], clientOrderId?: string): VenueCall[] {
    return this.calls.filter((c) => c.kind === kind && (clientOrderId === undefined || c.order.clientOrderId === clientOrderId));
  }

  emit(r: ExecutionReport): void {
    for (const l of this.listeners) l(r);
  }
  ack(o: Order): void {
    this.emit(report('ACCEPTED', o.clientOrderId, `V-${o.clientOrderId}`, this.clock.now()));
  }
  reject(o: Order, reason = 'VENUE_SAYS_NO'): void {
    this.emit(report('REJECTED', o.clientOrderId, '', this.clock.now(), { reason }));
  }
  fill(o: Order, qty: Lots, price: Ticks = o.price > 0 ? o.price : o.triggerPrice > 0 ? o.triggerPrice : 100): void {
    this.trade++;
    this.emit(report('FILLED', o.clientOrderId, `V-${o.clientOrderId}`, this.clock.now(), { tradeId: `T${this.trade}`, lastPrice: price, lastQty: qty, liquidity: 'TAKER', fee: 0n }));
  }
  canceled(o: Order, reason = ''): void {
    this.emit(report('CANCELED', o.clientOrderId, `V-${o.clientOrderId}`, this.clock.now(), { reason }));
  }
  cancelRejected(o: Order): void {
    this.emit(report('CANCEL_REJECTED', o.clientOrderId, `V-${o.clientOrderId}`, this.clock.now(), { reason: 'TOO_LATE_TO_CANCEL' }));
  }
  replaced(o: Order, price: Ticks, qty: Lots): void {
    this.emit(report('REPLACED', o.clientOrderId, `V-${o.clientOrderId}`, this.clock.now(), { newPrice: price, newQty: qty }));
  }
  replaceRejected(o: Order): void {
    this.emit(report('REPLACE_REJECTED', o.clientOrderId, `V-${o.clientOrderId}`, this.clock.now(), { reason: 'NO' }));
  }
  /** Answers the last open cancel request of every order with CANCELED. */
  confirmCancels(): void {
    for (const c of this.callsOf('cancel')) if (c.order.status === 'PENDING_CANCEL') this.canceled(c.order);
  }
}

/**
 * OMS + stub venue + bus, and a GroupOrderPort the way the kernel builds it (without a risk
 * engine: `deny` stands in for one). Records every order event, alert and health snapshot.
 */
export function omsHarness(instruments: readonly Instrument[] = []) {
  const clock = new SimClock(0n, 1_000);
  const bus = new InProcessBus<KernelTopics>();
  const oms = new OrderManager(clock, bus, 'T');
  const venue = new StubVenue(clock);
  venue.onReport((r) => oms.applyReport(r));
  const portfolio = new Portfolio(instruments, 0n, { multiCurrency: true });
  if (instruments.length > 0) bus.subscribe('order.fill', (f) => portfolio.applyFill(f));
  const events: OrderEvent[] = [];
  const statuses: string[] = [];
  bus.subscribe('order.event', (e) => {
    events.push(e);
    statuses.push(`${e.order.clientOrderId}:${e.type}:${e.order.status}`);
  });
  const alerts: Alert[] = [];
  bus.subscribe('alert', (a) => alerts.push(a));
  const health: VenueHealth[] = [];
  bus.subscribe('venue.health', (h) => health.push(h));
  /** Return a reason to deny an order (the risk engine's stand-in), or null to let it go. */
  let deny: (o: Order) => string | null = () => null;
  const port: GroupOrderPort = {
    create: (intent: OrderIntent) => oms.create(intent, 'strat'),
    send: (order: Order) => {
      const reason = deny(order);
      if (reason !== null) {
        oms.deny(order, reason);
        return;
      }
      oms.markSubmitted(order);
      venue.submit(order);
    },
    cancel: (id: string) => {
      const o = oms.requestCancel(id);
      if (!o) return false;
      venue.cancel(o);
      return true;
    },
    replace: (id: string, price: Ticks, qty: Lots) => {
      const o = oms.requestReplace(id, price, qty);
      if (!o) return false;
      venue.replace(o, price, qty);
      return true;
    },
  };
  const submit = (intent: OrderIntent): Order => {
    const o = port.create(intent);
    if (o.status === 'INITIALIZED') port.send(o);
    return o;
  };
  return {
    clock,
    bus,
    oms,
    venue,
    portfolio,
    events,
    statuses,
    alerts,
    health,
    port,
    submit,
    setDeny(f: (o: Order) => string | null) {
      deny = f;
    },
  };
}
