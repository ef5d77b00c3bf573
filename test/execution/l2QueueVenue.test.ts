import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/index.ts';
import { ConfiguredFillModel } from '../../src/execution/sim/FillModel.ts';
import { buildQueueModel, type QueueModelName } from '../../src/execution/sim/QueueModel.ts';
import { venueHarness } from './harness.ts';

const OFF = { partial_fill_probability: 0, fill_probability_decay: 0, simulate_adverse_selection: false };

/**
 * One hand-built L2 sequence: we join a 10-lot bid, 20 lots join behind us, 6 are cancelled
 * (no print), a 9-lot print hits the level, the level update shows those 9 gone, a 2-lot print.
 */
function run(model: QueueModelName) {
  const h = venueHarness({ l2: true, queueModel: buildQueueModel(model, 2) });
  h.level(0, 'B', 400, 10);
  h.level(0, 'A', 401, 10);
  const buy = h.order({ side: 'BUY', qty: 3, price: 400 });
  h.venue.submit(buy);
  h.clock.advanceTo(1);
  const ahead = [h.venue.queueAhead(buy.clientOrderId)];
  h.level(2, 'B', 400, 30);
  h.level(3, 'B', 400, 24);
  ahead.push(h.venue.queueAhead(buy.clientOrderId));
  h.trade(4, 'A', 400, 9);
  h.clock.advanceTo(4); // deliver the reports sent at t=4
  const afterFirst = h.filled(buy);
  h.level(5, 'B', 400, 15);
  h.trade(6, 'A', 400, 2);
  h.clock.advanceTo(7);
  return { ahead, afterFirst, total: h.filled(buy), fills: h.fills(buy) };
}

test('L2 risk-averse queue: cancellations never move us, so only 1 lot fills', () => {
  const r = run('risk_averse');
  assert.deepEqual(r.ahead, [10, 10]);
  assert.equal(r.afterFirst, 0, '9 lots printed, 10 were ahead');
  assert.equal(r.total, 1, 'the 2-lot print: 1 to the last lot ahead, 1 to us');
  assert.deepEqual(r.fills, [[400, 1, 'MAKER']]);
});

test('L2 power queue (n=2): 1.2 of the 6 cancelled lots count as ahead, so the second print fills 2', () => {
  const r = run('power');
  assert.equal(r.ahead[0], 10);
  assert.ok(Math.abs(r.ahead[1] - 8.8) < 1e-9, String(r.ahead[1]));
  assert.equal(r.afterFirst, 0, '8.8 ahead blocks 9 whole lots');
  assert.equal(r.total, 2);
});

test('L2 log queue: 2.64 of the 6 cancelled lots count as ahead, so both prints reach us and all 3 fill', () => {
  const r = run('log');
  assert.ok(Math.abs(r.ahead[1] - (10 - (6 * Math.log(11)) / (Math.log(21) + Math.log(11)))) < 1e-9, String(r.ahead[1]));
  assert.equal(r.afterFirst, 1, 'ceil(7.36) = 8 ahead of a 9-lot print');
  assert.equal(r.total, 3);
  assert.deepEqual(r.fills, [
    [400, 1, 'MAKER'],
    [400, 2, 'MAKER'],
  ]);
});

test('L2 queue tracking off: we are first in the queue, the first print fills us whole', () => {
  const h = venueHarness({ l2: true, trackQueuePosition: false, queueModel: buildQueueModel('power', 2) });
  h.level(0, 'B', 400, 10);
  h.level(0, 'A', 401, 10);
  const buy = h.order({ side: 'BUY', qty: 3, price: 400 });
  h.venue.submit(buy);
  h.level(2, 'B', 400, 30);
  h.trade(4, 'A', 400, 9);
  h.clock.advanceTo(5);
  assert.equal(h.filled(buy), 3);
});

test('partial fills under a fixed seed: the same seed gives the same cuts, exactly', () => {
  const once = (seed: number) => {
    const h = venueHarness({ l2: true, queueModel: buildQueueModel('risk_averse', 2), fillModel: new ConfiguredFillModel({ ...OFF, partial_fill_probability: 0.5 }, new Rng(seed)) });
    h.level(0, 'B', 400, 1);
    h.level(0, 'A', 402, 10);
    const buy = h.order({ side: 'BUY', qty: 8, price: 401 }); // alone at 100.25
    h.venue.submit(buy);
    for (let t = 1; t <= 6; t++) h.trade(t, 'A', 401, 20); // each print could fill us whole
    h.clock.advanceTo(10);
    return h.fills(buy).map((f) => f[1]);
  };
  // seed 7 draws 0.2338 (< 0.5: cut) 0.5122 (1 + floor(0.5122 x 7) = 4 of 8), 0.4489 (cut) 0.1727
  // (1 + floor(0.1727 x 3) = 1 of 4), 0.5657 (>= 0.5: the 3 left fill whole)
  assert.deepEqual(once(7), [4, 1, 3]);
  assert.deepEqual(once(7), [4, 1, 3]);
  const rng = new Rng(7);
  assert.ok(rng.chance(0.5));
  assert.equal(1 + rng.nextInt(7), 4);
  assert.ok(rng.chance(0.5));
  assert.equal(1 + rng.nextInt(3), 1);
  assert.ok(!rng.chance(0.5));
  assert.deepEqual(once(1), once(1));
});

test('adverse selection: a print at our price that leaves size at the level does not fill us; a sweep does', () => {
  const scenario = (adverse: boolean, levelBeforePrint: number) => {
    const h = venueHarness({ l2: true, fillModel: new ConfiguredFillModel({ ...OFF, simulate_adverse_selection: adverse }, new Rng(1)) });
    h.level(0, 'B', 400, 2);
    h.level(0, 'A', 401, 10);
    const buy = h.order({ side: 'BUY', qty: 2, price: 400 });
    h.venue.submit(buy);
    h.clock.advanceTo(1);
    h.level(2, 'B', 400, levelBeforePrint); // orders join behind us
    h.trade(3, 'A', 400, 4); // 2 to the orders ahead, 2 would reach us
    h.clock.advanceTo(4);
    return h.filled(buy);
  };
  assert.equal(scenario(false, 8), 2, 'without the model: 2 lots beyond the queue fill us');
  assert.equal(scenario(true, 8), 0, '4 of 8 displayed lots traded: the level held, the fill is withheld');
  assert.equal(scenario(true, 4), 2, 'the print took the whole displayed level: the price went through us');
});

test('fill probability decay on an L2 estimate: a thin margin past the estimated queue is trusted less (seeded)', () => {
  const scenario = (decay: number, seed: number) => {
    const h = venueHarness({ l2: true, fillModel: new ConfiguredFillModel({ ...OFF, fill_probability_decay: decay }, new Rng(seed)) });
    h.level(0, 'B', 400, 9);
    h.level(0, 'A', 401, 10);
    const buy = h.order({ side: 'BUY', qty: 1, price: 400 });
    h.venue.submit(buy);
    h.clock.advanceTo(1);
    h.trade(2, 'A', 400, 10); // 9 ahead, 10 printed: p = exp(-decay x 9 / 10)
    h.clock.advanceTo(3);
    return h.filled(buy);
  };
  assert.equal(scenario(0, 1), 1);
  // decay 5: p = exp(-4.5) = 0.011; seed 1's first draw is far above it
  assert.ok(new Rng(1).nextFloat() > Math.exp(-4.5));
  assert.equal(scenario(5, 1), 0);
});
