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
    assert.ok(outs[0].equals(outs[1]), 'results.json differs between two identical runs');
    const html = readFileSync(join(dir, 'a', 'report.html'), 'utf8');
    assert.match(html, /<svg/);
    assert.match(html, /mm-es/);
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
