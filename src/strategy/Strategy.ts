import type { BarEvent, Clock, Fill, Instrument, Lots, MarketEvent, Order, OrderEvent, OrderIntent, QuoteEvent, Ticks, TradeEvent } from '../core/index.ts';
import type { OrderBookView } from '../data/book/OrderBookView.ts';
import type { BracketGroup, LegGroup, OcoGroup, OrderGroup } from '../oms/OrderGroups.ts';
import type { LegUnwindPolicy } from '../oms/OmsSettings.ts';

/**
 * What the kernel offers a strategy. Orders go out only through submit/cancel/replace, which
 * pass the risk engine and the order manager; a strategy never talks to a venue.
 */
export interface StrategyContext {
  readonly clock: Clock;
  instrument(instrumentId: number): Instrument;
  book(instrumentId: number): OrderBookView;
  position(instrumentId: number): Lots;
  /** Submits an order; the returned order is DENIED (with its reason) if risk refused it. */
  submit(intent: OrderIntent): Order;
  /** Requests a cancel; false if the order is unknown or not open. */
  cancel(clientOrderId: string): boolean;
  /**
   * Requests a cancel/replace to a new price and total quantity; false if not possible now.
   * Atomic from the strategy's view: the order keeps its client order id and its old price/qty
   * (status PENDING_REPLACE) until the venue confirms, then shows the new ones; a refused
   * replace leaves the old order working. There is never a moment with neither.
   */
  replace(clientOrderId: string, price: Ticks, qty: Lots): boolean;
  order(clientOrderId: string): Order | undefined;
  /** Two or more orders; the first fill of any cancels the others (src/oms/OrderGroups.ts: OcoGroup). */
  submitOco(intents: readonly OrderIntent[]): OcoGroup;
  /** An entry; once it fills, a take-profit LIMIT and a stop-loss STOP protect the filled quantity (BracketGroup). */
  submitBracket(entry: OrderIntent, takeProfitPrice: Ticks, stopLossPrice: Ticks): BracketGroup;
  /** Legs sent together; a broken group is unwound by `policy` (default oms.leg_unwind_policy) with a LEG_RISK alert (LegGroup). */
  submitLegs(intents: readonly OrderIntent[], policy?: LegUnwindPolicy): LegGroup;
  /** Pulls a group's orders; false if the id is unknown. */
  cancelGroup(groupId: string): boolean;
  group(groupId: string): OrderGroup | undefined;
}

/**
 * Base class of every strategy. The kernel calls the on* hooks; the same calls happen in
 * backtest, paper, shadow and live, so a strategy cannot tell which mode it runs in.
 * Market events passed to hooks may be reused objects: copy what you keep.
 */
export abstract class Strategy {
  private context: StrategyContext | undefined;

  constructor(readonly id: string, readonly version: string = '1') {}

  /** Called once by the kernel before onStart. */
  attach(context: StrategyContext): void {
    this.context = context;
  }

  protected get ctx(): StrategyContext {
    if (!this.context) throw new Error(`strategy ${this.id} used before the kernel attached it`);
    return this.context;
  }

  onStart(): void {}
  /** The book of `instrumentId` changed (after `event` was applied). */
  onBook(book: OrderBookView, event: MarketEvent): void {
    void book;
    void event;
  }
  onTrade(trade: TradeEvent): void {
    void trade;
  }
  onQuote(quote: QuoteEvent): void {
    void quote;
  }
  onBar(bar: BarEvent): void {
    void bar;
  }
  onFill(fill: Fill): void {
    void fill;
  }
  onOrderEvent(event: OrderEvent): void {
    void event;
  }
  onStop(): void {}
}
