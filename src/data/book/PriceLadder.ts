import type { Lots, Ticks } from '../../core/index.ts';

interface Level {
  size: Lots;
  count: number;
}

/**
 * One side of a book by price level: sizes and order counts per price, and the prices kept
 * sorted best-first in a plain array. Hand-written rather than a tree library because books
 * here hold tens to a few hundred levels, where a sorted array with binary search beats a
 * tree; this is on the per-event hot path. Size and order count of a price live in one small
 * object (one Map lookup per change instead of four; allocated when a price level appears).
 */
export class PriceLadder {
  /** Active prices, best first (descending for bids, ascending for asks). */
  private prices: Ticks[] = [];
  /** Size and order count per active price: one lookup per change. */
  private readonly at = new Map<Ticks, Level>();

  constructor(readonly isBid: boolean) {}

  get levels(): number {
    return this.prices.length;
  }

  best(): Ticks {
    return this.prices.length > 0 ? this.prices[0] : NaN;
  }

  bestSize(): Lots {
    return this.prices.length > 0 ? (this.at.get(this.prices[0]) as Level).size : 0;
  }

  sizeAt(price: Ticks): Lots {
    return this.at.get(price)?.size ?? 0;
  }

  ordersAt(price: Ticks): number {
    return this.at.get(price)?.count ?? 0;
  }

  /** Price of the i-th level from the best (0 = best), NaN past the last. */
  priceAt(level: number): Ticks {
    return level < this.prices.length ? this.prices[level] : NaN;
  }

  /** Adds `delta` lots (and `orderDelta` orders) at a price; removes the level when it reaches 0. */
  add(price: Ticks, delta: Lots, orderDelta: number): void {
    const level = this.at.get(price);
    if (level === undefined) {
      if (delta <= 0) return;
      this.at.set(price, { size: delta, count: orderDelta > 0 ? orderDelta : 0 });
      this.insertPrice(price);
      return;
    }
    const next = level.size + delta;
    const n = level.count + orderDelta;
    if (next <= 0 || (orderDelta !== 0 && n <= 0)) {
      this.remove(price);
    } else {
      level.size = next;
      level.count = n;
    }
  }

  /** Sets the absolute size at a price (L2 semantics); 0 removes the level. */
  set(price: Ticks, size: Lots): void {
    if (size <= 0) {
      if (this.at.has(price)) this.remove(price);
      return;
    }
    const level = this.at.get(price);
    if (level === undefined) {
      this.at.set(price, { size, count: 1 });
      this.insertPrice(price);
    } else {
      level.size = size;
      level.count = 1;
    }
  }

  clear(): void {
    this.prices = [];
    this.at.clear();
  }

  /** Total size of the best `levels` levels. */
  depth(levels: number): Lots {
    let total = 0;
    const n = levels < this.prices.length ? levels : this.prices.length;
    for (let i = 0; i < n; i++) total += (this.at.get(this.prices[i]) as Level).size;
    return total;
  }

  private remove(price: Ticks): void {
    this.at.delete(price);
    const i = this.search(price);
    if (i < this.prices.length && this.prices[i] === price) this.prices.splice(i, 1);
  }

  private insertPrice(price: Ticks): void {
    const i = this.search(price);
    this.prices.splice(i, 0, price);
  }

  /** First index whose price is not better than `price`. */
  private search(price: Ticks): number {
    const a = this.prices;
    let lo = 0;
    let hi = a.length;
    if (this.isBid) {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (a[mid] > price) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (a[mid] < price) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  }
}
