import { z } from 'zod';
import type { Fill, MarketEvent, Order, OrderEvent, Ticks } from '../core/index.ts';
import { isOpen, limitIntent } from '../core/index.ts';
import type { OrderBookView } from '../data/book/OrderBookView.ts';
import { Strategy } from './Strategy.ts';

export const marketMakerParams = z.strictObject({
  /** Instrument id to quote (as in [[trading.instruments]]). */
  instrument_id: z.number().int().min(0),
  /** Lots per quote. */
  quote_size: z.number().int().min(1).default(1),
  /** Distance of each quote from the touch, in ticks: 0 joins the best bid/ask. */
  edge_ticks: z.number().int().min(0).default(0),
  /** Ticks both quotes move against the position per lot held (inventory skew). */
  skew_ticks_per_lot: z.number().min(0).default(0.5),
  /** No more buying at +max_inventory, no more selling at -max_inventory. */
  max_inventory: z.number().int().min(1).default(5),
  /** Move a quote only when its desired price differs by at least this many ticks. */
  requote_ticks: z.number().int().min(1).default(1),
  /** Minimum time between two changes of the same quote, in milliseconds (rate discipline). */
  min_requote_interval_ms: z.number().min(0).default(100),
});
export type MarketMakerParams = z.output<typeof marketMakerParams>;

/**
 * Example market maker: one bid and one ask around the touch, both shifted against the
 * inventory (long -> lower quotes to sell more readily and buy less), never crossing the
 * spread, pulled while the book is one-sided or crossed (pre-open), throttled per side.
 */
export class MarketMaker extends Strategy {
  private bidId = '';
  private askId = '';
  private lastBidChangeNs = -Infinity;
  private lastAskChangeNs = -Infinity;
  private readonly minIntervalNs: number;

  constructor(id: string, private readonly p: MarketMakerParams) {
    super(id, '1');
    this.minIntervalNs = p.min_requote_interval_ms * 1e6;
  }

  override onBook(book: OrderBookView, event: MarketEvent): void {
    void event;
    const now = this.ctx.clock.now();
    if (!book.isTwoSided()) {
      this.pull();
      return;
    }
    const bestBid = book.bestBidPrice();
    const bestAsk = book.bestAskPrice();
    const pos = this.ctx.position(this.p.instrument_id);
    const skew = Math.round(pos * this.p.skew_ticks_per_lot);
    let bidPx: Ticks = bestBid - this.p.edge_ticks - skew;
    let askPx: Ticks = bestAsk + this.p.edge_ticks - skew;
    // never cross: a maker quote stays on its own side of the spread
    if (bidPx >= bestAsk) bidPx = bestAsk - 1;
    if (askPx <= bestBid) askPx = bestBid + 1;
    const wantBid = pos < this.p.max_inventory;
    const wantAsk = pos > -this.p.max_inventory;
    this.bidId = this.work(this.bidId, 'BUY', wantBid, bidPx, now);
    this.askId = this.work(this.askId, 'SELL', wantAsk, askPx, now);
  }

  override onFill(fill: Fill): void {
    void fill; // quotes are re-evaluated on the next book event
  }

  override onOrderEvent(event: OrderEvent): void {
    void event;
  }

  override onStop(): void {
    this.pull();
  }

  /** Keeps one working quote on a side at `price`; returns the id of the quote now working. */
  private work(id: string, side: 'BUY' | 'SELL', wanted: boolean, price: Ticks, now: number): string {
    const order = id ? this.ctx.order(id) : undefined;
    const live: Order | undefined = order && isOpen(order) ? order : undefined;
    const last = side === 'BUY' ? this.lastBidChangeNs : this.lastAskChangeNs;
    if (now - last < this.minIntervalNs) return live ? id : '';
    if (!wanted) {
      if (live && live.status !== 'PENDING_CANCEL') this.ctx.cancel(live.clientOrderId);
      return live ? id : '';
    }
    if (live) {
      if (live.status !== 'ACCEPTED' && live.status !== 'PARTIALLY_FILLED') return id; // wait for the venue
      if (Math.abs(live.price - price) < this.p.requote_ticks) return id;
      if (this.ctx.replace(id, price, live.qty)) this.stamp(side, now);
      return id;
    }
    const o = this.ctx.submit({ ...limitIntent(this.p.instrument_id, side, price, this.p.quote_size, 'GTC'), postOnly: true });
    this.stamp(side, now);
    return o.status === 'DENIED' ? '' : o.clientOrderId;
  }

  /** Cancels both quotes (book one-sided or crossed, or stopping). */
  private pull(): void {
    this.cancelQuote(this.bidId);
    this.cancelQuote(this.askId);
  }

  private cancelQuote(id: string): void {
    const o = id ? this.ctx.order(id) : undefined;
    if (o && isOpen(o) && o.status !== 'PENDING_CANCEL') this.ctx.cancel(id);
  }

  private stamp(side: 'BUY' | 'SELL', now: number): void {
    if (side === 'BUY') this.lastBidChangeNs = now;
    else this.lastAskChangeNs = now;
  }
}
