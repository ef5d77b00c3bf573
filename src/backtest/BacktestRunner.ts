import { SingleBar } from 'cli-progress';
import type { LoadedConfig } from '../config/loadConfig.ts';
import type { Instrument } from '../core/index.ts';
import { formatEpochNs, isOpen, nanosToNumber } from '../core/index.ts';
import { L3OrderBook } from '../data/book/L3OrderBook.ts';
import type { OrderBookView } from '../data/book/OrderBookView.ts';
import type { MarketDataSource } from '../data/MarketDataSource.ts';
import { eventTimeNs } from '../data/MergedSource.ts';
import { openReplay, type DataFileSpec } from '../data/openSource.ts';
import { buildBacktestNode, buildInstruments, type BacktestNode } from '../engine/BacktestNode.ts';
import { buildInfo } from '../engine/buildInfo.ts';
import type { BacktestResults, FillPoint, InstrumentSummary } from './BacktestResults.ts';
import { DailyPnlTracker, parseDayStart } from './DailyPnl.ts';
import { ExecutionTracker } from './ExecutionTracker.ts';
import { EquitySampler, computeStatistics } from './PerformanceStatistics.ts';
import { PriceSampler } from './PriceSampler.ts';

export interface BacktestRunOptions {
  /** Show a progress bar on stderr. */
  progress: boolean;
  /** Called every ~64k events with events done (tests use it to interrupt). */
  onProgress?: (events: number) => void;
  /**
   * Replay this source instead of opening `trading.data` (bench/backtest.bench.ts: the example
   * file replayed many times, shifted a day per pass). It should validate as openReplay's do.
   */
  source?: MarketDataSource;
}

export interface BacktestRun {
  results: BacktestResults;
  node: BacktestNode;
}

const PROGRESS_EVERY = 1 << 16;
/** A stretch without any market event longer than this many sampling intervals is a closed market (time in market). */
const MARKET_GAP_INTERVALS = 5;
/** After the last event, time runs on this long so in-flight orders and reports settle. */
const SETTLE_NS = 5_000_000_000;

/**
 * Replays recorded data through the kernel on a SimClock. Same data + config + seed gives the
 * same results, byte for byte: no wall-clock time or randomness reaches the results.
 */
export function runBacktest(loaded: LoadedConfig, options: BacktestRunOptions): BacktestRun {
  const { config } = loaded;
  const bySymbol = new Map([...buildInstruments(config).values()].map((i) => [i.symbol, i]));
  const specs: DataFileSpec[] = config.trading.data.map((d) => ({ path: d.path, format: d.format, instrument: bySymbol.get(d.instrument) as Instrument }));
  const source = options.source ?? openReplay(specs, { stopOnReject: config.output.stop_on_reject });
  const node = buildBacktestNode(config, source.timeBaseNs);
  const { kernel, clock, portfolio, oms, risk } = node;

  const instruments = [...node.instruments.values()];
  const startingEquityNanos = portfolio.equity();
  const startingCapital = nanosToNumber(startingEquityNanos);
  const sampler = new EquitySampler(startingCapital, config.output.equity_sample_interval_s);
  const intervalNs = config.output.equity_sample_interval_s * 1e9;
  const daily = new DailyPnlTracker(clock.timeBaseNs, startingEquityNanos, parseDayStart(config.output.trading_day_start_utc));
  const execution = new ExecutionTracker(instruments, MARKET_GAP_INTERVALS * intervalNs);
  const prices = new PriceSampler(instruments, config.output.equity_sample_interval_s);
  kernel.onEquity((ts, equity, gross) => {
    sampler.update(ts, equity, gross);
    daily.update(ts, portfolio.equity());
  });
  const fills: FillPoint[] = [];
  const instrumentById = node.instruments;
  // subscribed after the kernel: the portfolio has booked the fill when this runs
  node.bus.subscribe('order.fill', (f) => {
    const inst = instrumentById.get(f.instrumentId) as Instrument;
    const a = execution.onFill(f);
    daily.onFill(f.tsNs, f.fee, f.qty, a.closedTrade);
    fills.push({
      t: (clock.timeBaseNs + BigInt(f.tsNs)).toString(),
      side: f.side,
      price: inst.ticksToNumber(f.price),
      qty: Number(inst.lotsToQty(f.qty)),
      liquidity: f.liquidity,
      fee: nanosToNumber(f.fee),
      instrument: inst.symbol,
      decision_mid: Number.isNaN(a.decisionMidTicks) ? null : inst.ticksToNumber(a.decisionMidTicks),
      slippage_ticks: Number.isNaN(a.slippageTicks) ? null : a.slippageTicks,
    });
  });

  /** The book as the strategy sees it (kernel.book: the lagged copy when market data has latency). */
  const strategyBook = (instrumentId: number): OrderBookView | undefined => (node.books.has(instrumentId) ? kernel.book(instrumentId) : undefined);
  const rejectedByReason: Record<string, number> = {};
  node.bus.subscribe('order.event', (e) => {
    const id = e.order.clientOrderId;
    switch (e.type) {
      case 'OrderSubmitted':
        // published inside kernel.submit, i.e. inside the strategy's call: the book it decided on
        execution.recordDecision(id, strategyBook(e.order.instrumentId));
        return;
      case 'OrderPendingReplace':
        execution.recordReplaceDecision(id, strategyBook(e.order.instrumentId));
        return;
      case 'OrderReplaced':
        execution.confirmReplace(id);
        return;
      case 'OrderReplaceRejected':
        execution.rejectReplace(id);
        return;
      case 'OrderRejected': {
        const r = e.reason || e.order.reason || 'UNSPECIFIED';
        rejectedByReason[r] = (rejectedByReason[r] ?? 0) + 1;
        break;
      }
      default:
        break;
    }
    if (!isOpen(e.order)) execution.forget(id);
  });
  const instrumentIndex = new Map(instruments.map((inst, k) => [inst.id, k]));
  const eventsByInstrument = instruments.map(() => 0);

  const bar = options.progress ? new SingleBar({ format: 'replay |{bar}| {percentage}% | {value}/{total} KiB | {events} events', hideCursor: true }) : undefined;
  const p0 = source.progress();
  bar?.start(Math.max(1, Math.round(p0.total / 1024)), 0, { events: 0 });

  kernel.start();
  let events = 0;
  let firstNs = NaN;
  let lastNs = 0;
  let nextSampleNs = -Infinity;
  for (let ev = source.next(); ev !== undefined; ev = source.next()) {
    const t = eventTimeNs(ev);
    if (events === 0) {
      firstNs = t;
      execution.openWindow(t);
    }
    clock.advanceTo(t);
    kernel.onMarketEvent(ev);
    lastNs = t;
    events++;
    execution.onEventTime(t);
    const k = instrumentIndex.get(ev.instrumentId);
    if (k !== undefined) eventsByInstrument[k]++;
    switch (ev.kind) {
      case 'mbo':
        if (ev.action === 'T') prices.trade(ev.instrumentId, t, ev.price);
        break;
      case 'trade':
        prices.trade(ev.instrumentId, t, ev.price);
        break;
      case 'bar':
        prices.bar(ev.instrumentId, t, ev.low, ev.high, ev.close);
        break;
      case 'quote':
        prices.mid(ev.instrumentId, t, ev.bidPrice, ev.askPrice);
        break;
      case 'l2':
        if (ev.isLast) {
          const b = node.books.get(ev.instrumentId);
          if (b !== undefined) prices.mid(ev.instrumentId, t, b.bestBidPrice(), b.bestAskPrice());
        }
        break;
    }
    if (t >= nextSampleNs) {
      // one point per interval even when nothing moved, so flat periods count as zero returns
      const eq = portfolio.equity();
      sampler.update(t, nanosToNumber(eq), portfolio.grossPosition());
      daily.update(t, eq);
      nextSampleNs = (Math.floor(t / intervalNs) + 1) * intervalNs;
    }
    if ((events & (PROGRESS_EVERY - 1)) === 0) {
      bar?.update(Math.round(source.progress().done / 1024), { events });
      options.onProgress?.(events);
    }
  }
  execution.closeWindow(lastNs);
  kernel.stop();
  clock.advanceTo(lastNs + SETTLE_NS);
  const endEquity = portfolio.equity();
  sampler.update(clock.now(), nanosToNumber(endEquity), portfolio.grossPosition());
  daily.close(clock.now(), endEquity);
  bar?.update(Math.round(source.progress().total / 1024), { events });
  bar?.stop();
  source.close();

  const rejects = source.rejects;
  let crossed = 0;
  let unknownOrders = 0;
  let duplicateAdds = 0;
  let snapshots = 0;
  let snapshotResets = 0;
  for (const b of node.books.values()) {
    crossed += b.crossedEvents;
    if (b instanceof L3OrderBook) {
      unknownOrders += b.unknownOrderEvents;
      duplicateAdds += b.duplicateAddEvents;
      snapshots += b.snapshots;
      snapshotResets += b.snapshotResets;
    }
  }
  const slip = execution.totals();
  const maxPositionLots: Record<string, number> = {};
  for (const x of execution.instruments) maxPositionLots[x.instrument.symbol] = x.maxPosition;
  const stats = computeStatistics({
    startingCapital,
    equity: sampler.equitySeries(),
    finalEquity: nanosToNumber(portfolio.equity()),
    maxDrawdown: sampler.maxDrawdown,
    samplingIntervalS: config.output.equity_sample_interval_s,
    periodsPerYear: config.output.periods_per_year,
    closedTradePnls: portfolio.closedTradePnls.map(nanosToNumber),
    realizedPnl: nanosToNumber(portfolio.realizedPnl()),
    unrealizedPnl: nanosToNumber(portfolio.unrealizedPnl()),
    fees: nanosToNumber(portfolio.fees()),
    orders: oms.counters.submitted,
    fills: fills.length,
    volumeLots: portfolio.volumeLots,
    tradedNotional: nanosToNumber(slip.tradedNotional),
    slippage: { fills: slip.slippageFills, avgTicks: slip.avgSlippageTicks, avg: slip.avgSlippage, cost: slip.slippageCost },
    timeInMarket: execution.timeInMarket(),
    maxPositionLots,
    maxGrossPositionLots: execution.maxGrossPosition,
  });
  const instrumentSummaries: InstrumentSummary[] = instruments.map((inst, k) => {
    const x = execution.of(inst.id);
    const b = node.books.get(inst.id);
    const bid = b ? b.bestBidPrice() : Number.NaN;
    const ask = b ? b.bestAskPrice() : Number.NaN;
    return {
      symbol: inst.symbol,
      id: inst.id,
      currency: inst.currency,
      events: eventsByInstrument[k],
      fills: x.fills,
      volume_lots: x.volumeLots,
      traded_notional: nanosToNumber(x.tradedNotional),
      final_position_lots: x.position,
      max_position_lots: x.maxPosition,
      time_in_market: execution.timeInMarketOf(inst.id),
      slippage_fills: x.slippageFills,
      avg_slippage_ticks: x.avgSlippageTicks,
      avg_slippage: x.avgSlippage,
      realized_pnl: nanosToNumber(portfolio.realizedPnl(inst.id)),
      fees: nanosToNumber(portfolio.fees(inst.id)),
      final_bid: Number.isNaN(bid) ? null : inst.ticksToNumber(bid),
      final_ask: Number.isNaN(ask) ? null : inst.ticksToNumber(ask),
    };
  });
  const eventsBySymbol: Record<string, number> = {};
  instruments.forEach((inst, k) => {
    eventsBySymbol[inst.symbol] = eventsByInstrument[k];
  });
  const info = buildInfo();
  const firstInstrument = instruments[0];
  const results: BacktestResults = {
    bulwark_version: info.version,
    run: {
      strategy: node.strategyId,
      mode: 'backtest',
      seed: config.node.seed,
      code_hash: info.codeHash,
      config_hash: loaded.hash,
      config_path: loaded.path,
      instrument: instruments.map((i) => i.symbol).join(','),
      currency: firstInstrument.currency,
      start: Number.isNaN(firstNs) ? '' : formatEpochNs(clock.timeBaseNs + BigInt(firstNs)),
      end: formatEpochNs(clock.timeBaseNs + BigInt(lastNs)),
      trading_day_start_utc: config.output.trading_day_start_utc,
    },
    data: {
      files: config.trading.data.map((d) => d.path),
      events,
      rejected: rejects.total,
      rejected_by_reason: sortedRecord(rejects.byReason),
      crossed_book_events: crossed,
      events_by_instrument: eventsBySymbol,
      unknown_order_events: unknownOrders,
      duplicate_add_events: duplicateAdds,
      book_snapshots: snapshots,
      book_snapshot_resets: snapshotResets,
    },
    orders: {
      submitted: oms.counters.submitted,
      accepted: oms.counters.accepted,
      filled: oms.counters.filled,
      partially_filled: oms.counters.partiallyFilled,
      canceled: oms.counters.canceled,
      rejected: oms.counters.rejected,
      rejected_by_reason: sortedRecord(rejectedByReason),
      denied: oms.counters.denied,
      denied_by_reason: sortedRecord(oms.counters.deniedByReason),
    },
    risk: {
      state: risk.state,
      max_gross_position: portfolio.maxGrossPosition,
      transitions: risk.transitions.map((t) => ({ t: formatEpochNs(clock.timeBaseNs + BigInt(t.tsNs)), from: t.from, to: t.to, reason: t.reason })),
    },
    stats,
    equity_curve: sampler.toEquityCurve(clock.timeBaseNs),
    fills,
    instruments: instrumentSummaries,
    daily_pnl: daily.rows(),
    price_series: prices.series(clock.timeBaseNs),
  };
  return { results, node };
}

function sortedRecord(r: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k] ?? 0;
  return out;
}
