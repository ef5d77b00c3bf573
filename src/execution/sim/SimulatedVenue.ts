import type { Clock, Instrument, Liquidity, Lots, MarketEvent, Order, Ticks } from '../../core/index.ts';
import { MBO_FLAG_LAST } from '../../core/index.ts';
import { L3OrderBook } from '../../data/book/L3OrderBook.ts';
import type { OrderBookView } from '../../data/book/OrderBookView.ts';
import { report, type ExecutionClient, type ExecutionReport } from '../ExecutionClient.ts';
import type { FeeModel } from './FeeModel.ts';
import { FULL_FILLS, type FillModel } from './FillModel.ts';
import type { LatencyModel } from './LatencyModel.ts';
import type { QueueModel, QueueState } from './QueueModel.ts';
import { RiskAverseQueueModel } from './RiskAverseQueueModel.ts';
import { checkOrder, nextSessionCloseNs, simulatedVenueRules, type VenueRules } from './VenueRules.ts';

/** Where one of our orders is at the venue. */
type Where = 'new' | 'resting' | 'stop' | 'triggered' | 'gone';

/** One of our orders at the simulated venue: in a price queue, or a stop waiting for its trigger. */
interface VenueOrder extends QueueState {
  readonly order: Order;
  readonly venueOrderId: string;
  readonly side: 'B' | 'A';
  /** Limit price (a STOP's is unused: it trades as a market order once triggered). */
  price: Ticks;
  /** Total quantity as the venue knows it (a replace changes it before the OMS hears). */
  qty: Lots;
  filled: Lots;
  /** Queue priority on the L3 book's scale: orders with a lower priority are ahead of us. */
  priority: number;
  /** The queue is tracked exactly (L3 book); otherwise `ahead` is an L2 queue model's estimate. */
  exact: boolean;
  /** Displayed size at our price when last looked at (L2 queue models compare against it). */
  levelSize: Lots;
  where: Where;
  /** Clock timer that expires a DAY/GTD order; 0 when none. */
  expiryTimer: number;
}

/** Our orders on one instrument, and what the venue remembers of its market. */
interface InstrumentState {
  readonly instrument: Instrument;
  readonly book: OrderBookView | undefined;
  /** Resting limit orders, in arrival order (which is price-time order within a level). */
  readonly resting: VenueOrder[];
  /** Stops waiting for their trigger. */
  readonly stops: VenueOrder[];
  /** Stops triggered by an MBO print, executed when the venue packet ends (the book is then consistent). */
  readonly triggered: VenueOrder[];
  /** Price of the last print (NaN before the first). */
  lastTradePx: Ticks;
  /** The L3 book's `clears` when our queue positions were last measured. */
  bookClears: number;
}

export interface SimulatedVenueOptions {
  venue: string;
  /** Track queue position (L3: exact; L2: the queue model). Off: a resting order is first in its queue. */
  trackQueuePosition: boolean;
  /** How L2 queue positions move (default: risk-averse, advancing only on prints). Unused with L3 books. */
  queueModel?: QueueModel;
  /** Whether and how much of a reachable print fills a resting order (default: all of it). */
  fillModel?: FillModel;
  /** Order types, TIFs, self-trade prevention and session close (default: simulatedVenueRules, cancel_incoming, 00:00 UTC). */
  rules?: VenueRules;
}

const leaves = (r: VenueOrder): Lots => r.qty - r.filled;
/** Order in which an incoming buy meets our resting sells (and a sell our bids): price, then queue. */
const sellsFirstToMeet = (a: VenueOrder, b: VenueOrder): number => a.price - b.price || a.ahead - b.ahead || a.priority - b.priority;
const buysFirstToMeet = (a: VenueOrder, b: VenueOrder): number => b.price - a.price || a.ahead - b.ahead || a.priority - b.priority;

/**
 * A venue simulated on replayed market data: the same ExecutionClient the live gateways
 * implement, so the kernel cannot tell them apart. Its seams are hftbacktest's: a LatencyModel,
 * a QueueModel (L2), a FillModel and a FeeModel, plus the VenueRules it enforces.
 *
 * - Orders, cancels and replaces reach the venue after the latency model's order latency; every
 *   report comes back after its ack latency, in the order sent (one session, FIFO), on the clock.
 * - An arriving order that crosses the book takes the displayed liquidity level by level
 *   (TAKER); the replayed book is not depleted by our fills (no market impact). Our own resting
 *   orders on the other side sit in that walk at their queue places, where the self-trade
 *   prevention policy applies.
 * - A resting order (MAKER) fills only when the market prints at or through its price: through
 *   its price up to the print's size; at its price only the part of the print beyond the queue
 *   ahead. L3: the queue ahead is exact, it shrinks only as orders that were ahead are cancelled,
 *   reduced or filled (their reductions arrive as book events after the print). L2: the queue
 *   model estimates it from prints and level sizes. The fill model may then refuse or cut it.
 *   When the L3 book is emptied and rebuilt (a new day's snapshot), our resting orders go to the
 *   back of their levels as the rebuilt book shows them.
 * - STOP / STOP_LIMIT trigger when a print is at or through the trigger (buy: >=, sell: <=) and
 *   then trade as MARKET / LIMIT; after an MBO print they wait for the end of the venue packet.
 * - DAY orders expire at the rules' session close, GTD at their expireTimeNs.
 * - No continuous matching while the book is crossed (pre-open): orders rest until it uncrosses
 *   or an auction print trades through them.
 */
export class SimulatedVenue implements ExecutionClient {
  readonly venue: string;
  private readonly listeners: ((r: ExecutionReport) => void)[] = [];
  private readonly states = new Map<number, InstrumentState>();
  private readonly byClientId = new Map<string, VenueOrder>();
  /** Orders sent but not yet arrived. Messages of one order arrive in the order sent (timers are FIFO at equal times). */
  private readonly inFlight = new Set<string>();
  private readonly cancelOnArrival = new Set<string>();
  private readonly queue: QueueModel;
  private readonly fills: FillModel;
  readonly rules: VenueRules;
  /** Reused by walk(): our resting orders an incoming order could meet. */
  private readonly selfScratch: VenueOrder[] = [];
  /** Set by walk(): it stopped at one of our own orders (self_trade_prevention = cancel_incoming). */
  private selfTradeStopped = false;
  private lastReportAt = -Infinity;
  private nextVenueId = 1;
  private nextTradeId = 1;

  constructor(
    private readonly clock: Clock,
    instruments: ReadonlyMap<number, Instrument>,
    books: ReadonlyMap<number, OrderBookView>,
    private readonly fees: FeeModel,
    private readonly latency: LatencyModel,
    private readonly options: SimulatedVenueOptions,
  ) {
    this.venue = options.venue;
    this.queue = options.queueModel ?? new RiskAverseQueueModel();
    this.fills = options.fillModel ?? FULL_FILLS;
    this.rules = options.rules ?? simulatedVenueRules({ self_trade_prevention: 'cancel_incoming', session_close_utc: '00:00' });
    for (const [id, instrument] of instruments) {
      const book = books.get(id);
      const bookClears = book instanceof L3OrderBook ? book.clears : 0;
      this.states.set(id, { instrument, book, resting: [], stops: [], triggered: [], lastTradePx: NaN, bookClears });
    }
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

  /**
   * Order status request (the OMS's ack timeouts): a STATUS report with the venue's view when it
   * gets there. NEW / PARTIALLY_FILLED while the order works here (resting or a waiting stop);
   * UNKNOWN otherwise: not arrived yet, or finished (the venue does not remember finished orders;
   * their reports are already on their way).
   */
  queryOrder(order: Order): void {
    this.clock.setTimer(this.clock.now() + this.latency.orderLatency(), () => {
      const r = this.byClientId.get(order.clientOrderId);
      const venueState = r === undefined ? 'UNKNOWN' : r.filled > 0 ? 'PARTIALLY_FILLED' : 'NEW';
      this.send(report('STATUS', order.clientOrderId, r?.venueOrderId ?? order.venueOrderId, this.clock.now(), { venueState, cumQty: r?.filled ?? 0 }));
    });
  }

  /** Resting orders of ours (stops not included) on an instrument, or on all (tests and reconciliation). */
  restingCount(instrumentId?: number): number {
    if (instrumentId !== undefined) return this.states.get(instrumentId)?.resting.length ?? 0;
    let n = 0;
    for (const st of this.states.values()) n += st.resting.length;
    return n;
  }

  /** Stops of ours waiting for their trigger. */
  pendingStopCount(instrumentId?: number): number {
    let n = 0;
    for (const [id, st] of this.states) if (instrumentId === undefined || id === instrumentId) n += st.stops.length + st.triggered.length;
    return n;
  }

  /** Lots queued ahead of one of our resting orders (an estimate with L2 data), or NaN if it is not resting. */
  queueAhead(clientOrderId: string): number {
    const r = this.byClientId.get(clientOrderId);
    return r !== undefined && r.where === 'resting' ? r.ahead : NaN;
  }

  /**
   * Called with every market event after the kernel has applied it to the book. Per-event hot
   * path: one map lookup, then it returns at once when nothing of ours is on the instrument.
   * Allocates nothing unless one of our orders trades.
   */
  onMarketEvent(ev: MarketEvent): void {
    const st = this.states.get(ev.instrumentId);
    if (st === undefined) return;
    const idle = st.resting.length === 0 && st.stops.length === 0 && st.triggered.length === 0;
    switch (ev.kind) {
      case 'mbo':
        if (ev.action === 'T') {
          // remembered even when idle: a stop arriving later is checked against it
          st.lastTradePx = ev.price;
          if (idle) return;
          if (st.resting.length > 0) this.tradePrint(st, ev.side, ev.price, ev.size);
          if (st.stops.length > 0) this.collectTriggered(st, ev.price);
        } else if (idle) {
          return;
        } else if ((ev.action === 'C' || ev.action === 'M') && st.resting.length > 0) {
          const book = st.book;
          if (book instanceof L3OrderBook && book.touchedRemoved > 0) {
            this.advanceQueue(st.resting, book.touchedSide, book.touchedPrice, book.touchedPriority, book.touchedRemoved);
          }
        }
        if ((ev.flags & MBO_FLAG_LAST) !== 0) {
          // the book was emptied and rebuilt (R, or a new day's snapshot): the orders we were
          // queued behind are gone, so measure our queues again against the book as it is now
          if (st.resting.length > 0 && st.book instanceof L3OrderBook && st.book.clears !== st.bookClears) this.requeue(st, st.book);
          // a print's resting-side reductions follow it in the same packet: trigger on the settled book
          if (st.triggered.length > 0) this.runTriggered(st);
        }
        return;
      case 'trade':
        st.lastTradePx = ev.price;
        if (idle) return;
        if (st.resting.length > 0) this.tradePrint(st, ev.aggressor, ev.price, ev.size);
        if (st.stops.length > 0) {
          this.collectTriggered(st, ev.price);
          this.runTriggered(st);
        }
        return;
      case 'l2':
        // a venue message is applied whole before we compare level sizes
        if (!idle && ev.isLast && st.resting.length > 0) this.syncLevels(st);
        return;
      case 'quote':
        if (!idle && st.resting.length > 0) this.syncLevels(st);
        return;
      default:
        return;
    }
  }

  // --- arrival at the venue -------------------------------------------------------------

  private arrive(order: Order): void {
    this.inFlight.delete(order.clientOrderId);
    const now = this.clock.now();
    if (this.cancelOnArrival.delete(order.clientOrderId)) {
      this.send(report('CANCELED', order.clientOrderId, '', now, { reason: 'CANCELED_ON_ARRIVAL' }));
      return;
    }
    const st = this.states.get(order.instrumentId);
    if (st === undefined || st.book === undefined) {
      this.send(report('REJECTED', order.clientOrderId, '', now, { reason: 'UNKNOWN_INSTRUMENT' }));
      return;
    }
    const violation = checkOrder(this.rules, order);
    if (violation !== null) {
      this.send(report('REJECTED', order.clientOrderId, '', now, { reason: violation }));
      return;
    }
    const r: VenueOrder = {
      order,
      venueOrderId: `SIM-${this.nextVenueId++}`,
      side: order.side === 'BUY' ? 'B' : 'A',
      price: order.price,
      qty: order.qty,
      filled: 0,
      priority: 0,
      exact: false,
      levelSize: 0,
      ahead: 0,
      tradedSinceUpdate: 0,
      where: 'new',
      expiryTimer: 0,
    };
    if (order.tif === 'GTD' && order.expireTimeNs <= now) {
      this.send(report('EXPIRED', order.clientOrderId, r.venueOrderId, now, { reason: 'GTD_EXPIRED' }));
      return;
    }
    if (order.type === 'STOP' || order.type === 'STOP_LIMIT') {
      if (this.stopTriggers(r, st.lastTradePx)) {
        if (this.rules.stopThroughMarket === 'reject') {
          this.send(report('REJECTED', order.clientOrderId, r.venueOrderId, now, { reason: 'STOP_PRICE_THROUGH_MARKET' }));
          return;
        }
        this.send(report('ACCEPTED', order.clientOrderId, r.venueOrderId, now));
        this.execute(st, r, order.type === 'STOP', true);
        return;
      }
      this.send(report('ACCEPTED', order.clientOrderId, r.venueOrderId, now));
      r.where = 'stop';
      st.stops.push(r);
      this.byClientId.set(order.clientOrderId, r);
      this.armExpiry(r);
      return;
    }
    this.execute(st, r, order.type === 'MARKET', false);
  }

  /**
   * Matches an executable order: a new LIMIT/MARKET, or a stop just triggered (`acked`: its
   * ACCEPTED has gone out, so refusals are cancels, not rejects). Takes what crosses, then rests
   * the remainder or cancels it (MARKET, IOC, FOK, self-trade prevention).
   */
  private execute(st: InstrumentState, r: VenueOrder, market: boolean, acked: boolean): void {
    const order = r.order;
    const book = st.book as OrderBookView;
    const now = this.clock.now();
    const limit = market ? (r.side === 'B' ? Infinity : -Infinity) : r.price;
    const continuous = isContinuous(book, r.side);
    if (order.postOnly && continuous && this.crosses(st, book, r.side, limit)) {
      this.refuse(r, acked, 'POST_ONLY_WOULD_TAKE');
      return;
    }
    if (market && !continuous) {
      this.refuse(r, acked, 'NO_CONTINUOUS_MARKET');
      return;
    }
    if (order.tif === 'FOK' && (continuous ? this.walk(st, book, r, limit, leaves(r), true) : 0) < leaves(r)) {
      if (!acked) this.send(report('ACCEPTED', order.clientOrderId, r.venueOrderId, now));
      this.send(report('EXPIRED', order.clientOrderId, r.venueOrderId, now, { reason: 'FOK_NOT_FILLED' }));
      this.finish(r);
      return;
    }
    if (!acked) this.send(report('ACCEPTED', order.clientOrderId, r.venueOrderId, now));
    if (continuous) this.walk(st, book, r, limit, leaves(r), false);
    // read only after a real walk: a FOK dry run may have left it set
    if (continuous && this.selfTradeStopped) {
      this.finish(r);
      this.send(report('CANCELED', order.clientOrderId, r.venueOrderId, now, { reason: 'SELF_TRADE_PREVENTED' }));
      return;
    }
    if (leaves(r) === 0) {
      this.finish(r);
      return;
    }
    if (market || order.tif === 'IOC' || order.tif === 'FOK') {
      this.finish(r);
      this.send(report('CANCELED', order.clientOrderId, r.venueOrderId, now, { reason: 'IOC_REMAINDER' }));
      return;
    }
    this.rest(st, r, book);
  }

  /** Refuses an order: REJECTED before its ack, CANCELED (with the same reason) after it. */
  private refuse(r: VenueOrder, acked: boolean, reason: string): void {
    this.finish(r);
    this.send(report(acked ? 'CANCELED' : 'REJECTED', r.order.clientOrderId, r.venueOrderId, this.clock.now(), { reason }));
  }

  private rest(st: InstrumentState, r: VenueOrder, book: OrderBookView): void {
    if (r.where === 'stop' || r.where === 'triggered') this.unlist(st, r);
    // the first order to rest measures its queue on the book as it is: earlier resets do not concern it
    if (st.resting.length === 0 && book instanceof L3OrderBook) st.bookClears = book.clears;
    this.enqueue(r, book);
    r.where = 'resting';
    st.resting.push(r);
    this.byClientId.set(r.order.clientOrderId, r);
    this.armExpiry(r);
  }

  /** Every resting order goes to the back of its level, in the order they rested (after a book reset). */
  private requeue(st: InstrumentState, book: L3OrderBook): void {
    st.bookClears = book.clears;
    for (let i = 0; i < st.resting.length; i++) this.enqueue(st.resting[i], book);
  }

  /** Puts a resting order at the back of its price level. */
  private enqueue(r: VenueOrder, book: OrderBookView): void {
    r.exact = book instanceof L3OrderBook;
    r.priority = book instanceof L3OrderBook ? book.takePriority() : Number.MAX_SAFE_INTEGER;
    r.levelSize = book.sizeAt(r.side, r.price);
    r.ahead = this.options.trackQueuePosition ? r.levelSize : 0;
    r.tradedSinceUpdate = 0;
  }

  /** DAY orders expire at the next session close, GTD at their expiry time; once per order. */
  private armExpiry(r: VenueOrder): void {
    if (r.expiryTimer !== 0) return;
    const tif = r.order.tif;
    if (tif !== 'DAY' && tif !== 'GTD') return;
    const at = tif === 'DAY' ? nextSessionCloseNs(this.rules, this.clock.timeBaseNs, this.clock.now()) : r.order.expireTimeNs;
    r.expiryTimer = this.clock.setTimer(at, () => this.expire(r));
  }

  private expire(r: VenueOrder): void {
    r.expiryTimer = 0; // fired: nothing to cancel
    if (r.where === 'gone') return;
    this.finish(r);
    this.send(report('EXPIRED', r.order.clientOrderId, r.venueOrderId, this.clock.now(), { reason: r.order.tif === 'DAY' ? 'DAY_EXPIRED' : 'GTD_EXPIRED' }));
  }

  /** The order crosses the opposite side's best displayed price, or one of our own orders there. */
  private crosses(st: InstrumentState, book: OrderBookView, side: 'B' | 'A', limit: number): boolean {
    const buy = side === 'B';
    const best = book.levelPrice(buy ? 'A' : 'B', 0);
    if (!Number.isNaN(best) && (buy ? best <= limit : best >= limit)) return true;
    for (let i = 0; i < st.resting.length; i++) {
      const o = st.resting[i];
      if (o.side !== side && (buy ? o.price <= limit : o.price >= limit)) return true;
    }
    return false;
  }

  /**
   * Executes (or with `dry`, only counts) up to `want` lots of incoming order `r` against the
   * opposite side, best price first, one TAKER fill per level. Our own resting orders on that
   * side are merged into the walk where they would sit in the real book (behind the displayed
   * lots ahead of them) and meeting one applies the self-trade prevention policy:
   * cancel_incoming stops the walk (selfTradeStopped), cancel_resting cancels ours and goes on,
   * none trades with ourselves (a TAKER fill for `r`, a MAKER fill for the resting order).
   */
  private walk(st: InstrumentState, book: OrderBookView, r: VenueOrder, limit: number, want: Lots, dry: boolean): Lots {
    this.selfTradeStopped = false;
    const buy = r.side === 'B';
    const opp = buy ? 'A' : 'B';
    const selfs = this.selfScratch;
    selfs.length = 0;
    for (let i = 0; i < st.resting.length; i++) {
      const o = st.resting[i];
      if (o.side === opp && (buy ? o.price <= limit : o.price >= limit)) selfs.push(o);
    }
    if (selfs.length > 1) selfs.sort(buy ? sellsFirstToMeet : buysFirstToMeet);
    const policy = this.rules.selfTradePrevention;
    let done = 0;
    let level = 0;
    let si = 0;
    let takenAtLevel = 0;
    while (done < want) {
      let px = book.levelPrice(opp, level);
      if (!Number.isNaN(px) && (buy ? px > limit : px < limit)) px = NaN;
      const self = si < selfs.length ? selfs[si] : undefined;
      if (self === undefined && Number.isNaN(px)) break;
      if (self === undefined || (!Number.isNaN(px) && (buy ? px < self.price : px > self.price))) {
        // displayed lots at a better price than any order of ours: take the rest of the level
        const q = Math.min(book.sizeAt(opp, px) - takenAtLevel, want - done);
        if (q > 0) {
          if (!dry) this.fill(st, r, px, q, 'TAKER');
          done += q;
        }
        level++;
        takenAtLevel = 0;
        continue;
      }
      if (px === self.price) {
        // displayed lots queued ahead of our resting order trade first
        const q = Math.min(Math.min(Math.ceil(self.ahead), book.sizeAt(opp, px)) - takenAtLevel, want - done);
        if (q > 0) {
          if (!dry) this.fill(st, r, px, q, 'TAKER');
          done += q;
          takenAtLevel += q;
        }
        if (done >= want) break;
      }
      si++;
      if (policy === 'cancel_incoming') {
        this.selfTradeStopped = true;
        break;
      }
      if (policy === 'cancel_resting') {
        if (!dry) {
          this.finish(self);
          this.send(report('CANCELED', self.order.clientOrderId, self.venueOrderId, this.clock.now(), { reason: 'SELF_TRADE_PREVENTED' }));
        }
        continue;
      }
      const q = Math.min(leaves(self), want - done);
      if (!dry) {
        this.fill(st, r, self.price, q, 'TAKER');
        this.fill(st, self, self.price, q, 'MAKER');
        if (leaves(self) === 0) this.finish(self);
      }
      done += q;
    }
    selfs.length = 0;
    return done;
  }

  // --- resting orders meet the market --------------------------------------------------

  /** Orders ahead of ours at (side, price) with priority before `priority` lost `removed` lots (L3). */
  private advanceQueue(list: VenueOrder[], side: 'B' | 'A', price: Ticks, priority: number, removed: Lots): void {
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (r.side === side && r.price === price && priority < r.priority && r.ahead > 0) {
        r.ahead = r.ahead > removed ? r.ahead - removed : 0;
      }
    }
  }

  /** L2: each resting order's level may have changed size; the queue model moves its estimate. */
  private syncLevels(st: InstrumentState): void {
    const book = st.book as OrderBookView;
    const list = st.resting;
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (r.exact) continue;
      const size = book.sizeAt(r.side, r.price);
      if (size === r.levelSize) continue;
      if (this.options.trackQueuePosition) this.queue.onLevelChange(r, r.levelSize, size);
      r.levelSize = size;
    }
  }

  /**
   * A print of `size` lots at `price`; `aggressor` B lifted offers (our sells may fill), A hit
   * bids (our buys may fill), N (auction) either. With an exact (L3) queue the book events that
   * follow the print move our queue; with an L2 estimate the queue model moves it here.
   */
  private tradePrint(st: InstrumentState, aggressor: 'B' | 'A' | 'N', price: Ticks, size: Lots): void {
    const book = st.book as OrderBookView;
    const list = st.resting;
    // our orders in price-time priority would absorb the print before the orders behind them
    let remaining = size;
    for (let i = 0; i < list.length && remaining > 0; i++) {
      const r = list[i];
      const canFill = (r.side === 'B' && aggressor !== 'B' && price <= r.price) || (r.side === 'A' && aggressor !== 'A' && price >= r.price);
      if (!canFill) continue;
      const atPrice = price === r.price;
      const aheadBefore = r.ahead;
      let avail = remaining;
      let levelSize = 0;
      if (atPrice) {
        const ahead = Math.ceil(r.ahead); // a fraction of a lot still ahead blocks a whole lot
        avail = remaining > ahead ? remaining - ahead : 0;
        levelSize = book.sizeAt(r.side, r.price);
        if (!r.exact && this.options.trackQueuePosition) this.queue.onTrade(r, remaining);
      }
      const reachable = avail < leaves(r) ? avail : leaves(r);
      const q = this.fills.makerFill(reachable, leaves(r), atPrice, !r.exact, size, aheadBefore, levelSize);
      if (q <= 0) continue;
      remaining -= q;
      this.fill(st, r, r.price, q, 'MAKER');
      if (leaves(r) === 0) {
        this.finish(r);
        i--;
      }
    }
  }

  private stopTriggers(r: VenueOrder, tradePx: Ticks): boolean {
    return r.side === 'B' ? tradePx >= r.order.triggerPrice : tradePx <= r.order.triggerPrice;
  }

  private collectTriggered(st: InstrumentState, tradePx: Ticks): void {
    for (let i = 0; i < st.stops.length; i++) {
      const r = st.stops[i];
      if (!this.stopTriggers(r, tradePx)) continue;
      st.stops.splice(i--, 1);
      r.where = 'triggered';
      st.triggered.push(r);
    }
  }

  /** Triggered stops become MARKET (STOP) or LIMIT (STOP_LIMIT) orders, in trigger order. */
  private runTriggered(st: InstrumentState): void {
    while (st.triggered.length > 0) {
      const r = st.triggered.shift() as VenueOrder;
      r.where = 'new';
      this.byClientId.delete(r.order.clientOrderId);
      this.execute(st, r, r.order.type === 'STOP', true);
    }
  }

  private fill(st: InstrumentState, r: VenueOrder, price: Ticks, qty: Lots, liquidity: Liquidity): void {
    r.filled += qty;
    const fee = this.fees.fee(st.instrument, price, qty, liquidity);
    this.send(
      report('FILLED', r.order.clientOrderId, r.venueOrderId, this.clock.now(), {
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
      // not at the venue: either still in flight (handled on arrival) or already done
      if (this.inFlight.has(order.clientOrderId)) {
        // jitter let the cancel overtake its order: the venue applies it when the order lands
        this.cancelOnArrival.add(order.clientOrderId);
      } else {
        this.send(report('CANCEL_REJECTED', order.clientOrderId, order.venueOrderId, this.clock.now(), { reason: 'TOO_LATE_TO_CANCEL' }));
      }
      return;
    }
    this.finish(r);
    this.send(report('CANCELED', order.clientOrderId, r.venueOrderId, this.clock.now()));
  }

  /**
   * Cancel/replace. Queue priority is kept on a size decrease and lost on a price change or a
   * size increase (CME). A new price that crosses the book trades at once as TAKER, like a new
   * order would (a post-only order is refused instead, and keeps its old price and size).
   */
  private replaceArrives(order: Order, newPrice: Ticks, newQty: Lots): void {
    const r = this.byClientId.get(order.clientOrderId);
    const now = this.clock.now();
    if (!r) {
      this.send(report('REPLACE_REJECTED', order.clientOrderId, order.venueOrderId, now, { reason: 'TOO_LATE_TO_REPLACE' }));
      return;
    }
    if (newQty <= r.filled || newPrice <= 0) {
      this.send(report('REPLACE_REJECTED', order.clientOrderId, r.venueOrderId, now, { reason: 'INVALID_REPLACE' }));
      return;
    }
    const st = this.states.get(order.instrumentId) as InstrumentState;
    if (r.where !== 'resting') {
      // a stop-limit still waiting for its trigger: only its limit and size change
      r.price = newPrice;
      r.qty = newQty;
      this.send(report('REPLACED', order.clientOrderId, r.venueOrderId, now, { newPrice, newQty }));
      return;
    }
    const book = st.book as OrderBookView;
    const crossing = isContinuous(book, r.side) && this.crosses(st, book, r.side, newPrice);
    if (crossing && r.order.postOnly) {
      this.send(report('REPLACE_REJECTED', order.clientOrderId, r.venueOrderId, now, { reason: 'POST_ONLY_WOULD_TAKE' }));
      return;
    }
    const losesPriority = newPrice !== r.price || newQty - r.filled > leaves(r);
    r.price = newPrice;
    r.qty = newQty;
    this.send(report('REPLACED', order.clientOrderId, r.venueOrderId, now, { newPrice, newQty }));
    if (crossing) {
      this.walk(st, book, r, newPrice, leaves(r), false);
      if (this.selfTradeStopped) {
        this.finish(r);
        this.send(report('CANCELED', order.clientOrderId, r.venueOrderId, now, { reason: 'SELF_TRADE_PREVENTED' }));
        return;
      }
      if (leaves(r) === 0) {
        this.finish(r);
        return;
      }
    }
    // keeping priority on a size decrease: the queue ahead is unchanged
    if (losesPriority) this.enqueue(r, book);
  }

  /** Takes an order off whichever list holds it and cancels its expiry. Idempotent. */
  private finish(r: VenueOrder): void {
    if (r.where === 'gone') return;
    const st = this.states.get(r.order.instrumentId);
    if (st !== undefined) this.unlist(st, r);
    if (r.where !== 'new') this.byClientId.delete(r.order.clientOrderId);
    if (r.expiryTimer !== 0) {
      this.clock.cancelTimer(r.expiryTimer);
      r.expiryTimer = 0;
    }
    r.where = 'gone';
  }

  private unlist(st: InstrumentState, r: VenueOrder): void {
    const list = r.where === 'resting' ? st.resting : r.where === 'stop' ? st.stops : r.where === 'triggered' ? st.triggered : undefined;
    if (list === undefined) return;
    const i = list.indexOf(r);
    if (i >= 0) list.splice(i, 1);
  }

  /** Reports reach Bulwark after the ack latency, in the order sent (one FIFO session: jitter never reorders them). */
  private send(r: ExecutionReport): void {
    let at = this.clock.now() + this.latency.ackLatency();
    if (at < this.lastReportAt) at = this.lastReportAt;
    this.lastReportAt = at;
    this.clock.setTimer(at, () => {
      for (let i = 0; i < this.listeners.length; i++) this.listeners[i](r);
    });
  }
}

/** Continuous matching: the book is two-sided and not crossed, or only the other side is there. */
function isContinuous(book: OrderBookView, side: 'B' | 'A'): boolean {
  return book.isTwoSided() || (book.levelCount(side === 'B' ? 'A' : 'B') > 0 && book.levelCount(side) === 0);
}
