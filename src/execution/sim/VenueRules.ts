import type { Order, OrderType, TimeInForce } from '../../core/index.ts';

export type SelfTradePrevention = 'cancel_resting' | 'cancel_incoming' | 'none';

/**
 * Everything a simulated venue accepts and enforces, in one object (LEAN's brokerage-model
 * idea): the venue asks these rules instead of scattering `if (type === ...)` through matching.
 */
export interface VenueRules {
  /** Time-in-force values each order type accepts; a type missing here is refused. */
  readonly tifsByType: Readonly<Partial<Record<OrderType, ReadonlySet<TimeInForce>>>>;
  /** Time-in-force values a post-only order may carry (a post-only IOC/FOK could never do anything). */
  readonly postOnlyTifs: ReadonlySet<TimeInForce>;
  /**
   * A stop arriving when the last trade is already at or through its trigger: 'reject' (CME
   * refuses such a stop) or 'trigger' (it triggers on arrival).
   */
  readonly stopThroughMarket: 'reject' | 'trigger';
  /** What happens when an incoming order of ours would trade against a resting order of ours. */
  readonly selfTradePrevention: SelfTradePrevention;
  /** DAY orders expire at this time of day, in ns after UTC midnight (0 = at the UTC day roll). */
  readonly sessionCloseUtcNs: number;
}

/** Why the rules refuse an order (the venue's REJECTED reason). */
export type VenueRuleViolation = 'UNSUPPORTED_ORDER_TYPE' | 'UNSUPPORTED_TIME_IN_FORCE' | 'POST_ONLY_NOT_ALLOWED';

const ALL_TIFS: ReadonlySet<TimeInForce> = new Set<TimeInForce>(['GTC', 'DAY', 'GTD', 'IOC', 'FOK']);
/** Orders that wait for a trigger or rest: immediate TIFs make no sense for them. */
const RESTING_TIFS: ReadonlySet<TimeInForce> = new Set<TimeInForce>(['GTC', 'DAY', 'GTD']);
const DAY_NS = 86_400_000_000_000;

export interface VenueRuleSettings {
  self_trade_prevention: SelfTradePrevention;
  /** "HH:MM" in UTC. */
  session_close_utc: string;
}

/**
 * The simulated venue's rules: LIMIT with any TIF; MARKET with any TIF (its unfilled remainder
 * is always cancelled); STOP and STOP_LIMIT with GTC, DAY or GTD; post-only only on resting
 * TIFs; a stop already through the market is rejected, as CME does.
 */
export function simulatedVenueRules(s: VenueRuleSettings): VenueRules {
  return {
    tifsByType: { LIMIT: ALL_TIFS, MARKET: ALL_TIFS, STOP: RESTING_TIFS, STOP_LIMIT: RESTING_TIFS },
    postOnlyTifs: RESTING_TIFS,
    stopThroughMarket: 'reject',
    selfTradePrevention: s.self_trade_prevention,
    sessionCloseUtcNs: parseUtcTimeOfDayNs(s.session_close_utc),
  };
}

/** The rules' objection to an order, or null when the venue accepts its type and TIF. */
export function checkOrder(rules: VenueRules, order: Order): VenueRuleViolation | null {
  const tifs = rules.tifsByType[order.type];
  if (tifs === undefined) return 'UNSUPPORTED_ORDER_TYPE';
  if (!tifs.has(order.tif)) return 'UNSUPPORTED_TIME_IN_FORCE';
  if (order.postOnly && (order.type !== 'LIMIT' || !rules.postOnlyTifs.has(order.tif))) return 'POST_ONLY_NOT_ALLOWED';
  return null;
}

/**
 * Clock time of the first session close strictly after `nowNs`. Clock time counts ns from
 * `timeBaseNs` (an epoch in ns), so the time of day comes from the epoch, whatever the base.
 * Weekends and holidays are not modelled: a DAY order placed Friday after the close expires at
 * Saturday's close time.
 */
export function nextSessionCloseNs(rules: VenueRules, timeBaseNs: bigint, nowNs: number): number {
  const day = BigInt(DAY_NS);
  const epochNow = timeBaseNs + BigInt(nowNs);
  let close = epochNow - (epochNow % day) + BigInt(rules.sessionCloseUtcNs);
  if (close <= epochNow) close += day;
  return Number(close - timeBaseNs);
}

/** "HH:MM" (UTC) as ns after midnight. */
export function parseUtcTimeOfDayNs(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (m === null) throw new RangeError(`session close must be HH:MM in UTC, got "${hhmm}"`);
  return (Number(m[1]) * 60 + Number(m[2])) * 60_000_000_000;
}
