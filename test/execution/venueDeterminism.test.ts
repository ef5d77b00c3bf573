import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBacktest } from '../../src/backtest/BacktestRunner.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';

test('the example backtest with every venue model switched on: identical results twice, every order accounted for', () => {
  const base = loadConfig('examples/market-maker-es.toml');
  const config = structuredClone(base.config);
  config.latency.market_data_latency_ns = 2_000_000;
  config.execution.partial_fill_probability = 0.3;
  config.execution.simulate_adverse_selection = true;
  config.execution.self_trade_prevention = 'cancel_resting';
  config.execution.session_close_utc = '22:00';
  config.trading.params = { ...config.trading.params, quote_size: 2 };
  const loaded = { ...base, config };
  const a = runBacktest(loaded, { progress: false });
  const b = runBacktest(loaded, { progress: false });
  assert.equal(JSON.stringify(a.results), JSON.stringify(b.results));
  const c = a.node.oms.counters;
  assert.equal(c.anomalies, 0, 'no report the OMS could not apply');
  assert.ok(c.submitted > 100);
  assert.equal(c.filled + c.canceled + c.rejected + c.expired, c.submitted);
  assert.ok(c.partiallyFilled > 0, 'partial fills happened');
  assert.equal(a.node.venue.restingCount(), 0);
  // the models change the run: the plain example differs
  const plain = runBacktest(base, { progress: false });
  assert.notEqual(plain.results.stats.fills, a.results.stats.fills);
});
