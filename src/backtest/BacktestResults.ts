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
  };
  data: {
    files: string[];
    events: number;
    rejected: number;
    rejected_by_reason: Record<string, number>;
    crossed_book_events: number;
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
}
