import type { Lots, Ticks } from './fixed.ts';
import type { Nanos } from './money.ts';

export type Side = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT' | 'STOP' | 'STOP_LIMIT';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'DAY' | 'GTD';
export type Liquidity = 'MAKER' | 'TAKER';

/**
 * Order lifecycle. An order changes status only through a named event (see events.ts);
 * the allowed transitions live in oms/OrderStateMachine.
 */
export type OrderStatus =
  | 'INITIALIZED'
  | 'DENIED' // refused by the risk engine before leaving the process
  | 'SUBMITTED' // sent to the venue, no answer yet
  | 'ACCEPTED'
  | 'REJECTED' // refused by the venue
  | 'PARTIALLY_FILLED'
  | 'FILLED'
  | 'PENDING_CANCEL'
  | 'PENDING_REPLACE'
  | 'CANCELED'
  | 'EXPIRED';

/** What a strategy asks for. Prices in ticks, quantities in lots. */
export interface OrderIntent {
  instrumentId: number;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  qty: Lots;
  /** Limit price in ticks (LIMIT, STOP_LIMIT); 0 for MARKET/STOP. */
  price: Ticks;
  /** Trigger price in ticks (STOP, STOP_LIMIT); 0 otherwise. */
  triggerPrice: Ticks;
  /** Rejected by the venue if it would take liquidity. */
  postOnly: boolean;
  /** Only reduces an existing position. */
  reduceOnly: boolean;
  /** Expiry for GTD, in clock ns; 0 otherwise. */
  expireTimeNs: number;
}

/** An order as the OMS knows it. Mutable: the OMS owns it, everyone else reads. */
export interface Order extends OrderIntent {
  clientOrderId: string;
  strategyId: string;
  venueOrderId: string;
  status: OrderStatus;
  filledQty: Lots;
  /** Sum of fill price x fill qty (ticks x lots) for the average fill price. */
  filledNotionalTicks: number;
  feesPaid: Nanos;
  createdNs: number;
  updatedNs: number;
  /** Why the order was denied, rejected or cancelled by the system. */
  reason: string;
}

/** One execution. */
export interface Fill {
  tradeId: string;
  clientOrderId: string;
  venueOrderId: string;
  strategyId: string;
  instrumentId: number;
  side: Side;
  price: Ticks;
  qty: Lots;
  liquidity: Liquidity;
  /** Fee in currency nanos; negative for a rebate. */
  fee: Nanos;
  tsNs: number;
}

export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'SUBMITTED',
  'ACCEPTED',
  'PARTIALLY_FILLED',
  'PENDING_CANCEL',
  'PENDING_REPLACE',
]);

export function isOpen(o: Order): boolean {
  return OPEN_STATUSES.has(o.status);
}

export function leavesQty(o: Order): Lots {
  return o.qty - o.filledQty;
}

export function sideSign(side: Side): 1 | -1 {
  return side === 'BUY' ? 1 : -1;
}

export function limitIntent(instrumentId: number, side: Side, price: Ticks, qty: Lots, tif: TimeInForce = 'GTC'): OrderIntent {
  return { instrumentId, side, type: 'LIMIT', tif, qty, price, triggerPrice: 0, postOnly: false, reduceOnly: false, expireTimeNs: 0 };
}

export function marketIntent(instrumentId: number, side: Side, qty: Lots): OrderIntent {
  return { instrumentId, side, type: 'MARKET', tif: 'IOC', qty, price: 0, triggerPrice: 0, postOnly: false, reduceOnly: false, expireTimeNs: 0 };
}
