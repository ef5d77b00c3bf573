import type { Rng } from '../../core/index.ts';
import { ConfiguredFillModel } from './FillModel.ts';
import { buildQueueModel, type QueueModelName } from './QueueModel.ts';
import type { SimulatedVenueOptions } from './SimulatedVenue.ts';
import { simulatedVenueRules, type SelfTradePrevention } from './VenueRules.ts';

/** The `[execution]` keys the simulated venue reads (config/schema.ts validates them). */
export interface ExecutionSettings {
  track_queue_position: boolean;
  queue_model: QueueModelName;
  queue_power: number;
  fill_probability_decay: number;
  partial_fill_probability: number;
  simulate_adverse_selection: boolean;
  self_trade_prevention: SelfTradePrevention;
  session_close_utc: string;
}

/**
 * The simulated venue's models from `[execution]`. `rng` feeds the fill model only (partial
 * fills, fill probability decay) and is drawn from only when those are switched on.
 */
export function simulatedVenueOptions(venue: string, s: ExecutionSettings, rng: Rng): SimulatedVenueOptions {
  return {
    venue,
    trackQueuePosition: s.track_queue_position,
    queueModel: buildQueueModel(s.queue_model, s.queue_power),
    fillModel: new ConfiguredFillModel(s, rng),
    rules: simulatedVenueRules(s),
  };
}
