import { MBO_FLAG_LAST, type Lots, type MboEvent, type Ticks } from '../../core/index.ts';
import type { OrderBookView } from './OrderBookView.ts';
import { PriceLadder } from './PriceLadder.ts';

/** A resting order in the L3 book. `priority` orders the queue within a price level. */
export interface BookOrder {
  id: number;
  side: 'B' | 'A';
  price: Ticks;
  size: Lots;
  priority: number;
}

/** What apply() did, for callers that track queue positions (the simulated venue). */
export type L3ApplyResult = 'added' | 'reduced' | 'removed' | 'modified' | 'cleared' | 'trade' | 'ignored' | 'unknown_order' | 'duplicate_order';

/**
 * Market-by-order (L3) book, rebuilt from MBO events: adds, cancels (size = quantity cancelled),
 * modifies; trades and fills leave it alone (CME sends the resting side's reduction as its own
 * event). Keeps each order's queue priority: a modify that changes price or increases size
 * sends the order to the back of the queue, a size decrease keeps its place (CME rules).
 *
 * After each apply(), `touched*` describe the order the event changed, so the simulated venue
 * can move virtual queue positions without a second lookup. No allocation per event except
 * one object per added order.
 */
export class L3OrderBook implements OrderBookView {
  readonly bids = new PriceLadder(true);
  readonly asks = new PriceLadder(false);
  private readonly orders = new Map<number, BookOrder>();
  private nextPriority = 1;
  lastUpdateNs = 0;
  unknownOrderEvents = 0;
  duplicateAddEvents = 0;
  /** Venue events (packets ending in an F_LAST record) after which the book was crossed (bid >= ask). */
  crossedEvents = 0;

  // The order the last event touched, as it was before the event (flyweight: read right after apply).
  touchedSide: 'B' | 'A' = 'B';
  touchedPrice: Ticks = 0;
  touchedPriority = 0;
  /** Lots the touched order lost at its old price/priority (cancel, decrease, or moved away). */
  touchedRemoved: Lots = 0;

  constructor(readonly instrumentId: number) {}

  apply(ev: MboEvent): L3ApplyResult {
    this.lastUpdateNs = ev.tsNs;
    const r = this.applyAction(ev);
    if ((ev.flags & MBO_FLAG_LAST) !== 0 && this.isCrossed()) this.crossedEvents++;
    return r;
  }

  private applyAction(ev: MboEvent): L3ApplyResult {
    switch (ev.action) {
      case 'A': {
        if (ev.side !== 'B' && ev.side !== 'A') return 'ignored';
        if (this.orders.has(ev.orderId)) {
          this.duplicateAddEvents++;
          return 'duplicate_order';
        }
        const o: BookOrder = { id: ev.orderId, side: ev.side, price: ev.price, size: ev.size, priority: this.nextPriority++ };
        this.orders.set(o.id, o);
        this.ladder(o.side).add(o.price, o.size, 1);
        this.touch(o, 0);
        return 'added';
      }
      case 'C': {
        const o = this.orders.get(ev.orderId);
        if (!o) {
          this.unknownOrderEvents++;
          return 'unknown_order';
        }
        const cut = ev.size >= o.size || ev.size <= 0 ? o.size : ev.size;
        this.touch(o, cut);
        o.size -= cut;
        if (o.size <= 0) {
          this.orders.delete(o.id);
          this.ladder(o.side).add(o.price, -cut, -1);
          return 'removed';
        }
        this.ladder(o.side).add(o.price, -cut, 0);
        return 'reduced';
      }
      case 'M': {
        const o = this.orders.get(ev.orderId);
        if (!o) {
          this.unknownOrderEvents++;
          return 'unknown_order';
        }
        const ladder = this.ladder(o.side);
        const losesPriority = ev.price !== o.price || ev.size > o.size;
        this.touch(o, losesPriority ? o.size : o.size - ev.size);
        ladder.add(o.price, -o.size, -1);
        o.price = ev.price;
        o.size = ev.size;
        if (losesPriority) o.priority = this.nextPriority++;
        if (o.size <= 0) {
          this.orders.delete(o.id);
          return 'removed';
        }
        ladder.add(o.price, o.size, 1);
        return 'modified';
      }
      case 'R':
        this.clear();
        return 'cleared';
      case 'T':
      case 'F':
        return 'trade';
      default:
        return 'ignored';
    }
  }

  clear(): void {
    this.orders.clear();
    this.bids.clear();
    this.asks.clear();
  }

  /** Priority a new arrival at the back of any queue would get now (for virtual orders). */
  peekNextPriority(): number {
    return this.nextPriority;
  }

  /** Takes a priority slot for a virtual order joining a queue now. */
  takePriority(): number {
    return this.nextPriority++;
  }

  getOrder(id: number): BookOrder | undefined {
    return this.orders.get(id);
  }

  get orderCount(): number {
    return this.orders.size;
  }

  /** Size resting at a price on a side with priority before `priority` (the queue ahead of it). */
  sizeAheadOf(side: 'B' | 'A', price: Ticks, priority: number): Lots {
    let total = 0;
    for (const o of this.orders.values()) {
      if (o.side === side && o.price === price && o.priority < priority) total += o.size;
    }
    return total;
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

  private ladder(side: 'B' | 'A'): PriceLadder {
    return side === 'B' ? this.bids : this.asks;
  }

  private touch(o: BookOrder, removed: Lots): void {
    this.touchedSide = o.side;
    this.touchedPrice = o.price;
    this.touchedPriority = o.priority;
    this.touchedRemoved = removed;
  }
}
