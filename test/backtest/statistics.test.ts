import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeStatistics,
  EquitySampler,
  maxDrawdownOf,
  periodReturns,
  periodsPerYear,
  type StatsInput,
} from '../../src/backtest/PerformanceStatistics.ts';

function close(actual: number, expected: number, tol = 1e-9, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual}`);
}

function input(over: Partial<StatsInput>): StatsInput {
  return {
    startingCapital: 100,
    equity: [],
    samplingIntervalS: 60,
    periodsPerYear: 4,
    closedTradePnls: [],
    realizedPnl: 0,
    unrealizedPnl: 0,
    fees: 0,
    orders: 0,
    fills: 0,
    volumeLots: 0,
    ...over,
  };
}

describe('computeStatistics', () => {
  it('matches hand-computed Sharpe, Sortino, max drawdown and return', () => {
    // Starting capital 100, equity 110, 104.5, 125.4, 131.67:
    //   returns r = 110/100-1 = +0.10, 104.5/110-1 = -0.05, 125.4/104.5-1 = +0.20, 131.67/125.4-1 = +0.05
    //   mean = 0.30 / 4 = 0.075
    //   deviations +0.025, -0.125, +0.125, -0.025; squares 0.000625 + 0.015625 + 0.015625 + 0.000625 = 0.0325
    //   sample variance = 0.0325 / 3 = 0.0108333..., std = 0.1040833...
    //   Sharpe = 0.075 / 0.1040833 * sqrt(4) = 0.7205767 * 2 = 1.4411534
    //   downside: only -0.05 -> 0.0025; / n=4 -> 0.000625; DD = 0.025
    //   Sortino = 0.075 / 0.025 * sqrt(4) = 3 * 2 = 6
    //   max drawdown: peak 110, trough 104.5 -> 5.5 / 110 = 0.05
    //   net P&L 31.67, total return 0.3167
    const s = computeStatistics(input({ equity: [110, 104.5, 125.4, 131.67], periodsPerYear: 4 }));
    close(s.sharpe, (0.075 / Math.sqrt(0.0325 / 3)) * 2, 1e-9, 'sharpe');
    close(s.sharpe, 1.4411534, 1e-6, 'sharpe (decimal)');
    close(s.sortino, 6, 1e-9, 'sortino');
    close(s.max_drawdown, 0.05, 1e-12, 'max drawdown');
    close(s.net_pnl, 31.67, 1e-9, 'net pnl');
    close(s.total_return, 0.3167, 1e-9, 'total return');
    assert.equal(s.final_equity, 131.67);
    assert.equal(s.periods_per_year, 4);
    assert.equal(s.sampling_interval_s, 60);
  });

  it('annualises with sqrt(periodsPerYear)', () => {
    const eq = [110, 104.5, 125.4, 131.67];
    const a = computeStatistics(input({ equity: eq, periodsPerYear: 4 }));
    const b = computeStatistics(input({ equity: eq, periodsPerYear: 525_600 }));
    close(b.sharpe / a.sharpe, Math.sqrt(525_600 / 4), 1e-9);
    close(b.sortino / a.sortino, Math.sqrt(525_600 / 4), 1e-9);
  });

  it('takes the deepest drawdown, measured from the starting capital as the first peak', () => {
    // 100 -> 120 (peak) -> 90: 30/120 = 0.25; later 130 -> 117: 13/130 = 0.10. Max = 0.25.
    close(maxDrawdownOf(100, [120, 90, 130, 117]), 0.25, 1e-12);
    // Falling from the start: 100 -> 80 is 0.20 even though no sample is above 100.
    close(maxDrawdownOf(100, [80, 90]), 0.2, 1e-12);
    // An exact max drawdown from the sampler overrides the one computed from samples.
    const s = computeStatistics(input({ equity: [120, 130], maxDrawdown: 0.3 }));
    assert.equal(s.max_drawdown, 0.3);
  });

  it('flat equity gives Sharpe 0, Sortino 0, drawdown 0', () => {
    const s = computeStatistics(input({ equity: [100, 100, 100, 100] }));
    assert.equal(s.sharpe, 0);
    assert.equal(s.sortino, 0);
    assert.equal(s.max_drawdown, 0);
    assert.equal(s.total_return, 0);
  });

  it('identical non-zero returns (std only a rounding residue) give Sharpe 0, not a huge number', () => {
    // 100 * 1.001^i: every return is 0.001 up to rounding, computed std ~1.5e-16 (not 0), which
    // without the tolerance would give a Sharpe of ~5e15.
    const eq: number[] = [];
    for (let i = 1; i <= 50; i++) eq.push(100 * 1.001 ** i);
    const r = periodReturns(100, eq);
    assert.ok(r.some((x) => x !== r[0]), 'the fixture must carry rounding noise');
    const s = computeStatistics(input({ equity: eq, periodsPerYear: 525_600 }));
    assert.equal(s.sharpe, 0);
  });

  it('fewer than 2 returns gives Sharpe 0', () => {
    assert.equal(computeStatistics(input({ equity: [110] })).sharpe, 0);
    assert.equal(computeStatistics(input({ equity: [] })).sharpe, 0);
    assert.equal(computeStatistics(input({ equity: [] })).final_equity, 100);
  });

  it('Sortino is 0 when no period lost money', () => {
    const s = computeStatistics(input({ equity: [101, 103, 104] }));
    assert.ok(s.sharpe > 0);
    assert.equal(s.sortino, 0);
  });

  it('profit factor and win rate of a known trade list', () => {
    // Trades +50, -20, +30, -10, 0: gross profit 80, gross loss 30 -> PF 80/30 = 2.6667.
    // Wins 2 of 5 trades (the break-even trade is not a win) -> 0.4.
    const s = computeStatistics(input({ closedTradePnls: [50, -20, 30, -10, 0] }));
    close(s.profit_factor ?? NaN, 80 / 30, 1e-12, 'profit factor');
    close(s.win_rate, 0.4, 1e-12, 'win rate');
    assert.equal(s.closed_trades, 5);
  });

  it('profit factor is null when there is no losing trade', () => {
    const s = computeStatistics(input({ closedTradePnls: [10, 5] }));
    assert.equal(s.profit_factor, null);
    assert.equal(s.win_rate, 1);
    const none = computeStatistics(input({ closedTradePnls: [] }));
    assert.equal(none.profit_factor, null);
    assert.equal(none.win_rate, 0);
    // null survives JSON (Infinity would silently become null; NaN too).
    assert.match(JSON.stringify(s), /"profit_factor":null/);
  });

  it('fill ratio is fills / orders and 0 without orders', () => {
    close(computeStatistics(input({ orders: 10, fills: 4 })).fill_ratio, 0.4, 1e-12);
    assert.equal(computeStatistics(input({ orders: 0, fills: 0 })).fill_ratio, 0);
  });

  it('passes the counters through', () => {
    const s = computeStatistics(input({ realizedPnl: 12.5, unrealizedPnl: -2.25, fees: 3.1, orders: 7, fills: 9, volumeLots: 42 }));
    assert.deepEqual(
      [s.realized_pnl, s.unrealized_pnl, s.fees, s.orders, s.fills, s.volume_lots, s.starting_capital],
      [12.5, -2.25, 3.1, 7, 9, 42, 100],
    );
  });

  it('skips returns whose base equity is <= 0', () => {
    assert.deepEqual(periodReturns(100, [0, 50, 100]), [-1, 2 - 1]);
    assert.deepEqual(periodReturns(0, [10, 20]), [1]);
  });

  it('annualises the return by compounding over periodsPerYear / n periods and divides by max drawdown for Calmar', () => {
    // 100 -> 110 -> 99 -> 121 over n = 3 periods, 12 periods a year: (1.21)^(12/3) - 1 = 1.21^4 - 1
    // max drawdown: peak 110, trough 99 -> 0.1; Calmar = 1.14358881 / 0.1
    const s = computeStatistics(input({ equity: [110, 99, 121], periodsPerYear: 12 }));
    close(s.annualized_return ?? NaN, 1.21 ** 4 - 1, 1e-12, 'annualised return');
    close(s.annualized_return ?? NaN, 1.14358881, 1e-9, 'annualised return (decimal)');
    close(s.max_drawdown, 0.1, 1e-12);
    close(s.calmar ?? NaN, 11.4358881, 1e-7, 'calmar');
    // a losing run: 100 -> 90 in 1 of 4 periods a year: 0.9^4 - 1 = -0.3439; drawdown 0.1 -> Calmar -3.439
    const l = computeStatistics(input({ equity: [90], periodsPerYear: 4 }));
    close(l.annualized_return ?? NaN, -0.3439, 1e-12);
    close(l.calmar ?? NaN, -3.439, 1e-12);
  });

  it('Calmar is null without a drawdown, and the annualised return is null when it overflows', () => {
    const up = computeStatistics(input({ equity: [101, 102], periodsPerYear: 4 }));
    assert.equal(up.max_drawdown, 0);
    assert.equal(up.calmar, null);
    const huge = computeStatistics(input({ equity: [200, 150], periodsPerYear: 525_600 }));
    assert.equal(huge.annualized_return, null, '(1.5)^262800 is not a double');
    assert.equal(huge.calmar, null);
    assert.match(JSON.stringify(huge), /"annualized_return":null,"calmar":null/);
    assert.equal(computeStatistics(input({ equity: [] })).annualized_return, 0);
    assert.equal(computeStatistics(input({ equity: [0], maxDrawdown: 1 })).annualized_return, -1);
  });

  it('expectancy is the mean net P&L per closed trade', () => {
    close(computeStatistics(input({ closedTradePnls: [50, -20, 30, -10, 0] })).expectancy, 10, 1e-12);
    assert.equal(computeStatistics(input({ closedTradePnls: [] })).expectancy, 0);
  });

  it('turnover is traded notional over the average of the starting capital and the sampled equity', () => {
    // average equity (100 + 110 + 90 + 100) / 4 = 100; notional 2,500 -> turnover 25
    const s = computeStatistics(input({ equity: [110, 90, 100], tradedNotional: 2_500 }));
    assert.equal(s.average_equity, 100);
    assert.equal(s.traded_notional, 2_500);
    assert.equal(s.turnover, 25);
    assert.equal(computeStatistics(input({ startingCapital: 0, equity: [0], tradedNotional: 5 })).turnover, 0);
  });

  it('passes slippage, time in market and max positions through', () => {
    const s = computeStatistics(
      input({
        slippage: { fills: 4, avgTicks: -0.5, avg: -6.25, cost: -25 },
        timeInMarket: 0.25,
        maxPositionLots: { ESH4: 3, NQH4: 1 },
        maxGrossPositionLots: 4,
      }),
    );
    assert.deepEqual(
      [s.slippage_fills, s.avg_slippage_ticks, s.avg_slippage, s.slippage_cost, s.time_in_market, s.max_position_lots, s.max_gross_position_lots],
      [4, -0.5, -6.25, -25, 0.25, { ESH4: 3, NQH4: 1 }, 4],
    );
    const none = computeStatistics(input({}));
    assert.deepEqual([none.slippage_fills, none.avg_slippage_ticks, none.time_in_market, none.max_position_lots], [0, 0, 0, {}]);
  });

  it('is deterministic', () => {
    const inp = input({ equity: [110, 104.5, 125.4, 131.67], closedTradePnls: [1, -2, 3], orders: 3, fills: 3 });
    assert.equal(JSON.stringify(computeStatistics(inp)), JSON.stringify(computeStatistics(inp)));
  });
});

describe('periodsPerYear', () => {
  it('counts trading intervals of a calendar', () => {
    assert.equal(periodsPerYear(60, '24x7'), 525_600);
    assert.equal(periodsPerYear(60, 'cme_globex'), 347_760);
    assert.equal(periodsPerYear(60), 347_760);
    assert.equal(periodsPerYear(1, '24x7'), 31_536_000);
    assert.throws(() => periodsPerYear(0));
  });
});

describe('EquitySampler', () => {
  const S = 1_000_000_000; // ns per second

  it('keeps the last value of each interval, intervals aligned to the time base', () => {
    const s = new EquitySampler(100, 60);
    s.update(0, 100, 0);
    s.update(30 * S, 101, 1);
    s.update(60 * S - 1, 102, 2); // last ns of interval 0
    s.update(60 * S, 103, 3); // first ns of interval 1
    s.update(119 * S, 104, 4);
    s.update(185 * S, 99, 5); // interval 3 (interval 2 saw nothing: no point)
    assert.equal(s.size, 3);
    assert.deepEqual(s.equitySeries(), [102, 104, 99]);
    assert.deepEqual(s.sampleTimesNs(), [60 * S - 1, 119 * S, 185 * S]);
    const base = 1_703_548_800_000_000_000n; // 2023-12-26T00:00:00Z
    const curve = s.toEquityCurve(base);
    assert.deepEqual(
      curve.map((p) => p.t),
      [(base + 60n * 1_000_000_000n - 1n).toString(), (base + 119n * 1_000_000_000n).toString(), (base + 185n * 1_000_000_000n).toString()],
    );
    assert.deepEqual(
      curve.map((p) => p.position),
      [2, 4, 5],
    );
    // Peak 104; last equity 99 -> drawdown 5/104.
    close(curve[2].drawdown, 5 / 104, 1e-15);
    assert.equal(s.lastEquity, 99);
    assert.equal(s.peak, 104);
  });

  it('aligns to the time base, not to the first update', () => {
    const s = new EquitySampler(100, 60);
    s.update(50 * S, 100, 0); // interval 0 even though the run starts at 50 s
    s.update(70 * S, 101, 0); // interval 1: only 20 s later
    assert.equal(s.size, 2);
  });

  it('catches a max drawdown between two samples', () => {
    const s = new EquitySampler(100, 60);
    s.update(0, 100, 0);
    s.update(10 * S, 120, 0); // peak
    s.update(20 * S, 90, 0); // trough: (120 - 90) / 120 = 0.25, not the last value of its interval
    s.update(30 * S, 119, 0); // sampled value for interval 0
    s.update(60 * S, 121, 0); // new peak, sampled value for interval 1
    assert.deepEqual(s.equitySeries(), [119, 121]);
    // From the samples alone (100 -> 119 -> 121) there is no drawdown at all:
    close(maxDrawdownOf(100, s.equitySeries()), 0, 1e-12);
    close(s.maxDrawdown, 0.25, 1e-15);
    assert.equal(s.drawdown, 0);
    const curve = s.toEquityCurve(0n);
    close(curve[0].interval_max_drawdown ?? NaN, 0.25, 1e-15);
    close(curve[0].drawdown, 1 / 120, 1e-15);
    const stats = computeStatistics({
      ...input({ equity: s.equitySeries(), maxDrawdown: s.maxDrawdown }),
    });
    close(stats.max_drawdown, 0.25, 1e-15);
  });

  it('measures drawdown from the starting equity before any new high', () => {
    const s = new EquitySampler(1000, 60);
    s.update(0, 900, 0);
    close(s.maxDrawdown, 0.1, 1e-15);
  });

  it('supports sub-second intervals and rejects time going backwards', () => {
    const s = new EquitySampler(100, 0.5);
    s.update(0, 100, 0);
    s.update(S / 2 - 1, 100, 0);
    s.update(S / 2, 100, 0);
    assert.equal(s.size, 2);
    assert.throws(() => s.update(S / 4, 100, 0), RangeError);
    assert.throws(() => new EquitySampler(100, 0), RangeError);
  });

  it('places updates at exact interval boundaries late in a long run', () => {
    const s = new EquitySampler(100, 1);
    const k = 8_000_000; // ~92 days of 1 s intervals, clock ns near 2^53
    s.update(k * S - 1, 1, 0);
    s.update(k * S, 2, 0);
    s.update((k + 1) * S - 1, 3, 0);
    assert.equal(s.size, 2);
    assert.deepEqual(s.equitySeries(), [1, 3]);
  });
});
