import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, configPathForEnv, loadConfig, parseConfigText } from '../../src/config/loadConfig.ts';

const example = readFileSync('examples/market-maker-es.toml', 'utf8');

function problemsOf(text: string): string[] {
  try {
    parseConfigText(text, 'test.toml');
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail('config was accepted');
}

test('the example config and the three environment configs are valid', () => {
  const ex = parseConfigText(example, 'example');
  assert.equal(ex.config.trading.instruments[0].tick_size, '0.25');
  assert.equal(ex.config.risk.max_drawdown_pct, 0.05);
  assert.equal(ex.config.latency.order_latency_ns, 250000);
  assert.match(ex.hash, /^[0-9a-f]{64}$/);
  for (const env of ['dev', 'paper', 'prod']) {
    const c = loadConfig(configPathForEnv(env));
    assert.equal(c.config.node.name, `mm-es-${env}`);
  }
});

test('BULWARK_ENV selects config/config.$BULWARK_ENV.toml and refuses other names', () => {
  assert.match(configPathForEnv('paper'), /config\/config\.paper\.toml$/);
  assert.match(configPathForEnv(undefined), /config\/config\.dev\.toml$/);
  assert.throws(() => configPathForEnv('staging'), (e: unknown) => e instanceof ConfigError && /BULWARK_ENV: must be one of dev, paper, prod, got "staging"/.test(e.problems[0]));
});

test('an out-of-range value names the key, the rule and the value', () => {
  const p = problemsOf(example.replace('max_drawdown_pct = 0.05', 'max_drawdown_pct = 5'));
  assert.deepEqual(p, ['risk.max_drawdown_pct: must be between 0 and 1, got 5']);
});

test('a misspelt key is reported, not ignored', () => {
  const p = problemsOf(example.replace('max_position = 5', 'max_positon = 5'));
  assert.ok(p.includes('risk.max_positon: unknown key (check the spelling; see README\'s configuration reference)'), p.join('\n'));
  assert.ok(p.includes('risk.max_position: is required'), p.join('\n'));
});

test('wrong types, bad decimals, bad enums and cross-field rules are all named', () => {
  assert.deepEqual(problemsOf(example.replace('seed = 42', 'seed = "x"')), ['node.seed: must be number, got "x"']);
  assert.deepEqual(problemsOf(example.replace('tick_size = "0.25"', 'tick_size = "a quarter"')), [
    'trading.instruments[0].tick_size: must be a decimal number like "0.25", got "a quarter"',
  ]);
  assert.match(problemsOf(example.replace('format = "dbn-mbo"', 'format = "csv"'))[0], /^trading\.data\[0\]\.format: .*got "csv"$/);
  assert.deepEqual(problemsOf(example.replace('warning_drawdown_pct = 0.02', 'warning_drawdown_pct = 0.5')), [
    'risk.warning_drawdown_pct: warning_drawdown_pct must not exceed max_drawdown_pct, got 0.5',
  ]);
  assert.deepEqual(problemsOf(example.replace('instrument = "ESH4"', 'instrument = "NQH4"')), [
    'trading.data[0].instrument: "NQH4" is not in trading.instruments (ESH4)',
  ]);
  assert.equal(parseConfigText(example.replace('market_data_latency_ns = 0', 'market_data_latency_ns = 1000'), 'md').config.latency.market_data_latency_ns, 1000);
  assert.deepEqual(problemsOf(example.replace('market_data_latency_ns = 0', 'market_data_latency_ns = -1')), [
    'latency.market_data_latency_ns: must be >= 0, got -1',
  ]);
  assert.deepEqual(problemsOf(example.replace('track_queue_position = true', 'track_queue_position = true\nqueue_model = "linear"'))[0].split(':')[0], 'execution.queue_model');
  assert.deepEqual(problemsOf(example.replace('track_queue_position = true', 'track_queue_position = true\nsession_close_utc = "25:00"')), [
    'execution.session_close_utc: must be HH:MM in UTC, 00:00 to 23:59, got "25:00"',
  ]);
});

test('broken TOML is reported as such', () => {
  assert.match(problemsOf('[node\nname = 1')[0], /^not valid TOML: /);
});

test('the CLI exits 2 with the key path on an invalid config, and 1 for modes not built yet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-config-'));
  try {
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, example.replace('max_drawdown_pct = 0.05', 'max_drawdown_pct = 5'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'backtest', '--config', bad], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /risk\.max_drawdown_pct: must be between 0 and 1, got 5/);
    const params = join(dir, 'params.toml');
    writeFileSync(params, example.replace('quote_size = 1', 'quote_size = 0'));
    const rp = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'backtest', '--config', params], { encoding: 'utf8' });
    assert.equal(rp.status, 2, rp.stderr);
    assert.match(rp.stderr, /trading\.params\.quote_size: .*got 0/);
    const live = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'live'], { encoding: 'utf8' });
    assert.equal(live.status, 1);
    assert.match(live.stderr, /bulwark live: not implemented yet/);
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    for (const cmd of ['backtest', 'paper', 'shadow', 'live', 'status', 'kill', 'reset', 'promote', 'recover']) {
      assert.match(help.stdout, new RegExp(`^\\s+${cmd}\\b`, 'm'), `${cmd} missing from --help`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
