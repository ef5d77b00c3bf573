import { SingleBar } from 'cli-progress';
import type { LoadedConfig } from '../config/loadConfig.ts';
import type { Instrument } from '../core/index.ts';
import { formatEpochNs, nanosToNumber } from '../core/index.ts';
import { eventTimeNs } from '../data/MergedSource.ts';
import { openReplay, type DataFileSpec } from '../data/openSource.ts';
import { buildBacktestNode, buildInstruments, type BacktestNode } from '../engine/BacktestNode.ts';
import { buildInfo } from '../engine/buildInfo.ts';
import type { BacktestResults, FillPoint } from './BacktestResults.ts';
import { EquitySampler, computeStatistics } from './PerformanceStatistics.ts';

export interface BacktestRunOptions {
  /** Show a progress bar on stderr. */
  progress: boolean;
  /** Called every ~64k events with events done (tests use it to interrupt). */
  onProgress?: (events: number) => void;
}

export interface BacktestRun {
  results: BacktestResults;
  node: BacktestNode;
}

const PROGRESS_EVERY = 1 << 16;
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
  const source = openReplay(specs, { stopOnReject: config.output.stop_on_reject });
  const node = buildBacktestNode(config, source.timeBaseNs);
  const { kernel, clock, portfolio, oms, risk } = node;

  const startingCapital = nanosToNumber(portfolio.equity());
  const sampler = new EquitySampler(startingCapital, config.output.equity_sample_interval_s);
  const intervalNs = config.output.equity_sample_interval_s * 1e9;
  kernel.onEquity((ts, equity, gross) => sampler.update(ts, equity, gross));
  const fills: FillPoint[] = [];
  const instrumentById = node.instruments;
  node.bus.subscribe('order.fill', (f) => {
    const inst = instrumentById.get(f.instrumentId) as Instrument;
    fills.push({
      t: (clock.timeBaseNs + BigInt(f.tsNs)).toString(),
      side: f.side,
      price: inst.ticksToNumber(f.price),
      qty: Number(inst.lotsToQty(f.qty)),
      liquidity: f.liquidity,
      fee: nanosToNumber(f.fee),
    });
  });

  const rejectedByReason: Record<string, number> = {};
  node.bus.subscribe('order.event', (e) => {
    if (e.type === 'OrderRejected') {
      const r = e.reason || e.order.reason || 'UNSPECIFIED';
      rejectedByReason[r] = (rejectedByReason[r] ?? 0) + 1;
    }
  });

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
    if (events === 0) firstNs = t;
    clock.advanceTo(t);
    kernel.onMarketEvent(ev);
    lastNs = t;
    events++;
    if (t >= nextSampleNs) {
      // one point per interval even when nothing moved, so flat periods count as zero returns
      sampler.update(t, nanosToNumber(portfolio.equity()), portfolio.grossPosition());
      nextSampleNs = (Math.floor(t / intervalNs) + 1) * intervalNs;
    }
    if ((events & (PROGRESS_EVERY - 1)) === 0) {
      bar?.update(Math.round(source.progress().done / 1024), { events });
      options.onProgress?.(events);
    }
  }
  kernel.stop();
  clock.advanceTo(lastNs + SETTLE_NS);
  sampler.update(clock.now(), nanosToNumber(portfolio.equity()), portfolio.grossPosition());
  bar?.update(Math.round(source.progress().total / 1024), { events });
  bar?.stop();
  source.close();

  const rejects = source.rejects;
  const book = [...node.books.values()][0];
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
  });
  const info = buildInfo();
  const firstInstrument = [...node.instruments.values()][0];
  const results: BacktestResults = {
    bulwark_version: info.version,
    run: {
      strategy: node.strategyId,
      mode: 'backtest',
      seed: config.node.seed,
      code_hash: info.codeHash,
      config_hash: loaded.hash,
      config_path: loaded.path,
      instrument: [...node.instruments.values()].map((i) => i.symbol).join(','),
      currency: firstInstrument.currency,
      start: Number.isNaN(firstNs) ? '' : formatEpochNs(clock.timeBaseNs + BigInt(firstNs)),
      end: formatEpochNs(clock.timeBaseNs + BigInt(lastNs)),
    },
    data: {
      files: config.trading.data.map((d) => d.path),
      events,
      rejected: rejects.total,
      rejected_by_reason: sortedRecord(rejects.byReason),
      crossed_book_events: book ? book.crossedEvents : 0,
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
  };
  return { results, node };
}

function sortedRecord(r: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k] ?? 0;
  return out;
}
