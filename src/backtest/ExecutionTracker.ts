/**
 * Execution figures of a run, per instrument and in total, fed by the runner with decisions
 * (order submitted / replaced) and fills:
 *
 *   Slippage vs mid at decision time. When the strategy sends an order (OrderSubmitted) the mid
 *   of the instrument's book at that moment is recorded under the order's clientOrderId; the
 *   book is the one the strategy was looking at (the kernel publishes the event synchronously
 *   inside the strategy's call, and the runner reads the book through kernel.book(), the
 *   strategy's view, which lags the venue's book when market data latency is configured). A cancel/replace is a new pricing decision: the mid at the
 *   replace request (OrderPendingReplace) becomes the order's decision mid once the venue
 *   confirms the replace (OrderReplaced); fills before that, at the old price, keep the old mid,
 *   and a rejected replace keeps it too. Mid = (best bid + best ask) / 2, only when the book is two-sided
 *   (bid < ask); a one-sided, empty, locked or crossed book gives no mid and the fill is left
 *   out of the slippage figures. For each fill with a mid:
 *       slippage_ticks = (fill price - mid) in ticks for a BUY, (mid - fill price) for a SELL
 *   so positive = worse for us than the mid (paid more / sold for less); a passive maker fill at
 *   the touch is typically -half the spread (better than mid). In currency:
 *       slippage cost = slippage_ticks x qty (lots) x the value of one tick on one lot,
 *   exact in BigInt nanos (kept doubled, as a mid can be half a tick). Averages are over fills
 *   (each fill counts once, whatever its size): avg ticks = sum(slippage_ticks) / fills with a
 *   mid; avg currency = sum(cost) / the same fills. Across instruments the ticks are each fill's
 *   own instrument's ticks.
 *
 *   Traded notional = sum over fills of |price| x qty x multiplier (currency, exact).
 *
 *   Position, max position, time in market: positions are the signed sum of fills per
 *   instrument (lots). Max position = the largest |position| an instrument reached; max gross =
 *   the largest sum over instruments of |position|.
 *   Time in market = in-market time / active time. Active time = the window [first event, last
 *   event] of the replay minus closed-market time: of every stretch without any market event
 *   (of any instrument) longer than `gapNs` (the runner uses 5 sampling intervals, 5 min by
 *   default), the part beyond the first gapNs is closed-market time (nights, weekends, the hours
 *   between a file's opening snapshot and the first trading). In-market time = the active time
 *   during which the position was not zero (per instrument; for the run: any instrument not
 *   flat). So a position held over a weekend does not inflate the figure, and hours before the
 *   open do not dilute it.
 *
 *   Closed trade = a fill that reduces an open position (as Portfolio counts its closedTradePnls).
 */
import type { Fill, Instrument, Lots, Nanos } from '../core/index.ts';
import { nanosToNumber } from '../core/index.ts';
import type { OrderBookView } from '../data/book/OrderBookView.ts';

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** 2 x the mid of a two-sided book, in ticks (an integer); NaN without one. */
function midX2(book: OrderBookView | undefined): number {
  return book !== undefined && book.isTwoSided() ? book.bestBidPrice() + book.bestAskPrice() : Number.NaN;
}

/** What the tracker made of one fill (the runner copies it into the results' FillPoint). */
export interface FillAnalysis {
  /** Mid at decision time in ticks (may end in .5), NaN when there was none. */
  decisionMidTicks: number;
  /** Signed slippage in ticks (positive = worse than the mid), NaN without a decision mid. */
  slippageTicks: number;
  /** The fill reduced an open position. */
  closedTrade: boolean;
}

/** Per-instrument execution figures (lots, currency nanos, clock ns). */
export class InstrumentExecution {
  fills = 0;
  volumeLots: Lots = 0;
  tradedNotional: Nanos = 0n;
  position: Lots = 0;
  maxPosition: Lots = 0;
  closedTrades = 0;
  slippageFills = 0;
  /** Sum of 2 x slippage ticks (integers: a mid can be half a tick). */
  slippageHalfTicks = 0;
  /** Sum of 2 x slippage cost, nanos. */
  slippageCostX2: Nanos = 0n;
  inMarketNs = 0;
  /** Closed-market time while the position was not zero (subtracted from inMarketNs). */
  closedInMarketNs = 0;
  /** Clock ns since which the position is non-zero (NaN while flat). */
  sinceNs = Number.NaN;

  constructor(readonly instrument: Instrument) {}

  get avgSlippageTicks(): number {
    return this.slippageFills > 0 ? this.slippageHalfTicks / 2 / this.slippageFills : 0;
  }

  get avgSlippage(): number {
    return this.slippageFills > 0 ? nanosToNumber(this.slippageCostX2) / 2 / this.slippageFills : 0;
  }

  get slippageCost(): number {
    return nanosToNumber(this.slippageCostX2) / 2;
  }
}

export class ExecutionTracker {
  private readonly byId = new Map<number, InstrumentExecution>();
  /** clientOrderId -> (bid + ask) in ticks at decision time (2 x mid), NaN when there was no mid. */
  private readonly decisionMidX2 = new Map<string, number>();
  /** Same, for replace requests not yet confirmed by the venue. */
  private readonly pendingMidX2 = new Map<string, number>();
  private windowStartNs = Number.NaN;
  private windowEndNs = Number.NaN;
  private nonFlat = 0;
  private anySinceNs = Number.NaN;
  private anyInMarketNs = 0;
  private anyClosedInMarketNs = 0;
  private lastEventNs = Number.NaN;
  private closedNs = 0;
  private gross: Lots = 0;
  private maxGrossLots: Lots = 0;

  /** @param gapNs a stretch without market events longer than this is closed market beyond its first gapNs (Infinity: never). */
  constructor(instruments: Iterable<Instrument>, readonly gapNs = Number.POSITIVE_INFINITY) {
    if (!(gapNs > 0)) throw new RangeError(`gapNs must be > 0, got ${gapNs}`);
    for (const i of instruments) this.byId.set(i.id, new InstrumentExecution(i));
  }

  /** Called with the clock time of every market event, in order (the closed-market detector). */
  onEventTime(tsNs: number): void {
    const prev = this.lastEventNs;
    this.lastEventNs = tsNs;
    if (!(tsNs - prev > this.gapNs)) return;
    // rare: a closed market ended; [prev + gapNs, tsNs] was closed
    const closedFrom = prev + this.gapNs;
    this.closedNs += tsNs - closedFrom;
    for (const x of this.byId.values()) {
      if (!Number.isNaN(x.sinceNs)) x.closedInMarketNs += tsNs - Math.max(closedFrom, x.sinceNs);
    }
    if (!Number.isNaN(this.anySinceNs)) this.anyClosedInMarketNs += tsNs - Math.max(closedFrom, this.anySinceNs);
  }

  /** Per-instrument figures in the order the instruments were given. */
  get instruments(): InstrumentExecution[] {
    return [...this.byId.values()];
  }

  of(instrumentId: number): InstrumentExecution {
    const x = this.byId.get(instrumentId);
    if (x === undefined) throw new RangeError(`execution tracker: unknown instrument id ${instrumentId}`);
    return x;
  }

  /** Records the book's mid as the decision mid of a new order `clientOrderId`. */
  recordDecision(clientOrderId: string, book: OrderBookView | undefined): void {
    this.decisionMidX2.set(clientOrderId, midX2(book));
  }

  /** Records the book's mid at a replace request; it applies from confirmReplace(). */
  recordReplaceDecision(clientOrderId: string, book: OrderBookView | undefined): void {
    this.pendingMidX2.set(clientOrderId, midX2(book));
  }

  /** The venue confirmed the replace: its decision mid now applies. */
  confirmReplace(clientOrderId: string): void {
    const m = this.pendingMidX2.get(clientOrderId);
    if (m === undefined) return;
    this.pendingMidX2.delete(clientOrderId);
    this.decisionMidX2.set(clientOrderId, m);
  }

  /** The replace was refused: the order keeps its price and its decision mid. */
  rejectReplace(clientOrderId: string): void {
    this.pendingMidX2.delete(clientOrderId);
  }

  /** Drops the decisions of an order that can fill no more (terminal), keeping memory bounded. */
  forget(clientOrderId: string): void {
    this.decisionMidX2.delete(clientOrderId);
    this.pendingMidX2.delete(clientOrderId);
  }

  /** Number of decision mids held (open orders, after forget() of terminal ones). */
  get heldDecisions(): number {
    return this.decisionMidX2.size + this.pendingMidX2.size;
  }

  /** Starts the time-in-market window (the first event of the replay). */
  openWindow(tsNs: number): void {
    this.windowStartNs = tsNs;
  }

  /** Ends the window (the last event); fills after it still move positions and maxima, not time. */
  closeWindow(tsNs: number): void {
    if (!Number.isNaN(this.windowEndNs)) return;
    this.windowEndNs = tsNs;
    for (const x of this.byId.values()) {
      if (!Number.isNaN(x.sinceNs)) x.inMarketNs += tsNs - x.sinceNs;
    }
    if (!Number.isNaN(this.anySinceNs)) this.anyInMarketNs += tsNs - this.anySinceNs;
  }

  onFill(fill: Fill): FillAnalysis {
    const x = this.of(fill.instrumentId);
    const inst = x.instrument;
    const q = fill.qty;
    const signed = fill.side === 'BUY' ? q : -q;
    x.fills++;
    x.volumeLots += q;
    x.tradedNotional += inst.notional(fill.price < 0 ? -fill.price : fill.price, q);

    const midX2 = this.decisionMidX2.get(fill.clientOrderId) ?? Number.NaN;
    let slippageTicks = Number.NaN;
    if (!Number.isNaN(midX2)) {
      const halfTicks = signed > 0 ? 2 * fill.price - midX2 : midX2 - 2 * fill.price;
      slippageTicks = halfTicks / 2;
      x.slippageFills++;
      x.slippageHalfTicks += halfTicks;
      x.slippageCostX2 += BigInt(halfTicks) * BigInt(q) * inst.tickLotValue;
    }

    const before = x.position;
    const after = before + signed;
    const closedTrade = before !== 0 && before > 0 !== signed > 0;
    if (closedTrade) x.closedTrades++;
    x.position = after;
    const absAfter = after < 0 ? -after : after;
    if (absAfter > x.maxPosition) x.maxPosition = absAfter;
    this.gross += absAfter - (before < 0 ? -before : before);
    if (this.gross > this.maxGrossLots) this.maxGrossLots = this.gross;

    const inWindow = Number.isNaN(this.windowEndNs);
    const t = fill.tsNs;
    if (before === 0 && after !== 0) {
      if (inWindow) x.sinceNs = t;
      if (this.nonFlat++ === 0 && inWindow) this.anySinceNs = t;
    } else if (before !== 0 && after === 0) {
      if (inWindow && !Number.isNaN(x.sinceNs)) x.inMarketNs += t - x.sinceNs;
      x.sinceNs = Number.NaN;
      if (--this.nonFlat === 0) {
        if (inWindow && !Number.isNaN(this.anySinceNs)) this.anyInMarketNs += t - this.anySinceNs;
        this.anySinceNs = Number.NaN;
      }
    }
    return { decisionMidTicks: midX2 / 2, slippageTicks, closedTrade };
  }

  /** Active (open-market) time of the window, ns; 0 before closeWindow. */
  activeNs(): number {
    const span = this.windowEndNs - this.windowStartNs - this.closedNs;
    return span > 0 ? span : 0;
  }

  /** Fraction of the active time with any position open; 0 before closeWindow or for an empty window. */
  timeInMarket(): number {
    const w = this.activeNs();
    return w > 0 ? clamp01((this.anyInMarketNs - this.anyClosedInMarketNs) / w) : 0;
  }

  timeInMarketOf(instrumentId: number): number {
    const w = this.activeNs();
    const x = this.of(instrumentId);
    return w > 0 ? clamp01((x.inMarketNs - x.closedInMarketNs) / w) : 0;
  }

  get maxGrossPosition(): Lots {
    return this.maxGrossLots;
  }

  /** Totals over instruments: fills with a mid, average ticks and currency per fill, total cost, notional. */
  totals(): { slippageFills: number; avgSlippageTicks: number; avgSlippage: number; slippageCost: number; tradedNotional: Nanos } {
    let fills = 0;
    let halfTicks = 0;
    let costX2 = 0n;
    let notional = 0n;
    for (const x of this.byId.values()) {
      fills += x.slippageFills;
      halfTicks += x.slippageHalfTicks;
      costX2 += x.slippageCostX2;
      notional += x.tradedNotional;
    }
    return {
      slippageFills: fills,
      avgSlippageTicks: fills > 0 ? halfTicks / 2 / fills : 0,
      avgSlippage: fills > 0 ? nanosToNumber(costX2) / 2 / fills : 0,
      slippageCost: nanosToNumber(costX2) / 2,
      tradedNotional: notional,
    };
  }
}
