import type { Lots } from '../core/index.ts';

/**
 * Median of a strategy's last `window` order sizes, for the fat-finger check. Strategies use
 * few distinct sizes, so the window is kept as a ring (arrival order) plus a sorted list of
 * the distinct sizes with their counts: add() is a binary search and two count updates (a
 * shift only when a size appears or disappears), median() walks the distinct sizes. Nothing
 * is allocated after construction.
 */
export class SizeMedian {
  private readonly ring: Float64Array;
  private head = 0;
  private n = 0;
  /** Distinct sizes in the window, ascending, and how many times each occurs. */
  private readonly sizes: Float64Array;
  private readonly counts: Int32Array;
  private distinct = 0;
  /** Orders ever added (the window holds the last `window` of them). */
  total = 0;

  constructor(readonly window = 256) {
    this.ring = new Float64Array(window);
    this.sizes = new Float64Array(window);
    this.counts = new Int32Array(window);
  }

  add(size: Lots): void {
    this.total++;
    if (this.n === this.ring.length) {
      this.remove(this.ring[this.head]);
      this.n--;
    }
    this.ring[this.head] = size;
    this.head = this.head + 1 === this.ring.length ? 0 : this.head + 1;
    this.n++;
    const at = this.lowerBound(size);
    if (at < this.distinct && this.sizes[at] === size) {
      this.counts[at]++;
      return;
    }
    for (let i = this.distinct; i > at; i--) {
      this.sizes[i] = this.sizes[i - 1];
      this.counts[i] = this.counts[i - 1];
    }
    this.sizes[at] = size;
    this.counts[at] = 1;
    this.distinct++;
  }

  /** Sizes in the window. */
  get count(): number {
    return this.n;
  }

  /** The (upper) median of the window; NaN when empty. */
  median(): number {
    if (this.n === 0) return NaN;
    const target = this.n >> 1; // 0-based rank of the upper median
    let seen = 0;
    for (let i = 0; i < this.distinct; i++) {
      seen += this.counts[i];
      if (seen > target) return this.sizes[i];
    }
    return this.sizes[this.distinct - 1];
  }

  private remove(size: number): void {
    const at = this.lowerBound(size);
    if (--this.counts[at] > 0) return;
    for (let i = at; i < this.distinct - 1; i++) {
      this.sizes[i] = this.sizes[i + 1];
      this.counts[i] = this.counts[i + 1];
    }
    this.distinct--;
  }

  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.distinct;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sizes[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
