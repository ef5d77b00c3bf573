/**
 * Performance statistics of a run: an equity sampler fed by the engine on every mark and fill,
 * and a pure function turning the sampled series and the run's counters into PerformanceStats.
 *
 * Everything here is deterministic: no wall clock, no randomness, every sum taken in input order,
 * so the same run gives the same bytes in results.json.
 *
 * Definitions (what a quant will check):
 *
 *   e_0          = starting capital; e_1..e_n = the sampled equity series, one value per sampling
 *                  interval that saw at least one update (the LAST equity of that interval).
 *   r_i          = e_i / e_(i-1) - 1, simple per-interval return, i = 1..n. The first return is
 *                  measured from the starting capital. A return whose base e_(i-1) <= 0 is
 *                  undefined (account blown) and is left out.
 *   Intervals with no update (market closed, no events) produce no sample and therefore no return:
 *   a closed market is not a zero-return period. So periodsPerYear must count the *trading*
 *   intervals of the instrument's calendar (see periodsPerYear() below), not calendar intervals.
 *   The last interval may be partial (the run ends inside it); it still counts as one period.
 *
 *   Sharpe       = mean(r) / std(r) * sqrt(periodsPerYear), risk-free rate 0, std the sample
 *                  standard deviation (divisor n-1). 0 when there are fewer than 2 returns or
 *                  std is 0 (flat equity). "std is 0" is tested with a relative tolerance
 *                  (std <= 1e-12 * |mean|) so that a series of identical returns, whose computed
 *                  std is a rounding residue, does not produce an astronomically large ratio.
 *   Sortino      = mean(r) / DD * sqrt(periodsPerYear), DD = sqrt( sum_i min(r_i, 0)^2 / n ): the
 *                  downside deviation below a target of 0, averaged over ALL n periods (periods
 *                  with a positive return count as 0 in the numerator, and count in n), as in
 *                  Sortino & Price (1994). 0 when there are fewer than 2 returns or DD is 0 (no
 *                  losing period): the field is a plain number in the results contract, so an
 *                  undefined ratio is reported as 0, like Sharpe.
 *   Max drawdown = max over every equity update of (peak - equity) / peak, peak = running maximum
 *                  of equity including the starting capital, as a fraction of the peak
 *                  (0.05 = 5 %). Taken from EquitySampler, which checks it on EVERY update, so a
 *                  trough between two samples is not missed; computed from the sampled series
 *                  only when the caller does not pass it. Counts 0 while the peak is <= 0.
 *                  May exceed 1 when equity goes negative (a leveraged loss beyond the capital).
 *   Net P&L      = final equity - starting capital (equity is already net of fees).
 *   Total return = net P&L / starting capital (0 when the starting capital is <= 0).
 *   Profit factor= gross profit / gross loss over closed trades, gross profit = sum of positive
 *                  trade P&Ls, gross loss = |sum of negative trade P&Ls|. null when the gross loss
 *                  is 0 (no losing trade, which includes no trade at all); the JSON holds null
 *                  and the summary table / HTML report print "inf (no losing trades)" when there
 *                  are winning trades, and "n/a" otherwise.
 *   Win rate     = trades with P&L > 0 / closed trades; a break-even trade (P&L exactly 0)
 *                  counts as a trade but not as a win. 0 when there are no closed trades.
 *   Fill ratio   = fills / orders submitted, 0 when no orders. Counts fill events, so partial
 *                  fills of one order can push it above 1.
 *   Closed trade = what the caller passes in closedTradePnls: the net P&L (after fees) of each
 *                  closed round trip or position-reducing fill.
 *   Expectancy   = mean net P&L per closed trade = sum(closedTradePnls) / closed trades; 0 when
 *                  there are no closed trades.
 *   Annualised return = (final equity / starting capital)^(periodsPerYear / n) - 1, n = the
 *                  number of sampled periods (equity.length): the run's growth compounded over a
 *                  trading year of the same periods that annualise Sharpe (CAGR). -1 when final
 *                  equity <= 0; 0 when n = 0 or the starting capital <= 0; null when the result
 *                  overflows a double (a large gain over a few periods). Over a short run this is
 *                  an extrapolation, like an annualised Sharpe of a short run.
 *   Calmar       = annualised return / max drawdown (as fractions, e.g. -0.5 / 0.02 = -25) over
 *                  the whole run, not the customary trailing 36 months; null when max drawdown is
 *                  0 or the annualised return is null.
 *   Average equity = mean of e_0 (starting capital) and the sampled e_1..e_n.
 *   Turnover     = traded notional / average equity, over the run (not annualised): 2.5 means the
 *                  run traded 2.5 times its average equity. 0 when average equity <= 0. Traded
 *                  notional = sum over fills of |price| x qty x multiplier (the caller's).
 *   Slippage, time in market, max position: computed by ExecutionTracker (definitions there) and
 *                  passed through.
 */
import type { EquityPoint, PerformanceStats } from './BacktestResults.ts';

// ----------------------------------------------------------------------------------------------
// Annualisation

/** Default sampling interval of the equity series behind Sharpe/Sortino: one minute. */
export const DEFAULT_SAMPLING_INTERVAL_S = 60;

/**
 * Trading calendars for annualisation, in trading seconds per year.
 * - `24x7`:            crypto; 365 days x 24 h (525,600 one-minute periods).
 * - `cme_globex`:      CME Globex futures (ES, NQ, ...); 252 sessions x 23 h (347,760 minutes).
 * - `us_equities_rth`: US cash equities regular hours; 252 days x 6.5 h (98,280 minutes).
 */
export const TRADING_SECONDS_PER_YEAR = {
  '24x7': 365 * 24 * 3_600,
  cme_globex: 252 * 23 * 3_600,
  us_equities_rth: 252 * 6.5 * 3_600,
} as const;

export type TradingCalendar = keyof typeof TRADING_SECONDS_PER_YEAR;

/**
 * Default calendar when a config does not name one: CME Globex (347,760 one-minute periods a
 * year). Why: the reference instrument of Bulwark is ES futures; returns are only counted for
 * intervals that saw data, so the count must be of trading intervals; and if it is misapplied to
 * a 24/7 market it understates Sharpe (x0.81) rather than overstating it (x1.23 the other way
 * round), which is the safe side of the promotion gate "Sharpe > 1".
 */
export const DEFAULT_TRADING_CALENDAR: TradingCalendar = 'cme_globex';

/** Number of sampling intervals in a trading year of `calendar`: e.g. (60, '24x7') -> 525,600. */
export function periodsPerYear(samplingIntervalS: number, calendar: TradingCalendar = DEFAULT_TRADING_CALENDAR): number {
  if (!(samplingIntervalS > 0) || !Number.isFinite(samplingIntervalS)) {
    throw new RangeError(`sampling interval must be a positive number of seconds, got ${samplingIntervalS}`);
  }
  return TRADING_SECONDS_PER_YEAR[calendar] / samplingIntervalS;
}

// ----------------------------------------------------------------------------------------------
// Equity sampler

/**
 * End (exclusive) of the sampling interval containing clock time tsNs: (k+1)*step with
 * k = floor(tsNs / step). The float quotient is exact enough for integer clock ns below 2^53
 * (the clock's exact range, ~104 days); the two loops re-check the boundaries with integer
 * products so k*step <= tsNs < (k+1)*step holds by construction. Called only when a new
 * interval starts.
 */
export function intervalEndAfter(tsNs: number, step: number): number {
  let k = Math.floor(tsNs / step);
  while (k * step > tsNs) k--;
  while ((k + 1) * step <= tsNs) k++;
  return (k + 1) * step;
}

/**
 * Samples the equity curve: fed on every mark and fill with (clock ns, equity, position), keeps
 * one point per sampling interval that saw an update: the LAST value of the interval. Intervals
 * are aligned to the clock's time base (clock time 0, normally UTC midnight), i.e. interval k is
 * [k * interval, (k+1) * interval) in clock ns, so 60 s intervals are wall-clock minutes.
 * A point's time is the clock time of its last update (exact, never in the future of the data).
 *
 * Peak, drawdown and max drawdown are updated on every call, not only on sampled points.
 * Per call: a few compares and stores, no allocation; arrays grow only when a new interval starts,
 * so memory is bounded by the number of intervals (struct-of-arrays, no object per point).
 */
export class EquitySampler {
  readonly intervalNs: number;
  readonly samplingIntervalS: number;
  readonly startingEquity: number;

  private readonly ts: number[] = [];
  private readonly eq: number[] = [];
  private readonly dd: number[] = [];
  private readonly intervalMaxDd: number[] = [];
  private readonly pos: number[] = [];

  /** Clock ns at which the current interval ends; the first update always starts an interval. */
  private intervalEndNs = -Infinity;
  private lastTsNs = -Infinity;
  private peakEquity: number;
  private currentDrawdown = 0;
  private maxDd = 0;
  private last: number;

  constructor(startingEquity: number, samplingIntervalS: number = DEFAULT_SAMPLING_INTERVAL_S) {
    const intervalNs = Math.round(samplingIntervalS * 1e9);
    if (!(intervalNs > 0) || !Number.isSafeInteger(intervalNs)) {
      throw new RangeError(`sampling interval must be a positive number of seconds, got ${samplingIntervalS}`);
    }
    this.intervalNs = intervalNs;
    this.samplingIntervalS = samplingIntervalS;
    this.startingEquity = startingEquity;
    this.peakEquity = startingEquity;
    this.last = startingEquity;
  }

  /** Records equity and position at clock time `tsNs`. Times must not go backwards. */
  update(tsNs: number, equity: number, position: number): void {
    if (tsNs < this.lastTsNs) {
      throw new RangeError(`equity update at ${tsNs} ns is before the previous one at ${this.lastTsNs} ns`);
    }
    this.lastTsNs = tsNs;
    this.last = equity;
    if (equity > this.peakEquity) this.peakEquity = equity;
    const peak = this.peakEquity;
    const dd = peak > 0 ? (peak - equity) / peak : 0;
    this.currentDrawdown = dd;
    if (dd > this.maxDd) this.maxDd = dd;

    if (tsNs >= this.intervalEndNs) {
      this.intervalEndNs = intervalEndAfter(tsNs, this.intervalNs);
      this.ts.push(tsNs);
      this.eq.push(equity);
      this.dd.push(dd);
      this.intervalMaxDd.push(dd);
      this.pos.push(position);
      return;
    }
    const i = this.ts.length - 1;
    this.ts[i] = tsNs;
    this.eq[i] = equity;
    this.dd[i] = dd;
    if (dd > this.intervalMaxDd[i]) this.intervalMaxDd[i] = dd;
    this.pos[i] = position;
  }

  /** Running peak equity (starting equity included). */
  get peak(): number {
    return this.peakEquity;
  }

  /** Drawdown at the latest update, as a fraction of the peak. */
  get drawdown(): number {
    return this.currentDrawdown;
  }

  /** Largest drawdown seen at any update, as a fraction of the peak. */
  get maxDrawdown(): number {
    return this.maxDd;
  }

  /** Equity at the latest update (the starting equity before any update). */
  get lastEquity(): number {
    return this.last;
  }

  /** Number of sampled points (intervals that saw at least one update). */
  get size(): number {
    return this.ts.length;
  }

  /** The sampled equity values, one per interval, oldest first (a copy): StatsInput.equity. */
  equitySeries(): number[] {
    return this.eq.slice();
  }

  /** Clock ns of each sampled point (the last update of its interval), oldest first (a copy). */
  sampleTimesNs(): number[] {
    return this.ts.slice();
  }

  /** The sampled points as results-contract EquityPoints; t = timeBaseNs + clock ns, exact. */
  toEquityCurve(timeBaseNs: bigint): EquityPoint[] {
    const out: EquityPoint[] = new Array<EquityPoint>(this.ts.length);
    for (let i = 0; i < this.ts.length; i++) {
      out[i] = {
        t: (timeBaseNs + BigInt(this.ts[i])).toString(),
        equity: this.eq[i],
        drawdown: this.dd[i],
        position: this.pos[i],
        interval_max_drawdown: this.intervalMaxDd[i],
      };
    }
    return out;
  }
}

// ----------------------------------------------------------------------------------------------
// Statistics

export interface StatsInput {
  startingCapital: number;
  /** Sampled equity, one value per sampling interval, oldest first (EquitySampler.equitySeries()). */
  equity: readonly number[];
  /** Equity at the end of the run; defaults to the last sampled value (or the starting capital). */
  finalEquity?: number;
  /**
   * Exact max drawdown over every update (EquitySampler.maxDrawdown). When absent it is computed
   * from the sampled series, which can miss a trough inside an interval.
   */
  maxDrawdown?: number;
  samplingIntervalS: number;
  /** Sampling intervals per trading year used to annualise; explicit, see periodsPerYear(). */
  periodsPerYear: number;
  /** Net P&L (after fees) of each closed round trip or position-reducing fill, in order. */
  closedTradePnls: readonly number[];
  realizedPnl: number;
  unrealizedPnl: number;
  fees: number;
  orders: number;
  fills: number;
  volumeLots: number;
  /** Sum over fills of |price| x qty x multiplier, currency (0 when absent). */
  tradedNotional?: number;
  /** Slippage vs mid at decision time (ExecutionTracker.totals()); zeros when absent. */
  slippage?: { fills: number; avgTicks: number; avg: number; cost: number };
  /** Fraction of the replay with a position open (ExecutionTracker.timeInMarket()). */
  timeInMarket?: number;
  /** Largest |position| per instrument symbol, lots. */
  maxPositionLots?: Readonly<Record<string, number>>;
  maxGrossPositionLots?: number;
}

/** r_i = e_i / e_(i-1) - 1 with e_0 = startingCapital; returns with a base <= 0 are left out. */
export function periodReturns(startingCapital: number, equity: readonly number[]): number[] {
  const out: number[] = [];
  let prev = startingCapital;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (prev > 0) out.push(e / prev - 1);
    prev = e;
  }
  return out;
}

function mean(xs: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  return sum / xs.length;
}

/** Annualised Sharpe of per-period returns (see the definitions at the top of this file). */
export function sharpeRatio(returns: readonly number[], periodsPerYearValue: number): number {
  const n = returns.length;
  if (n < 2) return 0;
  const m = mean(returns);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i] - m;
    ss += d * d;
  }
  const std = Math.sqrt(ss / (n - 1));
  if (!(std > 1e-12 * Math.abs(m))) return 0;
  return (m / std) * Math.sqrt(periodsPerYearValue);
}

/** Annualised Sortino of per-period returns, downside deviation vs 0 over all n periods. */
export function sortinoRatio(returns: readonly number[], periodsPerYearValue: number): number {
  const n = returns.length;
  if (n < 2) return 0;
  const m = mean(returns);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i];
    if (r < 0) ss += r * r;
  }
  const downside = Math.sqrt(ss / n);
  if (!(downside > 0)) return 0;
  return (m / downside) * Math.sqrt(periodsPerYearValue);
}

/** Max of (peak - e) / peak over the series, peak starting at startingCapital; 0 while peak <= 0. */
export function maxDrawdownOf(startingCapital: number, equity: readonly number[]): number {
  let peak = startingCapital;
  let maxDd = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    if (peak > 0) {
      const dd = (peak - e) / peak;
      if (dd > maxDd) maxDd = dd;
    }
  }
  return maxDd;
}

/** Profit factor and win rate of a list of closed-trade P&Ls (definitions at the top). */
export function tradeStatistics(closedTradePnls: readonly number[]): {
  profitFactor: number | null;
  winRate: number;
  closedTrades: number;
} {
  let grossProfit = 0;
  let grossLoss = 0;
  let wins = 0;
  for (let i = 0; i < closedTradePnls.length; i++) {
    const p = closedTradePnls[i];
    if (p > 0) {
      grossProfit += p;
      wins++;
    } else if (p < 0) {
      grossLoss -= p;
    }
  }
  const n = closedTradePnls.length;
  return {
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    winRate: n > 0 ? wins / n : 0,
    closedTrades: n,
  };
}

/** CAGR over the run (definition at the top); null when it overflows. */
export function annualizedReturn(startingCapital: number, finalEquity: number, periods: number, periodsPerYearValue: number): number | null {
  if (!(startingCapital > 0) || periods <= 0) return 0;
  if (!(finalEquity > 0)) return -1;
  const r = (finalEquity / startingCapital) ** (periodsPerYearValue / periods) - 1;
  return Number.isFinite(r) ? r : null;
}

/** Annualised return / max drawdown; null when either makes the ratio undefined. */
export function calmarRatio(annualized: number | null, maxDrawdown: number): number | null {
  if (annualized === null || !(maxDrawdown > 0)) return null;
  return annualized / maxDrawdown;
}

/** Mean of the starting capital and the sampled equity values. */
export function averageEquity(startingCapital: number, equity: readonly number[]): number {
  let sum = startingCapital;
  for (let i = 0; i < equity.length; i++) sum += equity[i];
  return sum / (equity.length + 1);
}

/** Computes the results-contract PerformanceStats; pure and deterministic. */
export function computeStatistics(input: StatsInput): PerformanceStats {
  if (!(input.periodsPerYear > 0)) throw new RangeError(`periodsPerYear must be > 0, got ${input.periodsPerYear}`);
  if (!(input.samplingIntervalS > 0)) throw new RangeError(`samplingIntervalS must be > 0, got ${input.samplingIntervalS}`);
  const { startingCapital, equity } = input;
  const finalEquity = input.finalEquity ?? (equity.length > 0 ? equity[equity.length - 1] : startingCapital);
  const netPnl = finalEquity - startingCapital;
  const returns = periodReturns(startingCapital, equity);
  const trades = tradeStatistics(input.closedTradePnls);
  const maxDrawdown = input.maxDrawdown ?? maxDrawdownOf(startingCapital, equity);
  const annualized = annualizedReturn(startingCapital, finalEquity, equity.length, input.periodsPerYear);
  let pnlSum = 0;
  for (let i = 0; i < input.closedTradePnls.length; i++) pnlSum += input.closedTradePnls[i];
  const avgEquity = averageEquity(startingCapital, equity);
  const tradedNotional = input.tradedNotional ?? 0;
  const slip = input.slippage ?? { fills: 0, avgTicks: 0, avg: 0, cost: 0 };
  const maxPositionLots: Record<string, number> = {};
  for (const k of Object.keys(input.maxPositionLots ?? {})) maxPositionLots[k] = input.maxPositionLots?.[k] ?? 0;
  return {
    starting_capital: startingCapital,
    final_equity: finalEquity,
    total_return: startingCapital > 0 ? netPnl / startingCapital : 0,
    net_pnl: netPnl,
    realized_pnl: input.realizedPnl,
    unrealized_pnl: input.unrealizedPnl,
    sharpe: sharpeRatio(returns, input.periodsPerYear),
    sortino: sortinoRatio(returns, input.periodsPerYear),
    sampling_interval_s: input.samplingIntervalS,
    periods_per_year: input.periodsPerYear,
    max_drawdown: maxDrawdown,
    profit_factor: trades.profitFactor,
    win_rate: trades.winRate,
    closed_trades: trades.closedTrades,
    orders: input.orders,
    fills: input.fills,
    fill_ratio: input.orders > 0 ? input.fills / input.orders : 0,
    fees: input.fees,
    volume_lots: input.volumeLots,
    annualized_return: annualized,
    calmar: calmarRatio(annualized, maxDrawdown),
    expectancy: trades.closedTrades > 0 ? pnlSum / trades.closedTrades : 0,
    slippage_fills: slip.fills,
    avg_slippage_ticks: slip.avgTicks,
    avg_slippage: slip.avg,
    slippage_cost: slip.cost,
    traded_notional: tradedNotional,
    average_equity: avgEquity,
    turnover: avgEquity > 0 ? tradedNotional / avgEquity : 0,
    time_in_market: input.timeInMarket ?? 0,
    max_position_lots: maxPositionLots,
    max_gross_position_lots: input.maxGrossPositionLots ?? 0,
  };
}
