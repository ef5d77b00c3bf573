import type { Liquidity, Lots, Nanos, Order, Ticks } from '../core/index.ts';

/**
 * What a venue says about an order. The OMS turns reports into order events; nothing else
 * changes an order.
 */
export type ExecutionReportType =
  | 'ACCEPTED'
  | 'REJECTED'
  | 'FILLED' // one execution; the order may still be partially open (see leavesQty)
  | 'CANCELED'
  | 'CANCEL_REJECTED'
  | 'REPLACED'
  | 'REPLACE_REJECTED'
  | 'EXPIRED'
  | 'STATUS'; // the answer to queryOrder: the venue's view of the order (venueState, cumQty); changes nothing by itself

/** STATUS only: what the venue says the order is. UNKNOWN: it does not know the order (not arrived, lost, or forgotten). */
export type VenueOrderState = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED' | 'UNKNOWN';

export interface ExecutionReport {
  type: ExecutionReportType;
  clientOrderId: string;
  venueOrderId: string;
  tsNs: number;
  /** Reason code/text on REJECTED, CANCEL_REJECTED, REPLACE_REJECTED, and venue-initiated CANCELED. */
  reason: string;
  /** FILLED only. */
  tradeId: string;
  lastPrice: Ticks;
  lastQty: Lots;
  liquidity: Liquidity;
  fee: Nanos;
  /** REPLACED only: the order's new price and total quantity. */
  newPrice: Ticks;
  newQty: Lots;
  /** STATUS only: the venue's state of the order and the quantity it has filled in total. */
  venueState?: VenueOrderState;
  cumQty?: Lots;
}

/** Builds a report with neutral defaults for the fields its type does not use. */
export function report(type: ExecutionReportType, clientOrderId: string, venueOrderId: string, tsNs: number, extra: Partial<ExecutionReport> = {}): ExecutionReport {
  return {
    type,
    clientOrderId,
    venueOrderId,
    tsNs,
    reason: '',
    tradeId: '',
    lastPrice: 0,
    lastQty: 0,
    liquidity: 'MAKER',
    fee: 0n,
    newPrice: 0,
    newQty: 0,
    ...extra,
  };
}

/**
 * The narrow interface between the order manager and a venue: the simulated venue, a FIX
 * gateway or a ccxt gateway. Calls return at once; answers come back through onReport.
 */
export interface ExecutionClient {
  readonly venue: string;
  submit(order: Order): void;
  cancel(order: Order): void;
  /** Cancel/replace to a new limit price and/or total quantity. */
  replace(order: Order, newPrice: Ticks, newQty: Lots): void;
  /**
   * Order status request (optional: a venue without one is only timed out). The answer comes
   * back through onReport as a STATUS report; the OMS applies it only where it completes what
   * we know (an ack we never got, a reject), see OrderManager.
   */
  queryOrder?(order: Order): void;
  /**
   * Optional: drop the session to the venue (kill switch, after its cancels and flatten orders
   * are answered). A venue without one (the simulator) is simply not disconnected.
   */
  disconnect?(): void;
  onReport(listener: (report: ExecutionReport) => void): void;
}
