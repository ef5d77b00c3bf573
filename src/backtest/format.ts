/**
 * Number and text formatting shared by the terminal summary table and the HTML report, so both
 * show the same values the same way. Locale-free (no toLocaleString, no Intl): the output must be
 * identical on every machine, because reports are compared byte for byte.
 */
import { formatEpochNs } from '../core/clock.ts';
import type { BacktestResults, PerformanceStats } from './BacktestResults.ts';

/** Drops the sign of a negative zero result such as "-0.00". */
function noNegativeZero(s: string): string {
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** Inserts "," every three digits of the integer part: 1234567.5 -> "1,234,567.5". */
function group(s: string): string {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const dot = body.indexOf('.');
  const int = dot < 0 ? body : body.slice(0, dot);
  const frac = dot < 0 ? '' : body.slice(dot);
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + grouped + frac;
}

/** Fixed decimals with thousands separators; "n/a" for NaN/Infinity. */
export function formatNumber(n: number, decimals = 2): string {
  if (!Number.isFinite(n)) return 'n/a';
  return group(noNegativeZero(n.toFixed(decimals)));
}

/** An integer count with thousands separators. */
export function formatInt(n: number): string {
  return formatNumber(Math.round(n), 0);
}

/** A quantity (lots): integers grouped, fractions in shortest round-trip form. */
export function formatQuantity(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Number.isInteger(n)) return formatInt(n);
  const s = String(n);
  return s.includes('e') ? s : group(s);
}

/** A fraction as a percentage: 0.1234 -> "12.34%". */
export function formatPercent(fraction: number, decimals = 2): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  return `${formatNumber(fraction * 100, decimals)}%`;
}

/**
 * Profit factor as printed: the JSON holds null when there is no losing trade; printed as
 * "inf (no losing trades)" when there are winning trades and "n/a" when there is nothing to divide.
 */
export function formatProfitFactor(stats: PerformanceStats): string {
  if (stats.profit_factor !== null) return formatNumber(stats.profit_factor, 2);
  if (stats.closed_trades > 0 && stats.win_rate > 0) return 'inf (no losing trades)';
  return 'n/a';
}

/** A fraction that may be null (undefined in results written before the field existed): "n/a". */
export function formatNullablePercent(fraction: number | null | undefined, decimals = 2): string {
  return fraction === null || fraction === undefined ? 'n/a' : formatPercent(fraction, decimals);
}

export function formatNullableNumber(n: number | null | undefined, decimals = 2): string {
  return n === null || n === undefined ? 'n/a' : formatNumber(n, decimals);
}

/** A results time (epoch-ns decimal string or ISO-8601) as ISO-8601 with nanoseconds. */
export function formatTime(t: string): string {
  if (/^-?\d+$/.test(t)) return formatEpochNs(BigInt(t));
  return t;
}

export interface SummaryRow {
  label: string;
  value: string;
  /** Numbers are right-aligned in the terminal table. */
  numeric: boolean;
}

export interface SummarySection {
  title: string;
  rows: SummaryRow[];
}

/** The rows of the run summary, in display order: one source for the table and the report. */
export function summarySections(r: BacktestResults): SummarySection[] {
  const s = r.stats;
  const text = (label: string, value: string): SummaryRow => ({ label, value, numeric: false });
  const num = (label: string, value: string): SummaryRow => ({ label, value, numeric: true });
  const money = (n: number): string => `${formatNumber(n, 2)} ${r.run.currency}`;
  return [
    {
      title: 'Run',
      rows: [
        text('Strategy', r.run.strategy),
        text('Instrument', r.run.instrument),
        text('Period', `${formatTime(r.run.start)} -> ${formatTime(r.run.end)}`),
        num('Seed', String(r.run.seed)),
      ],
    },
    {
      title: 'Data',
      rows: [
        num('Events', formatInt(r.data.events)),
        num('Rejected events', formatInt(r.data.rejected)),
        num('Crossed-book events', formatInt(r.data.crossed_book_events)),
      ],
    },
    {
      title: 'Orders',
      rows: [
        num('Orders submitted', formatInt(r.orders.submitted)),
        num('Orders filled', formatInt(r.orders.filled)),
        num('Orders rejected', formatInt(r.orders.rejected)),
        num('Orders denied (risk)', formatInt(r.orders.denied)),
        num('Fills', formatInt(s.fills)),
        num('Fill ratio (fills/orders)', formatNumber(s.fill_ratio, 3)),
        num('Volume (lots)', formatQuantity(s.volume_lots)),
      ],
    },
    {
      title: 'Performance',
      rows: [
        num('Starting capital', money(s.starting_capital)),
        num('Final equity', money(s.final_equity)),
        num('Fees', money(s.fees)),
        num('Net P&L', money(s.net_pnl)),
        num('Total return', formatPercent(s.total_return, 2)),
        num(`Sharpe (${formatNumber(s.sampling_interval_s, 0)} s, ${formatNumber(s.periods_per_year, 0)}/yr)`, formatNumber(s.sharpe, 2)),
        num('Sortino', formatNumber(s.sortino, 2)),
        num('Max drawdown', formatPercent(s.max_drawdown, 2)),
        num('Annualised return (CAGR)', formatNullablePercent(s.annualized_return)),
        num('Calmar (ann. return / max DD)', formatNullableNumber(s.calmar, 2)),
        num('Profit factor', formatProfitFactor(s)),
        num(`Win rate (${formatInt(s.closed_trades)} closed trades)`, formatPercent(s.win_rate, 1)),
        num('Expectancy (per closed trade)', money(s.expectancy)),
      ],
    },
    {
      title: 'Execution',
      rows: [
        num(`Avg slippage vs decision mid (${formatInt(s.slippage_fills)} fills)`, `${formatNumber(s.avg_slippage_ticks, 3)} ticks`),
        num('Avg slippage per fill', money(s.avg_slippage)),
        num('Traded notional', money(s.traded_notional)),
        num('Turnover (notional / avg equity)', `${formatNumber(s.turnover, 2)}x`),
        num('Time in market', formatPercent(s.time_in_market, 1)),
        ...Object.keys(s.max_position_lots ?? {}).map((sym) => num(`Max position ${sym} (lots)`, formatQuantity(s.max_position_lots[sym]))),
      ],
    },
    {
      title: 'Risk',
      rows: [text('Risk state', r.risk.state), num('Max gross position', formatQuantity(r.risk.max_gross_position))],
    },
  ];
}
