/**
 * The results contract: what `bulwark backtest` writes to results.json. Scripts and later
 * issues rely on these field names; add fields, never rename them.
 * All money is in the account currency as decimal numbers (statistics only; the engine itself
 * keeps money in BigInt nanos). Times are ISO-8601 strings or epoch-ns strings.
 */
export interface EquityPoint {
  /** Epoch ns as a decimal string (exact). */
  t: string;
  equity: number;
  /** Drawdown from the running peak at this point, as a fraction of the peak. */
  drawdown: number;
  position: number;
  /**
   * Optional (added by EquitySampler): the largest drawdown reached at any update inside this
   * point's sampling interval (>= drawdown), so a trough between two samples still shows in charts.
   */
  interval_max_drawdown?: number;
}

export interface FillPoint {
  t: string;
  side: 'BUY' | 'SELL';
  price: number;
  qty: number;
  liquidity: 'MAKER' | 'TAKER';
  fee: number;
  /** Symbol of the instrument filled (added with multi-instrument replay). */
  instrument?: string;
  /** Mid of the book when the strategy sent (or last re-priced) the order; null when the book had no two-sided mid. */
  decision_mid?: number | null;
  /** Signed slippage vs decision_mid in ticks, positive = worse for us; null without a decision mid. */
  slippage_ticks?: number | null;
}

/** One interval of an instrument's price line (see PriceSampler). */
export interface PricePoint {
  /** Epoch ns (decimal string) of the last price in the interval. */
  t: string;
  /** Last price of the interval. */
  price: number;
  low: number;
  high: number;
}

export interface PriceSeries {
  instrument: string;
  /** What the prices are: trade prints, quote/book mids, bar closes (low/high from the bars), 'mixed', or 'none'. */
  source: 'trades' | 'mid' | 'bars' | 'mixed' | 'none';
  interval_s: number;
  points: PricePoint[];
}

/** One trading day (see DailyPnl.ts for the day boundaries). Money in the account currency. */
export interface DailyPnlRow {
  /** YYYY-MM-DD label of the trading day. */
  day: string;
  /** Change of equity over the day (marked to market, net of fees). */
  pnl: number;
  fees: number;
  fills: number;
  closed_trades: number;
  volume_lots: number;
  end_equity: number;
}

/** Per-instrument figures of a run (definitions in ExecutionTracker.ts). */
export interface InstrumentSummary {
  symbol: string;
  id: number;
  currency: string;
  /** Market events of this instrument that were replayed. */
  events: number;
  fills: number;
  volume_lots: number;
  traded_notional: number;
  final_position_lots: number;
  max_position_lots: number;
  time_in_market: number;
  slippage_fills: number;
  avg_slippage_ticks: number;
  avg_slippage: number;
  realized_pnl: number;
  fees: number;
  /** Best bid / ask of the instrument's book at the end of the replay; null when that side is empty. */
  final_bid: number | null;
  final_ask: number | null;
}

export interface PerformanceStats {
  starting_capital: number;
  final_equity: number;
  total_return: number;
  net_pnl: number;
  realized_pnl: number;
  unrealized_pnl: number;
  /** Annualised Sharpe ratio of per-interval returns (risk-free 0). */
  sharpe: number;
  sortino: number;
  /** Sampling interval of the returns behind sharpe/sortino, in seconds, and the periods per year used to annualise. */
  sampling_interval_s: number;
  periods_per_year: number;
  /** Largest peak-to-trough fall of equity, as a fraction of the peak (0.05 = 5 %). */
  max_drawdown: number;
  /** Gross profit of winning closed trades / gross loss of losing ones (Infinity printed as null). */
  profit_factor: number | null;
  win_rate: number;
  closed_trades: number;
  orders: number;
  fills: number;
  fill_ratio: number;
  fees: number;
  volume_lots: number;
  /**
   * Added with issue #3 (definitions in PerformanceStatistics.ts and ExecutionTracker.ts).
   * Compound annual growth over the run: (final / starting equity)^(periods_per_year / n) - 1,
   * n = sampled periods; null when it overflows a double.
   */
  annualized_return: number | null;
  /** annualized_return / max_drawdown; null when max_drawdown is 0 or annualized_return is null. */
  calmar: number | null;
  /** Mean net P&L per closed trade (0 without closed trades). */
  expectancy: number;
  /** Fills that had a decision mid (the ones the slippage averages are over). */
  slippage_fills: number;
  /** Mean signed slippage vs mid at decision time per fill, in ticks (positive = worse for us). */
  avg_slippage_ticks: number;
  /** Mean signed slippage per fill in currency (ticks x lots x tick value). */
  avg_slippage: number;
  /** Sum of the signed slippage of all fills with a decision mid, currency. */
  slippage_cost: number;
  /** Sum over fills of |price| x qty x multiplier. */
  traded_notional: number;
  /** Mean of the starting capital and the sampled equity series. */
  average_equity: number;
  /** traded_notional / average_equity over the run (not annualised). */
  turnover: number;
  /** Fraction of [first event, last event] with any position open. */
  time_in_market: number;
  /** Largest |position| per instrument symbol, lots. */
  max_position_lots: Record<string, number>;
  /** Largest sum over instruments of |position|, lots. */
  max_gross_position_lots: number;
}

export interface BacktestResults {
  bulwark_version: string;
  run: {
    strategy: string;
    mode: 'backtest';
    seed: number;
    code_hash: string;
    config_hash: string;
    config_path: string;
    instrument: string;
    currency: string;
    start: string;
    end: string;
    /** Start of the trading day used by daily_pnl, HH:MM UTC (output.trading_day_start_utc). */
    trading_day_start_utc: string;
  };
  data: {
    files: string[];
    events: number;
    rejected: number;
    rejected_by_reason: Record<string, number>;
    crossed_book_events: number;
    /** Events per instrument symbol. */
    events_by_instrument: Record<string, number>;
    /** L3 (MBO) books: cancels/modifies of orders not in the book, and adds of orders already in it. */
    unknown_order_events: number;
    duplicate_add_events: number;
    /** L3 books: snapshots started, and those that cleared a non-empty book first (a new day's file). */
    book_snapshots: number;
    book_snapshot_resets: number;
  };
  orders: {
    submitted: number;
    accepted: number;
    filled: number;
    partially_filled: number;
    canceled: number;
    rejected: number;
    /** Venue rejections by reason (e.g. POST_ONLY_WOULD_TAKE). */
    rejected_by_reason: Record<string, number>;
    denied: number;
    denied_by_reason: Record<string, number>;
  };
  risk: {
    state: string;
    max_gross_position: number;
    transitions: { t: string; from: string; to: string; reason: string }[];
  };
  stats: PerformanceStats;
  equity_curve: EquityPoint[];
  fills: FillPoint[];
  /** Per-instrument figures, in the order of trading.instruments. */
  instruments: InstrumentSummary[];
  /** One row per trading day with data. */
  daily_pnl: DailyPnlRow[];
  /** Price line per instrument, sampled per output.equity_sample_interval_s. */
  price_series: PriceSeries[];
}
