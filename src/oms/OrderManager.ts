import type { Clock, Fill, Lots, Order, OrderEvent, OrderEventType, OrderIntent, OrderStatus, Ticks } from '../core/index.ts';
import { ClientOrderIdGenerator } from '../core/index.ts';
import type { MessageBus } from '../bus/MessageBus.ts';
import type { KernelTopics } from '../bus/topics.ts';
import type { ExecutionReport, ExecutionReportType } from '../execution/ExecutionClient.ts';
import { isLateReport, isTerminalStatus, nextStatus, type TransitionContext } from './OrderStateMachine.ts';

/** Why a report was not applied. Stable codes for metrics and alerts. */
export type OmsAnomalyReason =
  | 'UNKNOWN_ORDER' // clientOrderId we never created
  | 'DUPLICATE_TRADE_ID' // the venue resent an execution already applied to this order
  | 'OVERFILL' // the fill would take filledQty beyond the order's quantity
  | 'INVALID_FILL' // lastQty/lastPrice not positive integers, fee not a bigint
  | 'INVALID_REPLACE' // REPLACED with newQty <= filledQty or a non-positive/non-integer price
  | 'ILLEGAL_TRANSITION' // the state machine refuses the event in the order's status
  | 'STATUS_MISMATCH' // a STATUS answer contradicts what we applied (venue filled less than we did; rejects an order it acked)
  | 'UNKNOWN_REPORT_TYPE';

export interface OmsAnomaly {
  reason: OmsAnomalyReason;
  clientOrderId: string;
  /** A copy of the report as received. */
  report: ExecutionReport;
  /** The order's status when the report arrived; null for an unknown order. */
  status: OrderStatus | null;
  /** Clock time the OMS saw it. */
  tsNs: number;
}

/** What the order manager has counted since it was created. */
export interface OmsCounters {
  /** Orders marked SUBMITTED. */
  submitted: number;
  /** ACCEPTED reports applied (at most one per order). */
  accepted: number;
  /** Orders fully filled. */
  filled: number;
  /** Orders whose first fill left quantity open (once per order, even if later filled). */
  partiallyFilled: number;
  /** Fill reports applied. */
  fills: number;
  canceled: number;
  rejected: number;
  /** Orders denied (risk engine or INVALID_ORDER). */
  denied: number;
  deniedByReason: Record<string, number>;
  expired: number;
  /** REPLACED reports applied. */
  replaced: number;
  /** STATUS reports received (answers to order status queries), applied or not. */
  statusReports: number;
  /** Expected late answers on finished orders (e.g. cancel rejected because it just filled): ignored, not anomalies. */
  lateReports: number;
  /** All anomalies, including those beyond MAX_STORED_ANOMALIES. */
  anomalies: number;
  anomaliesByReason: Partial<Record<OmsAnomalyReason, number>>;
}

/** At most this many anomalies are kept in `anomalies` (the first ones: usually the root cause); the counts keep counting. */
export const MAX_STORED_ANOMALIES = 10_000;

const ORDER_TYPES: ReadonlySet<string> = new Set(['MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT']);
const TIFS: ReadonlySet<string> = new Set(['GTC', 'IOC', 'FOK', 'DAY', 'GTD']);
const NO_ORDERS: readonly Order[] = [];

const REPORT_EVENT: Readonly<Record<Exclude<ExecutionReportType, 'STATUS'>, OrderEventType>> = {
  ACCEPTED: 'OrderAccepted',
  REJECTED: 'OrderRejected',
  FILLED: 'OrderFilled',
  CANCELED: 'OrderCanceled',
  CANCEL_REJECTED: 'OrderCancelRejected',
  REPLACED: 'OrderReplaced',
  REPLACE_REJECTED: 'OrderReplaceRejected',
  EXPIRED: 'OrderExpired',
};

function isPositiveInt(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}

/**
 * Checks the shape of an intent; returns what is wrong, or null when it is well formed.
 * Instrument-specific checks (known instrument, limits, collars) belong to the risk engine.
 */
export function validateIntent(intent: OrderIntent, nowNs: number): string | null {
  if (!Number.isSafeInteger(intent.instrumentId)) return 'instrumentId must be an integer';
  if (intent.side !== 'BUY' && intent.side !== 'SELL') return `side must be BUY or SELL, got ${String(intent.side)}`;
  if (!ORDER_TYPES.has(intent.type)) return `unknown order type ${String(intent.type)}`;
  if (!TIFS.has(intent.tif)) return `unknown time in force ${String(intent.tif)}`;
  if (!isPositiveInt(intent.qty)) return `qty must be an integer number of lots > 0, got ${intent.qty}`;
  const hasLimit = intent.type === 'LIMIT' || intent.type === 'STOP_LIMIT';
  const hasTrigger = intent.type === 'STOP' || intent.type === 'STOP_LIMIT';
  if (hasLimit ? !isPositiveInt(intent.price) : intent.price !== 0) {
    return hasLimit ? `${intent.type} needs an integer price in ticks > 0, got ${intent.price}` : `${intent.type} must have price 0, got ${intent.price}`;
  }
  if (hasTrigger ? !isPositiveInt(intent.triggerPrice) : intent.triggerPrice !== 0) {
    return hasTrigger ? `${intent.type} needs an integer trigger price in ticks > 0, got ${intent.triggerPrice}` : `${intent.type} must have triggerPrice 0, got ${intent.triggerPrice}`;
  }
  if (intent.postOnly && intent.type !== 'LIMIT') return 'postOnly needs a LIMIT order';
  if (intent.tif === 'GTD') {
    if (!Number.isSafeInteger(intent.expireTimeNs) || intent.expireTimeNs <= nowNs) return `GTD needs an integer expireTimeNs in the future, got ${intent.expireTimeNs}`;
  } else if (intent.expireTimeNs !== 0) {
    return `expireTimeNs must be 0 unless tif is GTD, got ${intent.expireTimeNs}`;
  }
  return null;
}

/** What the OMS keeps per order beside the Order itself. Also the state machine's context. */
class OrderSlot implements TransitionContext {
  acked = false;
  /** The ack was taken from a STATUS answer: the venue's own ACCEPTED may still come (once). */
  ackFromStatus = false;
  replaceInFlight = false;
  pendingPrice: Ticks = 0;
  pendingQty: Lots = 0;
  /** Trade ids applied to this order, created on the first fill. */
  tradeIds: Set<string> | null = null;

  constructor(readonly order: Order) {}
}

/**
 * The order manager: creates orders with deterministic client order ids, moves them through
 * the state machine (OrderStateMachine) on commands and execution reports, and publishes one
 * 'order.event' per change. Reports that cannot be applied are never thrown: they are filed in
 * `anomalies` and change nothing. Commands from our own code on an order in the wrong state
 * (deny/markSubmitted) are programming errors and throw.
 *
 * On a fill, 'order.fill' is published BEFORE 'order.event' (OrderFilled), so every order.event
 * subscriber already sees a portfolio that includes the fill. Event tsNs is the OMS clock time
 * of the change; Fill.tsNs is the report's (venue) time.
 *
 * An order's price/qty change only when the venue confirms a replace (REPLACED): a venue may
 * still fill at the old price while the replace is in flight.
 */
export class OrderManager {
  private ids: ClientOrderIdGenerator;
  private readonly slots = new Map<string, OrderSlot>();
  private readonly orders: Order[] = [];
  /** Open orders, in the order they were submitted. Map iteration tolerates removal mid-loop. */
  private readonly open = new Map<string, Order>();
  private readonly openByInstrument = new Map<number, Map<string, Order>>();
  private readonly anomalyListeners: ((a: OmsAnomaly) => void)[] = [];

  /** Reports that could not be applied (first MAX_STORED_ANOMALIES). */
  readonly anomalies: OmsAnomaly[] = [];
  private readonly c: OmsCounters = {
    submitted: 0,
    accepted: 0,
    filled: 0,
    partiallyFilled: 0,
    fills: 0,
    canceled: 0,
    rejected: 0,
    denied: 0,
    deniedByReason: {},
    expired: 0,
    replaced: 0,
    statusReports: 0,
    lateReports: 0,
    anomalies: 0,
    anomaliesByReason: {},
  };

  constructor(
    private readonly clock: Clock,
    private readonly bus: MessageBus<KernelTopics>,
    private readonly idPrefix: string,
  ) {
    this.ids = new ClientOrderIdGenerator(idPrefix);
  }

  // --- commands ----------------------------------------------------------------------------

  /**
   * A new INITIALIZED order from `intent` (its fields are copied). An intent of the wrong shape
   * comes back DENIED with reason INVALID_ORDER (and an OrderDenied event); it still takes an id.
   */
  create(intent: OrderIntent, strategyId: string): Order {
    const now = this.clock.now();
    const order: Order = {
      instrumentId: intent.instrumentId,
      side: intent.side,
      type: intent.type,
      tif: intent.tif,
      qty: intent.qty,
      price: intent.price,
      triggerPrice: intent.triggerPrice,
      postOnly: intent.postOnly,
      reduceOnly: intent.reduceOnly,
      expireTimeNs: intent.expireTimeNs,
      clientOrderId: this.ids.next(),
      strategyId,
      venueOrderId: '',
      status: 'INITIALIZED',
      filledQty: 0,
      filledNotionalTicks: 0,
      feesPaid: 0n,
      createdNs: now,
      updatedNs: now,
      reason: '',
    };
    this.slots.set(order.clientOrderId, new OrderSlot(order));
    this.orders.push(order);
    if (validateIntent(intent, now) !== null) this.deny(order, 'INVALID_ORDER');
    return order;
  }

  /** INITIALIZED -> DENIED, with the reason code (e.g. a DenyReason from the risk engine). */
  deny(order: Order, reason: string): void {
    this.command(order, 'OrderDenied');
    order.reason = reason;
    this.c.denied++;
    this.c.deniedByReason[reason] = (this.c.deniedByReason[reason] ?? 0) + 1;
    this.emit('OrderDenied', order, undefined, reason);
  }

  /** INITIALIZED -> SUBMITTED: the order is about to be handed to the execution client. */
  markSubmitted(order: Order): void {
    this.command(order, 'OrderSubmitted');
    this.c.submitted++;
    this.open.set(order.clientOrderId, order);
    let byInstrument = this.openByInstrument.get(order.instrumentId);
    if (!byInstrument) {
      byInstrument = new Map();
      this.openByInstrument.set(order.instrumentId, byInstrument);
    }
    byInstrument.set(order.clientOrderId, order);
    this.emit('OrderSubmitted', order, undefined, undefined);
  }

  /** -> PENDING_CANCEL; undefined if the order is unknown, not open or already being cancelled. */
  requestCancel(clientOrderId: string): Order | undefined {
    const slot = this.slots.get(clientOrderId);
    if (!slot) return undefined;
    const order = slot.order;
    const next = nextStatus(order, 'OrderPendingCancel', 0, slot);
    if (next === null) return undefined;
    this.setStatus(order, next);
    this.emit('OrderPendingCancel', order, undefined, undefined);
    return order;
  }

  /**
   * -> PENDING_REPLACE towards a new limit price and total quantity (filled part included);
   * undefined if the order is unknown, not ACCEPTED/PARTIALLY_FILLED, not a LIMIT/STOP_LIMIT
   * order, or the price/qty are not valid (qty must stay above the filled quantity).
   * The order keeps its price/qty until the venue confirms with REPLACED.
   */
  requestReplace(clientOrderId: string, price: Ticks, qty: Lots): Order | undefined {
    const slot = this.slots.get(clientOrderId);
    if (!slot) return undefined;
    const order = slot.order;
    if (order.type !== 'LIMIT' && order.type !== 'STOP_LIMIT') return undefined;
    if (!isPositiveInt(price) || !isPositiveInt(qty) || qty <= order.filledQty) return undefined;
    const next = nextStatus(order, 'OrderPendingReplace', 0, slot);
    if (next === null) return undefined;
    slot.replaceInFlight = true;
    slot.pendingPrice = price;
    slot.pendingQty = qty;
    this.setStatus(order, next);
    this.emit('OrderPendingReplace', order, undefined, undefined);
    return order;
  }

  /** Resume client order ids after sequence `n` (crash recovery: n = last journaled sequence). */
  restoreIdSequence(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`id sequence must be an integer >= 0, got ${n}`);
    if (n < this.ids.lastSequence) {
      throw new RangeError(`cannot restore id sequence to ${n}: ids up to ${this.ids.lastSequence} are already used`);
    }
    this.ids = new ClientOrderIdGenerator(this.idPrefix, n);
  }

  /** Sequence number of the last client order id handed out (to journal). */
  get lastIdSequence(): number {
    return this.ids.lastSequence;
  }

  // --- reports -----------------------------------------------------------------------------

  /** Applies one execution report; never throws on a bad report (see anomalies). */
  applyReport(r: ExecutionReport): void {
    const slot = this.slots.get(r.clientOrderId);
    if (!slot) {
      this.anomaly('UNKNOWN_ORDER', r, null);
      return;
    }
    const order = slot.order;
    if (r.type === 'STATUS') {
      this.applyStatus(slot, r);
      return;
    }
    const event = REPORT_EVENT[r.type] as OrderEventType | undefined;
    if (event === undefined) {
      this.anomaly('UNKNOWN_REPORT_TYPE', r, order.status);
      return;
    }
    if (event === 'OrderFilled') {
      this.applyFill(slot, r);
      return;
    }
    const next = nextStatus(order, event, 0, slot);
    if (next === null) {
      if (event === 'OrderAccepted' && slot.ackFromStatus) {
        // the venue's own ack, overtaken by the answer to our status query: expected, once
        slot.ackFromStatus = false;
        this.c.lateReports++;
      } else if (isLateReport(order.status, event, slot.acked)) this.c.lateReports++;
      else this.anomaly('ILLEGAL_TRANSITION', r, order.status);
      return;
    }
    if (event === 'OrderReplaced') {
      if (!isPositiveInt(r.newPrice) || !Number.isSafeInteger(r.newQty) || r.newQty <= order.filledQty) {
        this.anomaly('INVALID_REPLACE', r, order.status);
        return;
      }
      order.price = r.newPrice;
      order.qty = r.newQty;
      slot.replaceInFlight = false;
      this.c.replaced++;
    }
    if (r.venueOrderId !== '') order.venueOrderId = r.venueOrderId;
    switch (event) {
      case 'OrderAccepted':
        slot.acked = true;
        this.c.accepted++;
        break;
      case 'OrderRejected':
        order.reason = r.reason;
        this.c.rejected++;
        break;
      case 'OrderCanceled':
        if (r.reason !== '') order.reason = r.reason;
        slot.replaceInFlight = false;
        this.c.canceled++;
        break;
      case 'OrderExpired':
        if (r.reason !== '') order.reason = r.reason;
        slot.replaceInFlight = false;
        this.c.expired++;
        break;
      case 'OrderReplaceRejected':
        slot.replaceInFlight = false;
        break;
      default:
        break;
    }
    this.setStatus(order, next);
    this.emit(event, order, undefined, r.reason === '' ? undefined : r.reason);
  }

  /**
   * A STATUS report (the venue's answer to queryOrder) is not an order event by itself. It is
   * applied only where it completes what we know without inventing executions:
   * - the venue has the order (NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED) and we never
   *   got its ack: applied as the ACCEPTED we missed (fills and cancels come as their own reports;
   *   a venue that lost them is a case for reconciliation, not for the OMS to guess);
   * - the venue REJECTED an order we have no answer for: applied as that REJECTED;
   * - UNKNOWN: nothing (the order may still be on its way);
   * - a venue filled quantity below ours, or a REJECTED for an order already acked or filled:
   *   a STATUS_MISMATCH anomaly. Anything else confirms what we know and changes nothing.
   */
  private applyStatus(slot: OrderSlot, r: ExecutionReport): void {
    this.c.statusReports++;
    const order = slot.order;
    const state = r.venueState;
    if (state === undefined || state === 'UNKNOWN') return;
    const cum = r.cumQty ?? 0;
    if (Number.isSafeInteger(cum) && cum < order.filledQty) {
      this.anomaly('STATUS_MISMATCH', r, order.status);
      return;
    }
    if (state === 'REJECTED') {
      if (nextStatus(order, 'OrderRejected', 0, slot) !== null) this.applyReport({ ...r, type: 'REJECTED', reason: r.reason === '' ? 'REJECTED' : r.reason });
      else if (!isTerminalStatus(order.status)) this.anomaly('STATUS_MISMATCH', r, order.status);
      return;
    }
    if (!slot.acked && nextStatus(order, 'OrderAccepted', 0, slot) !== null) {
      this.applyReport({ ...r, type: 'ACCEPTED', reason: '' });
      slot.ackFromStatus = true;
    }
  }

  private applyFill(slot: OrderSlot, r: ExecutionReport): void {
    const order = slot.order;
    const qty = r.lastQty;
    if (!isPositiveInt(qty) || !isPositiveInt(r.lastPrice) || typeof r.fee !== 'bigint') {
      this.anomaly('INVALID_FILL', r, order.status);
      return;
    }
    // A venue resending an execution must not count twice. An empty tradeId cannot be checked.
    if (r.tradeId !== '' && slot.tradeIds !== null && slot.tradeIds.has(r.tradeId)) {
      this.anomaly('DUPLICATE_TRADE_ID', r, order.status);
      return;
    }
    if (order.filledQty + qty > order.qty) {
      this.anomaly('OVERFILL', r, order.status);
      return;
    }
    const next = nextStatus(order, 'OrderFilled', qty, slot);
    if (next === null) {
      this.anomaly('ILLEGAL_TRANSITION', r, order.status);
      return;
    }
    if (r.tradeId !== '') {
      if (slot.tradeIds === null) slot.tradeIds = new Set();
      slot.tradeIds.add(r.tradeId);
    }
    if (order.filledQty === 0 && next !== 'FILLED') this.c.partiallyFilled++;
    if (next === 'FILLED') this.c.filled++;
    this.c.fills++;
    if (r.venueOrderId !== '') order.venueOrderId = r.venueOrderId;
    order.filledQty += qty;
    order.filledNotionalTicks += r.lastPrice * qty;
    order.feesPaid += r.fee;
    this.setStatus(order, next);
    const fill: Fill = {
      tradeId: r.tradeId,
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId,
      strategyId: order.strategyId,
      instrumentId: order.instrumentId,
      side: order.side,
      price: r.lastPrice,
      qty,
      liquidity: r.liquidity,
      fee: r.fee,
      tsNs: r.tsNs,
    };
    this.bus.publish('order.fill', fill);
    this.emit('OrderFilled', order, fill, undefined);
  }

  // --- queries -----------------------------------------------------------------------------

  get(clientOrderId: string): Order | undefined {
    return this.slots.get(clientOrderId)?.order;
  }

  /**
   * Open orders (SUBMITTED, ACCEPTED, PARTIALLY_FILLED, PENDING_*), of one instrument or all,
   * in submission order. A live view from an index (no scan of all orders): orders that close
   * while you iterate are skipped, which makes `for (o of openOrders()) cancel(o)` safe.
   */
  openOrders(instrumentId?: number): Iterable<Order> {
    if (instrumentId === undefined) return this.open.values();
    const m = this.openByInstrument.get(instrumentId);
    return m === undefined ? NO_ORDERS : m.values();
  }

  /** The price/total qty a replace in flight asks for, or undefined when none is in flight. */
  pendingReplace(clientOrderId: string): { price: Ticks; qty: Lots } | undefined {
    const slot = this.slots.get(clientOrderId);
    if (!slot || !slot.replaceInFlight) return undefined;
    return { price: slot.pendingPrice, qty: slot.pendingQty };
  }

  openOrderCount(instrumentId?: number): number {
    if (instrumentId === undefined) return this.open.size;
    return this.openByInstrument.get(instrumentId)?.size ?? 0;
  }

  /** Every order ever created (denied ones included), in creation order. */
  all(): readonly Order[] {
    return this.orders;
  }

  /** Called with each anomaly as it is filed (alerts, logs). */
  onAnomaly(listener: (a: OmsAnomaly) => void): void {
    this.anomalyListeners.push(listener);
  }

  /** Counters (a live object owned by the manager: read, don't write). */
  get counters(): Readonly<OmsCounters> {
    return this.c;
  }

  // --- internals ---------------------------------------------------------------------------

  /** A command from our own code: an illegal one is a bug, so it throws. */
  private command(order: Order, event: OrderEventType): void {
    const slot = this.slots.get(order.clientOrderId);
    if (!slot || slot.order !== order) throw new Error(`order ${order.clientOrderId} does not belong to this order manager`);
    const next = nextStatus(order, event, 0, slot);
    if (next === null) throw new Error(`illegal order transition: ${event} on ${order.clientOrderId} in status ${order.status}`);
    this.setStatus(order, next);
  }

  private setStatus(order: Order, status: OrderStatus): void {
    order.status = status;
    order.updatedNs = this.clock.now();
    if (isTerminalStatus(status) && this.open.delete(order.clientOrderId)) {
      this.openByInstrument.get(order.instrumentId)?.delete(order.clientOrderId);
    }
  }

  private emit(type: OrderEventType, order: Order, fill: Fill | undefined, reason: string | undefined): void {
    const ev: OrderEvent = { type, tsNs: this.clock.now(), order, fill, reason };
    this.bus.publish('order.event', ev);
  }

  private anomaly(reason: OmsAnomalyReason, r: ExecutionReport, status: OrderStatus | null): void {
    this.c.anomalies++;
    this.c.anomaliesByReason[reason] = (this.c.anomaliesByReason[reason] ?? 0) + 1;
    const a: OmsAnomaly = { reason, clientOrderId: r.clientOrderId, report: { ...r }, status, tsNs: this.clock.now() };
    if (this.anomalies.length < MAX_STORED_ANOMALIES) this.anomalies.push(a);
    for (let i = 0; i < this.anomalyListeners.length; i++) this.anomalyListeners[i](a);
  }
}
