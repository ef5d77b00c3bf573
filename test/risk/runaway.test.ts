import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runBacktest } from '../../src/backtest/BacktestRunner.ts';
import type { BacktestResults } from '../../src/backtest/BacktestResults.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { sideSign, type Order } from '../../src/core/index.ts';
import { SimulatedVenue } from '../../src/execution/sim/SimulatedVenue.ts';

const CONFIG = 'examples/runaway.toml';
/** 2023-12-25T23:00:00Z, the Globex re-open after Christmas: the first trade print of the file. */
const OPEN_MS = Date.UTC(2023, 11, 25, 23, 0, 0);

/** Every order the simulated venue was handed, in order (wraps the prototype for one run). */
function runCountingVenue(): { results: BacktestResults; received: Order[]; node: ReturnType<typeof runBacktest>['node'] } {
  const received: Order[] = [];
  const original = SimulatedVenue.prototype.submit;
  SimulatedVenue.prototype.submit = function submit(this: SimulatedVenue, order: Order): void {
    received.push({ ...order });
    original.call(this, order);
  };
  try {
    const { results, node } = runBacktest(loadConfig(CONFIG), { progress: false });
    return { results, received, node };
  } finally {
    SimulatedVenue.prototype.submit = original;
  }
}

test('runaway strategy (1,000 orders/s for 60 s) on real ESH4 data: the hard rate limit kills it within the first second', () => {
  const { results, received, node } = runCountingVenue();
  const config = loadConfig(CONFIG).config;
  assert.equal(config.risk.max_order_rate, 100);
  assert.equal(config.trading.params.orders_per_second, 1000);

  // it tried: 1,000 a second for 60 s (+ the first one at the open), and risk stopped all but a few
  const attempts = results.orders.submitted + results.orders.denied;
  assert.equal(attempts, 60_001);
  assert.equal(results.risk.state, 'KILL_SWITCH');
  const kill = results.risk.transitions.filter((t) => t.to === 'KILL_SWITCH');
  assert.equal(kill.length, 1);
  assert.equal(results.risk.transitions[0].to, 'KILL_SWITCH', 'straight from NORMAL');
  assert.match(kill[0].reason, /max_order_rate breached: more than 100 order attempts/);
  const killMs = Date.parse(kill[0].t);
  assert.ok(killMs >= OPEN_MS && killMs < OPEN_MS + 1000, `kill switch at ${kill[0].t}, within the first second after 23:00 UTC`);

  // at most 100 orders ever left the process, by the OMS's count and by the venue's
  assert.ok(results.orders.submitted <= 100, `${results.orders.submitted} submitted`);
  assert.equal(received.length, results.orders.submitted, 'the venue received exactly what the OMS marked submitted');
  assert.equal(results.orders.denied_by_reason.HARD_RATE_LIMIT, 1);
  assert.ok((results.orders.denied_by_reason.KILL_SWITCH ?? 0) > 59_000, 'everything after the kill is denied KILL_SWITCH');

  // the position never went beyond max_position (10), at any fill
  assert.ok(results.risk.max_gross_position <= 10, `max gross ${results.risk.max_gross_position}`);
  let pos = 0;
  let maxAbs = 0;
  for (const f of results.fills) {
    pos += sideSign(f.side) * f.qty;
    maxAbs = Math.max(maxAbs, Math.abs(pos));
  }
  assert.equal(maxAbs, results.risk.max_gross_position);
  assert.ok(maxAbs > 0, 'it did trade before the kill');

  // flatten_on_kill: after the kill the only order sent is a reduce-only market order closing the position
  const afterKill = received.filter((o) => o.reduceOnly);
  assert.equal(afterKill.length, 1);
  assert.equal(afterKill[0].type, 'MARKET');
  assert.equal(afterKill[0].side, 'SELL');
  assert.equal(afterKill[0].qty, maxAbs);
  assert.equal(node.portfolio.position(17077), 0, 'flat after the flatten');
  assert.equal(node.oms.openOrderCount(), 0);
});

test('the CLI runs examples/runaway.toml to completion (exit 0) and records KILL_SWITCH in results.json and the summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-runaway-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'backtest', '--config', CONFIG, '--out', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Risk state\s+\|\s+KILL_SWITCH/);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as BacktestResults;
    assert.equal(results.risk.state, 'KILL_SWITCH');
    assert.ok(results.orders.submitted > 0 && results.orders.submitted <= 100);
    assert.ok(results.risk.max_gross_position > 0 && results.risk.max_gross_position <= 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
