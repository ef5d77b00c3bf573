import type { Lots, Ticks } from './fixed.ts';

/**
 * Normalised market data events. Times are clock nanoseconds (see clock.ts: ns since the run's
 * time base, exact as JS numbers for 104 days). Prices in ticks, sizes in lots.
 *
 * Sources may reuse one event object per source for speed: an event is valid only during the
 * callback that receives it; copy what you keep.
 */

/** Market-by-order action, as CME/Databento define it. */
export type MboAction = 'A' | 'C' | 'M' | 'R' | 'T' | 'F' | 'N';
/** Book side of a market event: B(id), A(sk) or N(one). */
export type BookSide = 'B' | 'A' | 'N';

/**
 * MBO flag: last record of a venue event (packet) for the instrument. Between such records the
 * book can be transiently inconsistent (e.g. crossed mid-match); it is consistent after one.
 */
export const MBO_FLAG_LAST = 0x80;

/** One L3 (market-by-order) event. */
export interface MboEvent {
  kind: 'mbo';
  tsNs: number;
  /** Receive time at the recorder, when the source has it (else equal to tsNs). */
  tsRecvNs: number;
  instrumentId: number;
  action: MboAction;
  side: BookSide;
  orderId: number;
  price: Ticks;
  size: Lots;
  flags: number;
  sequence: number;
}

/** One L2 (market-by-price) level update: the new absolute size at a price (0 removes it). */
export interface L2Event {
  kind: 'l2';
  tsNs: number;
  tsRecvNs: number;
  instrumentId: number;
  side: BookSide;
  price: Ticks;
  size: Lots;
  /** True for rows that belong to a snapshot: the first snapshot row clears the book. */
  isSnapshot: boolean;
  /** Venue update id / sequence when it has one, else -1. */
  sequence: number;
  /** Previous update id the venue says this one follows (Binance `pu`), else -1. */
  prevSequence: number;
  /** Last row of a venue message: the book is consistent after it. */
  isLast: boolean;
}

/** Top of book quote (FX ticks). */
export interface QuoteEvent {
  kind: 'quote';
  tsNs: number;
  instrumentId: number;
  bidPrice: Ticks;
  askPrice: Ticks;
  bidSize: Lots;
  askSize: Lots;
}

/** A print. */
export interface TradeEvent {
  kind: 'trade';
  tsNs: number;
  instrumentId: number;
  price: Ticks;
  size: Lots;
  /** Side of the aggressor: B (buyer lifted the offer), A (seller hit the bid), N unknown. */
  aggressor: BookSide;
  tradeId: string;
}

/** An OHLCV bar; tsNs is the bar's open time, intervalNs its length. */
export interface BarEvent {
  kind: 'bar';
  tsNs: number;
  instrumentId: number;
  intervalNs: number;
  open: Ticks;
  high: Ticks;
  low: Ticks;
  close: Ticks;
  /** Traded volume as the vendor printed it (often in quote currency): a feature, never matched or netted. */
  volume: number;
}

export type MarketEvent = MboEvent | L2Event | QuoteEvent | TradeEvent | BarEvent;
