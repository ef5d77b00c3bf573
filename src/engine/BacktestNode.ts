import { InProcessBus } from '../bus/InProcessBus.ts';
import type { KernelTopics } from '../bus/topics.ts';
import type { BulwarkConfig } from '../config/schema.ts';
import { Instrument, Rng, SimClock, toNanos } from '../core/index.ts';
import { L2OrderBook } from '../data/book/L2OrderBook.ts';
import { L3OrderBook } from '../data/book/L3OrderBook.ts';
import { ScheduleFeeModel } from '../execution/sim/FeeModel.ts';
import { ConstantLatencyModel } from '../execution/sim/LatencyModel.ts';
import { MarketDataDelay } from '../execution/sim/MarketDataDelay.ts';
import { SimulatedVenue } from '../execution/sim/SimulatedVenue.ts';
import { simulatedVenueOptions } from '../execution/sim/venueOptions.ts';
import { OrderManager } from '../oms/OrderManager.ts';
import { omsSettingsFromConfig } from '../oms/OmsSettings.ts';
import { Portfolio } from '../portfolio/Portfolio.ts';
import type { RiskEngine } from '../risk/RiskEngine.ts';
import { riskLimitsFromConfig } from '../risk/riskConfig.ts';
import { buildStrategy } from '../strategy/registry.ts';
import type { TradingKernel } from './TradingKernel.ts';
import { wireKernel } from './wireKernel.ts';

/** Everything a backtest kernel is made of, for the runner and for tests that inspect parts. */
export interface BacktestNode {
  kernel: TradingKernel;
  clock: SimClock;
  bus: InProcessBus<KernelTopics>;
  instruments: Map<number, Instrument>;
  books: Map<number, L3OrderBook | L2OrderBook>;
  oms: OrderManager;
  portfolio: Portfolio;
  risk: RiskEngine;
  venue: SimulatedVenue;
  strategyId: string;
}

/** The configured instruments by id. */
export function buildInstruments(config: BulwarkConfig): Map<number, Instrument> {
  const instruments = new Map<number, Instrument>();
  for (const spec of config.trading.instruments) {
    instruments.set(
      spec.id,
      new Instrument({ id: spec.id, symbol: spec.symbol, venue: spec.venue, tickSize: spec.tick_size, lotSize: spec.lot_size, multiplier: spec.multiplier, currency: spec.currency }),
    );
  }
  return instruments;
}

/**
 * Builds the kernel for backtest mode: SimClock, SimulatedVenue. The kernel itself is the
 * one every mode uses; only the clock and the execution client are chosen here.
 */
export function buildBacktestNode(config: BulwarkConfig, timeBaseNs: bigint): BacktestNode {
  const clock = new SimClock(timeBaseNs);
  const rng = new Rng(config.node.seed);
  const bus = new InProcessBus<KernelTopics>();
  const instruments = buildInstruments(config);
  const bySymbol = new Map([...instruments.values()].map((i) => [i.symbol, i]));
  const books = new Map<number, L3OrderBook | L2OrderBook>();
  for (const d of config.trading.data) {
    const inst = bySymbol.get(d.instrument) as Instrument;
    if (!books.has(inst.id)) books.set(inst.id, d.format === 'dbn-mbo' ? new L3OrderBook(inst.id) : new L2OrderBook(inst.id));
  }
  const strategyId = config.trading.strategy_id ?? config.trading.strategy;
  const strategy = buildStrategy(config.trading.strategy, strategyId, config.trading.params);
  const oms = new OrderManager(clock, bus, config.node.id_prefix);
  const portfolio = new Portfolio([...instruments.values()], toNanos(config.trading.starting_capital));
  // forks in this order (arguments evaluate left to right): latency first, so adding the fill model's stream changed no jitter
  const venue = new SimulatedVenue(
    clock,
    instruments,
    books,
    new ScheduleFeeModel(config.fees),
    new ConstantLatencyModel(config.latency, rng.fork()),
    simulatedVenueOptions('SIM', config.execution, rng.fork()),
  );
  // the strategy sees a lagged copy of each book when market data has latency; none at 0 (zero cost)
  const marketDataDelay = config.latency.market_data_latency_ns > 0 ? new MarketDataDelay(clock, config.latency.market_data_latency_ns) : undefined;
  const { kernel, risk } = wireKernel(
    { clock, bus, instruments, books, strategy, oms, execution: venue, portfolio, marketDataDelay, omsSettings: omsSettingsFromConfig(config.oms) },
    riskLimitsFromConfig(config.risk),
  );
  return { kernel, clock, bus, instruments, books, oms, portfolio, risk, venue, strategyId };
}
