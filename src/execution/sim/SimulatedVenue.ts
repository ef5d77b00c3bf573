import type { Clock, Instrument, Liquidity, Lots, MarketEvent, Order, Ticks } from '../../core/index.ts';
import { L3OrderBook } from '../../data/book/L3OrderBook.ts';
import type { OrderBookView } from '../../data/book/OrderBookView.ts';
import { report, type ExecutionClient, type ExecutionReport } from '../ExecutionClient.ts';
import type { FeeModel } from './FeeModel.ts';
import type { LatencyModel } from './LatencyModel.ts';

/** One of our orders resting at the simulated venue. */
interface RestingOrder {
  order: Order;
  venueOrderId: string;
  side: 'B' | 'A';
  price: Ticks;
  leaves: Lots;
  /** Queue priority on the book's scale: orders with a lower priority are ahead of us. */
  priority: number;
  /** Lots resting ahead of us at our price. */
  ahead: Lots;
}

export interface SimulatedVenueOptions {
  venue: string;
  /** Track queue position (L3: exact; L2: risk-averse, advancing only on trades). Off: a resting order is first in its queue. */
  trackQueuePosition: boolean;
}

/**
 * A venue simulated on replayed market data: the same ExecutionClient the live gateways
 * implement, so the kernel cannot tell them apart.
 *
 * - Orders, cancels and replaces reach the venue after the latency model's order latency and
 *   every report comes back after its ack latency, all on the injected clock.
 * - An arriving order that crosses the book takes the displayed liquidity level by level
 *   (TAKER); the replayed book is not depleted by our fills (no market impact).
 * - A resting order (MAKER) fills only when the market trades at or through its price: through
 *   its price it fills up to the trade's size; at its price only the part of the trade beyond
 *   the quantity queued ahead of it. With L3 data the queue ahead is exact: it shrinks only as
 *   orders that were ahead are cancelled, reduced or filled (their reductions arrive as book
 *   events after the trade).
 * - No continuous matching while the book is crossed (pre-open): orders rest until it uncrosses
 *   or an auction print trades through them.
 * Supported: LIMIT and MARKET with GTC, DAY, IOC, FOK; post-only. STOP/STOP_LIMIT are rejected
 * as unsupported until the venue simulates triggers.
 */
export class SimulatedVenue implements ExecutionClient {
  readonly venue: string;
  private readonly listeners: ((r: ExecutionReport) => void)[] = [];
  private readonly resting = new Map<number, RestingOrder[]>();
  private readonly byClientId = new Map<string, RestingOrder>();
  /** Orders sent but not yet arrived. Messages of one order arrive in the order sent (timers are FIFO at equal times). */
  private readonly inFlight = new Set<string>();
  private readonly cancelOnArrival = new Set<string>();
  private nextVenueId = 1;
  private nextTradeId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly instruments: ReadonlyMap<number, Instrument>,
    private readonly books: ReadonlyMap<number, OrderBookView>,
    private readonly fees: FeeModel,
    private readonly latency: LatencyModel,
    private readonly options: SimulatedVenueOptions,
  ) {
    this.venue = options.venue;
  }

  onReport(listener: (r: ExecutionReport) => void): void {
    this.listeners.push(listener);
  }

  submit(order: Order): void {
    this.inFlight.add(order.clientOrderId);
    this.clock.setTimer(this.clock.now() + this.latency.orderLatency(), () => this.arrive(order));
  }

  cancel(order: Order): void {
    this.clock.setTimer(this.clock.now() + this.latency.orderLatency(), () => this.cancelArrives(order));
  }

  replace(order: Order, newPrice: Ticks, newQty: Lots): void {
    this.clock.setTimer(this.clock.now() + this.latency.orderLatency(), () => this.replaceArrives(order, newPrice, newQty));
  }

  /** Resting orders of ours on an instrument (tests and reconciliation). */
  restingCount(instrumentId?: number): number {
    if (instrumentId !== undefined) return this.resting.get(instrumentId)?.length ?? 0;
    return this.byClientId.size;
  }

  /** Lots queued ahead of one of our resting orders, or NaN if it is not resting. */
  queueAhead(clientOrderId: string): Lots {
    return this.byClientId.get(clientOrderId)?.ahead ?? NaN;
  }

  /**
   * Called with every market event after the kernel has applied it to the book. Per-event hot
   * path: returns at once when we have nothing resting on the instrument.
   */
  onMarketEvent(ev: MarketEvent): void {
    const list = this.resting.get(ev.instrumentId);
    if (list === undefined || list.length === 0) return;
    switch (ev.kind) {
      case 'mbo':
        if (ev.action === 'T') {
          this.tradePrint(list, ev.side, ev.price, ev.size, false, ev.tsNs);
        } else if (ev.action === 'C' || ev.action === 'M') {
          const book = this.books.get(ev.instrumentId);
          if (book instanceof L3OrderBook && book.touchedRemoved > 0) {
            this.advanceQueue(list, book.touchedSide, book.touchedPrice, book.touchedPriority, book.touchedRemoved);
          }
        }
        return;
      case 'trade':
        this.tradePrint(list, ev.aggressor, ev.price, ev.size, true, ev.tsNs);
        return;
      default:
        return;
    }
  }

  // --- arrival at the venue -------------------------------------------------------------

  private arrive(order: Order): void {
    this.inFlight.delete(order.clientOrderId);
    if (this.cancelOnArrival.delete(order.clientOrderId)) {
      this.send(report('CANCELED', order.clientOrderId, '', this.clock.now(), { reason: 'CANCELED_ON_ARRIVAL' }));
      return;
    }
    const instrument = this.instruments.get(order.instrumentId);
    const book = this.books.get(order.instrumentId);
    if (!instrument || !book) {
      this.send(report('REJECTED', order.clientOrderId, '', this.clock.now(), { reason: 'UNKNOWN_INSTRUMENT' }));
      return;
    }
    if (order.type !== 'LIMIT' && order.type !== 'MARKET') {
      this.send(report('REJECTED', order.clientOrderId, '', this.clock.now(), { reason: 'UNSUPPORTED_ORDER_TYPE' }));
      return;
    }
    const venueOrderId = `SIM-${this.nextVenueId++}`;
    const side: 'B' | 'A' = order.side === 'BUY' ? 'B' : 'A';
    const limit = order.type === 'MARKET' ? (side === 'B' ? Infinity : -Infinity) : order.price;
    const continuous = book.isTwoSided() || (book.levelCount(side === 'B' ? 'A' : 'B') > 0 && book.levelCount(side) === 0);
    const takeable = continuous ? this.takeableQty(book, side, limit, order.qty) : 0;

    if (order.postOnly && takeable > 0) {
      this.send(report('REJECTED', order.clientOrderId, venueOrderId, this.clock.now(), { reason: 'POST_ONLY_WOULD_TAKE' }));
      return;
    }
    if (order.type === 'MARKET' && !continuous) {
      this.send(report('REJECTED', order.clientOrderId, venueOrderId, this.clock.now(), { reason: 'NO_CONTINUOUS_MARKET' }));
      return;
    }
    if (order.tif === 'FOK' && takeable < order.qty) {
      this.send(report('ACCEPTED', order.clientOrderId, venueOrderId, this.clock.now()));
      this.send(report('EXPIRED', order.clientOrderId, venueOrderId, this.clock.now(), { reason: 'FOK_NOT_FILLED' }));
      return;
    }
    this.send(report('ACCEPTED', order.clientOrderId, venueOrderId, this.clock.now()));
    let leaves = order.qty;
    if (takeable > 0) leaves -= this.take(order, venueOrderId, instrument, book, side, limit, takeable);
    if (leaves === 0) return;
    if (order.type === 'MARKET' || order.tif === 'IOC' || order.tif === 'FOK') {
      this.send(report('CANCELED', order.clientOrderId, venueOrderId, this.clock.now(), { reason: 'IOC_REMAINDER' }));
      return;
    }
    this.rest(order, venueOrderId, book, side, order.price, leaves);
  }

  private rest(order: Order, venueOrderId: string, book: OrderBookView, side: 'B' | 'A', price: Ticks, leaves: Lots): void {
    const r: RestingOrder = { order, venueOrderId, side, price, leaves, priority: 0, ahead: 0 };
    this.enqueue(r, book);
    let list = this.resting.get(order.instrumentId);
    if (!list) {
      list = [];
      this.resting.set(order.instrumentId, list);
    }
    list.push(r);
    this.byClientId.set(order.clientOrderId, r);
  }

  /** Puts a resting order at the back of its price level. */
  private enqueue(r: RestingOrder, book: OrderBookView): void {
    r.priority = book instanceof L3OrderBook ? book.takePriority() : Number.MAX_SAFE_INTEGER;
    r.ahead = this.options.trackQueuePosition ? book.sizeAt(r.side, r.price) : 0;
  }

  private takeableQty(book: OrderBookView, side: 'B' | 'A', limit: number, want: Lots): Lots {
    const opp = side === 'B' ? 'A' : 'B';
    let total = 0;
    for (let level = 0; total < want; level++) {
      const px = book.levelPrice(opp, level);
      if (Number.isNaN(px) || (side === 'B' ? px > limit : px < limit)) break;
      total += book.sizeAt(opp, px);
    }
    return total < want ? total : want;
  }

  /** Takes `qty` lots from the opposite side, best level first, one TAKER fill per level. */
  private take(order: Order, venueOrderId: string, instrument: Instrument, book: OrderBookView, side: 'B' | 'A', limit: number, qty: Lots): Lots {
    const opp = side === 'B' ? 'A' : 'B';
    let done = 0;
    for (let level = 0; done < qty; level++) {
      const px = book.levelPrice(opp, level);
      if (Number.isNaN(px) || (side === 'B' ? px > limit : px < limit)) break;
      const avail = book.sizeAt(opp, px);
      const q = Math.min(avail, qty - done);
      if (q <= 0) continue;
      this.fill(order, venueOrderId, instrument, px, q, 'TAKER');
      done += q;
    }
    return done;
  }

  // --- resting orders meet the market --------------------------------------------------

  /** Orders ahead of ours at (side, price) with priority before `priority` lost `removed` lots. */
  private advanceQueue(list: RestingOrder[], side: 'B' | 'A', price: Ticks, priority: number, removed: Lots): void {
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (r.side === side && r.price === price && priority < r.priority && r.ahead > 0) {
        r.ahead = r.ahead > removed ? r.ahead - removed : 0;
      }
    }
  }

  /**
   * A print of `size` lots at `price`; `aggressor` B lifted offers (our sells may fill), A hit
   * bids (our buys may fill), N (auction) either. `l2` means no per-order book events will
   * follow, so the queue ahead is consumed here (risk-averse L2 model).
   */
  private tradePrint(list: RestingOrder[], aggressor: 'B' | 'A' | 'N', price: Ticks, size: Lots, l2: boolean, tsNs: number): void {
    void tsNs;
    // our orders in price-time priority would absorb the print before the orders behind them
    let remaining = size;
    for (let i = 0; i < list.length && remaining > 0; i++) {
      const r = list[i];
      const canFill = (r.side === 'B' && aggressor !== 'B' && price <= r.price) || (r.side === 'A' && aggressor !== 'A' && price >= r.price);
      if (!canFill) continue;
      let avail = remaining;
      if (price === r.price) {
        avail = remaining > r.ahead ? remaining - r.ahead : 0;
        if (l2) r.ahead = r.ahead > remaining ? r.ahead - remaining : 0;
      }
      const q = avail < r.leaves ? avail : r.leaves;
      if (q <= 0) continue;
      remaining -= q;
      const instrument = this.instruments.get(r.order.instrumentId) as Instrument;
      r.leaves -= q;
      this.fill(r.order, r.venueOrderId, instrument, r.price, q, 'MAKER');
      if (r.leaves === 0) {
        this.removeResting(r);
        i--;
      }
    }
  }

  private fill(order: Order, venueOrderId: string, instrument: Instrument, price: Ticks, qty: Lots, liquidity: Liquidity): void {
    const fee = this.fees.fee(instrument, price, qty, liquidity);
    this.send(
      report('FILLED', order.clientOrderId, venueOrderId, this.clock.now(), {
        tradeId: `SIMT-${this.nextTradeId++}`,
        lastPrice: price,
        lastQty: qty,
        liquidity,
        fee,
      }),
    );
  }

  // --- cancels and replaces -------------------------------------------------------------

  private cancelArrives(order: Order): void {
    const r = this.byClientId.get(order.clientOrderId);
    if (!r) {
      // not resting: either still in flight (handled on arrival) or already done
      if (this.inFlight.has(order.clientOrderId)) {
        // jitter let the cancel overtake its order: the venue applies it when the order lands
        this.cancelOnArrival.add(order.clientOrderId);
      } else {
        this.send(report('CANCEL_REJECTED', order.clientOrderId, order.venueOrderId, this.clock.now(), { reason: 'TOO_LATE_TO_CANCEL' }));
      }
      return;
    }
    this.removeResting(r);
    this.send(report('CANCELED', order.clientOrderId, r.venueOrderId, this.clock.now()));
  }

  private replaceArrives(order: Order, newPrice: Ticks, newQty: Lots): void {
    const r = this.byClientId.get(order.clientOrderId);
    const now = this.clock.now();
    if (!r) {
      this.send(report('REPLACE_REJECTED', order.clientOrderId, order.venueOrderId, now, { reason: 'TOO_LATE_TO_REPLACE' }));
      return;
    }
    const filled = order.qty - r.leaves;
    if (newQty <= filled || newPrice <= 0) {
      this.send(report('REPLACE_REJECTED', order.clientOrderId, r.venueOrderId, now, { reason: 'INVALID_REPLACE' }));
      return;
    }
    const book = this.books.get(order.instrumentId) as OrderBookView;
    const newLeaves = newQty - filled;
    const losesPriority = newPrice !== r.price || newLeaves > r.leaves;
    r.price = newPrice;
    r.leaves = newLeaves;
    if (losesPriority) this.enqueue(r, book);
    // keeping priority on a size decrease: the queue ahead is unchanged
    this.send(report('REPLACED', order.clientOrderId, r.venueOrderId, now, { newPrice, newQty }));
  }

  private removeResting(r: RestingOrder): void {
    this.byClientId.delete(r.order.clientOrderId);
    const list = this.resting.get(r.order.instrumentId);
    if (!list) return;
    const i = list.indexOf(r);
    if (i >= 0) list.splice(i, 1);
  }

  /** Reports reach Bulwark after the ack latency. */
  private send(r: ExecutionReport): void {
    const at = this.clock.now() + this.latency.ackLatency();
    this.clock.setTimer(at, () => {
      for (let i = 0; i < this.listeners.length; i++) this.listeners[i](r);
    });
  }
}
