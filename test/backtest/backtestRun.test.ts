import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runBacktest } from '../../src/backtest/BacktestRunner.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { nanosToNumber, sideSign } from '../../src/core/index.ts';

const CONFIG = 'examples/market-maker-es.toml';

test('the example backtest on real ESH4 L3 data: every order, fill and dollar accounted for', () => {
  const { results, node } = runBacktest(loadConfig(CONFIG), { progress: false });
  assert.equal(results.data.events, 68_792);
  assert.equal(results.data.rejected, 0);
  assert.ok(results.data.crossed_book_events > 0, 'the pre-open crossing is reported');
  assert.equal(results.run.strategy, 'mm-es');
  assert.equal(results.run.seed, 42);
  assert.match(results.run.code_hash, /^[0-9a-f]{64}$/);
  assert.match(results.run.config_hash, /^[0-9a-f]{64}$/);

  // orders: every submitted order ended somewhere, nothing is left working after the settle
  const o = results.orders;
  assert.ok(o.submitted > 100, `the market maker traded (${o.submitted} orders)`);
  assert.equal(node.oms.openOrderCount(), 0, 'onStop pulled every quote');
  assert.equal(node.venue.restingCount(), 0);
  assert.equal(node.oms.counters.anomalies, 0, 'no report the OMS could not apply');
  const terminal = o.filled + o.canceled + o.rejected + node.oms.counters.expired;
  assert.equal(terminal, o.submitted, 'submitted = filled + canceled + rejected + expired');

  // fills: position is the signed sum of fills, fees add up, limits held
  let pos = 0;
  let fees = 0;
  for (const f of results.fills) {
    pos += sideSign(f.side) * f.qty;
    fees += f.fee;
    assert.equal(f.liquidity, 'MAKER', 'the example only posts (post-only quotes)');
  }
  assert.equal(pos, node.portfolio.position(17077));
  assert.ok(Math.abs(fees - results.stats.fees) < 1e-6, `${fees} vs ${results.stats.fees}`);
  assert.equal(results.stats.fills, results.fills.length);
  assert.ok(results.risk.max_gross_position <= 5, 'never beyond risk.max_position');
  assert.ok(results.risk.max_gross_position <= 3 + 1, 'the strategy stops buying at max_inventory (one fill may land in flight)');

  // money: equity = capital + realised - fees + unrealised, exactly (BigInt nanos)
  const p = node.portfolio;
  assert.equal(p.equity(), 100_000_000_000_000n + p.realizedPnl() - p.fees() + p.unrealizedPnl());
  assert.ok(Math.abs(results.stats.final_equity - nanosToNumber(p.equity())) < 1e-6);
  assert.ok(Math.abs(results.stats.net_pnl - (results.stats.final_equity - 100_000)) < 1e-6);
  assert.equal(results.equity_curve.at(-1)?.equity, results.stats.final_equity);
  assert.equal(results.risk.state, 'NORMAL');
});

test('the issue #3 figures of the example run agree with its fills, positions and equity', () => {
  const { results, node } = runBacktest(loadConfig(CONFIG), { progress: false });
  const s = results.stats;
  const es = node.instruments.get(17077);
  assert.ok(es);

  // slippage: recomputed from each fill's decision mid and price (ESH4: 0.25 ticks, 12.50 USD a tick)
  let n = 0;
  let ticks = 0;
  let cost = 0;
  for (const f of results.fills) {
    assert.equal(f.instrument, 'ESH4');
    assert.notEqual(f.decision_mid, undefined);
    if (f.decision_mid === null || f.decision_mid === undefined) continue;
    const st = ((f.side === 'BUY' ? 1 : -1) * (f.price - f.decision_mid)) / 0.25;
    assert.equal(f.slippage_ticks, st === 0 ? 0 : st); // (-0 from the test's own sign flip)
    n++;
    ticks += st;
    cost += st * f.qty * 12.5;
  }
  assert.ok(n > 0.95 * results.fills.length && n > 300, `${n} fills of ${results.fills.length} with a decision mid`);
  assert.equal(s.slippage_fills, n);
  assert.ok(Math.abs(s.avg_slippage_ticks - ticks / n) < 1e-12);
  assert.ok(Math.abs(s.avg_slippage - cost / n) < 1e-9);
  assert.ok(Math.abs(s.slippage_cost - cost) < 1e-9);
  assert.ok(s.avg_slippage_ticks < 0, 'post-only quotes at the touch fill better than the mid they were priced at');

  // notional and turnover
  const notional = results.fills.reduce((a, f) => a + f.price * f.qty * 50, 0);
  assert.ok(Math.abs(s.traded_notional - notional) < 1e-6);
  const avgEq = [s.starting_capital, ...results.equity_curve.map((p) => p.equity)].reduce((a, b) => a + b, 0) / (results.equity_curve.length + 1);
  assert.ok(Math.abs(s.average_equity - avgEq) < 1e-6);
  assert.ok(Math.abs(s.turnover - notional / avgEq) < 1e-9);

  // positions: max |position| from the fills; gross = the one instrument; final position from the portfolio
  let pos = 0;
  let maxPos = 0;
  for (const f of results.fills) {
    pos += f.side === 'BUY' ? f.qty : -f.qty;
    maxPos = Math.max(maxPos, Math.abs(pos));
  }
  assert.deepEqual(s.max_position_lots, { ESH4: maxPos });
  assert.equal(s.max_gross_position_lots, maxPos);
  assert.equal(s.max_gross_position_lots, results.risk.max_gross_position);
  assert.equal(results.instruments[0].final_position_lots, node.portfolio.position(17077));
  assert.ok(s.time_in_market > 0 && s.time_in_market < 1);
  assert.equal(results.instruments[0].time_in_market, s.time_in_market, 'one instrument: its time is the run\'s');

  // Calmar, expectancy
  assert.ok(Math.abs((s.calmar ?? NaN) - (s.annualized_return ?? NaN) / s.max_drawdown) < 1e-9);
  const pnls = node.portfolio.closedTradePnls.map((p) => Number(p) / 1e9);
  assert.ok(Math.abs(s.expectancy - pnls.reduce((a, b) => a + b, 0) / pnls.length) < 1e-9);

  // daily P&L adds up to the run, exactly to the cent
  const days = results.daily_pnl;
  assert.deepEqual(days.map((d) => d.day), ['2023-12-25']);
  const sum = (k: 'pnl' | 'fees' | 'fills' | 'closed_trades' | 'volume_lots'): number => days.reduce((a, d) => a + d[k], 0);
  assert.equal(Math.round(sum('pnl') * 100), Math.round(s.net_pnl * 100));
  assert.equal(Math.round(sum('fees') * 100), Math.round(s.fees * 100));
  assert.equal(sum('fills'), s.fills);
  assert.equal(sum('closed_trades'), s.closed_trades);
  assert.equal(sum('volume_lots'), s.volume_lots);
  assert.equal(days.at(-1)?.end_equity, s.final_equity);

  // the price line: trade prints per 60 s interval, within the day's range 4800.25 - 4811.75
  const ps = results.price_series;
  assert.equal(ps.length, 1);
  assert.equal(ps[0].source, 'trades');
  assert.ok(ps[0].points.length > 50 && ps[0].points.length <= results.equity_curve.length);
  for (const p of ps[0].points) assert.ok(p.low <= p.price && p.price <= p.high && p.low >= 4800.25 && p.high <= 4811.75);
  assert.ok(JSON.stringify(results).length < 400_000, 'results.json stays small');
});

test('the same backtest twice gives byte-identical results.json through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-det-'));
  try {
    const outs = ['a', 'b'].map((name) => {
      const out = join(dir, name);
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'backtest', '--config', CONFIG, '--out', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Net P&L/);
      assert.match(r.stdout, /report: .*report\.html/);
      return readFileSync(join(out, 'results.json'));
    });
    assert.equal(outs[0].length > 1000, true);
    if (!outs[0].equals(outs[1])) {
      const [a, b] = outs.map((o) => o.toString('utf8').split('\n'));
      const i = a.findIndex((line, k) => line !== b[k]);
      assert.fail(`results.json differs between two identical runs at line ${i + 1}: ${a[i]} vs ${b[i]}`);
    }
    const html = readFileSync(join(dir, 'a', 'report.html'), 'utf8');
    assert.match(html, /<svg/);
    assert.match(html, /mm-es/);
    for (const id of ['equity-chart', 'drawdown-chart', 'position-chart', 'price-chart-1']) assert.ok(html.includes(`<svg id="${id}"`), id);
    assert.ok(html.includes('<table id="daily-pnl">'));
    // `bulwark report` re-renders the same report from results.json alone
    const again = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'report', join(dir, 'b', 'results.json')], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(join(dir, 'b', 'report.html'), 'utf8'), html);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a different seed changes the jittered latencies and so the run, but not the data figures', () => {
  const base = loadConfig(CONFIG);
  const a = runBacktest(base, { progress: false }).results;
  const other = { ...base, config: { ...base.config, node: { ...base.config.node, seed: 7 } } };
  const b = runBacktest(other, { progress: false }).results;
  assert.equal(a.data.events, b.data.events);
  assert.notDeepEqual(
    a.fills.map((f) => f.t),
    b.fills.map((f) => f.t),
    'fill times move with the latency jitter',
  );
});
