import type { L2Event, QuoteEvent } from '../../core/index.ts';
import { LadderBook } from './LadderBook.ts';

/**
 * Market-by-price (L2) book from level updates (absolute size per price) or top-of-book quotes.
 * A snapshot event arriving after a non-snapshot event (or after the last row of a previous
 * snapshot) starts a fresh book.
 */
export class L2OrderBook extends LadderBook {
  private inSnapshot = false;

  apply(ev: L2Event): void {
    this.lastUpdateNs = ev.tsNs;
    if (ev.isSnapshot && !this.inSnapshot) this.clear();
    this.inSnapshot = ev.isSnapshot && !ev.isLast;
    if (ev.side === 'B') this.bids.set(ev.price, ev.size);
    else if (ev.side === 'A') this.asks.set(ev.price, ev.size);
    if (this.isCrossed()) this.crossedEvents++;
  }

  /** A quote replaces the whole book with its top level. */
  applyQuote(q: QuoteEvent): void {
    this.lastUpdateNs = q.tsNs;
    this.clear();
    this.bids.set(q.bidPrice, q.bidSize > 0 ? q.bidSize : 1);
    this.asks.set(q.askPrice, q.askSize > 0 ? q.askSize : 1);
    if (this.isCrossed()) this.crossedEvents++;
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }
}
