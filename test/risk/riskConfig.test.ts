import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ConfigError, parseConfigText } from '../../src/config/loadConfig.ts';
import { toNanos } from '../../src/core/index.ts';
import { riskLimitsFromConfig } from '../../src/risk/riskConfig.ts';

const BASE = readFileSync('examples/runaway.toml', 'utf8');

function withRisk(extra: string): string {
  return BASE.replace('[risk]\n', `[risk]\n${extra}\n`);
}

test('the [risk] section maps to engine units; new checks are off unless configured', () => {
  const limits = riskLimitsFromConfig(parseConfigText(BASE, 'runaway.toml').config.risk);
  assert.equal(limits.maxOrderRate, 100);
  assert.equal(limits.maxOrderNotional, toNanos('1500000'));
  assert.equal(limits.maxDailyLoss, toNanos('10000'));
  assert.equal(limits.cooldownNs, 300e9);
  assert.equal(limits.timezone, 'America/Chicago');
  assert.equal(limits.flattenOnKill, true);
  assert.equal(limits.maxLeverage, undefined);
  assert.equal(limits.fatFingerMultiple, undefined);
  assert.equal(limits.tradingHours, undefined);

  const mm = parseConfigText(readFileSync('examples/market-maker-es.toml', 'utf8'), 'mm.toml').config.risk;
  const d = riskLimitsFromConfig(mm);
  assert.deepEqual(
    [d.maxOrderRate, d.maxGrossPosition, d.maxOrderNotional, d.priceCollarPct, d.maxDailyLoss, d.maxBreakerTripsPerDay, d.killOnFeedLoss, d.flattenOnKill, d.timezone, d.dailyResetTime, d.warningSizeFactor],
    [undefined, undefined, undefined, undefined, undefined, undefined, false, false, 'UTC', '00:00', 0.5],
  );
});

test('bad [risk] values stop the run with the key path', () => {
  const problems = (text: string): string[] => {
    try {
      parseConfigText(text, 'x.toml');
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };
  assert.match(problems(withRisk('trading_hours_start = "08:30"')).join('\n'), /risk\.trading_hours_end: trading_hours_start and trading_hours_end go together/);
  assert.match(problems(BASE.replace('timezone = "America/Chicago"', 'timezone = "Chicago"')).join('\n'), /risk\.timezone: must be an IANA time zone/);
  assert.match(problems(BASE.replace('daily_reset_time = "17:00"', 'daily_reset_time = "5pm"')).join('\n'), /risk\.daily_reset_time: must be HH:MM/);
  assert.match(problems(withRisk('fat_finger_multiple = 1')).join('\n'), /risk\.fat_finger_multiple: must be > 1/);
  assert.match(problems(withRisk('warning_size_factor = 0')).join('\n'), /risk\.warning_size_factor: must be > 0 and <= 1/);
  assert.match(problems(BASE.replace('max_order_rate = 100 ', 'max_order_rate = 0 ')).join('\n'), /risk\.max_order_rate: must be >= 1/);
  assert.match(problems(withRisk('max_gross_exposure = "-5"')).join('\n'), /risk\.max_gross_exposure: must be a positive decimal/);
  assert.match(problems(withRisk('max_ordr_rate = 5')).join('\n'), /risk\.max_ordr_rate: unknown key/);
});
