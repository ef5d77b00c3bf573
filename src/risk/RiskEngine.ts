import type { Clock, DenyReason, Lots, Order, RiskState, RiskStateChanged } from '../core/index.ts';
import { sideSign } from '../core/index.ts';
import type { MessageBus } from '../bus/MessageBus.ts';
import type { KernelTopics } from '../bus/topics.ts';

export interface RiskLimits {
  /** Largest single order, in lots. */
  maxOrderSize: Lots;
  /** Largest absolute position per instrument, counting open orders on the same side as if filled. */
  maxPosition: Lots;
  maxOpenOrders: number;
  /** Orders (new and replaces) allowed in any rolling second. */
  maxOrdersPerSecond: number;
  /** Drawdown from peak equity (fraction) that moves NORMAL -> WARNING. */
  warningDrawdownPct: number;
  /** Drawdown from peak equity (fraction) that trips the circuit breaker. */
  maxDrawdownPct: number;
}

/** What the risk engine reads from the rest of the kernel: narrow, read-only views. */
export interface RiskInputs {
  position(instrumentId: number): Lots;
  /** Lots of open orders on a side of an instrument (leaves quantity). */
  openQty(instrumentId: number, side: 'BUY' | 'SELL'): Lots;
  openOrderCount(): number;
}

/**
 * Pre-trade checks on every order before it leaves the process, and the risk state machine
 * fed by equity marks. This is the spine's version: order size, position (worst case with
 * working orders), open-order count, drawdown -> WARNING -> CIRCUIT_BREAKER, and a manual
 * kill switch. Every transition is published on the bus ('risk.state').
 */
export class RiskEngine {
  private stateValue: RiskState = 'NORMAL';
  private peakEquity = -Infinity;
  readonly transitions: RiskStateChanged[] = [];
  readonly deniedByReason: Partial<Record<DenyReason, number>> = {};
  /** Send times (clock ns) of the last maxOrdersPerSecond orders, as a ring. */
  private readonly sendTimes: Float64Array;
  private sendIdx = 0;

  constructor(
    private readonly limits: RiskLimits,
    private readonly inputs: RiskInputs,
    private readonly clock: Clock,
    private readonly bus: MessageBus<KernelTopics>,
  ) {
    this.sendTimes = new Float64Array(limits.maxOrdersPerSecond).fill(-Infinity);
  }

  get state(): RiskState {
    return this.stateValue;
  }

  /** Returns why the order must not be sent, or null when it may go. */
  check(order: Order): DenyReason | null {
    return this.record(this.evaluate(order, 0, true));
  }

  /**
   * Checks a cancel/replace of a working order to `newLeaves` lots: the same limits as a new
   * order, except that the order's current leaves are replaced, not added, and it does not
   * count as one more open order.
   */
  checkReplace(order: Order, newLeaves: Lots): DenyReason | null {
    const probe: Order = { ...order, qty: newLeaves };
    return this.record(this.evaluate(probe, order.qty - order.filledQty, false));
  }

  private record(reason: DenyReason | null): DenyReason | null {
    if (reason !== null) {
      this.deniedByReason[reason] = (this.deniedByReason[reason] ?? 0) + 1;
      return reason;
    }
    this.sendTimes[this.sendIdx] = this.clock.now();
    this.sendIdx = (this.sendIdx + 1) % this.sendTimes.length;
    return null;
  }

  private evaluate(order: Order, replacedLeaves: Lots, isNew: boolean): DenyReason | null {
    if (this.stateValue === 'KILL_SWITCH') return 'KILL_SWITCH';
    if (!Number.isSafeInteger(order.qty) || order.qty <= 0) return 'INVALID_ORDER';
    if (order.qty > this.limits.maxOrderSize) return 'MAX_ORDER_SIZE';
    const pos = this.inputs.position(order.instrumentId);
    const sign = sideSign(order.side);
    const reduces = pos !== 0 && Math.sign(pos) !== sign && order.qty <= Math.abs(pos);
    if (this.stateValue === 'CIRCUIT_BREAKER' && !reduces) return 'CIRCUIT_BREAKER';
    // worst case: every working order on this side fills, then this one
    const worst = pos + sign * (this.inputs.openQty(order.instrumentId, order.side) - replacedLeaves + order.qty);
    if (Math.abs(worst) > this.limits.maxPosition && !reduces) return 'MAX_POSITION';
    if (isNew && this.inputs.openOrderCount() >= this.limits.maxOpenOrders) return 'MAX_OPEN_ORDERS';
    // the oldest of the last N sends must be more than a second ago
    if (this.clock.now() - this.sendTimes[this.sendIdx] < 1e9) return 'RATE_LIMIT';
    return null;
  }

  /** Post-trade: called with equity (currency units) on fills and marks. */
  onEquity(equity: number): void {
    if (equity > this.peakEquity) this.peakEquity = equity;
    if (this.stateValue === 'KILL_SWITCH' || this.stateValue === 'CIRCUIT_BREAKER') return;
    const dd = this.peakEquity > 0 ? (this.peakEquity - equity) / this.peakEquity : 0;
    if (dd > this.limits.maxDrawdownPct) {
      this.transition('CIRCUIT_BREAKER', `drawdown ${(dd * 100).toFixed(2)}% > max_drawdown_pct ${(this.limits.maxDrawdownPct * 100).toFixed(2)}%`);
    } else if (dd > this.limits.warningDrawdownPct && this.stateValue === 'NORMAL') {
      this.transition('WARNING', `drawdown ${(dd * 100).toFixed(2)}% > warning_drawdown_pct ${(this.limits.warningDrawdownPct * 100).toFixed(2)}%`);
    }
  }

  /** Operator kill switch: nothing new is accepted until reset. */
  kill(reason: string): void {
    if (this.stateValue !== 'KILL_SWITCH') this.transition('KILL_SWITCH', reason);
  }

  private transition(to: RiskState, reason: string): void {
    const ev: RiskStateChanged = { tsNs: this.clock.now(), from: this.stateValue, to, reason };
    this.stateValue = to;
    this.transitions.push(ev);
    this.bus.publish('risk.state', ev);
  }
}
