import type { Clock, DenyReason, Instrument, Lots, Nanos, Order, OrderType, RiskState, RiskStateChanged, Side } from '../core/index.ts';
import type { MessageBus } from '../bus/MessageBus.ts';
import type { KernelTopics } from '../bus/topics.ts';
import { RollingSecondCounter, TokenBucket } from './RateLimits.ts';
import { SizeMedian } from './SizeMedian.ts';
import { ClockCalendar, localMinuteOfDay, nextLocalTimeMs, parseHhMm } from './zonedTime.ts';

/**
 * Limits, in the units the code uses (lots, ticks, nanos, clock ns). The first six are always
 * on; every optional one is off when absent (see riskLimitsFromConfig for the config keys).
 */
export interface RiskLimits {
  /** Largest single order, in lots. */
  maxOrderSize: Lots;
  /** Largest absolute position per instrument, counting open orders on the same side as if filled. */
  maxPosition: Lots;
  maxOpenOrders: number;
  /** Soft limit: new orders per second (token bucket, burst `orderBurst`); denied with RATE_LIMIT. */
  maxOrdersPerSecond: number;
  /** Drawdown from peak equity (fraction) that moves NORMAL -> WARNING. */
  warningDrawdownPct: number;
  /** Drawdown from peak equity (fraction) that trips the circuit breaker. */
  maxDrawdownPct: number;

  /** Bucket size of the order rate limit (default maxOrdersPerSecond). */
  orderBurst?: number;
  /** Soft limit on replaces per second (own bucket). Absent: replaces share the order bucket. */
  maxModifiesPerSecond?: number;
  /** Hard limit: more than this many order attempts (new + replace, denied ones too) in any rolling second trips the kill switch. */
  maxOrderRate?: number;
  /** Sum over instruments of worst-case |position| (working orders included), in lots. */
  maxGrossPosition?: Lots;
  /** Notional of one order (limit price, or the reference price for a market order). */
  maxOrderNotional?: Nanos;
  /** Worst-case gross exposure (all instruments, working orders included) at reference prices. */
  maxGrossExposure?: Nanos;
  /** Worst-case gross exposure / equity. */
  maxLeverage?: number;
  /** One instrument's worst-case exposure / max(gross exposure, equity), a fraction. */
  maxConcentrationPct?: number;
  /** Price collar: a limit price more than this fraction away from the reference is denied. */
  priceCollarPct?: number;
  /** Price collar in ticks; with both set the tighter band applies. */
  priceCollarTicks?: number;
  /** In WARNING the collar band is multiplied by this (default 0.5). */
  warningCollarFactor?: number;
  /** In WARNING risk-increasing order sizes are multiplied by this, rounded down, at least 1 lot (default 0.5). */
  warningSizeFactor?: number;
  /** Fat finger: deny an order larger than this multiple of the strategy's median order size. */
  fatFingerMultiple?: number;
  /** Orders a strategy must have sent before the fat-finger check applies (default 20). */
  fatFingerMinOrders?: number;
  /** Trading window in `timezone`, "HH:MM" each; may wrap midnight (17:00-16:00). */
  tradingHours?: { start: string; end: string };
  /** Loss since the daily reset (equity at the reset minus equity) that trips the circuit breaker. */
  maxDailyLoss?: Nanos;
  /** Local time of the daily reset, "HH:MM" in `timezone` (default 00:00). */
  dailyResetTime?: string;
  /** IANA zone of dailyResetTime and tradingHours (default UTC). */
  timezone?: string;
  /** Time in CIRCUIT_BREAKER before COOLDOWN (default 300 s). */
  cooldownNs?: number;
  /** The n-th circuit-breaker trip of a day escalates to the kill switch. */
  maxBreakerTripsPerDay?: number;
  /** Feed loss while holding a position trips the kill switch. */
  killOnFeedLoss?: boolean;
  /** On the kill switch the kernel closes every position with reduce-only market orders. */
  flattenOnKill?: boolean;
}

/** What the risk engine reads from the rest of the kernel: narrow, read-only views. */
export interface RiskInputs {
  position(instrumentId: number): Lots;
  /** Lots of open orders on a side of an instrument (leaves quantity). */
  openQty(instrumentId: number, side: Side): Lots;
  openOrderCount(): number;
  /** Known instruments: orders for others are denied UNKNOWN_INSTRUMENT; needed by notional checks. */
  instruments?: ReadonlyMap<number, Instrument>;
  /** Mid of the book when two-sided, else the last trade, in ticks (may be fractional); NaN if unknown. */
  referencePrice?(instrumentId: number): number;
  /** Account equity now (leverage and concentration). */
  equity?(): Nanos;
}

/** The answer to an operator reset. */
export type ResetResult = { accepted: true; from: RiskState; to: RiskState } | { accepted: false; state: RiskState; reason: string };

const DEFAULT_COOLDOWN_NS = 300e9;
/** checkExposureFloat's answer when a float comparison is too close to call. */
const UNSURE = 'UNSURE';
const FAT_FINGER_WINDOW = 256;
/** Fractions compared in BigInt are scaled by this (1e-6 resolution). */
const FRACTION_SCALE = 1_000_000;

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** 1 if a > b, -1 if a <= b, 0 when they are within 1e-9 (relative) and float nanos cannot decide. */
function compare(a: number, b: number): number {
  const tol = (Math.abs(a) + Math.abs(b)) * 1e-9;
  return a - b > tol ? 1 : b - a > tol ? -1 : 0;
}

function absLots(x: number): number {
  return x < 0 ? -x : x;
}

/**
 * Pre-trade checks on every order before it leaves the process, post-trade monitoring of
 * equity on fills and marks, and the risk state machine:
 *
 *   NORMAL -> WARNING (drawdown > warning: sizes scaled, collar tightened; back to NORMAL by
 *   itself once drawdown < half the warning line) -> CIRCUIT_BREAKER (drawdown > max or daily
 *   loss > max: the kernel cancels all; only risk-reducing orders) -> COOLDOWN (after cooldown,
 *   still only risk-reducing) -> NORMAL by operator reset() once drawdown < warning line.
 *   KILL_SWITCH (kill(), hard rate breach, fatal(), feed loss while positioned, or the n-th
 *   breaker trip of a day): nothing new but the kernel's flatten orders; left only by reset().
 *
 * Every transition is published on 'risk.state' with its reason and kept in `transitions`.
 * The checks run per order, not per market event, and allocate nothing unless a notional
 * check (BigInt) is configured.
 */
export class RiskEngine {
  private stateValue: RiskState = 'NORMAL';
  readonly transitions: RiskStateChanged[] = [];
  readonly deniedByReason: Partial<Record<DenyReason, number>> = {};

  private readonly orderBucket: TokenBucket;
  private readonly modifyBucket: TokenBucket | null;
  private readonly hardRate: RollingSecondCounter | null;
  private readonly seenIds = new Set<string>();
  private readonly halted = new Set<number>();
  private readonly sizeMedians = new Map<string, SizeMedian>();
  private readonly instrumentList: Instrument[];
  private readonly needsBookScan: boolean;
  /** Gross exposure, leverage or concentration: the book scan also values positions (BigInt). */
  private readonly needsMoneyScan: boolean;

  // post-trade
  private haveEquity = false;
  private lastEquityNanos: Nanos = 0n;
  private peak: Nanos = 0n;
  private dayStart: Nanos = 0n;
  private dayNextResetNs = -Infinity;
  private tripsToday = 0;
  private cooldownUntilNs = 0;
  private cooldownTimer = -1;

  // calendar (off the hot path: boundaries are computed once and compared as clock ns)
  private readonly calendar: ClockCalendar;
  private readonly timezone: string;
  private readonly resetMinute: number;
  private readonly hoursStart: number;
  private readonly hoursEnd: number;
  private readonly hasTradingHours: boolean;
  private hoursOpen = false;
  private hoursNextNs = -Infinity;

  private readonly collarPct: number;
  private readonly collarTicks: number;
  private readonly warningCollarFactor: number;
  private readonly warningSizeFactor: number;
  private readonly fatFingerMultiple: number;
  private readonly fatFingerMinOrders: number;
  private readonly leverageScaled: bigint;
  private readonly concentrationScaled: bigint;
  private readonly leverageF: number;
  private readonly concentrationF: number;
  private readonly maxOrderNotionalF: number;
  private readonly maxGrossExposureF: number;
  private lastEquityF = 0;

  constructor(
    private readonly limits: RiskLimits,
    private readonly inputs: RiskInputs,
    private readonly clock: Clock,
    private readonly bus: MessageBus<KernelTopics>,
  ) {
    const now = clock.now();
    this.orderBucket = new TokenBucket(limits.maxOrdersPerSecond, limits.orderBurst ?? limits.maxOrdersPerSecond, now);
    this.modifyBucket = limits.maxModifiesPerSecond !== undefined ? new TokenBucket(limits.maxModifiesPerSecond, limits.maxModifiesPerSecond, now) : null;
    this.hardRate = limits.maxOrderRate !== undefined ? new RollingSecondCounter(limits.maxOrderRate) : null;
    this.instrumentList = inputs.instruments ? [...inputs.instruments.values()] : [];
    this.collarPct = limits.priceCollarPct ?? Infinity;
    this.collarTicks = limits.priceCollarTicks ?? Infinity;
    this.warningCollarFactor = limits.warningCollarFactor ?? 0.5;
    this.warningSizeFactor = limits.warningSizeFactor ?? 0.5;
    this.fatFingerMultiple = limits.fatFingerMultiple ?? Infinity;
    this.fatFingerMinOrders = limits.fatFingerMinOrders ?? 20;
    this.leverageScaled = limits.maxLeverage !== undefined ? BigInt(Math.round(limits.maxLeverage * FRACTION_SCALE)) : -1n;
    this.concentrationScaled = limits.maxConcentrationPct !== undefined ? BigInt(Math.round(limits.maxConcentrationPct * FRACTION_SCALE)) : -1n;
    // the float path uses the same rounded fractions as the exact one, so both decide alike
    this.leverageF = Number(this.leverageScaled) / FRACTION_SCALE;
    this.concentrationF = Number(this.concentrationScaled) / FRACTION_SCALE;
    this.maxOrderNotionalF = limits.maxOrderNotional !== undefined ? Number(limits.maxOrderNotional) : Infinity;
    this.maxGrossExposureF = limits.maxGrossExposure !== undefined ? Number(limits.maxGrossExposure) : Infinity;
    this.needsMoneyScan = limits.maxGrossExposure !== undefined || limits.maxLeverage !== undefined || limits.maxConcentrationPct !== undefined;
    this.needsBookScan = this.needsMoneyScan || limits.maxGrossPosition !== undefined;
    this.calendar = new ClockCalendar(clock.timeBaseNs);
    this.timezone = limits.timezone ?? 'UTC';
    this.resetMinute = parseHhMm(limits.dailyResetTime ?? '00:00');
    this.hoursStart = limits.tradingHours ? parseHhMm(limits.tradingHours.start) : NaN;
    this.hoursEnd = limits.tradingHours ? parseHhMm(limits.tradingHours.end) : NaN;
    this.hasTradingHours = limits.tradingHours !== undefined;

    // a configured check without the view it needs is a wiring bug: fail at start, not on the first order
    const needsPrices = this.collarPct !== Infinity || this.collarTicks !== Infinity || this.needsMoneyScan || limits.maxOrderNotional !== undefined;
    if (limits.maxGrossPosition !== undefined && !inputs.instruments) throw new Error('risk: max_gross_position needs inputs.instruments');
    if (needsPrices && (!inputs.referencePrice || !inputs.instruments)) throw new Error('risk: price collar and notional/exposure limits need inputs.referencePrice and inputs.instruments');
    if ((limits.maxLeverage !== undefined || limits.maxConcentrationPct !== undefined) && !inputs.equity) throw new Error('risk: max_leverage and max_concentration_pct need inputs.equity');
    if (Number.isNaN(this.resetMinute)) throw new RangeError(`risk: daily reset time must be HH:MM, got ${limits.dailyResetTime}`);
    if (limits.tradingHours && (Number.isNaN(this.hoursStart) || Number.isNaN(this.hoursEnd) || this.hoursStart === this.hoursEnd)) {
      throw new RangeError(`risk: trading hours must be two different HH:MM times, got ${limits.tradingHours.start}-${limits.tradingHours.end}`);
    }
    localMinuteOfDay(0, this.timezone); // throws RangeError on an unknown zone
  }

  get state(): RiskState {
    return this.stateValue;
  }

  get flattenOnKill(): boolean {
    return this.limits.flattenOnKill === true;
  }

  // --- pre-trade ----------------------------------------------------------------------------

  /** Returns why the new order must not be sent, or null when it may go. */
  check(order: Order): DenyReason | null {
    const id = order.clientOrderId;
    if (this.seenIds.has(id)) return this.deny('DUPLICATE_ORDER_ID');
    this.seenIds.add(id);
    const r = this.evaluate(order.instrumentId, order.side, order.type, order.price, order.qty, 0, true, order.reduceOnly, order.strategyId);
    if (r !== null) return this.deny(r);
    this.orderBucket.take(this.clock.now());
    if (this.fatFingerMultiple !== Infinity) this.medianOf(order.strategyId).add(order.qty);
    return null;
  }

  /**
   * Checks a cancel/replace of a working order to `newPrice` and total quantity `newQty`: the
   * same limits as a new order, except that the order's current leaves are replaced, not
   * added, and it is not one more open order. Counts against the modify rate limit.
   */
  checkReplace(order: Order, newPrice: number, newQty: Lots): DenyReason | null {
    const newLeaves = newQty - order.filledQty;
    const r = this.evaluate(order.instrumentId, order.side, order.type, newPrice, newLeaves, order.qty - order.filledQty, false, order.reduceOnly, order.strategyId);
    if (r !== null) return this.deny(r);
    (this.modifyBucket ?? this.orderBucket).take(this.clock.now());
    return null;
  }

  /**
   * The kill switch's own orders: a reduce-only MARKET order that closes (never flips) a
   * position. These are the only orders allowed in KILL_SWITCH; they skip the rate limits.
   */
  checkFlatten(order: Order): DenyReason | null {
    if (this.seenIds.has(order.clientOrderId)) return this.deny('DUPLICATE_ORDER_ID');
    this.seenIds.add(order.clientOrderId);
    if (order.type !== 'MARKET' || !order.reduceOnly) return this.deny('INVALID_ORDER');
    const pos = this.inputs.position(order.instrumentId);
    const closes = pos !== 0 && (pos > 0) !== (order.side === 'BUY') && order.qty <= absLots(pos);
    if (!closes) return this.deny('REDUCE_ONLY');
    if (this.halted.size > 0 && this.halted.has(order.instrumentId)) return this.deny('INSTRUMENT_HALTED');
    return null;
  }

  /**
   * Quantity to send for an intent: in WARNING a risk-increasing order is scaled by
   * warning_size_factor, rounded down but never below 1 lot (WARNING throttles; stopping is
   * the breaker's job). Risk-reducing orders and every other state: unchanged.
   */
  scaledQty(instrumentId: number, side: Side, qty: Lots): Lots {
    if (this.stateValue !== 'WARNING' || !(qty > 1)) return qty;
    const pos = this.inputs.position(instrumentId);
    if (pos !== 0 && (pos > 0) !== (side === 'BUY') && qty <= absLots(pos)) return qty;
    const scaled = Math.floor(qty * this.warningSizeFactor);
    return scaled < 1 ? 1 : scaled;
  }

  private deny(reason: DenyReason): DenyReason {
    this.deniedByReason[reason] = (this.deniedByReason[reason] ?? 0) + 1;
    return reason;
  }

  private evaluate(
    id: number,
    side: Side,
    type: OrderType,
    price: number,
    qty: Lots,
    replacedLeaves: Lots,
    isNew: boolean,
    reduceOnly: boolean,
    strategyId: string,
  ): DenyReason | null {
    const state = this.stateValue;
    if (state === 'KILL_SWITCH') return 'KILL_SWITCH';
    const now = this.clock.now();
    // the hard limit counts every attempt, denied or not: a runaway shows in its attempts
    if (this.hardRate !== null && !this.hardRate.record(now)) {
      this.transition('KILL_SWITCH', `max_order_rate breached: more than ${this.hardRate.limit} order attempts (new + replace) in one second`);
      return 'HARD_RATE_LIMIT';
    }
    if (!Number.isSafeInteger(qty) || qty <= 0) return 'INVALID_ORDER';
    const inst = this.inputs.instruments?.get(id);
    if (this.inputs.instruments !== undefined && inst === undefined) return 'UNKNOWN_INSTRUMENT';
    if (this.halted.size > 0 && this.halted.has(id)) return 'INSTRUMENT_HALTED';
    if (this.hasTradingHours && !this.inTradingHours(now)) return 'OUTSIDE_TRADING_HOURS';

    const pos = this.inputs.position(id);
    const buy = side === 'BUY';
    const sideOpen = this.inputs.openQty(id, side) - replacedLeaves;
    const reduces = pos !== 0 && pos > 0 !== buy && sideOpen + qty <= absLots(pos);
    if (!reduces) {
      if (state === 'CIRCUIT_BREAKER') return 'CIRCUIT_BREAKER';
      if (state === 'COOLDOWN') return 'COOLDOWN';
      if (reduceOnly) return 'REDUCE_ONLY';
    }
    if (qty > this.limits.maxOrderSize) return 'MAX_ORDER_SIZE';
    if (this.fatFingerMultiple !== Infinity) {
      const m = this.sizeMedians.get(strategyId);
      if (m !== undefined && m.total >= this.fatFingerMinOrders && qty > this.fatFingerMultiple * m.median()) return 'FAT_FINGER';
    }
    // worst case: every working order on this side fills, then this one
    const worst = pos + (buy ? sideOpen + qty : -(sideOpen + qty));
    if (absLots(worst) > this.limits.maxPosition) return 'MAX_POSITION';
    if (isNew && this.inputs.openOrderCount() >= this.limits.maxOpenOrders) return 'MAX_OPEN_ORDERS';

    let ref = NaN;
    if (this.collarPct !== Infinity || this.collarTicks !== Infinity) {
      ref = (this.inputs.referencePrice as (i: number) => number)(id);
      if (!(ref > 0)) return 'NO_REFERENCE_PRICE';
      // LIMIT only: a stop's limit price relates to its trigger, not to where the market is now
      if (type === 'LIMIT') {
        const pctBand = ref * this.collarPct;
        let band = pctBand < this.collarTicks ? pctBand : this.collarTicks;
        if (state === 'WARNING') band *= this.warningCollarFactor;
        const off = price > ref ? price - ref : ref - price;
        if (off > band) return 'PRICE_COLLAR';
      }
    }
    if (this.limits.maxOrderNotional !== undefined || this.needsBookScan) {
      const r = this.checkExposure(inst as Instrument, side, type, price, qty, sideOpen, replacedLeaves, pos, ref);
      if (r !== null) return r;
    }
    if (isNew ? !this.orderBucket.available(now) : !(this.modifyBucket ?? this.orderBucket).available(now)) return 'RATE_LIMIT';
    return null;
  }

  /**
   * Notional, gross position, gross exposure, leverage and concentration, off unless configured.
   * Decided in float nanos first (no allocation); a comparison within 1e-9 of its limit, where
   * a float could be wrong, is decided again exactly in BigInt (checkExposureExact).
   */
  private checkExposure(
    inst: Instrument,
    side: Side,
    type: OrderType,
    price: number,
    qty: Lots,
    sideOpen: Lots,
    replacedLeaves: Lots,
    pos: Lots,
    knownRef: number,
  ): DenyReason | null {
    const r = this.checkExposureFloat(inst, side, type, price, qty, sideOpen, replacedLeaves, pos, knownRef);
    return r === UNSURE ? this.checkExposureExact(inst, side, type, price, qty, sideOpen, replacedLeaves, pos, knownRef) : r;
  }

  private checkExposureFloat(
    inst: Instrument,
    side: Side,
    type: OrderType,
    price: number,
    qty: Lots,
    sideOpen: Lots,
    replacedLeaves: Lots,
    pos: Lots,
    knownRef: number,
  ): DenyReason | null | typeof UNSURE {
    const id = inst.id;
    const money = this.needsMoneyScan || this.limits.maxOrderNotional !== undefined;
    const ref = knownRef === knownRef || !money ? knownRef : (this.inputs.referencePrice as (i: number) => number)(id);
    const orderPx = type === 'MARKET' || !(price > 0) ? ref : price;
    const tlv = Number(inst.tickLotValue);
    if (this.limits.maxOrderNotional !== undefined) {
      if (!(orderPx > 0)) return 'NO_REFERENCE_PRICE';
      const c = compare(Math.ceil(orderPx) * qty * tlv, this.maxOrderNotionalF);
      if (c === 0) return UNSURE;
      if (c > 0) return 'MAX_NOTIONAL';
    }
    if (!this.needsBookScan) return null;
    const otherOpen = this.inputs.openQty(id, side === 'BUY' ? 'SELL' : 'BUY');
    const buyBefore = side === 'BUY' ? sideOpen + replacedLeaves : otherOpen;
    const sellBefore = side === 'SELL' ? sideOpen + replacedLeaves : otherOpen;
    const buyAfter = side === 'BUY' ? sideOpen + qty : otherOpen;
    const sellAfter = side === 'SELL' ? sideOpen + qty : otherOpen;
    const worstBefore = Math.max(absLots(pos + buyBefore), absLots(pos - sellBefore));
    const worstAfter = Math.max(absLots(pos + buyAfter), absLots(pos - sellAfter));
    if (worstAfter <= worstBefore) return null;
    let instExposure = 0;
    if (this.needsMoneyScan) {
      const px = ref > 0 ? ref : orderPx;
      if (!(px > 0)) return 'NO_REFERENCE_PRICE';
      instExposure = Math.ceil(px) * worstAfter * tlv;
    }
    let grossLots = worstAfter;
    let gross = instExposure;
    const list = this.instrumentList;
    for (let i = 0; i < list.length; i++) {
      const other = list[i];
      if (other.id === id) continue;
      const p = this.inputs.position(other.id);
      const w = Math.max(absLots(p + this.inputs.openQty(other.id, 'BUY')), absLots(p - this.inputs.openQty(other.id, 'SELL')));
      if (w === 0) continue;
      grossLots += w;
      if (this.needsMoneyScan) {
        const opx = (this.inputs.referencePrice as (i: number) => number)(other.id);
        if (!(opx > 0)) return 'NO_REFERENCE_PRICE';
        gross += Math.ceil(opx) * w * Number(other.tickLotValue);
      }
    }
    if (this.limits.maxGrossPosition !== undefined && grossLots > this.limits.maxGrossPosition) return 'MAX_GROSS_POSITION';
    if (this.limits.maxGrossExposure !== undefined) {
      const c = compare(gross, this.maxGrossExposureF);
      if (c === 0) return UNSURE;
      if (c > 0) return 'MAX_GROSS_EXPOSURE';
    }
    if (this.leverageScaled >= 0n || this.concentrationScaled >= 0n) {
      // equity as of the last fill or mark (the kernel reports every change); exact path before the first
      if (!this.haveEquity) return UNSURE;
      const equity = this.lastEquityF;
      if (this.leverageScaled >= 0n) {
        if (equity <= 0) return 'MAX_LEVERAGE';
        const c = compare(gross, this.leverageF * equity);
        if (c === 0) return UNSURE;
        if (c > 0) return 'MAX_LEVERAGE';
      }
      if (this.concentrationScaled >= 0n) {
        const denom = gross > equity ? gross : equity;
        if (denom <= 0) return 'CONCENTRATION';
        const c = compare(instExposure, this.concentrationF * denom);
        if (c === 0) return UNSURE;
        if (c > 0) return 'CONCENTRATION';
      }
    }
    return null;
  }

  /** The exact version of checkExposureFloat: BigInt money throughout. */
  private checkExposureExact(
    inst: Instrument,
    side: Side,
    type: OrderType,
    price: number,
    qty: Lots,
    sideOpen: Lots,
    replacedLeaves: Lots,
    pos: Lots,
    knownRef: number,
  ): DenyReason | null {
    const id = inst.id;
    const money = this.needsMoneyScan || this.limits.maxOrderNotional !== undefined;
    const ref = knownRef === knownRef || !money ? knownRef : (this.inputs.referencePrice as (i: number) => number)(id);
    const orderPx = type === 'MARKET' || !(price > 0) ? ref : price;
    if (this.limits.maxOrderNotional !== undefined) {
      if (!(orderPx > 0)) return 'NO_REFERENCE_PRICE';
      if (inst.notional(Math.ceil(orderPx), qty) > this.limits.maxOrderNotional) return 'MAX_NOTIONAL';
    }
    if (!this.needsBookScan) return null;
    const otherOpen = this.inputs.openQty(id, side === 'BUY' ? 'SELL' : 'BUY');
    const buyBefore = side === 'BUY' ? sideOpen + replacedLeaves : otherOpen;
    const sellBefore = side === 'SELL' ? sideOpen + replacedLeaves : otherOpen;
    const buyAfter = side === 'BUY' ? sideOpen + qty : otherOpen;
    const sellAfter = side === 'SELL' ? sideOpen + qty : otherOpen;
    const worstBefore = Math.max(absLots(pos + buyBefore), absLots(pos - sellBefore));
    const worstAfter = Math.max(absLots(pos + buyAfter), absLots(pos - sellAfter));
    // an order that does not add to the worst case never fails an aggregate limit (lets a book over its limits reduce)
    if (worstAfter <= worstBefore) return null;

    let instExposure = 0n;
    if (this.needsMoneyScan) {
      const px = ref > 0 ? ref : orderPx;
      if (!(px > 0)) return 'NO_REFERENCE_PRICE';
      instExposure = inst.notional(Math.ceil(px), worstAfter);
    }
    let grossLots = worstAfter;
    let gross = instExposure;
    const list = this.instrumentList;
    for (let i = 0; i < list.length; i++) {
      const other = list[i];
      if (other.id === id) continue;
      const p = this.inputs.position(other.id);
      const w = Math.max(absLots(p + this.inputs.openQty(other.id, 'BUY')), absLots(p - this.inputs.openQty(other.id, 'SELL')));
      if (w === 0) continue;
      grossLots += w;
      if (this.needsMoneyScan) {
        const opx = (this.inputs.referencePrice as (i: number) => number)(other.id);
        if (!(opx > 0)) return 'NO_REFERENCE_PRICE';
        gross += other.notional(Math.ceil(opx), w);
      }
    }
    if (this.limits.maxGrossPosition !== undefined && grossLots > this.limits.maxGrossPosition) return 'MAX_GROSS_POSITION';
    if (this.limits.maxGrossExposure !== undefined && gross > this.limits.maxGrossExposure) return 'MAX_GROSS_EXPOSURE';
    if (this.leverageScaled >= 0n || this.concentrationScaled >= 0n) {
      const equity = this.haveEquity ? this.lastEquityNanos : (this.inputs.equity as () => Nanos)();
      if (this.leverageScaled >= 0n && (equity <= 0n || gross * BigInt(FRACTION_SCALE) > this.leverageScaled * equity)) return 'MAX_LEVERAGE';
      if (this.concentrationScaled >= 0n) {
        const denom = gross > equity ? gross : equity;
        if (denom <= 0n || instExposure * BigInt(FRACTION_SCALE) > this.concentrationScaled * denom) return 'CONCENTRATION';
      }
    }
    return null;
  }

  private medianOf(strategyId: string): SizeMedian {
    let m = this.sizeMedians.get(strategyId);
    if (m === undefined) {
      m = new SizeMedian(FAT_FINGER_WINDOW);
      this.sizeMedians.set(strategyId, m);
    }
    return m;
  }

  /** Inside the configured trading window? Recomputed (Intl) only when a window edge is passed. */
  private inTradingHours(now: number): boolean {
    if (now >= this.hoursNextNs) {
      const ms = this.calendar.toEpochMs(now);
      const m = localMinuteOfDay(ms, this.timezone);
      const s = this.hoursStart;
      const e = this.hoursEnd;
      this.hoursOpen = s < e ? m >= s && m < e : m >= s || m < e;
      const next = Math.min(nextLocalTimeMs(ms, s, this.timezone), nextLocalTimeMs(ms, e, this.timezone));
      this.hoursNextNs = this.calendar.toClockNs(next);
    }
    return this.hoursOpen;
  }

  // --- halts ----------------------------------------------------------------------------

  /** Trading halt of an instrument (venue halt, operator): every order for it is denied INSTRUMENT_HALTED. */
  setHalted(instrumentId: number, halted: boolean): void {
    if (halted) this.halted.add(instrumentId);
    else this.halted.delete(instrumentId);
  }

  isHalted(instrumentId: number): boolean {
    return this.halted.has(instrumentId);
  }

  // --- post-trade -----------------------------------------------------------------------

  /** Post-trade: called with equity (currency nanos) on fills and marks. */
  onEquity(equity: Nanos): void {
    this.rollDay(this.clock.now());
    if (!this.haveEquity) {
      this.haveEquity = true;
      this.peak = equity;
      this.dayStart = equity;
    }
    this.lastEquityNanos = equity;
    this.lastEquityF = Number(equity);
    if (equity > this.peak) this.peak = equity;
    const state = this.stateValue;
    if (state === 'KILL_SWITCH' || state === 'CIRCUIT_BREAKER' || state === 'COOLDOWN') return;
    const dd = this.drawdown();
    const max = this.limits.maxDrawdownPct;
    const warn = this.limits.warningDrawdownPct;
    if (dd > max) {
      this.tripBreaker(`drawdown ${pct(dd)} > max_drawdown_pct ${pct(max)}`);
    } else if (this.limits.maxDailyLoss !== undefined && this.dayStart - equity > this.limits.maxDailyLoss) {
      this.tripBreaker(`daily loss ${formatMoney(this.dayStart - equity)} > max_daily_loss ${formatMoney(this.limits.maxDailyLoss)}`);
    } else if (state === 'NORMAL' && dd > warn) {
      this.transition('WARNING', `drawdown ${pct(dd)} > warning_drawdown_pct ${pct(warn)}`);
    } else if (state === 'WARNING' && dd <= warn / 2) {
      // hysteresis: half the warning line, so a drawdown hovering at the line does not flap
      this.transition('NORMAL', `drawdown ${pct(dd)} back under half the warning line (${pct(warn / 2)})`);
    }
  }

  /** Drawdown from peak equity, as a fraction of the peak (0 before any equity or with a peak <= 0). */
  drawdown(): number {
    if (!this.haveEquity || this.peak <= 0n) return 0;
    return Number(this.peak - this.lastEquityNanos) / Number(this.peak);
  }

  get peakEquity(): Nanos {
    return this.peak;
  }

  /** Equity change since the last daily reset (nanos; negative is a loss). */
  dailyPnl(): Nanos {
    this.rollDay(this.clock.now());
    return this.lastEquityNanos - this.dayStart;
  }

  /** Circuit-breaker trips since the last daily reset. */
  get breakerTripsToday(): number {
    this.rollDay(this.clock.now());
    return this.tripsToday;
  }

  /** Starts a new risk day at daily_reset_time: daily loss measured from here, trip count zeroed. */
  private rollDay(now: number): void {
    if (now < this.dayNextResetNs) return;
    if (this.dayNextResetNs !== -Infinity) {
      this.dayStart = this.lastEquityNanos;
      this.tripsToday = 0;
      // client order ids must be unique per trading day (as venues require): this bounds the set on a long-running node
      this.seenIds.clear();
    }
    this.dayNextResetNs = this.calendar.toClockNs(nextLocalTimeMs(this.calendar.toEpochMs(now), this.resetMinute, this.timezone));
  }

  private tripBreaker(reason: string): void {
    this.tripsToday++;
    this.transition('CIRCUIT_BREAKER', `${reason} (trip ${this.tripsToday} today)`);
    const maxTrips = this.limits.maxBreakerTripsPerDay;
    if (maxTrips !== undefined && this.tripsToday >= maxTrips) {
      this.transition('KILL_SWITCH', `${this.tripsToday} circuit breaker trips today (max_breaker_trips_per_day ${maxTrips})`);
      return;
    }
    const cooldown = this.limits.cooldownNs ?? DEFAULT_COOLDOWN_NS;
    this.cooldownUntilNs = this.clock.now() + cooldown;
    this.cooldownTimer = this.clock.setTimer(this.cooldownUntilNs, () => {
      this.cooldownTimer = -1;
      if (this.stateValue === 'CIRCUIT_BREAKER') this.transition('COOLDOWN', `cooldown of ${cooldown / 1e9} s over; operator reset required`);
    });
  }

  // --- kill switch and reset ---------------------------------------------------------------

  /** Operator kill switch: nothing new is accepted until reset. */
  kill(reason: string): void {
    if (this.stateValue !== 'KILL_SWITCH') this.transition('KILL_SWITCH', reason);
  }

  /** A fatal error in the kernel (an exception on the event path): kill switch. */
  fatal(reason: string): void {
    this.kill(`fatal error: ${reason}`);
  }

  /** The market-data feed is lost: kill switch if kill_on_feed_loss and any position is held. */
  onFeedLoss(reason: string): void {
    if (this.limits.killOnFeedLoss !== true || this.stateValue === 'KILL_SWITCH') return;
    for (let i = 0; i < this.instrumentList.length; i++) {
      const pos = this.inputs.position(this.instrumentList[i].id);
      if (pos !== 0) {
        this.kill(`feed loss while positioned (${this.instrumentList[i].symbol} ${pos} lots): ${reason}`);
        return;
      }
    }
  }

  /**
   * Operator reset. From KILL_SWITCH: always (explicit decision), to NORMAL, then the current
   * drawdown is re-evaluated. From COOLDOWN: only once drawdown is under the warning line and
   * the daily loss under its limit. Refused (with the reason) in CIRCUIT_BREAKER (cooldown
   * running), NORMAL and WARNING.
   */
  reset(operator: string, reason: string): ResetResult {
    const state = this.stateValue;
    const who = `reset by ${operator}: ${reason}`;
    if (state === 'KILL_SWITCH') {
      this.hardRate?.clear();
      this.orderBucket.reset(this.clock.now());
      this.modifyBucket?.reset(this.clock.now());
      this.transition('NORMAL', who);
      if (this.haveEquity) this.onEquity(this.lastEquityNanos);
      return { accepted: true, from: state, to: this.stateValue };
    }
    if (state === 'CIRCUIT_BREAKER') {
      const left = Math.max(0, this.cooldownUntilNs - this.clock.now()) / 1e9;
      return { accepted: false, state, reason: `cooldown not over: ${left.toFixed(3)} s left` };
    }
    if (state !== 'COOLDOWN') return { accepted: false, state, reason: `nothing to reset in ${state}` };
    const dd = this.drawdown();
    if (dd > this.limits.warningDrawdownPct) {
      return { accepted: false, state, reason: `drawdown ${pct(dd)} still above warning_drawdown_pct ${pct(this.limits.warningDrawdownPct)}` };
    }
    this.rollDay(this.clock.now());
    const loss = this.dayStart - this.lastEquityNanos;
    if (this.limits.maxDailyLoss !== undefined && loss > this.limits.maxDailyLoss) {
      return { accepted: false, state, reason: `daily loss ${formatMoney(loss)} still above max_daily_loss ${formatMoney(this.limits.maxDailyLoss)}` };
    }
    this.transition('NORMAL', who);
    return { accepted: true, from: state, to: 'NORMAL' };
  }

  private transition(to: RiskState, reason: string): void {
    if (to === 'KILL_SWITCH' && this.cooldownTimer !== -1) {
      this.clock.cancelTimer(this.cooldownTimer);
      this.cooldownTimer = -1;
    }
    const ev: RiskStateChanged = { tsNs: this.clock.now(), from: this.stateValue, to, reason };
    this.stateValue = to;
    this.transitions.push(ev);
    this.bus.publish('risk.state', ev);
  }
}

/** Nanos as a currency amount with 2 decimals, for reasons (exact, no float). */
function formatMoney(n: Nanos): string {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const cents = (a + 5_000_000n) / 10_000_000n;
  return `${neg ? '-' : ''}${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}
