import type { Lots } from '../../core/index.ts';
import { logProbQueueModel, powerProbQueueModel } from './ProbQueueModel.ts';
import { RiskAverseQueueModel } from './RiskAverseQueueModel.ts';

/**
 * Where one of our resting orders stands in its price level's queue, as an L2 queue model
 * estimates it. Kept on the venue's resting order itself (no object per update).
 */
export interface QueueState {
  /** Lots estimated ahead of us at our price. Fractional for the probabilistic models; never negative. */
  ahead: number;
  /** Lots printed at our price since the last level update (so a level update does not count them twice). */
  tradedSinceUpdate: Lots;
}

/**
 * How an L2 (market-by-price) queue position moves. With L2 data we never see the orders
 * ahead of us, only prints and level sizes; a model turns those into an estimate of `ahead`.
 * (With L3 data the venue tracks the queue exactly and does not use a QueueModel.)
 *
 * Calls come in the order the market produces them: prints at our price (onTrade), then the
 * level's new displayed size (onLevelChange), which on most feeds already includes the print.
 * The models are hftbacktest's RiskAdverseQueueModel and ProbQueueModel.
 */
export interface QueueModel {
  readonly name: QueueModelName;
  /** A print of `qty` lots at our price. */
  onTrade(q: QueueState, qty: Lots): void;
  /** The displayed size at our price went from `prev` to `next` lots. */
  onLevelChange(q: QueueState, prev: Lots, next: Lots): void;
}

export type QueueModelName = 'risk_averse' | 'power' | 'log';

/** The configured L2 queue model (`[execution] queue_model`, `queue_power`). */
export function buildQueueModel(name: QueueModelName, power: number): QueueModel {
  switch (name) {
    case 'risk_averse':
      return new RiskAverseQueueModel();
    case 'power':
      return powerProbQueueModel(power);
    case 'log':
      return logProbQueueModel();
  }
}
