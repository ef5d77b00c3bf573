import type { Lots } from '../../core/index.ts';
import type { QueueModel, QueueModelName, QueueState } from './QueueModel.ts';

/**
 * The conservative L2 queue model: we advance only when lots trade at our price. A level that
 * shrinks without a print is assumed to have lost orders behind us, except that the queue
 * ahead can never exceed what the level displays.
 */
export class RiskAverseQueueModel implements QueueModel {
  readonly name: QueueModelName = 'risk_averse';

  onTrade(q: QueueState, qty: Lots): void {
    q.ahead = q.ahead > qty ? q.ahead - qty : 0;
  }

  onLevelChange(q: QueueState, prev: Lots, next: Lots): void {
    void prev;
    q.tradedSinceUpdate = 0;
    if (q.ahead > next) q.ahead = next;
  }
}
