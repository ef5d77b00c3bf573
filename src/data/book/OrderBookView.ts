import type { Lots, Ticks } from '../../core/index.ts';

/** What strategies and risk may ask of a book. Prices in ticks (NaN when the side is empty). */
export interface OrderBookView {
  readonly instrumentId: number;
  bestBidPrice(): Ticks;
  bestAskPrice(): Ticks;
  bestBidSize(): Lots;
  bestAskSize(): Lots;
  /** Size resting at a price on a side. */
  sizeAt(side: 'B' | 'A', price: Ticks): Lots;
  /** Price of the n-th level from the best on a side (0 = best), NaN past the last. */
  levelPrice(side: 'B' | 'A', level: number): Ticks;
  /** Total size in the best `levels` levels of a side. */
  depth(side: 'B' | 'A', levels: number): Lots;
  levelCount(side: 'B' | 'A'): number;
  /** Both sides present and best bid >= best ask (CME pre-open does this legitimately). */
  isCrossed(): boolean;
  /** Both sides present and not crossed. */
  isTwoSided(): boolean;
  /** Time (clock ns) of the last event applied. */
  readonly lastUpdateNs: number;
}
