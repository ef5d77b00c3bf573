import type { Lots, Ticks } from '../../core/index.ts';
import type { OrderBookView } from './OrderBookView.ts';
import { PriceLadder } from './PriceLadder.ts';

/**
 * The part every book shares: a bid and an ask ladder, and the OrderBookView queries on them.
 * L2OrderBook and L3OrderBook differ only in how events change the ladders.
 */
export abstract class LadderBook implements OrderBookView {
  readonly bids = new PriceLadder(true);
  readonly asks = new PriceLadder(false);
  lastUpdateNs = 0;
  /** Consistent book states (see each subclass) in which the book was crossed (bid >= ask). */
  crossedEvents = 0;

  constructor(readonly instrumentId: number) {}

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
    return this.ladder(side).sizeAt(price);
  }
  levelPrice(side: 'B' | 'A', level: number): Ticks {
    return this.ladder(side).priceAt(level);
  }
  depth(side: 'B' | 'A', levels: number): Lots {
    return this.ladder(side).depth(levels);
  }
  levelCount(side: 'B' | 'A'): number {
    return this.ladder(side).levels;
  }
  isCrossed(): boolean {
    return this.bids.levels > 0 && this.asks.levels > 0 && this.bids.best() >= this.asks.best();
  }
  isTwoSided(): boolean {
    return this.bids.levels > 0 && this.asks.levels > 0 && this.bids.best() < this.asks.best();
  }

  protected ladder(side: 'B' | 'A'): PriceLadder {
    return side === 'B' ? this.bids : this.asks;
  }
}
