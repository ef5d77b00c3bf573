import type { Lots } from '../../core/index.ts';
import type { QueueModel, QueueModelName, QueueState } from './QueueModel.ts';

/**
 * The probabilistic L2 queue model (hftbacktest's ProbQueueModel, after Rigtorp's "Estimating
 * order queue position"). Prints at our price move us forward lot for lot. When the level
 * shrinks by more than what printed there, the rest was cancelled by someone, ahead of us or
 * behind us. With `front` lots estimated ahead and `back = prev - front` behind,
 *
 *   pBehind = f(back) / (f(back) + f(front))
 *
 * is the share of the cancelled lots taken as behind us, so we advance by (1 - pBehind) x the
 * cancelled lots, plus whatever of them could not fit behind us (more cancelled than was
 * behind). The estimate never exceeds the level's new size and never goes below 0.
 * f(x) = x^n (PowerProbQueueModel: larger n keeps us back longer while we are near the
 * back) or f(x) = ln(1 + x) (LogProbQueueModel).
 */
export class ProbQueueModel implements QueueModel {
  constructor(
    readonly name: QueueModelName,
    private readonly f: (x: number) => number,
  ) {}

  /** The share of a decrease that happened behind an order with `front` ahead and `back` behind. */
  probBehind(front: number, back: number): number {
    const fb = this.f(back);
    const den = fb + this.f(front);
    // nothing on either side (or a degenerate curve): the decrease cannot be ahead of us
    return den > 0 && Number.isFinite(den) ? fb / den : 1;
  }

  onTrade(q: QueueState, qty: Lots): void {
    q.ahead = q.ahead > qty ? q.ahead - qty : 0;
    q.tradedSinceUpdate += qty;
  }

  onLevelChange(q: QueueState, prev: Lots, next: Lots): void {
    // the print already moved us; only the rest of the decrease is a cancellation
    const cancelled = prev - next - q.tradedSinceUpdate;
    q.tradedSinceUpdate = 0;
    if (cancelled <= 0) {
      // growth (or a decrease fully explained by prints): joiners go behind us
      if (q.ahead > next) q.ahead = next;
      return;
    }
    const front = q.ahead;
    const back = prev - front > 0 ? prev - front : 0;
    const p = this.probBehind(front, back);
    const overflow = back - p * cancelled; // negative when more was cancelled than sits behind us
    let est = front - (1 - p) * cancelled + (overflow < 0 ? overflow : 0);
    if (est > next) est = next;
    q.ahead = est > 0 ? est : 0;
  }
}

/** f(x) = x^n: hftbacktest's PowerProbQueueModel(n). */
export function powerProbQueueModel(n: number): ProbQueueModel {
  return new ProbQueueModel('power', (x) => Math.pow(x, n));
}

/** f(x) = ln(1 + x): hftbacktest's LogProbQueueModel. */
export function logProbQueueModel(): ProbQueueModel {
  return new ProbQueueModel('log', Math.log1p);
}
