import type { Clock, Fill, Instrument, Lots, MarketEvent, Order, OrderEvent, OrderIntent, RiskStateChanged, Ticks, TradeEvent } from '../core/index.ts';
import { MBO_FLAG_LAST, isOpen, leavesQty, marketIntent, nanosToNumber } from '../core/index.ts';
import type { MessageBus } from '../bus/MessageBus.ts';
import type { KernelTopics, VenueHealth } from '../bus/topics.ts';
import { L2OrderBook } from '../data/book/L2OrderBook.ts';
import { L3OrderBook } from '../data/book/L3OrderBook.ts';
import type { OrderBookView } from '../data/book/OrderBookView.ts';
import type { ExecutionClient, ExecutionReport } from '../execution/ExecutionClient.ts';
import type { OrderManager } from '../oms/OrderManager.ts';
import { AckTimeoutMonitor } from '../oms/AckTimeoutMonitor.ts';
import { OrderGroups, type BracketGroup, type LegGroup, type OcoGroup, type OrderGroup } from '../oms/OrderGroups.ts';
import { DEFAULT_OMS_SETTINGS, type LegUnwindPolicy, type OmsSettings } from '../oms/OmsSettings.ts';
import type { Portfolio } from '../portfolio/Portfolio.ts';
import type { ReconciliationDifference, VenueReport } from '../portfolio/Reconciliation.ts';
import type { RiskEngine } from '../risk/RiskEngine.ts';
import type { Strategy, StrategyContext } from '../strategy/Strategy.ts';

/** A venue that also needs to see market data (the simulated venue). Capability, not mode. */
export interface MarketDataConsumer {
  onMarketEvent(ev: MarketEvent): void;
}

/**
 * Market-data latency (simulated): events pushed now come back through the connected sink
 * later, in order. The kernel then keeps the venue's books current and feeds the strategy from
 * lagged copies that only the delayed events update.
 */
export interface MarketDataDelayLine {
  push(ev: MarketEvent): void;
  connect(sink: (ev: MarketEvent) => void): void;
}

function consumesMarketData(c: ExecutionClient): c is ExecutionClient & MarketDataConsumer {
  return typeof (c as Partial<MarketDataConsumer>).onMarketEvent === 'function';
}

export interface KernelParts {
  clock: Clock;
  bus: MessageBus<KernelTopics>;
  instruments: ReadonlyMap<number, Instrument>;
  books: ReadonlyMap<number, L3OrderBook | L2OrderBook>;
  strategy: Strategy;
  risk: RiskEngine;
  oms: OrderManager;
  execution: ExecutionClient;
  portfolio: Portfolio;
  /** Absent (or latency 0): the strategy sees the very books the venue matches on. */
  marketDataDelay?: MarketDataDelayLine;
  /** The [oms] settings (ack timeouts, leg groups, mark price); defaults for what is absent. */
  omsSettings?: Partial<OmsSettings>;
}

/** Notified when equity is re-marked (fills and trade prints while positioned). */
export type EquityListener = (tsNs: number, equity: number, grossPosition: Lots) => void;

/**
 * The kernel: the same wiring for every mode. Market events go book -> venue (if it simulates)
 * -> marks -> strategy (with a MarketDataDelayLine, marks and strategy get each event later, on
 * lagged copies of the books); strategy orders go risk -> order manager -> execution client;
 * reports come back through the order manager to the portfolio, the risk engine and the strategy.
 * Only the clock, the data source and the execution client differ between backtest, paper,
 * shadow and live; nothing here knows which mode it runs in.
 */
export class TradingKernel implements StrategyContext {
  readonly clock: Clock;
  private readonly p: KernelParts;
  private readonly venueFeed: MarketDataConsumer | undefined;
  private readonly mdDelay: MarketDataDelayLine | undefined;
  /** What the strategy reads: p.books, or their lagged copies under market-data latency. */
  private readonly strategyBooks: ReadonlyMap<number, L3OrderBook | L2OrderBook>;
  private stopped = false;
  private readonly equityListeners: EquityListener[] = [];
  /** Reused for MBO trade prints so strategies get a TradeEvent without an allocation per print. */
  private readonly tradeFlyweight: TradeEvent = { kind: 'trade', tsNs: 0, instrumentId: 0, price: 0, size: 0, aggressor: 'N', tradeId: '' };
  private started = false;
  /** Kill-switch sequence: cancel all -> (flatten_on_kill) close positions once nothing works -> disconnect. */
  private killPhase: 'idle' | 'cancelling' | 'flattening' | 'done' = 'idle';
  private inFlatten = false;
  /** Ack timeouts and the venue's health (oms.ack_timeout_ms). */
  readonly acks: AckTimeoutMonitor;
  /** OCO, bracket and leg groups (submitOco, submitBracket, submitLegs). */
  readonly groups: OrderGroups;
  /** oms.mark_price = "mid": positions are marked at the mid on book changes, not at prints. */
  private readonly markAtMid: boolean;
  events = 0;

  constructor(parts: KernelParts) {
    this.p = parts;
    this.clock = parts.clock;
    this.venueFeed = consumesMarketData(parts.execution) ? parts.execution : undefined;
    this.mdDelay = parts.marketDataDelay;
    if (this.mdDelay !== undefined) {
      const lagged = new Map<number, L3OrderBook | L2OrderBook>();
      for (const [id, b] of parts.books) lagged.set(id, b instanceof L3OrderBook ? new L3OrderBook(id) : new L2OrderBook(id));
      this.strategyBooks = lagged;
      this.mdDelay.connect((ev) => this.onDelayedMarketEvent(ev));
    } else {
      this.strategyBooks = parts.books;
    }
    parts.execution.onReport((r) => this.onExecutionReport(r));
    parts.bus.subscribe('order.fill', (f) => this.onFill(f));
    parts.bus.subscribe('order.event', (e) => this.onOrderEvent(e));
    parts.bus.subscribe('risk.state', (s) => this.onRiskState(s));
    parts.bus.subscribe('feed.status', (f) => {
      if (!f.up) parts.risk.onFeedLoss(`${f.source}: ${f.reason}`);
    });
    // after the kernel's own 'order.event' subscriber: the strategy sees an order's event before
    // the cancels or orders a group sends in reaction to it
    const oms: OmsSettings = { ...DEFAULT_OMS_SETTINGS, ...parts.omsSettings };
    this.markAtMid = oms.markPrice === 'mid';
    this.acks = new AckTimeoutMonitor(parts.clock, parts.bus, parts.execution, oms);
    this.groups = new OrderGroups(parts.clock, parts.bus, { create: (i) => this.createOrder(i), send: (o) => this.sendOrder(o), cancel: (id) => this.cancel(id), replace: (id, px, q) => this.replace(id, px, q) }, oms);
    parts.strategy.attach(this);
  }

  onEquity(listener: EquityListener): void {
    this.equityListeners.push(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    // the risk engine's peak and day-start equity begin at the account's equity, not at the first fill
    this.p.risk.onEquity(this.p.portfolio.equity());
    this.p.strategy.onStart();
  }

  stop(): void {
    this.p.strategy.onStop();
    this.stopped = true;
  }

  /** The per-event hot path. An exception on it is fatal: the kill switch trips, then it propagates. */
  onMarketEvent(ev: MarketEvent): void {
    try {
      this.applyMarketEvent(ev);
    } catch (e) {
      this.fatal(e);
      throw e;
    }
  }

  /** Trips the kill switch for a fatal error (an exception on the event or report path). */
  fatal(error: unknown): void {
    this.p.risk.fatal(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }

  /** No await, no logging, no allocation of its own. */
  private applyMarketEvent(ev: MarketEvent): void {
    this.events++;
    applyToBook(ev, this.p.books);
    // the venue matches on the market as it is now
    if (this.venueFeed) this.venueFeed.onMarketEvent(ev);
    // Bulwark's side (marks, strategy) sees it now, or market_data_latency later on the lagged books
    if (this.mdDelay === undefined) this.toStrategy(ev, this.p.books);
    else this.mdDelay.push(ev);
  }

  /** A delayed event reaches Bulwark: its lagged book first, then marks and the strategy. */
  private onDelayedMarketEvent(ev: MarketEvent): void {
    applyToBook(ev, this.strategyBooks);
    this.toStrategy(ev, this.strategyBooks);
  }

  /** Marks and strategy hooks for one event, `books` already updated. After stop() only marks. */
  private toStrategy(ev: MarketEvent, books: ReadonlyMap<number, L3OrderBook | L2OrderBook>): void {
    const strategy = this.p.strategy;
    const live = !this.stopped;
    switch (ev.kind) {
      case 'mbo': {
        if (ev.action === 'T') {
          const t = this.tradeFlyweight;
          t.tsNs = ev.tsNs;
          t.instrumentId = ev.instrumentId;
          t.price = ev.price;
          t.size = ev.size;
          t.aggressor = ev.side;
          this.markTrade(ev.instrumentId, ev.price);
          if (live) strategy.onTrade(t);
        } else if ((ev.flags & MBO_FLAG_LAST) !== 0) {
          // strategies see the book only between venue packets, never a half-applied match
          const book = books.get(ev.instrumentId);
          if (book && this.markAtMid) this.markMid(ev.instrumentId, book);
          if (book && live) strategy.onBook(book, ev);
        }
        return;
      }
      case 'l2': {
        const book = books.get(ev.instrumentId);
        if (book && ev.isLast && this.markAtMid) this.markMid(ev.instrumentId, book);
        if (book && ev.isLast && live) strategy.onBook(book, ev);
        return;
      }
      case 'quote': {
        if (this.markAtMid) {
          const book = books.get(ev.instrumentId);
          if (book) this.markMid(ev.instrumentId, book);
        }
        if (!live) return;
        strategy.onQuote(ev);
        const book = books.get(ev.instrumentId);
        if (book) strategy.onBook(book, ev);
        return;
      }
      case 'trade':
        this.markTrade(ev.instrumentId, ev.price);
        if (live) strategy.onTrade(ev);
        return;
      case 'bar':
        this.markTrade(ev.instrumentId, ev.close);
        if (live) strategy.onBar(ev);
        return;
    }
  }

  private markTrade(instrumentId: number, price: Ticks): void {
    // marking at mid: prints mark only an instrument without a two-sided book (bars, trade-only data)
    if (this.markAtMid && this.strategyBooks.get(instrumentId)?.isTwoSided() === true) return;
    this.p.portfolio.mark(instrumentId, price);
    if (this.p.portfolio.position(instrumentId) !== 0) this.publishEquity();
  }

  /** oms.mark_price = "mid": O(1), allocation-free; equity is re-published only when the mid moved while positioned. */
  private markMid(instrumentId: number, book: OrderBookView): void {
    if (!book.isTwoSided()) return;
    if (this.p.portfolio.markMid(instrumentId, book.bestBidPrice(), book.bestAskPrice()) && this.p.portfolio.position(instrumentId) !== 0) this.publishEquity();
  }

  private publishEquity(): void {
    const equityNanos = this.p.portfolio.equity();
    this.p.risk.onEquity(equityNanos);
    const equity = nanosToNumber(equityNanos);
    const gross = this.p.portfolio.grossPosition();
    for (let i = 0; i < this.equityListeners.length; i++) this.equityListeners[i](this.clock.now(), equity, gross);
  }

  // --- orders out ------------------------------------------------------------------------

  submit(intent: OrderIntent): Order {
    const order = this.createOrder(intent);
    if (order.status === 'DENIED') return order;
    this.sendOrder(order);
    return order;
  }

  /** A new order from the strategy's intent, not yet sent (DENIED at once if malformed). */
  private createOrder(intent: OrderIntent): Order {
    const p = this.p;
    // in WARNING the risk engine scales risk-increasing sizes down (rounded down, never below 1 lot)
    const qty = p.risk.scaledQty(intent.instrumentId, intent.side, intent.qty);
    return p.oms.create(qty === intent.qty ? intent : { ...intent, qty }, p.strategy.id);
  }

  /** Risk check, then to the venue; the order comes back DENIED if risk refused it. */
  private sendOrder(order: Order): void {
    const p = this.p;
    const denied = p.risk.check(order);
    if (denied !== null) {
      p.oms.deny(order, denied);
      return;
    }
    p.oms.markSubmitted(order);
    p.execution.submit(order);
  }

  // --- order groups (src/oms/OrderGroups.ts) -----------------------------------------------

  submitOco(intents: readonly OrderIntent[]): OcoGroup {
    return this.groups.submitOco(intents);
  }

  submitBracket(entry: OrderIntent, takeProfitPrice: Ticks, stopLossPrice: Ticks): BracketGroup {
    return this.groups.submitBracket(entry, takeProfitPrice, stopLossPrice);
  }

  submitLegs(intents: readonly OrderIntent[], policy?: LegUnwindPolicy): LegGroup {
    return this.groups.submitLegs(intents, policy);
  }

  cancelGroup(groupId: string): boolean {
    return this.groups.cancelGroup(groupId);
  }

  group(groupId: string): OrderGroup | undefined {
    return this.groups.get(groupId);
  }

  /** Ack-timeout health of the execution venue (for metrics; also published on 'venue.health'). */
  get venueHealth(): Readonly<VenueHealth> {
    return this.acks.health;
  }

  /** Our positions (of the report's venue) and open orders against a venue's report; every difference, nothing fixed. */
  reconcile(venueReport: VenueReport): ReconciliationDifference[] {
    return this.p.portfolio.reconcile(venueReport, this.p.oms.openOrders());
  }

  cancel(clientOrderId: string): boolean {
    const order = this.p.oms.requestCancel(clientOrderId);
    if (!order) return false;
    this.p.execution.cancel(order);
    return true;
  }

  replace(clientOrderId: string, price: Ticks, qty: Lots): boolean {
    const current = this.p.oms.get(clientOrderId);
    if (!current || !isOpen(current)) return false;
    const denied = this.p.risk.checkReplace(current, price, qty);
    if (denied !== null) return false;
    const order = this.p.oms.requestReplace(clientOrderId, price, qty);
    if (!order) return false;
    this.p.execution.replace(order, price, qty);
    return true;
  }

  /** Cancels every open order (circuit breaker, kill switch, shutdown). */
  cancelAll(): number {
    let n = 0;
    for (const o of this.p.oms.openOrders()) {
      if (o.status !== 'PENDING_CANCEL' && this.cancel(o.clientOrderId)) n++;
    }
    return n;
  }

  /**
   * Closes every position with one reduce-only MARKET order per instrument (the kill switch's
   * flatten, or an operator's). Returns the orders sent. These pass risk.checkFlatten only.
   */
  flattenAll(): number {
    const p = this.p;
    let n = 0;
    for (const inst of p.instruments.values()) {
      const pos = p.portfolio.position(inst.id);
      if (pos === 0) continue;
      const intent = marketIntent(inst.id, pos > 0 ? 'SELL' : 'BUY', Math.abs(pos));
      intent.reduceOnly = true;
      const order = p.oms.create(intent, p.strategy.id);
      if (order.status === 'DENIED') continue;
      const denied = p.risk.checkFlatten(order);
      if (denied !== null) {
        p.oms.deny(order, denied);
        continue;
      }
      p.oms.markSubmitted(order);
      p.execution.submit(order);
      n++;
    }
    return n;
  }

  private onRiskState(s: RiskStateChanged): void {
    // circuit breaker and kill switch both start by pulling every working order
    if (s.to === 'CIRCUIT_BREAKER' || s.to === 'KILL_SWITCH') this.cancelAll();
    if (s.to === 'KILL_SWITCH') {
      this.killPhase = 'cancelling';
      this.advanceKill();
    } else if (s.from === 'KILL_SWITCH') {
      this.killPhase = 'idle';
    }
  }

  /**
   * Next step of the kill sequence, once no order is working: flatten only after every cancel
   * is answered (a pending cancel can still fill, so the position is final only then), and
   * disconnect only after the flatten orders are done (their fills must still come back).
   */
  private advanceKill(): void {
    if (this.inFlatten || this.killPhase === 'idle' || this.killPhase === 'done') return;
    if (this.p.oms.openOrderCount() !== 0) return;
    if (this.killPhase === 'cancelling') {
      this.killPhase = 'flattening';
      if (this.p.risk.flattenOnKill) {
        this.inFlatten = true;
        try {
          this.flattenAll();
        } finally {
          this.inFlatten = false;
        }
        if (this.p.oms.openOrderCount() !== 0) return;
      }
    }
    this.killPhase = 'done';
    this.p.execution.disconnect?.();
  }

  /** Risk's reference price: mid of Bulwark's book when two-sided, else the last trade (mark); NaN if none. */
  referencePrice(instrumentId: number): number {
    const b = this.strategyBooks.get(instrumentId);
    if (b !== undefined && b.isTwoSided()) return (b.bestBidPrice() + b.bestAskPrice()) / 2;
    const m = this.p.portfolio.markPrice(instrumentId);
    return m === null ? NaN : m;
  }

  // --- StrategyContext reads ------------------------------------------------------------

  instrument(instrumentId: number): Instrument {
    const i = this.p.instruments.get(instrumentId);
    if (!i) throw new RangeError(`unknown instrument id ${instrumentId}`);
    return i;
  }

  book(instrumentId: number): OrderBookView {
    const b = this.strategyBooks.get(instrumentId);
    if (!b) throw new RangeError(`no book for instrument id ${instrumentId}`);
    return b;
  }

  position(instrumentId: number): Lots {
    return this.p.portfolio.position(instrumentId);
  }

  order(clientOrderId: string): Order | undefined {
    return this.p.oms.get(clientOrderId);
  }

  /**
   * Leaves quantity of open orders on one side of an instrument (for the risk engine). An order
   * with a replace in flight counts at the larger of its current and requested size: the venue
   * may apply the replace before we hear of it.
   */
  openQty(instrumentId: number, side: 'BUY' | 'SELL'): Lots {
    let q = 0;
    for (const o of this.p.oms.openOrders(instrumentId)) {
      if (o.side !== side) continue;
      let leaves = leavesQty(o);
      if (o.status === 'PENDING_REPLACE') {
        const pending = this.p.oms.pendingReplace(o.clientOrderId);
        if (pending !== undefined && pending.qty - o.filledQty > leaves) leaves = pending.qty - o.filledQty;
      }
      q += leaves;
    }
    return q;
  }

  // --- reports in -----------------------------------------------------------------------

  private onExecutionReport(r: ExecutionReport): void {
    try {
      this.p.oms.applyReport(r);
    } catch (e) {
      this.fatal(e);
      throw e;
    }
  }

  private onFill(fill: Fill): void {
    this.p.portfolio.applyFill(fill);
    const book = this.markAtMid ? this.strategyBooks.get(fill.instrumentId) : undefined;
    if (book !== undefined && book.isTwoSided()) this.p.portfolio.markMid(fill.instrumentId, book.bestBidPrice(), book.bestAskPrice());
    else this.p.portfolio.mark(fill.instrumentId, fill.price);
    this.publishEquity();
    this.p.strategy.onFill(fill);
  }

  private onOrderEvent(e: OrderEvent): void {
    this.p.strategy.onOrderEvent(e);
    if (this.killPhase !== 'idle') this.advanceKill();
  }
}

/** Applies a market event to its instrument's book, if it has one of the matching kind. */
function applyToBook(ev: MarketEvent, books: ReadonlyMap<number, L3OrderBook | L2OrderBook>): void {
  switch (ev.kind) {
    case 'mbo': {
      const book = books.get(ev.instrumentId);
      if (book instanceof L3OrderBook) book.apply(ev);
      return;
    }
    case 'l2': {
      const book = books.get(ev.instrumentId);
      if (book instanceof L2OrderBook) book.apply(ev);
      return;
    }
    case 'quote': {
      const book = books.get(ev.instrumentId);
      if (book instanceof L2OrderBook) book.applyQuote(ev);
      return;
    }
    default:
      return;
  }
}
