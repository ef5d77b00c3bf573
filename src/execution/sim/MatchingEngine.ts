import type { Lots, Ticks } from '../../core/index.ts';

/**
 * A price-time priority limit order book that matches: the engine of an exchange, not a
 * replayed book. Incoming orders trade against the opposite side best price first and, within a
 * price, first come first served; each (incoming, resting) match is one fill at the resting
 * order's price. Integer ticks and lots; order ids are integers (|id| < 2^53).
 *
 * Operations:
 * - submitLimit(id, side, price, qty, tif, postOnly): GTC rests what does not trade, IOC drops
 *   it, FOK trades all or nothing; post-only is refused if it would trade at once.
 * - submitMarket(id, side, qty): trades what the opposite side holds, never rests.
 * - cancel(id); reduce(id, newQty): a size decrease keeps the order's place in its queue.
 * - modify(id, price, qty), CME rules: same price and a smaller size keeps priority (a reduce);
 *   a new price or a larger size loses it, and the order re-enters as a new GTC limit order
 *   (it may trade at once).
 *
 * Fills are reported synchronously, in match order, to the `onFill` listener as plain numbers
 * (no object per fill). Per operation the engine allocates nothing after warm-up: orders and
 * price levels live in typed-array pools (struct of arrays) with free lists, the id index is an
 * open-addressing hash table over a Float64Array, and each side keeps its price levels in a
 * sorted typed array with the best price at the end (matching pops from the end).
 * It is the engine of the benchmark `match_ops` (bench/backtest.bench.ts) and is meant to run
 * a separate-process simulated venue.
 */

export type MatchSide = 'B' | 'A';
export type MatchTimeInForce = 'GTC' | 'IOC' | 'FOK';

/** (incoming order id, resting order id, price, quantity, resting order's quantity left after). */
export type FillListener = (takerId: number, makerId: number, price: Ticks, qty: Lots, makerLeaves: Lots) => void;

/** Negative results of submit/modify: why nothing happened. */
export const MatchReject = {
  /** An order with this id is already resting. */
  DUPLICATE_ID: -1,
  /** qty not a positive integer, price not an integer, or id not a safe integer. */
  INVALID: -2,
  /** A post-only order would have traded at once. */
  POST_ONLY_WOULD_TAKE: -3,
  /** A FOK order could not be filled whole. */
  FOK_NOT_FILLED: -4,
  /** modify/reduce/cancel of an id that is not resting. */
  UNKNOWN_ORDER: -5,
} as const;

const NONE = -1;
const BID = 0;
const ASK = 1;

/** One side's price levels, sorted so the best price is last: bids ascending, asks descending. */
class Ladder {
  px: Float64Array;
  lv: Int32Array;
  len = 0;

  constructor(readonly isBid: boolean, capacity: number) {
    this.px = new Float64Array(capacity);
    this.lv = new Int32Array(capacity);
  }

  /** Index of `price` if present, else -(insertion index) - 1. */
  find(price: number): number {
    const px = this.px;
    let lo = 0;
    let hi = this.len;
    if (this.isBid) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const p = px[mid];
        if (p < price) lo = mid + 1;
        else if (p > price) hi = mid;
        else return mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const p = px[mid];
        if (p > price) lo = mid + 1;
        else if (p < price) hi = mid;
        else return mid;
      }
    }
    return -lo - 1;
  }

  insertAt(i: number, price: number, level: number): void {
    if (this.len === this.px.length) {
      const px = new Float64Array(this.px.length * 2);
      px.set(this.px);
      const lv = new Int32Array(this.lv.length * 2);
      lv.set(this.lv);
      this.px = px;
      this.lv = lv;
    }
    if (i < this.len) {
      this.px.copyWithin(i + 1, i, this.len);
      this.lv.copyWithin(i + 1, i, this.len);
    }
    this.px[i] = price;
    this.lv[i] = level;
    this.len++;
  }

  removeAt(i: number): void {
    if (i < this.len - 1) {
      this.px.copyWithin(i, i + 1, this.len);
      this.lv.copyWithin(i, i + 1, this.len);
    }
    this.len--;
  }
}

function noFill(): void {}

export class MatchingEngine {
  /** Called once per match; replace to route fills elsewhere. */
  onFill: FillListener;

  // orders (slots)
  private oId: Float64Array;
  private oPrice: Float64Array;
  private oQty: Float64Array;
  private oNext: Int32Array;
  private oPrev: Int32Array;
  private oLevel: Int32Array;
  private oSide: Uint8Array;
  private freeOrder = NONE;
  private usedOrders = 0;
  private liveOrders = 0;

  // price levels
  private lPrice: Float64Array;
  private lQty: Float64Array;
  private lCount: Int32Array;
  private lHead: Int32Array;
  private lTail: Int32Array;
  private freeLevel = NONE;
  private usedLevels = 0;

  private readonly ladders: [Ladder, Ladder];

  // id -> slot + 1 (0 = empty), linear probing with backward-shift deletion
  private hKeys: Float64Array;
  private hVals: Int32Array;
  private hMask: number;

  /** Matches and fills so far (all operations). */
  fills = 0;
  filledQty: Lots = 0;

  constructor(options: { onFill?: FillListener; capacity?: number } = {}) {
    this.onFill = options.onFill ?? noFill;
    const cap = Math.max(16, options.capacity ?? 1024);
    this.oId = new Float64Array(cap);
    this.oPrice = new Float64Array(cap);
    this.oQty = new Float64Array(cap);
    this.oNext = new Int32Array(cap);
    this.oPrev = new Int32Array(cap);
    this.oLevel = new Int32Array(cap);
    this.oSide = new Uint8Array(cap);
    const lcap = 256;
    this.lPrice = new Float64Array(lcap);
    this.lQty = new Float64Array(lcap);
    this.lCount = new Int32Array(lcap);
    this.lHead = new Int32Array(lcap);
    this.lTail = new Int32Array(lcap);
    this.ladders = [new Ladder(true, 128), new Ladder(false, 128)];
    let h = 16;
    while (h < cap * 2) h *= 2;
    this.hKeys = new Float64Array(h);
    this.hVals = new Int32Array(h);
    this.hMask = h - 1;
  }

  // --- orders in ---------------------------------------------------------------------------

  /**
   * A limit order. Returns the quantity it traded at once (>= 0; a GTC remainder rests), or a
   * negative MatchReject code (nothing happened).
   */
  submitLimit(id: number, side: MatchSide, price: Ticks, qty: Lots, tif: MatchTimeInForce = 'GTC', postOnly = false): number {
    if (!Number.isSafeInteger(id) || !Number.isSafeInteger(price) || !Number.isSafeInteger(qty) || qty <= 0) return MatchReject.INVALID;
    if (this.lookup(id) !== NONE) return MatchReject.DUPLICATE_ID;
    const s = side === 'B' ? BID : ASK;
    if (postOnly && this.crosses(s, price)) return MatchReject.POST_ONLY_WOULD_TAKE;
    if (tif === 'FOK' && this.available(s, price, qty) < qty) return MatchReject.FOK_NOT_FILLED;
    const filled = this.take(id, s, price, qty);
    if (filled < qty && tif === 'GTC') this.rest(id, s, price, qty - filled);
    return filled;
  }

  /** A market order: trades up to qty against the opposite side, never rests. Returns the quantity traded, or MatchReject.INVALID. */
  submitMarket(id: number, side: MatchSide, qty: Lots): number {
    if (!Number.isSafeInteger(id) || !Number.isSafeInteger(qty) || qty <= 0) return MatchReject.INVALID;
    return this.take(id, side === 'B' ? BID : ASK, side === 'B' ? Infinity : -Infinity, qty);
  }

  /** Removes a resting order. Returns the quantity it had left, or 0 when it was not resting. */
  cancel(id: number): Lots {
    const slot = this.lookup(id);
    if (slot === NONE) return 0;
    const q = this.oQty[slot];
    this.removeOrder(slot);
    return q;
  }

  /**
   * Sets a resting order's quantity to `newQty` below its current one, keeping its queue place;
   * newQty <= 0 cancels it. Returns the quantity left, or MatchReject.UNKNOWN_ORDER /
   * MatchReject.INVALID (newQty above the current quantity or not an integer).
   */
  reduce(id: number, newQty: Lots): number {
    const slot = this.lookup(id);
    if (slot === NONE) return MatchReject.UNKNOWN_ORDER;
    if (!Number.isSafeInteger(newQty)) return MatchReject.INVALID;
    const q = this.oQty[slot];
    if (newQty > q) return MatchReject.INVALID;
    if (newQty <= 0) {
      this.removeOrder(slot);
      return 0;
    }
    this.oQty[slot] = newQty;
    this.lQty[this.oLevel[slot]] -= q - newQty;
    return newQty;
  }

  /**
   * Cancel/replace with CME priority rules (see the class comment). Returns the quantity the
   * re-entered order traded at once (0 when it kept its place or just rests), or a negative
   * MatchReject code.
   */
  modify(id: number, price: Ticks, qty: Lots): number {
    const slot = this.lookup(id);
    if (slot === NONE) return MatchReject.UNKNOWN_ORDER;
    if (!Number.isSafeInteger(price) || !Number.isSafeInteger(qty)) return MatchReject.INVALID;
    if (qty <= 0) {
      this.removeOrder(slot);
      return 0;
    }
    if (price === this.oPrice[slot] && qty <= this.oQty[slot]) {
      this.reduce(id, qty);
      return 0;
    }
    const s = this.oSide[slot];
    this.removeOrder(slot);
    const filled = this.take(id, s, price, qty);
    if (filled < qty) this.rest(id, s, price, qty - filled);
    return filled;
  }

  /** Empties the book (fills counters are kept). */
  clear(): void {
    this.hKeys.fill(0);
    this.hVals.fill(0);
    this.freeOrder = NONE;
    this.usedOrders = 0;
    this.liveOrders = 0;
    this.freeLevel = NONE;
    this.usedLevels = 0;
    this.ladders[BID].len = 0;
    this.ladders[ASK].len = 0;
  }

  // --- reads ---------------------------------------------------------------------------------

  get orderCount(): number {
    return this.liveOrders;
  }

  levelCount(side: MatchSide): number {
    return this.ladders[side === 'B' ? BID : ASK].len;
  }

  bestBid(): Ticks {
    const l = this.ladders[BID];
    return l.len > 0 ? l.px[l.len - 1] : NaN;
  }

  bestAsk(): Ticks {
    const l = this.ladders[ASK];
    return l.len > 0 ? l.px[l.len - 1] : NaN;
  }

  /** Price of the i-th level from the best (0 = best), NaN past the last. */
  levelPrice(side: MatchSide, level: number): Ticks {
    const l = this.ladders[side === 'B' ? BID : ASK];
    return level < l.len ? l.px[l.len - 1 - level] : NaN;
  }

  /** Resting quantity at a price. */
  sizeAt(side: MatchSide, price: Ticks): Lots {
    const l = this.ladders[side === 'B' ? BID : ASK];
    const i = l.find(price);
    return i >= 0 ? this.lQty[l.lv[i]] : 0;
  }

  /** Orders resting at a price. */
  ordersAt(side: MatchSide, price: Ticks): number {
    const l = this.ladders[side === 'B' ? BID : ASK];
    const i = l.find(price);
    return i >= 0 ? this.lCount[l.lv[i]] : 0;
  }

  /** Quantity left of a resting order, 0 if it is not resting. */
  leaves(id: number): Lots {
    const slot = this.lookup(id);
    return slot === NONE ? 0 : this.oQty[slot];
  }

  /** Price of a resting order, NaN if it is not resting. */
  priceOf(id: number): Ticks {
    const slot = this.lookup(id);
    return slot === NONE ? NaN : this.oPrice[slot];
  }

  /** Ids resting at a price, in queue order (tests and debugging; allocates). */
  queueAt(side: MatchSide, price: Ticks): number[] {
    const l = this.ladders[side === 'B' ? BID : ASK];
    const i = l.find(price);
    const out: number[] = [];
    if (i < 0) return out;
    for (let s = this.lHead[l.lv[i]]; s !== NONE; s = this.oNext[s]) out.push(this.oId[s]);
    return out;
  }

  // --- matching ------------------------------------------------------------------------------

  /** Would an order of side s at `limit` trade at once? */
  private crosses(s: number, limit: number): boolean {
    const opp = this.ladders[s === BID ? ASK : BID];
    if (opp.len === 0) return false;
    const best = opp.px[opp.len - 1];
    return s === BID ? best <= limit : best >= limit;
  }

  /** Quantity on the opposite side at prices an order of side s at `limit` reaches, up to `want`. */
  private available(s: number, limit: number, want: Lots): Lots {
    const opp = this.ladders[s === BID ? ASK : BID];
    let total = 0;
    for (let i = opp.len - 1; i >= 0 && total < want; i--) {
      const px = opp.px[i];
      if (s === BID ? px > limit : px < limit) break;
      total += this.lQty[opp.lv[i]];
    }
    return total;
  }

  /** Trades incoming order `id` (side s, limit price) against the opposite side; returns the quantity traded. */
  private take(id: number, s: number, limit: number, qty: Lots): Lots {
    const opp = this.ladders[s === BID ? ASK : BID];
    const buy = s === BID;
    let rem = qty;
    while (rem > 0 && opp.len > 0) {
      const lvl = opp.lv[opp.len - 1];
      const px = this.lPrice[lvl];
      if (buy ? px > limit : px < limit) break;
      let slot = this.lHead[lvl];
      while (slot !== NONE && rem > 0) {
        const q = this.oQty[slot];
        const t = q < rem ? q : rem;
        rem -= t;
        const next = this.oNext[slot];
        const makerId = this.oId[slot];
        this.fills++;
        this.filledQty += t;
        if (t === q) {
          this.removeOrder(slot);
        } else {
          this.oQty[slot] = q - t;
          this.lQty[lvl] -= t;
        }
        this.onFill(id, makerId, px, t, q - t);
        slot = next;
      }
    }
    return qty - rem;
  }

  /** Appends a resting order at the back of its price level. */
  private rest(id: number, s: number, price: number, qty: Lots): void {
    const ladder = this.ladders[s];
    let i = ladder.find(price);
    let lvl: number;
    if (i < 0) {
      lvl = this.newLevel(price);
      i = -i - 1;
      ladder.insertAt(i, price, lvl);
    } else {
      lvl = ladder.lv[i];
    }
    const slot = this.newOrder();
    this.oId[slot] = id;
    this.oPrice[slot] = price;
    this.oQty[slot] = qty;
    this.oSide[slot] = s;
    this.oLevel[slot] = lvl;
    const tail = this.lTail[lvl];
    this.oPrev[slot] = tail;
    this.oNext[slot] = NONE;
    if (tail === NONE) this.lHead[lvl] = slot;
    else this.oNext[tail] = slot;
    this.lTail[lvl] = slot;
    this.lCount[lvl]++;
    this.lQty[lvl] += qty;
    this.liveOrders++;
    this.insertKey(id, slot);
  }

  /** Unlinks a resting order, frees its slot and, when its level empties, the level. */
  private removeOrder(slot: number): void {
    const lvl = this.oLevel[slot];
    const prev = this.oPrev[slot];
    const next = this.oNext[slot];
    if (prev === NONE) this.lHead[lvl] = next;
    else this.oNext[prev] = next;
    if (next === NONE) this.lTail[lvl] = prev;
    else this.oPrev[next] = prev;
    this.lQty[lvl] -= this.oQty[slot];
    this.deleteKey(this.oId[slot]);
    this.oNext[slot] = this.freeOrder;
    this.freeOrder = slot;
    this.liveOrders--;
    if (--this.lCount[lvl] === 0) {
      const ladder = this.ladders[this.oSide[slot]];
      // the emptied level is usually the best one (matching): check the end first
      const last = ladder.len - 1;
      const i = last >= 0 && ladder.lv[last] === lvl ? last : ladder.find(this.lPrice[lvl]);
      ladder.removeAt(i);
      this.lHead[lvl] = this.freeLevel;
      this.freeLevel = lvl;
    }
  }

  // --- pools ---------------------------------------------------------------------------------

  private newOrder(): number {
    const f = this.freeOrder;
    if (f !== NONE) {
      this.freeOrder = this.oNext[f];
      return f;
    }
    if (this.usedOrders === this.oId.length) this.growOrders();
    return this.usedOrders++;
  }

  private growOrders(): void {
    const n = this.oId.length * 2;
    this.oId = grow64(this.oId, n);
    this.oPrice = grow64(this.oPrice, n);
    this.oQty = grow64(this.oQty, n);
    this.oNext = grow32(this.oNext, n);
    this.oPrev = grow32(this.oPrev, n);
    this.oLevel = grow32(this.oLevel, n);
    const side = new Uint8Array(n);
    side.set(this.oSide);
    this.oSide = side;
  }

  private newLevel(price: number): number {
    let lvl = this.freeLevel;
    if (lvl !== NONE) {
      this.freeLevel = this.lHead[lvl];
    } else {
      if (this.usedLevels === this.lPrice.length) {
        const n = this.lPrice.length * 2;
        this.lPrice = grow64(this.lPrice, n);
        this.lQty = grow64(this.lQty, n);
        this.lCount = grow32(this.lCount, n);
        this.lHead = grow32(this.lHead, n);
        this.lTail = grow32(this.lTail, n);
      }
      lvl = this.usedLevels++;
    }
    this.lPrice[lvl] = price;
    this.lQty[lvl] = 0;
    this.lCount[lvl] = 0;
    this.lHead[lvl] = NONE;
    this.lTail[lvl] = NONE;
    return lvl;
  }

  // --- id index ------------------------------------------------------------------------------

  private lookup(id: number): number {
    const keys = this.hKeys;
    const vals = this.hVals;
    const mask = this.hMask;
    for (let i = hash(id) & mask; ; i = (i + 1) & mask) {
      const v = vals[i];
      if (v === 0) return NONE;
      if (keys[i] === id) return v - 1;
    }
  }

  private insertKey(id: number, slot: number): void {
    if (this.liveOrders * 2 > this.hMask) this.rehash((this.hMask + 1) * 2);
    const keys = this.hKeys;
    const vals = this.hVals;
    const mask = this.hMask;
    let i = hash(id) & mask;
    while (vals[i] !== 0) i = (i + 1) & mask;
    keys[i] = id;
    vals[i] = slot + 1;
  }

  private deleteKey(id: number): void {
    const keys = this.hKeys;
    const vals = this.hVals;
    const mask = this.hMask;
    let i = hash(id) & mask;
    while (keys[i] !== id || vals[i] === 0) {
      if (vals[i] === 0) return;
      i = (i + 1) & mask;
    }
    // backward-shift deletion: pull later entries of the probe run into the hole
    let hole = i;
    for (let j = (i + 1) & mask; vals[j] !== 0; j = (j + 1) & mask) {
      const home = hash(keys[j]) & mask;
      // entry j may move to the hole if its home is not in (hole, j] (cyclically)
      const movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
      if (movable) {
        keys[hole] = keys[j];
        vals[hole] = vals[j];
        hole = j;
      }
    }
    vals[hole] = 0;
  }

  private rehash(size: number): void {
    const oldKeys = this.hKeys;
    const oldVals = this.hVals;
    this.hKeys = new Float64Array(size);
    this.hVals = new Int32Array(size);
    this.hMask = size - 1;
    const keys = this.hKeys;
    const vals = this.hVals;
    const mask = this.hMask;
    for (let k = 0; k < oldVals.length; k++) {
      if (oldVals[k] === 0) continue;
      let i = hash(oldKeys[k]) & mask;
      while (vals[i] !== 0) i = (i + 1) & mask;
      keys[i] = oldKeys[k];
      vals[i] = oldVals[k];
    }
  }
}

/** 32-bit mix of an integer id (|id| < 2^53): both 32-bit halves, murmur3's finaliser. */
function hash(id: number): number {
  const lo = id | 0;
  const hi = (id / 4294967296) | 0;
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function grow64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function grow32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
