import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Instrument, limitIntent, marketIntent } from '../../src/core/index.ts';
import { ScheduleFeeModel } from '../../src/execution/sim/FeeModel.ts';
import { NO_FEES } from './harness.ts';
import { ES_ID, kernelHarness } from './kernelHarness.ts';

test('fee model: per-contract maker/taker + exchange + clearing, bps of notional, rebates, half-away-from-zero rounding', () => {
  const es = new Instrument({ id: 1, symbol: 'ES', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
  const m = new ScheduleFeeModel({ ...NO_FEES, maker_fee_per_contract: '-0.30', taker_fee_per_contract: '0.55', exchange_fee_per_contract: '0.20', clearing_fee_per_contract: '0.05' });
  assert.equal(m.fee(es, 19200, 2, 'MAKER'), -100_000_000n, '2 x (-0.30 + 0.20 + 0.05)');
  assert.equal(m.fee(es, 19200, 2, 'TAKER'), 1_600_000_000n, '2 x (0.55 + 0.20 + 0.05)');
  // 10 nanos of notional at +-1500 bps is +-1.5 nanos: rounds away from zero
  const tiny = new Instrument({ id: 2, symbol: 'T', venue: 'X', tickSize: '0.00000001', lotSize: '1', multiplier: '1', currency: 'USD' });
  assert.equal(new ScheduleFeeModel({ ...NO_FEES, taker_fee_bps: '1500' }).fee(tiny, 1, 1, 'TAKER'), 2n);
  assert.equal(new ScheduleFeeModel({ ...NO_FEES, maker_fee_bps: '-1500' }).fee(tiny, 1, 1, 'MAKER'), -2n);
  assert.equal(new ScheduleFeeModel({ ...NO_FEES, maker_fee_bps: '-1400' }).fee(tiny, 1, 1, 'MAKER'), -1n);
});

test('a mixed run: every fill records maker/taker and its fee, and fees and rebates sum exactly to the portfolio fees', () => {
  const h = kernelHarness({
    fees: {
      maker_fee_per_contract: '-0.30', // rebate
      taker_fee_per_contract: '0.55',
      exchange_fee_per_contract: '0.20',
      clearing_fee_per_contract: '0.05',
      maker_fee_bps: '-0.25', // rebate on notional
      taker_fee_bps: '1.5',
    },
  });
  const ctx = h.strategy.kernelContext;
  h.mbo(0, 'A', 'B', 11, 19199, 5); // 4799.75 x5
  h.mbo(0, 'A', 'A', 21, 19201, 5); // 4800.25 x5
  ctx.submit(limitIntent(ES_ID, 'BUY', 19201, 2, 'IOC')); // TAKER 2 @ 4800.25
  const offer = ctx.submit(limitIntent(ES_ID, 'SELL', 19202, 3));
  const bid = ctx.submit(limitIntent(ES_ID, 'BUY', 19198, 2));
  h.mbo(1, 'T', 'B', 0, 19202, 3); // lifts our 4800.50 offer: MAKER 3
  h.mbo(2, 'T', 'A', 0, 19198, 1); // hits our 4799.50 bid: MAKER 1 of 2
  ctx.submit(marketIntent(ES_ID, 'SELL', 1)); // TAKER 1 @ 4799.75
  ctx.cancel(bid.clientOrderId);
  h.node.clock.advanceTo(10);
  assert.equal(offer.status, 'FILLED');
  assert.equal(bid.status, 'CANCELED');

  // fee = lots x per-contract + notional (ticks x 12.50 x lots) x bps / 10^4, in exact nanos
  assert.deepEqual(
    h.fills.map((f) => [f.liquidity, f.price, f.qty, f.fee]),
    [
      ['TAKER', 19201, 2, 1_600_000_000n + 72_003_750_000n], // 480,025.00 x 1.5 bp
      ['MAKER', 19202, 3, -150_000_000n - 18_001_875_000n], // 720,075.00 x -0.25 bp
      ['MAKER', 19198, 1, -50_000_000n - 5_999_375_000n], // 239,975.00 x -0.25 bp
      ['TAKER', 19199, 1, 800_000_000n + 35_998_125_000n], // 239,987.50 x 1.5 bp
    ],
  );
  const sum = h.fills.reduce((s, f) => s + f.fee, 0n);
  assert.equal(sum, 86_200_625_000n);
  assert.equal(h.node.portfolio.fees(), sum, 'the portfolio books exactly the fees and rebates of the fills');
  // and each order carries the fees of its own fills
  assert.equal(offer.feesPaid, -18_151_875_000n);
  assert.equal(h.node.portfolio.position(ES_ID), -1);
});
