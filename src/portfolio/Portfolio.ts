import type { Fill, Instrument, Lots, Nanos, Ticks } from '../core/index.ts';
import { nanosToNumber } from '../core/index.ts';

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
  mark: Ticks = 0;
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

  unrealized(): Nanos {
    if (this.pos === 0) return 0n;
    return BigInt(this.pos) * BigInt(this.mark) * this.tlv - this.cost;
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
 *
 * One currency per portfolio: all instruments must share it.
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

  constructor(instruments: readonly Instrument[], startingCash: Nanos) {
    this.startingCash = startingCash;
    for (const inst of instruments) {
      if (this.states.has(inst.id)) throw new RangeError(`portfolio: instrument id ${inst.id} listed twice`);
      if (this.stateList.length > 0 && this.stateList[0].instrument.currency !== inst.currency) {
        throw new RangeError(`portfolio: one currency per portfolio, got ${this.stateList[0].instrument.currency} and ${inst.currency} (${inst.symbol})`);
      }
      const s = new PositionState(inst, inst.tickLotValue);
      this.states.set(inst.id, s);
      this.stateList.push(s);
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
      s.mark = fill.price;
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
    s.mark = priceTicks;
    s.marked = true;
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

  /** Last mark in ticks, or null if never marked (nor filled). */
  markPrice(instrumentId: number): Ticks | null {
    const s = this.states.get(instrumentId);
    return s !== undefined && s.marked ? s.mark : null;
  }

  /** Net P&L of each reducing fill of one instrument. */
  closedTradePnlsOf(instrumentId: number): readonly Nanos[] {
    return this.states.get(instrumentId)?.closedTradePnls ?? [];
  }

  // --- totals (or one instrument when an id is given) ------------------------------------

  /** Realised P&L, gross of fees. */
  realizedPnl(instrumentId?: number): Nanos {
    if (instrumentId === undefined) return this.realizedTotal;
    return this.states.get(instrumentId)?.realized ?? 0n;
  }

  /** (mark x pos) x tickLotValue - cost, exact. */
  unrealizedPnl(instrumentId?: number): Nanos {
    if (instrumentId !== undefined) return this.states.get(instrumentId)?.unrealized() ?? 0n;
    let u = 0n;
    const list = this.stateList;
    for (let i = 0; i < list.length; i++) if (list[i].pos !== 0) u += list[i].unrealized();
    return u;
  }

  /** Fees paid, net of rebates. */
  fees(instrumentId?: number): Nanos {
    if (instrumentId === undefined) return this.feesTotal;
    return this.states.get(instrumentId)?.fees ?? 0n;
  }

  /** startingCash + realised - fees (settled cash; open positions are not in it). */
  cash(): Nanos {
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
    let e = 0n;
    const list = this.stateList;
    for (let i = 0; i < list.length; i++) if (list[i].pos !== 0) e += absNotional(list[i]);
    return e;
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

function absNotional(s: PositionState): Nanos {
  const n = BigInt(s.pos) * BigInt(s.mark) * s.tlv;
  return n < 0n ? -n : n;
}
