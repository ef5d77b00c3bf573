import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSummaryTable } from '../../src/backtest/SummaryTable.ts';
import { formatNumber, formatPercent } from '../../src/backtest/format.ts';
import { makeResults } from './fixtures.ts';

/** The value cell of the row whose label starts with `label`. */
function value(table: string, label: string): string {
  const line = table.split('\n').find((l) => l.startsWith(`| ${label}`));
  assert.ok(line, `no row ${label}`);
  return line.split('|')[2].trim();
}

describe('formatSummaryTable', () => {
  it('prints every line at the same width', () => {
    const table = formatSummaryTable(makeResults());
    const lines = table.trimEnd().split('\n');
    const widths = new Set(lines.map((l) => l.length));
    assert.equal(widths.size, 1, table);
    assert.ok(table.endsWith('\n'));
  });

  it('shows the run, counts and statistics', () => {
    const r = makeResults({ fills: 12 });
    const t = formatSummaryTable(r);
    assert.equal(value(t, 'Strategy'), 'market-maker');
    assert.equal(value(t, 'Instrument'), 'ESH4');
    assert.equal(value(t, 'Period'), '2023-12-26T00:00:00.000000000Z -> 2023-12-26T05:00:00.000000000Z');
    assert.equal(value(t, 'Events'), '1,234,567');
    assert.equal(value(t, 'Rejected events'), '17');
    assert.equal(value(t, 'Orders submitted'), '40');
    assert.equal(value(t, 'Orders filled'), '10');
    assert.equal(value(t, 'Orders rejected'), '2');
    assert.equal(value(t, 'Orders denied'), '3');
    assert.equal(value(t, 'Fills'), '12');
    assert.equal(value(t, 'Fill ratio'), '0.300'); // 12 / 40
    assert.equal(value(t, 'Fees'), '10.20 USD');
    // Trades +120, -40, +60, -20, 0: PF 180/60 = 3.00; 2 wins of 5 = 40.0%.
    assert.equal(value(t, 'Profit factor'), '3.00');
    assert.equal(value(t, 'Win rate (5 closed trades)'), '40.0%');
    assert.equal(value(t, 'Net P&L'), `${formatNumber(r.stats.net_pnl, 2)} USD`);
    assert.equal(value(t, 'Total return'), formatPercent(r.stats.total_return));
    assert.equal(value(t, 'Sharpe (60 s, 347,760/yr)'), formatNumber(r.stats.sharpe, 2));
    assert.equal(value(t, 'Max drawdown'), formatPercent(r.stats.max_drawdown));
    assert.equal(value(t, 'Risk state'), 'NORMAL');
    assert.equal(value(t, 'Max gross position'), '4');
  });

  it('shows the issue #3 statistics: Calmar, expectancy, slippage, turnover, time in market, max position', () => {
    const r = makeResults();
    r.stats = { ...r.stats, annualized_return: -0.5, calmar: -25, expectancy: -6.54, turnover: 1004.733, time_in_market: 0.354 };
    const t = formatSummaryTable(r);
    assert.equal(value(t, 'Annualised return (CAGR)'), '-50.00%');
    assert.equal(value(t, 'Calmar'), '-25.00');
    assert.equal(value(t, 'Expectancy (per closed trade)'), '-6.54 USD');
    assert.equal(value(t, 'Avg slippage vs decision mid (10 fills)'), '-0.500 ticks');
    assert.equal(value(t, 'Avg slippage per fill'), '-6.25 USD');
    assert.equal(value(t, 'Traded notional'), '5,700,000.00 USD');
    assert.equal(value(t, 'Turnover (notional / avg equity)'), '1,004.73x');
    assert.equal(value(t, 'Time in market'), '35.4%');
    assert.equal(value(t, 'Max position ESH4 (lots)'), '4');
    r.stats = { ...r.stats, annualized_return: null, calmar: null };
    assert.equal(value(formatSummaryTable(r), 'Annualised return (CAGR)'), 'n/a');
    assert.equal(value(formatSummaryTable(r), 'Calmar'), 'n/a');
  });

  it('prints a null profit factor as inf when there are wins and n/a otherwise', () => {
    const r = makeResults();
    r.stats = { ...r.stats, profit_factor: null, closed_trades: 3, win_rate: 1 };
    assert.equal(value(formatSummaryTable(r), 'Profit factor'), 'inf (no losing trades)');
    r.stats = { ...r.stats, profit_factor: null, closed_trades: 0, win_rate: 0 };
    assert.equal(value(formatSummaryTable(r), 'Profit factor'), 'n/a');
  });

  it('neutralises control characters in names', () => {
    const t = formatSummaryTable(makeResults({ strategy: 'mm\u001b[31mred' }));
    assert.ok(!t.includes('\u001b'));
    assert.equal(value(t, 'Strategy'), 'mm?[31mred');
  });
});

describe('format helpers', () => {
  it('groups thousands, fixes decimals and drops negative zero, independent of locale', () => {
    assert.equal(formatNumber(-1234567.891, 2), '-1,234,567.89');
    assert.equal(formatNumber(-0.001, 2), '0.00');
    assert.equal(formatNumber(1000, 0), '1,000');
    assert.equal(formatNumber(123.4, 1), '123.4');
    assert.equal(formatNumber(Number.NaN), 'n/a');
    assert.equal(formatPercent(0.12345), '12.35%');
  });
});
