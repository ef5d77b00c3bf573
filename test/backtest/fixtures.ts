import type { BacktestResults, DailyPnlRow, EquityPoint, FillPoint, InstrumentSummary, PriceSeries } from '../../src/backtest/BacktestResults.ts';
import { computeStatistics, EquitySampler } from '../../src/backtest/PerformanceStatistics.ts';

export const TIME_BASE_NS = 1_703_548_800_000_000_000n; // 2023-12-26T00:00:00Z

/** A deterministic equity curve of `n` one-minute points (a sine wave plus drift, one dip). */
export function makeCurve(n: number, dipAt = -1): EquityPoint[] {
  const sampler = new EquitySampler(100_000, 60);
  for (let i = 0; i < n; i++) {
    let equity = 100_000 + i * 2 + 500 * Math.sin(i / 50);
    if (i === dipAt) equity -= 60_000; // below every other point: the global minimum and deepest drawdown
    sampler.update(i * 60_000_000_000 + 30_000_000_000, equity, (i % 7) - 3);
  }
  return sampler.toEquityCurve(TIME_BASE_NS);
}

export function makeFills(n: number): FillPoint[] {
  const fills: FillPoint[] = [];
  for (let i = 0; i < n; i++) {
    fills.push({
      t: (TIME_BASE_NS + BigInt(i) * 1_000_000_000n).toString(),
      side: i % 2 === 0 ? 'BUY' : 'SELL',
      price: 4750.25 + (i % 4) * 0.25,
      qty: 1 + (i % 3),
      liquidity: i % 5 === 0 ? 'TAKER' : 'MAKER',
      fee: 0.85,
      instrument: 'ESH4',
      decision_mid: i % 6 === 5 ? null : 4750.375,
      // ticks of 0.25 vs the mid 4750.375: BUY (i even) pays price - mid, SELL gets mid - price
      slippage_ticks: i % 6 === 5 ? null : ((i % 2 === 0 ? 1 : -1) * ((i % 4) * 0.25 - 0.125)) / 0.25,
    });
  }
  return fills;
}

/** A price line of one point per `every` curve points, prices 4750.00 .. 4751.00. */
export function makePriceSeries(curve: readonly EquityPoint[], every = 1): PriceSeries {
  const points = curve
    .filter((_, i) => i % every === 0)
    .map((p, i) => ({ t: p.t, price: 4750.5 + 0.25 * Math.round(2 * Math.sin(i / 20)), low: 4750, high: 4751 }));
  return { instrument: 'ESH4', source: 'trades', interval_s: 60, points };
}

export const DAILY: DailyPnlRow[] = [
  { day: '2023-12-26', pnl: 135.5, fees: 10.2, fills: 12, closed_trades: 5, volume_lots: 24, end_equity: 100_135.5 },
  { day: '2023-12-27', pnl: -35.25, fees: 0, fills: 0, closed_trades: 0, volume_lots: 0, end_equity: 100_100.25 },
];

export function makeInstrument(over: Partial<InstrumentSummary> = {}): InstrumentSummary {
  return {
    symbol: 'ESH4',
    id: 17077,
    currency: 'USD',
    events: 1_234_567,
    fills: 12,
    volume_lots: 24,
    traded_notional: 5_700_000,
    final_position_lots: -1,
    max_position_lots: 4,
    time_in_market: 0.375,
    slippage_fills: 10,
    avg_slippage_ticks: -0.5,
    avg_slippage: -6.25,
    realized_pnl: 120,
    fees: 10.2,
    final_bid: 4810,
    final_ask: 4810.25,
    ...over,
  };
}

export function makeResults(over: { strategy?: string; points?: number; fills?: number; dipAt?: number; priceEvery?: number } = {}): BacktestResults {
  const curve = makeCurve(over.points ?? 300, over.dipAt ?? -1);
  const fills = makeFills(over.fills ?? 12);
  const stats = computeStatistics({
    startingCapital: 100_000,
    equity: curve.map((p) => p.equity),
    maxDrawdown: Math.max(0, ...curve.map((p) => p.interval_max_drawdown ?? p.drawdown)),
    samplingIntervalS: 60,
    periodsPerYear: 347_760,
    closedTradePnls: [120, -40, 60, -20, 0],
    realizedPnl: 120,
    unrealizedPnl: 15.5,
    fees: 10.2,
    orders: 40,
    fills: fills.length,
    volumeLots: 24,
    tradedNotional: 5_700_000,
    slippage: { fills: 10, avgTicks: -0.5, avg: -6.25, cost: -62.5 },
    timeInMarket: 0.375,
    maxPositionLots: { ESH4: 4 },
    maxGrossPositionLots: 4,
  });
  return {
    bulwark_version: '0.1.0',
    run: {
      strategy: over.strategy ?? 'market-maker',
      mode: 'backtest',
      seed: 42,
      code_hash: 'c0ffee1234',
      config_hash: 'deadbeef5678',
      config_path: 'examples/market-maker-es.toml',
      instrument: 'ESH4',
      currency: 'USD',
      start: '2023-12-26T00:00:00.000000000Z',
      end: '2023-12-26T05:00:00.000000000Z',
      trading_day_start_utc: '00:00',
    },
    data: {
      files: ['data/es-2023-12-26.csv.zst'],
      events: 1_234_567,
      rejected: 17,
      rejected_by_reason: { crossed_book: 5, bad_price: 12 },
      crossed_book_events: 5,
      events_by_instrument: { ESH4: 1_234_567 },
      unknown_order_events: 0,
      duplicate_add_events: 0,
      book_snapshots: 1,
      book_snapshot_resets: 0,
    },
    orders: {
      submitted: 40,
      accepted: 38,
      filled: 10,
      partially_filled: 2,
      canceled: 25,
      rejected: 2,
      rejected_by_reason: { POST_ONLY_WOULD_TAKE: 1 },
      denied: 3,
      denied_by_reason: { MAX_POSITION: 2, PRICE_COLLAR: 1 },
    },
    risk: {
      state: 'NORMAL',
      max_gross_position: 4,
      transitions: [
        { t: (TIME_BASE_NS + 3_600_000_000_000n).toString(), from: 'NORMAL', to: 'WARNING', reason: 'drawdown 3.1% > 3%' },
        { t: (TIME_BASE_NS + 7_200_000_000_000n).toString(), from: 'WARNING', to: 'NORMAL', reason: 'reset' },
      ],
    },
    stats,
    equity_curve: curve,
    fills,
    instruments: [makeInstrument()],
    daily_pnl: DAILY,
    price_series: curve.length > 0 ? [makePriceSeries(curve, over.priceEvery ?? 1)] : [],
  };
}
