import { InProcessBus } from '../../src/bus/InProcessBus.ts';
import type { KernelTopics } from '../../src/bus/topics.ts';
import { Instrument, SimClock, toNanos, type Lots, type Order, type RiskStateChanged, type Ticks } from '../../src/core/index.ts';
import type { L2OrderBook } from '../../src/data/book/L2OrderBook.ts';
import type { L3OrderBook } from '../../src/data/book/L3OrderBook.ts';
import { wireKernel } from '../../src/engine/wireKernel.ts';
import { report, type ExecutionClient, type ExecutionReport } from '../../src/execution/ExecutionClient.ts';
import { OrderManager } from '../../src/oms/OrderManager.ts';
import { Portfolio } from '../../src/portfolio/Portfolio.ts';
import type { RiskLimits } from '../../src/risk/RiskEngine.ts';
import { Strategy } from '../../src/strategy/Strategy.ts';

export const ES = new Instrument({ id: 1, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
export const NQ = new Instrument({ id: 2, symbol: 'NQH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '20', currency: 'USD' });

/**
 * A scripted venue for kernel tests: every request is answered `latencyNs` later on the clock.
 * New orders are ACCEPTED; a MARKET order fills whole at `px` (per instrument) when it arrives;
 * a LIMIT order rests until the test fills it. Cancels and replaces are confirmed.
 */
export class StubVenue implements ExecutionClient {
  readonly venue = 'STUB';
  readonly received: Order[] = [];
  readonly cancels: string[] = [];
  readonly px = new Map<number, Ticks>();
  disconnected = 0;
  /** Manual mode: requests wait here until deliver() (tests that control every interleaving). */
  manual = false;
  private readonly queued: (() => void)[] = [];
  private readonly listeners: ((r: ExecutionReport) => void)[] = [];
  private trade = 1;

  constructor(private readonly clock: SimClock, private readonly latencyNs = 1_000_000) {}

  /** Manual mode: processes the `n` oldest requests (answers go out at once). */
  deliver(n: number): void {
    for (let i = 0; i < n && this.queued.length > 0; i++) (this.queued.shift() as () => void)();
  }

  get queuedCount(): number {
    return this.queued.length;
  }

  onReport(listener: (r: ExecutionReport) => void): void {
    this.listeners.push(listener);
  }

  submit(order: Order): void {
    this.received.push({ ...order });
    this.later(() => {
      this.emit(report('ACCEPTED', order.clientOrderId, `V-${order.clientOrderId}`, this.clock.now()));
      if (order.type === 'MARKET') this.fill(order.clientOrderId, this.px.get(order.instrumentId) ?? 0, order.qty);
    });
  }

  cancel(order: Order): void {
    this.cancels.push(order.clientOrderId);
    this.later(() => this.emit(report('CANCELED', order.clientOrderId, '', this.clock.now())));
  }

  replace(order: Order, newPrice: Ticks, newQty: Lots): void {
    this.later(() => this.emit(report('REPLACED', order.clientOrderId, '', this.clock.now(), { newPrice, newQty })));
  }

  disconnect(): void {
    this.disconnected++;
  }

  /** A fill report, now (no latency). */
  fill(clientOrderId: string, price: Ticks, qty: Lots): void {
    this.emit(report('FILLED', clientOrderId, `V-${clientOrderId}`, this.clock.now(), { tradeId: `T${this.trade++}`, lastPrice: price, lastQty: qty, liquidity: 'TAKER', fee: 0n }));
  }

  private later(f: () => void): void {
    if (this.manual) this.queued.push(f);
    else this.clock.setTimer(this.clock.now() + this.latencyNs, f);
  }

  private emit(r: ExecutionReport): void {
    for (const l of this.listeners) l(r);
  }
}

/** A strategy that does nothing by itself: tests drive the kernel's StrategyContext directly. */
export class IdleStrategy extends Strategy {}

/** A kernel on a SimClock with the real OMS, portfolio and risk engine, and a StubVenue. */
export function buildKernel(limits: RiskLimits, opts: { capital?: string; strategy?: Strategy; instruments?: Instrument[]; books?: Map<number, L3OrderBook | L2OrderBook> } = {}) {
  const clock = new SimClock(1_703_548_800_000_000_000n); // 2023-12-26T00:00:00Z
  const bus = new InProcessBus<KernelTopics>();
  const list = opts.instruments ?? [ES];
  const instruments = new Map(list.map((i) => [i.id, i]));
  const books = opts.books ?? new Map<number, L3OrderBook | L2OrderBook>();
  const oms = new OrderManager(clock, bus, 'T');
  const portfolio = new Portfolio(list, toNanos(opts.capital ?? '100000'));
  const venue = new StubVenue(clock);
  const strategy = opts.strategy ?? new IdleStrategy('idle');
  const { kernel, risk } = wireKernel({ clock, bus, instruments, books, strategy, oms, execution: venue, portfolio }, limits);
  const states: RiskStateChanged[] = [];
  bus.subscribe('risk.state', (s) => states.push(s));
  return { clock, bus, oms, portfolio, venue, risk, kernel, states };
}
