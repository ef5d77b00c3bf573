import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/index.ts';
import { ConstantLatencyModel } from '../../src/execution/sim/LatencyModel.ts';

test('constant latency without jitter; with jitter uniform in [0, jitter_ns] from the seeded RNG, same seed same draws', () => {
  const fixed = new ConstantLatencyModel({ order_latency_ns: 250, ack_latency_ns: 100, jitter_ns: 50, use_random_jitter: false }, new Rng(1));
  assert.deepEqual([fixed.orderLatency(), fixed.ackLatency(), fixed.orderLatency()], [250, 100, 250]);
  const draws = (seed: number): number[] => {
    const m = new ConstantLatencyModel({ order_latency_ns: 250, ack_latency_ns: 100, jitter_ns: 50, use_random_jitter: true }, new Rng(seed));
    return Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? m.orderLatency() - 250 : m.ackLatency() - 100));
  };
  const a = draws(9);
  assert.deepEqual(a, draws(9));
  assert.notDeepEqual(a, draws(10));
  assert.ok(a.every((j) => Number.isInteger(j) && j >= 0 && j <= 50));
  assert.equal(Math.min(...a), 0);
  assert.equal(Math.max(...a), 50, 'both ends of [0, jitter_ns] are reachable');
});
