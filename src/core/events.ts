import type { Fill, Order } from './order.ts';

/**
 * Order events: the only way an order changes. Each names what happened, with a reason code
 * where something was refused (as NautilusTrader does: OrderDenied is the risk engine's "no",
 * OrderRejected the venue's).
 */
export type OrderEventType =
  | 'OrderSubmitted'
  | 'OrderDenied'
  | 'OrderAccepted'
  | 'OrderRejected'
  | 'OrderFilled'
  | 'OrderPendingCancel'
  | 'OrderCanceled'
  | 'OrderCancelRejected'
  | 'OrderPendingReplace'
  | 'OrderReplaced'
  | 'OrderReplaceRejected'
  | 'OrderExpired';

export interface OrderEvent {
  type: OrderEventType;
  tsNs: number;
  /** The order after the event was applied. */
  order: Order;
  /** Present on OrderFilled. */
  fill?: Fill;
  /** Reason code on denials, rejections and system cancels. */
  reason?: string;
}

export type RiskState = 'NORMAL' | 'WARNING' | 'CIRCUIT_BREAKER' | 'COOLDOWN' | 'KILL_SWITCH';

export interface RiskStateChanged {
  tsNs: number;
  from: RiskState;
  to: RiskState;
  reason: string;
}

/** Why the risk engine denied an order; stable codes for metrics and the journal. */
export type DenyReason =
  | 'MAX_ORDER_SIZE'
  | 'MAX_POSITION'
  | 'MAX_NOTIONAL'
  | 'PRICE_COLLAR'
  | 'MAX_OPEN_ORDERS'
  | 'RATE_LIMIT'
  | 'KILL_SWITCH'
  | 'CIRCUIT_BREAKER'
  | 'INVALID_ORDER'
  | 'UNKNOWN_INSTRUMENT'
  | 'COOLDOWN' // after the breaker's cooldown, before the operator reset: only risk-reducing orders
  | 'HARD_RATE_LIMIT' // the attempt that breached max_order_rate (the kill switch trips with it)
  | 'MAX_GROSS_POSITION'
  | 'MAX_GROSS_EXPOSURE'
  | 'MAX_LEVERAGE'
  | 'CONCENTRATION'
  | 'FAT_FINGER'
  | 'DUPLICATE_ORDER_ID'
  | 'INSTRUMENT_HALTED'
  | 'OUTSIDE_TRADING_HOURS'
  | 'NO_REFERENCE_PRICE' // a collar or notional check needs a price and there is no mid or last trade
  | 'REDUCE_ONLY'; // a reduce-only order that would not reduce the position
