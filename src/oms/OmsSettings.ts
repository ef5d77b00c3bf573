/** What happens to a leg group that breaks after one of its legs filled (see LegGroup). */
export type LegUnwindPolicy = 'hedge' | 'cancel';

/** Which price marks open positions: the last print, or the book's mid (see Portfolio). */
export type MarkPriceSource = 'last' | 'mid';

/** The `[oms]` section of the config, in the units the code uses (ns, not ms). */
export interface OmsSettings {
  /** A request (new order, cancel, replace) unanswered this long is a timeout; 0 = not watched. */
  ackTimeoutNs: number;
  /** Status queries per request after its timeouts; after that it is given up on (CRITICAL alert). */
  ackMaxQueries: number;
  /** Consecutive timeouts that make the venue unhealthy. */
  venueUnhealthyAfter: number;
  /** A leg group not completely filled this long after submission breaks; 0 = no timeout. */
  legTimeoutNs: number;
  /** Default policy of submitLegs when the strategy names none. */
  legUnwindPolicy: LegUnwindPolicy;
  markPrice: MarkPriceSource;
}

export const DEFAULT_OMS_SETTINGS: Readonly<OmsSettings> = {
  ackTimeoutNs: 5_000_000_000,
  ackMaxQueries: 3,
  venueUnhealthyAfter: 3,
  legTimeoutNs: 1_000_000_000,
  legUnwindPolicy: 'hedge',
  markPrice: 'last',
};

/** The `[oms]` config section as validated by src/config/schema.ts. */
export interface OmsConfigSection {
  ack_timeout_ms: number;
  ack_max_queries: number;
  venue_unhealthy_after: number;
  leg_timeout_ms: number;
  leg_unwind_policy: LegUnwindPolicy;
  mark_price: MarkPriceSource;
}

const MS = 1_000_000;

export function omsSettingsFromConfig(c: OmsConfigSection): OmsSettings {
  return {
    ackTimeoutNs: Math.round(c.ack_timeout_ms * MS),
    ackMaxQueries: c.ack_max_queries,
    venueUnhealthyAfter: c.venue_unhealthy_after,
    legTimeoutNs: Math.round(c.leg_timeout_ms * MS),
    legUnwindPolicy: c.leg_unwind_policy,
    markPrice: c.mark_price,
  };
}
