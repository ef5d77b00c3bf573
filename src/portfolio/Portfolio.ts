import type { Fill, Instrument, Lots, Nanos, Order, Ticks } from '../core/index.ts';
import { nanosToNumber } from '../core/index.ts';
import { reconcilePositions, type ReconciliationDifference, type VenueReport } from './Reconciliation.ts';

/** One instrument's position. Money fields are BigInt nanos of the portfolio currency. */
class PositionState {
  /** Signed lots: > 0 long, < 0 short. */
  pos: Lots = 0;
  /**
   * Cost of the open position in nanos, signed like `pos`: the sum of price x lots x tickLotValue
   * of the fills that opened it, less what reductions released. avg entry = cost / (pos x tlv).
   */
  cost: Nanos = 0n;
  /** Fees of the fills that opened the current position, not yet charged to a closed trade. */
  openFees: Nanos = 0n;
  /**
   * Mark in HALF ticks (2 x price): a mid between two ticks is a whole number of half ticks, so
   * no mark is ever a float. A last-price mark is even.
   */
  mark2 = 0;
  marked = false;
  /** Realised P&L, gross of fees. */
  realized: Nanos = 0n;
  fees: Nanos = 0n;
  volume: Lots = 0;
  readonly closedTradePnls: Nanos[] = [];

  constructor(
    readonly instrument: Instrument,
    readonly tlv: Nanos,
  ) {}

  /** pos x mark x tlv - cost, computed in half-nanos and truncated toward zero once (exact for a whole-tick mark). */
  unrealized(): Nanos {
    if (this.pos === 0) return 0n;
    return (BigInt(this.pos) * BigInt(this.mark2) * this.tlv - 2n * this.cost) / 2n;
  }
}

/**
 * Positions and P&L, exact: lots and ticks are integers, money is BigInt nanos of one currency.
 *
 * Accounting (average cost, the norm for futures P&L):
 * - A fill that opens or adds to a position adds price x qty x tickLotValue to its cost.
 * - A fill that reduces it releases the average cost of the closed lots,
 *   cost x closed / |pos|, truncated toward zero to the nano; the sub-nano remainder stays with
 *   the open lots and is released when the position closes, so nothing is ever lost:
 *   realised + unrealised == sum over fills of (-side x price x qty x tlv) + pos x mark x tlv, exactly.
 *   A fill larger than the position closes it and opens the rest on the other side at the fill price.
 * - realizedPnl() is GROSS of fees. Fees (negative = rebates) are kept apart in fees().
 * - cash()   = startingCash + realised - fees        (futures-style: settled cash, no notional)
 * - equity() = cash() + unrealised = startingCash + realised - fees + unrealised
 * - closedTradePnls gets one entry per reducing fill: the gross realised P&L of the closed lots
 *   minus the fees that belong to them, i.e. the share of this fill's fee for the closed lots
 *   (pro rata on a flip) AND the share of the entry fills' fees for those lots (pro rata, same
 *   rounding as the cost). Once every position is flat, sum(closedTradePnls) == realised - fees.
 * - Until an instrument is first marked, its first fill price is its mark.
 * - Marks: the last print (`mark`) or the book's mid (`markMid`), kept in half ticks so a mid
 *   between two ticks stays an integer; unrealised P&L is computed in half-nanos and truncated
 *   toward zero to the nano only at the end (exact for whole-tick marks, and for half-tick marks
 *   whenever the tick-lot value is an even number of nanos: ES 12.5e9, BTC 1e5).
 * - Positions are per instrument; the venue (and currency) is the instrument's (`positions()`).
 *
 * Currencies: by default one currency per portfolio (the constructor refuses a mix), and the
 * account totals (cash, equity, realised/unrealised P&L, fees, exposure without an id) are in
 * it. With `{ multiCurrency: true }` instruments may differ; those totals then throw (adding
 * USD to EUR needs FX rates, which Bulwark does not have yet) and the per-currency views
 * (`exposureByCurrency`, `pnlByCurrency`) and per-instrument figures are the ones to use.
 */
export class Portfolio {
  private readonly states = new Map<number, PositionState>();
  private readonly stateList: PositionState[] = [];
  readonly startingCash: Nanos;
  /** Net P&L (after fees) of each position-reducing fill, in fill order; see the class comment. */
  readonly closedTradePnls: Nanos[] = [];
  private realizedTotal: Nanos = 0n;
  private feesTotal: Nanos = 0n;
  private gross: Lots = 0;
  private maxGross: Lots = 0;
  private volume: Lots = 0;
  private nFills = 0;
  private nRejectedMarks = 0;

  /** The currencies of the instruments, in first-seen order. */
  readonly currencies: readonly string[];

  constructor(instruments: readonly Instrument[], startingCash: Nanos, options: { multiCurrency?: boolean } = {}) {
    this.startingCash = startingCash;
    const currencies: string[] = [];
    for (const inst of instruments) {
      if (this.states.has(inst.id)) throw new RangeError(`portfolio: instrument id ${inst.id} listed twice`);
      if (!currencies.includes(inst.currency)) currencies.push(inst.currency);
      if (options.multiCurrency !== true && this.stateList.length > 0 && this.stateList[0].instrument.currency !== inst.currency) {
        throw new RangeError(`portfolio: one currency per portfolio, got ${this.stateList[0].instrument.currency} and ${inst.currency} (${inst.symbol})`);
      }
      const s = new PositionState(inst, inst.tickLotValue);
      this.states.set(inst.id, s);
      this.stateList.push(s);
    }
    this.currencies = currencies;
  }

  /** Throws when an account total would add amounts of different currencies. */
  private oneCurrency(what: string): void {
    if (this.currencies.length > 1) {
      throw new RangeError(`portfolio: ${what} would add ${this.currencies.join(' and ')} (no FX rates): use pnlByCurrency()/exposureByCurrency() or per-instrument figures`);
    }
  }

  /**
   * Books a fill. Returns the net P&L of the closed lots (also appended to closedTradePnls) when
   * the fill reduced a position, else null. Throws on a fill for an instrument the portfolio
   * does not hold or with a malformed price/qty/fee: a fill must never be dropped silently.
   */
  applyFill(fill: Fill): Nanos | null {
    const s = this.states.get(fill.instrumentId);
    if (s === undefined) throw new RangeError(`portfolio: fill ${fill.tradeId} for unknown instrument id ${fill.instrumentId}`);
    const q = fill.qty;
    if (!Number.isSafeInteger(q) || q <= 0) throw new RangeError(`portfolio: fill ${fill.tradeId} qty must be an integer > 0, got ${q}`);
    if (!Number.isSafeInteger(fill.price)) throw new RangeError(`portfolio: fill ${fill.tradeId} price must be an integer in ticks, got ${fill.price}`);
    if (typeof fill.fee !== 'bigint') throw new RangeError(`portfolio: fill ${fill.tradeId} fee must be bigint nanos`);
    const signedQty = fill.side === 'BUY' ? q : -q;
    const fee = fill.fee;
    const price = BigInt(fill.price);
    const tlv = s.tlv;

    this.nFills++;
    this.feesTotal += fee;
    s.fees += fee;
    s.volume += q;
    this.volume += q;
    if (!s.marked) {
      s.mark2 = 2 * fill.price;
      s.marked = true;
    }

    const pos = s.pos;
    const newPos = pos + signedQty;
    let result: Nanos | null = null;
    if (pos === 0 || pos > 0 === signedQty > 0) {
      // opens or adds
      s.cost += price * BigInt(signedQty) * tlv;
      s.openFees += fee;
    } else {
      const absPos = pos > 0 ? pos : -pos;
      const closeQty = q < absPos ? q : absPos;
      const openQty = q - closeQty;
      const bClose = BigInt(closeQty);
      let closedCost: Nanos;
      let entryFees: Nanos;
      if (closeQty === absPos) {
        closedCost = s.cost;
        entryFees = s.openFees;
      } else {
        const bAbs = BigInt(absPos);
        closedCost = (s.cost * bClose) / bAbs;
        entryFees = (s.openFees * bClose) / bAbs;
      }
      const exitValue = price * bClose * tlv;
      // closing a long sells at exitValue; closing a short buys back at exitValue (cost < 0)
      const gross = pos > 0 ? exitValue - closedCost : -exitValue - closedCost;
      const exitFee = openQty === 0 ? fee : (fee * bClose) / BigInt(q);
      s.cost -= closedCost;
      s.openFees -= entryFees;
      if (openQty > 0) {
        // flipped: the rest opens a new position at the fill price (cost/openFees are 0 here)
        s.cost = price * BigInt(newPos) * tlv;
        s.openFees = fee - exitFee;
      }
      s.realized += gross;
      this.realizedTotal += gross;
      result = gross - exitFee - entryFees;
      s.closedTradePnls.push(result);
      this.closedTradePnls.push(result);
    }
    s.pos = newPos;
    this.gross += (newPos < 0 ? -newPos : newPos) - (pos < 0 ? -pos : pos);
    if (this.gross > this.maxGross) this.maxGross = this.gross;
    return result;
  }

  /**
   * Last mark price of an instrument, for unrealised P&L. O(1), allocation-free: called on book
   * updates. Marks for instruments the portfolio does not hold are ignored; a non-integer price
   * is ignored and counted in rejectedMarks.
   */
  mark(instrumentId: number, priceTicks: Ticks): void {
    const s = this.states.get(instrumentId);
    if (s === undefined) return;
    if (!Number.isSafeInteger(priceTicks)) {
      this.nRejectedMarks++;
      return;
    }
    s.mark2 = 2 * priceTicks;
    s.marked = true;
  }

  /**
   * Marks at the mid of best bid and best ask (ticks), kept as bid + ask half ticks: exact,
   * O(1), allocation-free (called on book changes). Returns true when the mark changed. Ignored
   * (false) for an instrument the portfolio does not hold or a one-sided/crossed/empty book
   * (a NaN side); a non-integer price is counted in rejectedMarks.
   */
  markMid(instrumentId: number, bidTicks: Ticks, askTicks: Ticks): boolean {
    const s = this.states.get(instrumentId);
    if (s === undefined || !(bidTicks < askTicks)) return false;
    if (!Number.isSafeInteger(bidTicks) || !Number.isSafeInteger(askTicks)) {
      this.nRejectedMarks++;
      return false;
    }
    const m2 = bidTicks + askTicks;
    if (s.marked && s.mark2 === m2) return false;
    s.mark2 = m2;
    s.marked = true;
    return true;
  }

  // --- per instrument --------------------------------------------------------------------

  /** Signed position in lots (0 for an instrument the portfolio does not hold). */
  position(instrumentId: number): Lots {
    return this.states.get(instrumentId)?.pos ?? 0;
  }

  /** Average entry price in ticks (float, for display), null when flat. */
  avgEntryPrice(instrumentId: number): number | null {
    const s = this.states.get(instrumentId);
    if (s === undefined || s.pos === 0) return null;
    return Number(s.cost) / Number(s.tlv) / s.pos;
  }

  /** Exact cost of the open position in nanos, signed like the position (cost / (pos x tlv) = avg entry). */
  positionCost(instrumentId: number): Nanos {
    return this.states.get(instrumentId)?.cost ?? 0n;
  }

  /** Last mark in ticks (x.5 for a mid between two ticks: display only), or null if never marked (nor filled). */
  markPrice(instrumentId: number): number | null {
    const s = this.states.get(instrumentId);
    return s !== undefined && s.marked ? s.mark2 / 2 : null;
  }

  /** Last mark in half ticks (exact), or null if never marked (nor filled). */
  markHalfTicks(instrumentId: number): number | null {
    const s = this.states.get(instrumentId);
    return s !== undefined && s.marked ? s.mark2 : null;
  }

  /** Net P&L of each reducing fill of one instrument. */
  closedTradePnlsOf(instrumentId: number): readonly Nanos[] {
    return this.states.get(instrumentId)?.closedTradePnls ?? [];
  }

  // --- totals (or one instrument when an id is given) ------------------------------------

  /** Realised P&L, gross of fees. */
  realizedPnl(instrumentId?: number): Nanos {
    if (instrumentId === undefined) {
      this.oneCurrency('realizedPnl()');
      return this.realizedTotal;
    }
    return this.states.get(instrumentId)?.realized ?? 0n;
  }

  /** (mark x pos) x tickLotValue - cost, exact. */
  unrealizedPnl(instrumentId?: number): Nanos {
    if (instrumentId !== undefined) return this.states.get(instrumentId)?.unrealized() ?? 0n;
    this.oneCurrency('unrealizedPnl()');
    let u = 0n;
    const list = this.stateList;
    for (let i = 0; i < list.length; i++) if (list[i].pos !== 0) u += list[i].unrealized();
    return u;
  }

  /** Fees paid, net of rebates. */
  fees(instrumentId?: number): Nanos {
    if (instrumentId === undefined) {
      this.oneCurrency('fees()');
      return this.feesTotal;
    }
    return this.states.get(instrumentId)?.fees ?? 0n;
  }

  /** startingCash + realised - fees (settled cash; open positions are not in it). */
  cash(): Nanos {
    this.oneCurrency('cash()');
    return this.startingCash + this.realizedTotal - this.feesTotal;
  }

  /** cash() + unrealised = startingCash + realised - fees + unrealised. */
  equity(): Nanos {
    return this.cash() + this.unrealizedPnl();
  }

  /** Sum of |position| in lots across instruments (lots of different instruments added as they are). */
  grossPosition(): Lots {
    return this.gross;
  }

  /** Highest grossPosition() after any fill. */
  get maxGrossPosition(): Lots {
    return this.maxGross;
  }

  /** Lots traded, all instruments. */
  get volumeLots(): Lots {
    return this.volume;
  }

  get fillCount(): number {
    return this.nFills;
  }

  get rejectedMarks(): number {
    return this.nRejectedMarks;
  }

  /** Gross notional at the marks: sum of |pos x mark| x tickLotValue. */
  exposure(instrumentId?: number): Nanos {
    if (instrumentId !== undefined) {
      const s = this.states.get(instrumentId);
      return s === undefined ? 0n : absNotional(s);
    }
    this.oneCurrency('exposure()');
    let e = 0n;
    const list = this.stateList;
    for (let i = 0; i < list.length; i++) if (list[i].pos !== 0) e += absNotional(list[i]);
    return e;
  }

  // --- per currency and per venue --------------------------------------------------------

  /** Notional at the marks per currency: long, short (as a positive amount), net = long - short, gross = long + short. */
  exposureByCurrency(): CurrencyExposure[] {
    const out: CurrencyExposure[] = this.currencies.map((currency) => ({ currency, long: 0n, short: 0n, net: 0n, gross: 0n }));
    for (const s of this.stateList) {
      if (s.pos === 0) continue;
      const e = out[this.currencies.indexOf(s.instrument.currency)];
      const n = absNotional(s);
      if (s.pos > 0) e.long += n;
      else e.short += n;
    }
    for (const e of out) {
      e.net = e.long - e.short;
      e.gross = e.long + e.short;
    }
    return out;
  }

  /** Realised (gross of fees), unrealised and fees per currency. */
  pnlByCurrency(): CurrencyPnl[] {
    const out: CurrencyPnl[] = this.currencies.map((currency) => ({ currency, realized: 0n, unrealized: 0n, fees: 0n }));
    for (const s of this.stateList) {
      const p = out[this.currencies.indexOf(s.instrument.currency)];
      p.realized += s.realized;
      p.unrealized += s.unrealized();
      p.fees += s.fees;
    }
    return out;
  }

  /** Every instrument's position (flat ones included), optionally of one venue only, in instrument order. */
  positions(venue?: string): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (const s of this.stateList) {
      const i = s.instrument;
      if (venue !== undefined && i.venue !== venue) continue;
      out.push({
        instrumentId: i.id,
        symbol: i.symbol,
        venue: i.venue,
        currency: i.currency,
        qty: s.pos,
        cost: s.cost,
        markHalfTicks: s.marked ? s.mark2 : null,
        realized: s.realized,
        unrealized: s.unrealized(),
        fees: s.fees,
      });
    }
    return out;
  }

  /** The venues of the instruments, in first-seen order. */
  venues(): string[] {
    const v: string[] = [];
    for (const s of this.stateList) if (!v.includes(s.instrument.venue)) v.push(s.instrument.venue);
    return v;
  }

  /**
   * Compares our positions (and, when given, our open orders) with what a venue reports and
   * lists every difference; fixes nothing. See Reconciliation.ts for the rules.
   */
  reconcile(venueReport: VenueReport, ourOpenOrders?: Iterable<Order>): ReconciliationDifference[] {
    return reconcilePositions(this.positions(venueReport.venue), venueReport, ourOpenOrders);
  }

  // --- floats, for statistics and display only -------------------------------------------

  equityToNumber(): number {
    return nanosToNumber(this.equity());
  }

  realizedPnlToNumber(instrumentId?: number): number {
    return nanosToNumber(this.realizedPnl(instrumentId));
  }

  unrealizedPnlToNumber(instrumentId?: number): number {
    return nanosToNumber(this.unrealizedPnl(instrumentId));
  }

  closedTradePnlsToNumber(): number[] {
    return this.closedTradePnls.map(nanosToNumber);
  }
}

/** |pos x mark x tlv|, from half ticks, truncated to the nano. */
function absNotional(s: PositionState): Nanos {
  const n = (BigInt(s.pos) * BigInt(s.mark2) * s.tlv) / 2n;
  return n < 0n ? -n : n;
}

export interface CurrencyExposure {
  currency: string;
  long: Nanos;
  short: Nanos;
  net: Nanos;
  gross: Nanos;
}

export interface CurrencyPnl {
  currency: string;
  realized: Nanos;
  unrealized: Nanos;
  fees: Nanos;
}

/** One instrument's position as the portfolio sees it. Money in nanos of `currency`. */
export interface PositionSnapshot {
  instrumentId: number;
  symbol: string;
  venue: string;
  currency: string;
  /** Signed lots. */
  qty: Lots;
  /** Cost of the open position, signed like qty. */
  cost: Nanos;
  markHalfTicks: number | null;
  realized: Nanos;
  unrealized: Nanos;
  fees: Nanos;
}
