import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/index.ts';
import { ConfiguredFillModel, FULL_FILLS } from '../../src/execution/sim/FillModel.ts';

/** An Rng that always returns `v` from nextFloat and counts draws. */
class FixedRng extends Rng {
  draws = 0;
  constructor(private readonly v: number) {
    super(1);
  }
  override nextFloat(): number {
    this.draws++;
    return this.v;
  }
}

const OFF = { partial_fill_probability: 0, fill_probability_decay: 0, simulate_adverse_selection: false };

test('with every feature off the fill model grants what the queue lets through and never draws', () => {
  const rng = new FixedRng(0.5);
  const m = new ConfiguredFillModel(OFF, rng);
  // (reachable, leaves, atOurPrice, estimated, printSize, aheadBefore, levelSize)
  assert.equal(m.makerFill(3, 5, true, true, 10, 7, 40), 3);
  assert.equal(m.makerFill(5, 5, false, false, 9, 0, 0), 5);
  assert.equal(m.makerFill(0, 5, true, true, 4, 4, 4), 0);
  assert.equal(rng.draws, 0);
  assert.equal(FULL_FILLS.makerFill(2, 2, true, false, 2, 0, 0), 2);
});

test('adverse selection: a print at our price fills only when it sweeps the displayed level; a print through us always fills', () => {
  const m = new ConfiguredFillModel({ ...OFF, simulate_adverse_selection: true }, new FixedRng(0.5));
  assert.equal(m.makerFill(2, 2, true, false, 5, 3, 6), 0, '5 of 6 displayed lots traded: the level holds, no fill');
  assert.equal(m.makerFill(2, 2, true, false, 6, 3, 6), 2, 'the whole level traded: the price moves through us');
  assert.equal(m.makerFill(2, 2, false, false, 1, 0, 50), 2, 'through our price');
});

test('fill probability decay: an at-price fill from an L2 estimate happens with probability exp(-lambda x ahead / print size)', () => {
  const settings = { ...OFF, fill_probability_decay: 1 };
  const p = Math.exp(-2 / 4); // 0.6065
  assert.equal(new ConfiguredFillModel(settings, new FixedRng(p - 0.001)).makerFill(2, 2, true, true, 4, 2, 9), 2);
  assert.equal(new ConfiguredFillModel(settings, new FixedRng(p + 0.001)).makerFill(2, 2, true, true, 4, 2, 9), 0);
  const exact = new FixedRng(0.99);
  assert.equal(new ConfiguredFillModel(settings, exact).makerFill(2, 2, true, false, 4, 2, 9), 2, 'an exact L3 queue is not discounted');
  assert.equal(exact.draws, 0);
});

test('partial fills: a fill that would complete the order is cut to 1..leaves-1 with the configured probability', () => {
  const settings = { ...OFF, partial_fill_probability: 0.3 };
  // chance(0.3) with 0.2 -> true; then nextInt(4) with 0.6 -> 2, so 1 + 2 = 3 lots of 5
  class Seq extends Rng {
    private i = 0;
    constructor(private readonly seq: number[]) {
      super(1);
    }
    override nextFloat(): number {
      return this.seq[this.i++];
    }
  }
  assert.equal(new ConfiguredFillModel(settings, new Seq([0.2, 0.6])).makerFill(5, 5, true, false, 9, 0, 3), 3);
  assert.equal(new ConfiguredFillModel(settings, new Seq([0.3])).makerFill(5, 5, true, false, 9, 0, 3), 5, 'not drawn: whole');
  const none = new FixedRng(0);
  assert.equal(new ConfiguredFillModel(settings, none).makerFill(2, 5, true, false, 9, 0, 3), 2, 'already partial: untouched');
  assert.equal(new ConfiguredFillModel(settings, none).makerFill(1, 1, true, false, 9, 0, 3), 1, 'one lot cannot be split');
  assert.equal(none.draws, 0);
});
