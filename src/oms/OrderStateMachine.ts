import type { Lots, OrderEventType, OrderStatus } from '../core/index.ts';

/**
 * The order state machine: which OrderStatus an order moves to on each named event, and which
 * events a status refuses. The table is data, `nextStatus` the pure function that reads it.
 *
 * Some targets depend on quantities or on what the venue has already told us, so the table may
 * name a computed target instead of a status:
 *   FILL         -> FILLED when the fill completes the order, else PARTIALLY_FILLED
 *   FILL_OR_STAY -> FILLED when the fill completes the order, else the status does not change
 *                   (a fill that races a pending cancel/replace leaves the request pending)
 *   STAY         -> the status does not change (the event is still applied: ack recorded,
 *                   price/qty replaced)
 *   RESUME       -> the open status the order would have without the pending request:
 *                   PENDING_REPLACE if a replace is still in flight (only from PENDING_CANCEL),
 *                   else PARTIALLY_FILLED if anything filled, else ACCEPTED if the venue acked
 *                   the order, else SUBMITTED
 *
 * Guards the table cannot express (checked by nextStatus):
 *   OrderAccepted               only once per order (a second ack is a duplicate)
 *   OrderRejected               only before any ack or fill (after that the venue answers a
 *                               cancel or replace with CANCEL_/REPLACE_REJECTED, not REJECTED)
 *   OrderReplaced/ReplaceRejected only while a replace is in flight
 *   OrderFilled                 lastQty > 0 and no more than the order's open quantity
 */
export type TransitionTarget = OrderStatus | 'FILL' | 'FILL_OR_STAY' | 'STAY' | 'RESUME';

export type TransitionTable = Readonly<Record<OrderStatus, Readonly<Partial<Record<OrderEventType, TransitionTarget>>>>>;

export const ORDER_TRANSITIONS: TransitionTable = {
  INITIALIZED: {
    OrderSubmitted: 'SUBMITTED',
    // the risk engine (or the OMS's own shape check) refused it before it left the process
    OrderDenied: 'DENIED',
  },
  SUBMITTED: {
    OrderAccepted: 'ACCEPTED',
    OrderRejected: 'REJECTED',
    // some venues (and marketable IOC orders) send the execution before the ack
    OrderFilled: 'FILL',
    // a cancel may leave before the ack: the venue applies it when the order lands
    OrderPendingCancel: 'PENDING_CANCEL',
    // unsolicited: an IOC that found nothing, a venue-side cancel
    OrderCanceled: 'CANCELED',
    OrderExpired: 'EXPIRED',
  },
  ACCEPTED: {
    OrderFilled: 'FILL',
    OrderPendingCancel: 'PENDING_CANCEL',
    OrderPendingReplace: 'PENDING_REPLACE',
    // unsolicited: IOC remainder, venue risk or self-trade prevention
    OrderCanceled: 'CANCELED',
    // GTD/DAY expiry, FOK not filled
    OrderExpired: 'EXPIRED',
  },
  PARTIALLY_FILLED: {
    // the late ack of an order that was filled before its ack (guard: first ack only)
    OrderAccepted: 'STAY',
    OrderFilled: 'FILL',
    OrderPendingCancel: 'PENDING_CANCEL',
    OrderPendingReplace: 'PENDING_REPLACE',
    OrderCanceled: 'CANCELED',
    OrderExpired: 'EXPIRED',
  },
  PENDING_CANCEL: {
    // the ack of an order whose cancel was sent before the ack came back
    OrderAccepted: 'STAY',
    // the order itself was refused before the cancel reached it (guard: no ack, no fill)
    OrderRejected: 'REJECTED',
    // a fill can arrive while the cancel is in flight; the cancel stays pending unless it
    // completed the order
    OrderFilled: 'FILL_OR_STAY',
    OrderCanceled: 'CANCELED',
    // "too late to cancel" and the like: back to the open status the order has now
    OrderCancelRejected: 'RESUME',
    // the answer to a replace sent before this cancel (guard: replace in flight); the new
    // price/qty are applied, the cancel stays pending
    OrderReplaced: 'STAY',
    OrderReplaceRejected: 'STAY',
    OrderExpired: 'EXPIRED',
  },
  PENDING_REPLACE: {
    OrderFilled: 'FILL_OR_STAY',
    OrderReplaced: 'RESUME',
    OrderReplaceRejected: 'RESUME',
    // cancel-all must be able to pull an order whose replace is in flight
    OrderPendingCancel: 'PENDING_CANCEL',
    OrderCanceled: 'CANCELED',
    OrderExpired: 'EXPIRED',
  },
  // terminal: accept nothing
  FILLED: {},
  CANCELED: {},
  REJECTED: {},
  DENIED: {},
  EXPIRED: {},
};

/** The parts of an order the state machine reads. */
export interface OrderStateView {
  readonly status: OrderStatus;
  readonly qty: Lots;
  readonly filledQty: Lots;
}

/** What the venue has told us that the status alone does not say (kept by the OMS per order). */
export interface TransitionContext {
  /** The venue sent ACCEPTED for this order. */
  readonly acked: boolean;
  /** A replace has been sent and not yet answered (REPLACED/REPLACE_REJECTED). */
  readonly replaceInFlight: boolean;
}

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['FILLED', 'CANCELED', 'REJECTED', 'DENIED', 'EXPIRED']);

export function isTerminalStatus(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * The status `order` moves to on `event`, or null when the event is illegal in its current
 * status. `lastQty` is the fill's quantity (OrderFilled only). Without `ctx`, the order counts as
 * acked once past SUBMITTED and as replacing only while PENDING_REPLACE. Pure: reads, never writes.
 */
export function nextStatus(order: OrderStateView, event: OrderEventType, lastQty: Lots = 0, ctx?: TransitionContext): OrderStatus | null {
  const status = order.status;
  const target = ORDER_TRANSITIONS[status][event];
  if (target === undefined) return null;
  const acked = ctx ? ctx.acked : status !== 'SUBMITTED' && status !== 'INITIALIZED';
  const replaceInFlight = ctx ? ctx.replaceInFlight : status === 'PENDING_REPLACE';
  switch (event) {
    case 'OrderAccepted':
      if (acked) return null;
      break;
    case 'OrderRejected':
      if (acked || order.filledQty > 0) return null;
      break;
    case 'OrderReplaced':
    case 'OrderReplaceRejected':
      if (!replaceInFlight) return null;
      break;
    case 'OrderFilled':
      if (!(lastQty > 0) || order.filledQty + lastQty > order.qty) return null;
      break;
    default:
      break;
  }
  switch (target) {
    case 'FILL':
      return order.filledQty + lastQty === order.qty ? 'FILLED' : 'PARTIALLY_FILLED';
    case 'FILL_OR_STAY':
      return order.filledQty + lastQty === order.qty ? 'FILLED' : status;
    case 'STAY':
      return status;
    case 'RESUME':
      if (status === 'PENDING_CANCEL' && replaceInFlight) return 'PENDING_REPLACE';
      if (order.filledQty > 0) return 'PARTIALLY_FILLED';
      return acked ? 'ACCEPTED' : 'SUBMITTED';
    default:
      return target;
  }
}

/**
 * Reports that are expected races rather than venue faults once an order is done: a cancel or
 * replace refused because the order had just filled/expired/been cancelled ("too late"), and the
 * late ack of an order that completed before its ack arrived. The OMS ignores them (no state
 * change, no event) and counts them, instead of filing them as anomalies.
 */
export function isLateReport(status: OrderStatus, event: OrderEventType, acked: boolean): boolean {
  if (status !== 'FILLED' && status !== 'CANCELED' && status !== 'EXPIRED') return false;
  return event === 'OrderCancelRejected' || event === 'OrderReplaceRejected' || (event === 'OrderAccepted' && !acked);
}
