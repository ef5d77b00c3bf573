import { cpus, loadavg } from 'node:os';
import * as hdr from 'hdr-histogram-js';
import { InProcessBus } from '../src/bus/InProcessBus.ts';
import type { KernelTopics } from '../src/bus/topics.ts';
import { Instrument, SimClock, limitIntent, toNanos, type Lots, type MarketEvent, type Order, type OrderIntent, type Ticks, type TradeEvent } from '../src/core/index.ts';
import { L3OrderBook } from '../src/data/book/L3OrderBook.ts';
import type { OrderBookView } from '../src/data/book/OrderBookView.ts';
import { DbnMboSource } from '../src/data/dbn/DbnMboSource.ts';
import { eventTimeNs } from '../src/data/MergedSource.ts';
import { wireKernel } from '../src/engine/wireKernel.ts';
import { report, type ExecutionClient, type ExecutionReport } from '../src/execution/ExecutionClient.ts';
import { OrderManager } from '../src/oms/OrderManager.ts';
import { Portfolio } from '../src/portfolio/Portfolio.ts';
import type { RiskLimits } from '../src/risk/RiskEngine.ts';
import { Strategy } from '../src/strategy/Strategy.ts';

const FILE = 'examples/data/cme-esh4-20231225.mbo.dbn.zst';
const ES = new Instrument({ id: 17077, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
/** Seconds the throughput figure runs for at least (BENCH_SECONDS overrides). */
const MIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Latency samples (orders) to collect at least. */
const MIN_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 1_000_000);

/**
 * Every pre-trade check on, at limits an order in this benchmark passes: the cost measured is
 * the full check, not an early exit. Rates are per second of simulated time.
 */
export const ALL_CHECKS: RiskLimits = {
  maxOrderSize: 10,
  maxPosition: 100,
  maxOpenOrders: 1_000,
  maxOrdersPerSecond: 10_000_000,
  orderBurst: 10_000_000,
  warningDrawdownPct: 0.5,
  maxDrawdownPct: 0.9,
  maxGrossPosition: 200,
  maxOrderNotional: toNanos('10000000'),
  maxGrossExposure: toNanos('100000000'),
  maxLeverage: 50,
  maxConcentrationPct: 1,
  priceCollarPct: 0.05,
  fatFingerMultiple: 10,
  fatFingerMinOrders: 20,
};
/** The always-on checks only (size, position, open orders, soft rate, duplicate id, halt). */
const DEFAULT_CHECKS: RiskLimits = { maxOrderSize: 10, maxPosition: 100, maxOpenOrders: 1_000, maxOrdersPerSecond: 10_000_000, orderBurst: 10_000_000, warningDrawdownPct: 0.5, maxDrawdownPct: 0.9 };

/**
 * An execution client that records when an order is handed to it (process.hrtime.bigint) and
 * answers nothing until flush(), which cancels every order it got (an IOC that did not trade),
 * so the number of open orders stays bounded without the answers being timed.
 */
class StampingClient implements ExecutionClient {
  readonly venue = 'BENCH';
  stampNs = 0n;
  private readonly pending: Order[] = [];
  private readonly listeners: ((r: ExecutionReport) => void)[] = [];

  constructor(private readonly clock: SimClock) {}

  submit(order: Order): void {
    this.stampNs = process.hrtime.bigint();
    this.pending.push(order);
  }
  cancel(order: Order): void {
    void order;
  }
  replace(order: Order, newPrice: Ticks, newQty: Lots): void {
    void order;
    void newPrice;
    void newQty;
  }
  onReport(listener: (r: ExecutionReport) => void): void {
    this.listeners.push(listener);
  }

  flush(): void {
    for (let i = 0; i < this.pending.length; i++) {
      const r = report('CANCELED', this.pending[i].clientOrderId, '', this.clock.now(), { reason: 'IOC_REMAINDER' });
      for (let j = 0; j < this.listeners.length; j++) this.listeners[j](r);
    }
    this.pending.length = 0;
  }
}

/** Sends one IOC bid at the touch on every `every`-th book or trade callback. */
class EveryNth extends Strategy {
  private n = 0;
  private readonly intent: OrderIntent = limitIntent(ES.id, 'BUY', 0, 1, 'IOC');

  constructor(private readonly every: number) {
    super('bench');
  }

  override onBook(book: OrderBookView): void {
    this.maybeSend(book);
  }

  override onTrade(trade: TradeEvent): void {
    this.maybeSend(this.ctx.book(trade.instrumentId));
  }

  private maybeSend(book: OrderBookView): void {
    if (++this.n % this.every !== 0 || !book.isTwoSided()) return;
    this.intent.price = book.bestBidPrice();
    this.ctx.submit(this.intent);
  }
}

function buildKernel(limits: RiskLimits, strategy: Strategy, books: Map<number, L3OrderBook>) {
  const clock = new SimClock(0n);
  const bus = new InProcessBus<KernelTopics>();
  const instruments = new Map([[ES.id, ES]]);
  const oms = new OrderManager(clock, bus, 'B');
  const portfolio = new Portfolio([ES], toNanos('10000000'));
  const client = new StampingClient(clock);
  const { kernel, risk } = wireKernel({ clock, bus, instruments, books, strategy, oms, execution: client, portfolio }, limits);
  return { clock, kernel, client, oms, risk };
}

/**
 * Pre-trade check + OMS submit path: kernel.submit (risk.check, OrderManager create and
 * markSubmitted, OrderSubmitted on the bus, ExecutionClient.submit) on a book with a mid.
 * Timed in batches of 32; between batches (untimed) the client cancels them, as a venue
 * answering IOCs would, so at most 32 orders are open. Simulated time moves 1 ms per order.
 */
function submitThroughput(limits: RiskLimits, withRisk = true): { ordersPerS: number; orders: number } {
  const book = new L3OrderBook(ES.id);
  book.apply({ kind: 'mbo', tsNs: 0, tsRecvNs: 0, instrumentId: ES.id, action: 'A', side: 'B', orderId: 1, price: 19_200, size: 50, flags: 0x80, sequence: 1 });
  book.apply({ kind: 'mbo', tsNs: 0, tsRecvNs: 0, instrumentId: ES.id, action: 'A', side: 'A', orderId: 2, price: 19_201, size: 50, flags: 0x80, sequence: 2 });
  const strategy = new EveryNth(1);
  const { clock, kernel, client, oms } = buildKernel(limits, strategy, new Map([[ES.id, book]]));
  kernel.start();
  const intent = limitIntent(ES.id, 'BUY', 19_200, 1, 'IOC');
  const BATCH = 32;
  let now = 0;
  let orders = 0;
  let ns = 0;
  const run = (seconds: number): void => {
    const until = ns + seconds * 1e9;
    while (ns < until) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < BATCH; i++) {
        now += 1e6;
        clock.advanceTo(now);
        if (withRisk) {
          if (kernel.submit(intent).status === 'DENIED') throw new Error('benchmark order denied: limits too tight');
        } else {
          // the same path without the risk check, for attribution
          const o = oms.create(intent, 'bench');
          oms.markSubmitted(o);
          client.submit(o);
        }
      }
      ns += Number(process.hrtime.bigint() - t0);
      orders += BATCH;
      client.flush();
    }
  };
  run(0.5); // warm-up: JIT
  orders = 0;
  ns = 0;
  run(MIN_SECONDS);
  return { ordersPerS: Math.round((orders / ns) * 1e9), orders };
}

/**
 * risk.check alone, all checks on: orders are built beforehand (plain objects, unique ids,
 * untimed); the loop times check() only, against the kernel's real inputs with no open orders.
 */
export function riskCheckThroughput(limits: RiskLimits): number {
  const book = new L3OrderBook(ES.id);
  book.apply({ kind: 'mbo', tsNs: 0, tsRecvNs: 0, instrumentId: ES.id, action: 'A', side: 'B', orderId: 1, price: 19_200, size: 50, flags: 0x80, sequence: 1 });
  book.apply({ kind: 'mbo', tsNs: 0, tsRecvNs: 0, instrumentId: ES.id, action: 'A', side: 'A', orderId: 2, price: 19_201, size: 50, flags: 0x80, sequence: 2 });
  const { clock, kernel, risk } = buildKernel(limits, new EveryNth(1), new Map([[ES.id, book]]));
  kernel.start();
  const N = 200_000;
  const template = { ...limitIntent(ES.id, 'BUY', 19_200, 1, 'IOC'), strategyId: 'bench', venueOrderId: '', status: 'INITIALIZED' as const, filledQty: 0, filledNotionalTicks: 0, feesPaid: 0n, createdNs: 0, updatedNs: 0, reason: '' };
  let now = 0;
  let checks = 0;
  let ns = 0;
  let round = 0;
  const deadline = Date.now() + (MIN_SECONDS + 0.5) * 1000;
  const orders: Order[] = [];
  for (let i = 0; i < N; i++) orders.push({ ...template, clientOrderId: '' });
  while (Date.now() < deadline) {
    // fresh ids each round (the duplicate-id check would refuse a reused one); objects are reused
    for (let i = 0; i < N; i++) orders[i].clientOrderId = `R${round}-${i}`;
    round++;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      now += 1e6;
      clock.advanceTo(now);
      if (risk.check(orders[i]) !== null) throw new Error('benchmark check denied: limits too tight');
    }
    if (round > 1) {
      ns += Number(process.hrtime.bigint() - t0);
      checks += N;
    }
  }
  return Math.round((checks / ns) * 1e9);
}

/**
 * Tick-to-order: the ES file replayed whole, pass after pass, each in a fresh kernel (book,
 * OMS, risk, portfolio). For each market event that makes the strategy send an order, the time
 * from just before kernel.onMarketEvent to the execution client's submit (both
 * process.hrtime.bigint) goes into an HDR histogram. Decoding and clock advance are outside.
 */
function tickToOrder(every: number): { hist: hdr.Histogram; bookOnly: hdr.Histogram; events: number; passes: number } {
  const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
  const bookOnly = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
  let events = 0;
  let passes = 0;
  const pass = (record: boolean): void => {
    const books = new Map([[ES.id, new L3OrderBook(ES.id)]]);
    const { clock, kernel, client } = buildKernel({ ...ALL_CHECKS }, new EveryNth(every), books);
    kernel.start();
    const src = new DbnMboSource(FILE, [ES]);
    for (let ev: MarketEvent | undefined = src.next(); ev !== undefined; ev = src.next()) {
      clock.advanceTo(eventTimeNs(ev));
      client.stampNs = 0n;
      const t0 = process.hrtime.bigint();
      kernel.onMarketEvent(ev);
      const t1 = process.hrtime.bigint();
      if (record) {
        events++;
        if (client.stampNs !== 0n) hist.recordValue(Number(client.stampNs - t0));
        else bookOnly.recordValue(Number(t1 - t0));
      }
      client.flush();
    }
    src.close();
  };
  pass(false); // warm-up: JIT and file cache
  while (hist.totalCount < MIN_SAMPLES || events < 1_000_000) {
    pass(true);
    passes++;
  }
  return { hist, bookOnly, events, passes };
}

const us = (ns: number): number => Number((ns / 1000).toFixed(3));

export function riskBenchmark(): Record<string, unknown> {
  const all = submitThroughput(ALL_CHECKS);
  const defaults = submitThroughput(DEFAULT_CHECKS);
  const omsOnly = submitThroughput(DEFAULT_CHECKS, false);
  const checkOnly = riskCheckThroughput(ALL_CHECKS);
  const { hist, bookOnly, events, passes } = tickToOrder(1);
  return {
    data: `${FILE} (real CME MBO, 68,792 events) replayed whole ${passes} times, each pass in a fresh kernel; no synthetic events`,
    method:
      'orders_per_s: kernel.submit (every pre-trade check configured + OMS create/markSubmitted + bus event + client.submit), batches of 32 timed with hrtime, cancels untimed; ' +
      'tick_to_order: hrtime before kernel.onMarketEvent -> hrtime in ExecutionClient.submit, strategy sends an IOC on every book/trade callback, all checks on',
    orders_per_s: all.ordersPerS,
    orders_per_s_default_checks: defaults.ordersPerS,
    orders_per_s_oms_without_risk: omsOnly.ordersPerS,
    risk_checks_per_s_all_checks: checkOnly,
    tick_to_order_p50_us: us(hist.getValueAtPercentile(50)),
    tick_to_order_p99_us: us(hist.getValueAtPercentile(99)),
    tick_to_order_p999_us: us(hist.getValueAtPercentile(99.9)),
    tick_to_order_max_us: us(hist.maxValue),
    tick_to_order_samples: hist.totalCount,
    events_replayed: events,
    event_no_order_p50_us: us(bookOnly.getValueAtPercentile(50)),
    event_no_order_p99_us: us(bookOnly.getValueAtPercentile(99)),
    targets: { orders_per_s: 1_000_000, tick_to_order_p99_us: 10, tick_to_order_p999_us: 50 },
    met: {
      orders_per_s: all.ordersPerS >= 1_000_000,
      tick_to_order_p99_us: hist.getValueAtPercentile(99) <= 10_000,
      tick_to_order_p999_us: hist.getValueAtPercentile(99.9) <= 50_000,
    },
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    // the tails move with whatever else runs on the machine: say how busy it was
    machine: { cpus: cpus().length, load_average_1m: Number(loadavg()[0].toFixed(2)) },
  };
}
