import type { L2Event, Lots, QuoteEvent, Ticks } from '../../core/index.ts';
import type { OrderBookView } from './OrderBookView.ts';
import { PriceLadder } from './PriceLadder.ts';

/**
 * Market-by-price (L2) book from level updates (absolute size per price) or top-of-book quotes.
 * A snapshot event arriving after a non-snapshot event (or after the last row of a previous
 * snapshot) starts a fresh book.
 */
export class L2OrderBook implements OrderBookView {
  readonly bids = new PriceLadder(true);
  readonly asks = new PriceLadder(false);
  lastUpdateNs = 0;
  crossedEvents = 0;
  private inSnapshot = false;

  constructor(readonly instrumentId: number) {}

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

  bestBidPrice(): Ticks {
    return this.bids.best();
  }
  bestAskPrice(): Ticks {
    return this.asks.best();
  }
  bestBidSize(): Lots {
    return this.bids.bestSize();
  }
  bestAskSize(): Lots {
    return this.asks.bestSize();
  }
  sizeAt(side: 'B' | 'A', price: Ticks): Lots {
    return (side === 'B' ? this.bids : this.asks).sizeAt(price);
  }
  levelPrice(side: 'B' | 'A', level: number): Ticks {
    return (side === 'B' ? this.bids : this.asks).priceAt(level);
  }
  depth(side: 'B' | 'A', levels: number): Lots {
    return (side === 'B' ? this.bids : this.asks).depth(levels);
  }
  levelCount(side: 'B' | 'A'): number {
    return (side === 'B' ? this.bids : this.asks).levels;
  }
  isCrossed(): boolean {
    return this.bids.levels > 0 && this.asks.levels > 0 && this.bids.best() >= this.asks.best();
  }
  isTwoSided(): boolean {
    return this.bids.levels > 0 && this.asks.levels > 0 && this.bids.best() < this.asks.best();
  }
}
