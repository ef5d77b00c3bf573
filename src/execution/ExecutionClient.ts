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
  | 'EXPIRED';

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
  onReport(listener: (report: ExecutionReport) => void): void;
}
