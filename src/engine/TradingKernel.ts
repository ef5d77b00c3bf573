import type { Clock, Fill, Instrument, Lots, MarketEvent, Order, OrderEvent, OrderIntent, Ticks, TradeEvent } from '../core/index.ts';
import { MBO_FLAG_LAST, isOpen, leavesQty, nanosToNumber } from '../core/index.ts';
import type { MessageBus } from '../bus/MessageBus.ts';
import type { KernelTopics } from '../bus/topics.ts';
import { L2OrderBook } from '../data/book/L2OrderBook.ts';
import { L3OrderBook } from '../data/book/L3OrderBook.ts';
import type { OrderBookView } from '../data/book/OrderBookView.ts';
import type { ExecutionClient, ExecutionReport } from '../execution/ExecutionClient.ts';
import type { OrderManager } from '../oms/OrderManager.ts';
import type { Portfolio } from '../portfolio/Portfolio.ts';
import type { RiskEngine } from '../risk/RiskEngine.ts';
import type { Strategy, StrategyContext } from '../strategy/Strategy.ts';

/** A venue that also needs to see market data (the simulated venue). Capability, not mode. */
export interface MarketDataConsumer {
  onMarketEvent(ev: MarketEvent): void;
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
}

/** Notified when equity is re-marked (fills and trade prints while positioned). */
export type EquityListener = (tsNs: number, equity: number, grossPosition: Lots) => void;

/**
 * The kernel: the same wiring for every mode. Market events go book -> venue (if it simulates)
 * -> marks -> strategy; strategy orders go risk -> order manager -> execution client; reports
 * come back through the order manager to the portfolio, the risk engine and the strategy.
 * Only the clock, the data source and the execution client differ between backtest, paper,
 * shadow and live; nothing here knows which mode it runs in.
 */
export class TradingKernel implements StrategyContext {
  readonly clock: Clock;
  private readonly p: KernelParts;
  private readonly venueFeed: MarketDataConsumer | undefined;
  private readonly equityListeners: EquityListener[] = [];
  /** Reused for MBO trade prints so strategies get a TradeEvent without an allocation per print. */
  private readonly tradeFlyweight: TradeEvent = { kind: 'trade', tsNs: 0, instrumentId: 0, price: 0, size: 0, aggressor: 'N', tradeId: '' };
  private started = false;
  events = 0;

  constructor(parts: KernelParts) {
    this.p = parts;
    this.clock = parts.clock;
    this.venueFeed = consumesMarketData(parts.execution) ? parts.execution : undefined;
    parts.execution.onReport((r) => this.onExecutionReport(r));
    parts.bus.subscribe('order.fill', (f) => this.onFill(f));
    parts.bus.subscribe('order.event', (e) => this.onOrderEvent(e));
    // circuit breaker and kill switch both start by pulling every working order
    parts.bus.subscribe('risk.state', (s) => {
      if (s.to === 'CIRCUIT_BREAKER' || s.to === 'KILL_SWITCH') this.cancelAll();
    });
    parts.strategy.attach(this);
  }

  onEquity(listener: EquityListener): void {
    this.equityListeners.push(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.p.strategy.onStart();
  }

  stop(): void {
    this.p.strategy.onStop();
  }

  /** The per-event hot path: no await, no logging, no allocation of its own. */
  onMarketEvent(ev: MarketEvent): void {
    this.events++;
    const p = this.p;
    switch (ev.kind) {
      case 'mbo': {
        const book = p.books.get(ev.instrumentId);
        if (book instanceof L3OrderBook) book.apply(ev);
        if (this.venueFeed) this.venueFeed.onMarketEvent(ev);
        if (ev.action === 'T') {
          const t = this.tradeFlyweight;
          t.tsNs = ev.tsNs;
          t.instrumentId = ev.instrumentId;
          t.price = ev.price;
          t.size = ev.size;
          t.aggressor = ev.side;
          this.markTrade(ev.instrumentId, ev.price);
          p.strategy.onTrade(t);
        } else if (book && (ev.flags & MBO_FLAG_LAST) !== 0) {
          // strategies see the book only between venue packets, never a half-applied match
          p.strategy.onBook(book, ev);
        }
        return;
      }
      case 'l2': {
        const book = p.books.get(ev.instrumentId);
        if (book instanceof L2OrderBook) book.apply(ev);
        if (this.venueFeed) this.venueFeed.onMarketEvent(ev);
        if (book && ev.isLast) p.strategy.onBook(book, ev);
        return;
      }
      case 'quote': {
        const book = p.books.get(ev.instrumentId);
        if (book instanceof L2OrderBook) book.applyQuote(ev);
        if (this.venueFeed) this.venueFeed.onMarketEvent(ev);
        p.strategy.onQuote(ev);
        if (book) p.strategy.onBook(book, ev);
        return;
      }
      case 'trade':
        if (this.venueFeed) this.venueFeed.onMarketEvent(ev);
        this.markTrade(ev.instrumentId, ev.price);
        p.strategy.onTrade(ev);
        return;
      case 'bar':
        if (this.venueFeed) this.venueFeed.onMarketEvent(ev);
        this.markTrade(ev.instrumentId, ev.close);
        p.strategy.onBar(ev);
        return;
    }
  }

  private markTrade(instrumentId: number, price: Ticks): void {
    this.p.portfolio.mark(instrumentId, price);
    if (this.p.portfolio.position(instrumentId) !== 0) this.publishEquity();
  }

  private publishEquity(): void {
    const equity = nanosToNumber(this.p.portfolio.equity());
    this.p.risk.onEquity(equity);
    const gross = this.p.portfolio.grossPosition();
    for (let i = 0; i < this.equityListeners.length; i++) this.equityListeners[i](this.clock.now(), equity, gross);
  }

  // --- orders out ------------------------------------------------------------------------

  submit(intent: OrderIntent): Order {
    const p = this.p;
    const order = p.oms.create(intent, p.strategy.id);
    if (order.status === 'DENIED') return order;
    const denied = p.risk.check(order);
    if (denied !== null) {
      p.oms.deny(order, denied);
      return order;
    }
    p.oms.markSubmitted(order);
    p.execution.submit(order);
    return order;
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
    const denied = this.p.risk.checkReplace({ ...current, price }, qty - current.filledQty);
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

  // --- StrategyContext reads ------------------------------------------------------------

  instrument(instrumentId: number): Instrument {
    const i = this.p.instruments.get(instrumentId);
    if (!i) throw new RangeError(`unknown instrument id ${instrumentId}`);
    return i;
  }

  book(instrumentId: number): OrderBookView {
    const b = this.p.books.get(instrumentId);
    if (!b) throw new RangeError(`no book for instrument id ${instrumentId}`);
    return b;
  }

  position(instrumentId: number): Lots {
    return this.p.portfolio.position(instrumentId);
  }

  order(clientOrderId: string): Order | undefined {
    return this.p.oms.get(clientOrderId);
  }

  /** Leaves quantity of open orders on one side of an instrument (for the risk engine). */
  openQty(instrumentId: number, side: 'BUY' | 'SELL'): Lots {
    let q = 0;
    for (const o of this.p.oms.openOrders(instrumentId)) if (o.side === side) q += leavesQty(o);
    return q;
  }

  // --- reports in -----------------------------------------------------------------------

  private onExecutionReport(r: ExecutionReport): void {
    this.p.oms.applyReport(r);
  }

  private onFill(fill: Fill): void {
    this.p.portfolio.applyFill(fill);
    this.p.portfolio.mark(fill.instrumentId, fill.price);
    this.publishEquity();
    this.p.strategy.onFill(fill);
  }

  private onOrderEvent(e: OrderEvent): void {
    this.p.strategy.onOrderEvent(e);
  }
}
