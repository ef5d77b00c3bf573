import { z } from 'zod';
import { configSchema, type BulwarkConfig } from '../../src/config/schema.ts';
import { MBO_FLAG_LAST, type Fill, type MarketEvent, type MboAction, type MboEvent } from '../../src/core/index.ts';
import type { OrderBookView } from '../../src/data/book/OrderBookView.ts';
import { buildBacktestNode } from '../../src/engine/BacktestNode.ts';
import { Strategy, type StrategyContext } from '../../src/strategy/Strategy.ts';
import { strategies } from '../../src/strategy/registry.ts';

/** A strategy the test drives: it records what it saw and calls `onBookHook` on every book update. */
export class ScriptStrategy extends Strategy {
  onBookHook: (book: OrderBookView, ctx: StrategyContext) => void = () => {};
  readonly seen: { t: number; bid: number; ask: number }[] = [];
  readonly fills: Fill[] = [];

  override onBook(book: OrderBookView, event: MarketEvent): void {
    void event;
    this.seen.push({ t: this.ctx.clock.now(), bid: book.bestBidPrice(), ask: book.bestAskPrice() });
    this.onBookHook(book, this.ctx);
  }

  override onFill(fill: Fill): void {
    this.fills.push(fill);
  }

  /** The kernel's StrategyContext, for tests that submit directly. */
  get kernelContext(): StrategyContext {
    return this.ctx;
  }
}

let lastBuilt: ScriptStrategy | undefined;
strategies.test_script = {
  params: z.record(z.string(), z.unknown()),
  build: (id) => (lastBuilt = new ScriptStrategy(id)),
};

export const ES_ID = 1;

/** A backtest node on a hand-fed L3 book (no file is read), with the script strategy. */
export function kernelHarness(over: { latency?: Partial<BulwarkConfig['latency']>; fees?: Partial<BulwarkConfig['fees']>; execution?: Partial<BulwarkConfig['execution']> } = {}) {
  const config = configSchema.parse({
    node: { name: 'kernel-test', seed: 3 },
    trading: {
      strategy: 'test_script',
      starting_capital: '100000',
      instruments: [{ id: ES_ID, symbol: 'ES', venue: 'CME', tick_size: '0.25', lot_size: '1', multiplier: '50', currency: 'USD' }],
      data: [{ path: 'unused.dbn', format: 'dbn-mbo', instrument: 'ES' }],
    },
    latency: over.latency ?? {},
    fees: over.fees ?? {},
    risk: { max_order_size: 50, max_position: 100, max_open_orders: 100, max_orders_per_second: 1000 },
    execution: over.execution ?? {},
  });
  const node = buildBacktestNode(config, 0n);
  const strategy = lastBuilt as ScriptStrategy;
  node.kernel.start();
  /** One MBO record as its own venue packet (F_LAST), at clock time t. */
  const mbo = (t: number, action: MboAction, side: 'B' | 'A' | 'N', orderId: number, price: number, size: number): void => {
    node.clock.advanceTo(t);
    const ev: MboEvent = { kind: 'mbo', tsNs: t, tsRecvNs: t, instrumentId: ES_ID, action, side, orderId, price, size, flags: MBO_FLAG_LAST, sequence: 0 };
    node.kernel.onMarketEvent(ev);
  };
  const fills: Fill[] = [];
  node.bus.subscribe('order.fill', (f) => fills.push(f));
  return { node, strategy, mbo, fills, config };
}
