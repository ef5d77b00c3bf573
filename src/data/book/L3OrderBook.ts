import { MBO_FLAG_LAST, type Lots, type MboEvent, type Ticks } from '../../core/index.ts';
import { IdMap } from './IdMap.ts';
import { LadderBook } from './LadderBook.ts';

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

/** MBO flag (Databento F_SNAPSHOT): the record is part of a book snapshot, not a live change. */
export const MBO_FLAG_SNAPSHOT = 0x20;

/**
 * Market-by-order (L3) book, rebuilt from MBO events: adds, cancels (size = quantity cancelled),
 * modifies; trades and fills leave it alone (CME sends the resting side's reduction as its own
 * event). Keeps each order's queue priority: a modify that changes price or increases size
 * sends the order to the back of the queue, a size decrease keeps its place (CME rules).
 *
 * After each apply(), `touched*` describe the order the event changed, so the simulated venue
 * can move virtual queue positions without a second lookup. No allocation per event except
 * one object per added order.
 *
 * Snapshots: records flagged F_SNAPSHOT (0x20) re-state the whole book (a DBN file of a new day
 * starts with one, re-adding orders that are already in the book from the day before). A
 * snapshot record starts a fresh book (clear, then apply) when the record before it was not a
 * snapshot record, or was the F_LAST record that ended the previous snapshot; later records of
 * the same snapshot are applied on top. So replaying day 1 then day 2 counts no duplicate adds.
 */
export class L3OrderBook extends LadderBook {
  /** By order id. IdMap, not Map: CME ids (~6.4e12) would be boxed per insert (see IdMap.ts). */
  private readonly orders = new IdMap<BookOrder>();
  private nextPriority = 1;
  unknownOrderEvents = 0;
  duplicateAddEvents = 0;
  // crossedEvents (inherited) counts venue packets (ending in an F_LAST record) after which the book was crossed
  /** Snapshots started (see the class comment). */
  snapshots = 0;
  /** Snapshots that found orders in the book and cleared them first (e.g. day 2 of a multi-day replay). */
  snapshotResets = 0;
  /** The previous record was a snapshot record that did not end its snapshot. */
  private inSnapshot = false;
  /**
   * Times the book was emptied (R record, or a snapshot replacing a non-empty book). Queue
   * positions measured against the old orders mean nothing after it; the simulated venue
   * re-queues our orders when it sees this change.
   */
  clears = 0;

  // The order the last event touched, as it was before the event (flyweight: read right after apply).
  touchedSide: 'B' | 'A' = 'B';
  touchedPrice: Ticks = 0;
  touchedPriority = 0;
  /** Lots the touched order lost at its old price/priority (cancel, decrease, or moved away). */
  touchedRemoved: Lots = 0;

  apply(ev: MboEvent): L3ApplyResult {
    this.lastUpdateNs = ev.tsNs;
    if ((ev.flags & MBO_FLAG_SNAPSHOT) !== 0) {
      if (!this.inSnapshot) this.startSnapshot();
      this.inSnapshot = (ev.flags & MBO_FLAG_LAST) === 0;
    } else {
      this.inSnapshot = false;
    }
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

  private startSnapshot(): void {
    this.snapshots++;
    if (this.orders.size > 0) {
      this.snapshotResets++;
      this.clear();
    }
  }

  clear(): void {
    this.orders.clear();
    this.bids.clear();
    this.asks.clear();
    this.clears++;
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

  private touch(o: BookOrder, removed: Lots): void {
    this.touchedSide = o.side;
    this.touchedPrice = o.price;
    this.touchedPriority = o.priority;
    this.touchedRemoved = removed;
  }
}
