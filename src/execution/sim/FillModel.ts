import type { Lots, Rng } from '../../core/index.ts';

/**
 * What one print gives one of our resting orders, after the queue has had its say. Separate
 * from the queue model: the queue decides how many lots could reach us, the fill model
 * whether and how many of them do.
 */
export interface FillModel {
  /**
   * Lots to fill (0..reachable).
   * @param reachable   lots of the print that reach us (beyond the queue ahead, capped at our leaves)
   * @param leaves      our open quantity
   * @param atOurPrice  the print is at our price (false: through it)
   * @param estimated   our queue position is an L2 estimate (false: exact L3 queue)
   * @param printSize   lots in the print
   * @param aheadBefore lots (estimated) ahead of us just before the print
   * @param levelSize   displayed lots at our price when the print arrived (ours not included)
   */
  makerFill(reachable: Lots, leaves: Lots, atOurPrice: boolean, estimated: boolean, printSize: Lots, aheadBefore: number, levelSize: Lots): Lots;
}

export interface FillSettings {
  /** A maker fill that would complete the order is cut to a uniform 1..leaves-1 lots with this probability. */
  partial_fill_probability: number;
  /** lambda: an at-price fill from an L2 queue estimate happens with probability exp(-lambda x ahead / print size). */
  fill_probability_decay: number;
  /** A print at our price fills us only if it takes the whole displayed level (the price moves through us). */
  simulate_adverse_selection: boolean;
}

/**
 * The configurable fill model. With the defaults (0, 0, false) it grants every reachable lot
 * and never draws from the Rng, so turning a feature on changes nothing else in a run.
 *
 * - Adverse selection (deterministic): a resting order is filled from a print AT its price only
 *   when the print is at least the whole displayed size there, i.e. the level is swept and the
 *   price moves through our order; prints that leave size at our price, after which the price
 *   tends to move our way, fill nothing. Prints THROUGH our price fill as usual. This keeps only
 *   the fills a market maker regrets, a pessimistic bound on a passive strategy's edge.
 * - Fill probability decay (seeded Rng, L2 estimates only): the further the estimate says the
 *   print had to reach past others to get to us, the less we trust it: p = exp(-lambda x a / s)
 *   with a the lots estimated ahead before the print and s the print size (a < s, or nothing
 *   would reach us). Exact L3 queues are never discounted.
 * - Partial fills (seeded Rng): a fill that would complete the order is, with probability p,
 *   cut to a uniform 1..leaves-1 lots; the rest keeps resting at the front of the queue.
 */
export class ConfiguredFillModel implements FillModel {
  constructor(private readonly s: FillSettings, private readonly rng: Rng) {}

  makerFill(reachable: Lots, leaves: Lots, atOurPrice: boolean, estimated: boolean, printSize: Lots, aheadBefore: number, levelSize: Lots): Lots {
    if (reachable <= 0) return 0;
    if (atOurPrice) {
      if (this.s.simulate_adverse_selection && printSize < levelSize) return 0;
      if (estimated && this.s.fill_probability_decay > 0 && aheadBefore > 0) {
        if (!this.rng.chance(Math.exp((-this.s.fill_probability_decay * aheadBefore) / printSize))) return 0;
      }
    }
    if (this.s.partial_fill_probability > 0 && reachable === leaves && leaves > 1 && this.rng.chance(this.s.partial_fill_probability)) {
      return 1 + this.rng.nextInt(leaves - 1);
    }
    return reachable;
  }
}

/** Every reachable lot, no randomness: the venue's behaviour before fill models existed. */
export const FULL_FILLS: FillModel = {
  makerFill: (reachable) => (reachable > 0 ? reachable : 0),
};
