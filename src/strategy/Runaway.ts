import { z } from 'zod';
import type { OrderIntent, Side, TradeEvent } from '../core/index.ts';
import { limitIntent, marketIntent } from '../core/index.ts';
import { Strategy } from './Strategy.ts';

export const runawayParams = z.strictObject({
  /** Instrument id to hammer (as in [[trading.instruments]]). */
  instrument_id: z.number().int().min(0),
  /** Orders it tries to send per second, paced by clock timers. */
  orders_per_second: z.number().int().min(1).max(1_000_000).default(1000),
  /** How long it keeps trying, in seconds of clock time, from the first trade print. */
  duration_s: z.number().gt(0).default(60),
  /** Lots per order. */
  qty: z.number().int().min(1).default(1),
  /** BUY or SELL every time (accumulates a position, as Knight's SMARS did), or ALTERNATE. */
  side: z.enum(['BUY', 'SELL', 'ALTERNATE']).default('BUY'),
  /** MARKET (IOC), or a marketable LIMIT at the opposite touch. */
  order_type: z.enum(['MARKET', 'LIMIT']).default('MARKET'),
});
export type RunawayParams = z.output<typeof runawayParams>;

/**
 * A deliberately broken strategy for risk tests (the Knight Capital scenario): from the first
 * trade print (the market is open: 23:00 UTC on the ESH4 example) it sends orders at
 * `orders_per_second` for `duration_s`, ignoring fills, denials and the position. It never
 * stops by itself before the duration: stopping it is the risk engine's job.
 */
export class Runaway extends Strategy {
  /** Orders it tried to send (whatever risk said). */
  attempts = 0;
  /** Of those, the ones risk let out. */
  sent = 0;
  private startNs = -1;
  private k = 0;
  private timer = -1;
  private readonly intervalNs: number;
  private readonly durationNs: number;
  private readonly tick = (): void => this.fire();

  constructor(id: string, private readonly p: RunawayParams) {
    super(id, '1');
    this.intervalNs = 1e9 / p.orders_per_second;
    this.durationNs = p.duration_s * 1e9;
  }

  override onTrade(trade: TradeEvent): void {
    if (this.startNs >= 0 || trade.instrumentId !== this.p.instrument_id) return;
    this.startNs = this.ctx.clock.now();
    this.fire();
  }

  override onStop(): void {
    if (this.timer !== -1) this.ctx.clock.cancelTimer(this.timer);
    this.timer = -1;
  }

  private fire(): void {
    this.timer = -1;
    const clock = this.ctx.clock;
    if (clock.now() - this.startNs >= this.durationNs) return;
    this.send();
    this.k++;
    // paced from the start, not from the last timer, so the rate does not drift
    this.timer = clock.setTimer(this.startNs + Math.round(this.k * this.intervalNs), this.tick);
  }

  private send(): void {
    const p = this.p;
    const side: Side = p.side === 'ALTERNATE' ? (this.attempts % 2 === 0 ? 'BUY' : 'SELL') : p.side;
    let intent: OrderIntent;
    if (p.order_type === 'MARKET') {
      intent = marketIntent(p.instrument_id, side, p.qty);
    } else {
      const book = this.ctx.book(p.instrument_id);
      const px = side === 'BUY' ? book.bestAskPrice() : book.bestBidPrice();
      if (!(px > 0)) return;
      intent = limitIntent(p.instrument_id, side, px, p.qty, 'IOC');
    }
    this.attempts++;
    if (this.ctx.submit(intent).status !== 'DENIED') this.sent++;
  }
}
