import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { logProbQueueModel, powerProbQueueModel } from '../../src/execution/sim/ProbQueueModel.ts';
import { buildQueueModel, type QueueModel, type QueueState } from '../../src/execution/sim/QueueModel.ts';
import { RiskAverseQueueModel } from '../../src/execution/sim/RiskAverseQueueModel.ts';

const q = (ahead: number): QueueState => ({ ahead, tradedSinceUpdate: 0 });
const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

test('risk-averse: prints move us forward, cancellations never do, and the queue never exceeds the level', () => {
  const m = new RiskAverseQueueModel();
  const s = q(10);
  m.onLevelChange(s, 10, 30); // joiners behind us
  assert.equal(s.ahead, 10);
  m.onLevelChange(s, 30, 24); // 6 cancelled somewhere: assumed behind us
  assert.equal(s.ahead, 10);
  m.onTrade(s, 4);
  assert.equal(s.ahead, 6);
  m.onLevelChange(s, 20, 3); // the level holds only 3 now: at most 3 can be ahead
  assert.equal(s.ahead, 3);
  m.onTrade(s, 5);
  assert.equal(s.ahead, 0, 'never negative');
});

test('power (n=2) and log models split a cancellation between ahead and behind by f(back) / (f(back) + f(front))', () => {
  const power = powerProbQueueModel(2);
  const log = logProbQueueModel();
  // 10 ahead, 20 behind, 6 cancelled without a print
  close(power.probBehind(10, 20), 400 / 500);
  close(log.probBehind(10, 20), Math.log(21) / (Math.log(21) + Math.log(11)));
  const p = q(10);
  power.onLevelChange(p, 30, 24);
  close(p.ahead, 10 - 0.2 * 6); // 8.8
  const l = q(10);
  log.onLevelChange(l, 30, 24);
  close(l.ahead, 10 - (1 - Math.log(21) / (Math.log(21) + Math.log(11))) * 6); // 7.356...
  // near the back, a larger power keeps us further back
  const p3 = q(10);
  powerProbQueueModel(3).onLevelChange(p3, 30, 24);
  assert.ok(p3.ahead > p.ahead);
});

test('probabilistic models: a print is not counted twice when the level update that follows it shows the same lots gone', () => {
  const m = powerProbQueueModel(2);
  const s = q(10);
  m.onTrade(s, 3);
  assert.equal(s.ahead, 7);
  m.onLevelChange(s, 30, 27); // the 3 printed lots leaving the level
  assert.equal(s.ahead, 7);
  m.onLevelChange(s, 27, 20); // 7 cancelled: front 7, back 20
  close(s.ahead, 7 - (1 - 400 / 449) * 7);
});

test('probabilistic models: more cancelled than sits behind us must come from ahead; the estimate stays within [0, level]', () => {
  const m = powerProbQueueModel(2);
  const s = q(2);
  m.onLevelChange(s, 5, 0); // the whole level went: nobody can be ahead
  assert.equal(s.ahead, 0);
  const t = q(6);
  m.onLevelChange(t, 8, 4); // 4 cancelled, 2 behind: p = 4/40, est = 6 - 0.9*4 + min(0, 2 - 0.4) = 2.4
  close(t.ahead, 2.4);
  const u = q(0);
  logProbQueueModel().onLevelChange(u, 0, 0); // nothing on either side: no NaN
  assert.equal(u.ahead, 0);
});

test('every model: the queue ahead never grows and stays within [0, level size] (property)', () => {
  const models: QueueModel[] = [buildQueueModel('risk_averse', 2), buildQueueModel('power', 2), buildQueueModel('power', 0.5), buildQueueModel('log', 2)];
  const step = fc.oneof(fc.record({ trade: fc.integer({ min: 1, max: 20 }) }), fc.record({ level: fc.integer({ min: 0, max: 60 }) }));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 }), fc.array(step, { maxLength: 30 }), (start, steps) => {
      for (const m of models) {
        const s = q(start);
        let levelSize = start;
        for (const st of steps) {
          const before = s.ahead;
          if ('trade' in st) {
            m.onTrade(s, st.trade);
          } else {
            m.onLevelChange(s, levelSize, st.level);
            levelSize = st.level;
            if (s.ahead > levelSize) return false;
          }
          if (!(s.ahead >= 0) || s.ahead > before) return false;
        }
      }
      return true;
    }),
  );
});

test('the configured model is the one built', () => {
  assert.equal(buildQueueModel('risk_averse', 2).name, 'risk_averse');
  assert.equal(buildQueueModel('power', 3).name, 'power');
  assert.equal(buildQueueModel('log', 3).name, 'log');
});
