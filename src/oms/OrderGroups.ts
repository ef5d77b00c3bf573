import type { Clock, Lots, Order, OrderEvent, OrderIntent, Side, Ticks } from '../core/index.ts';
import { isOpen, leavesQty, marketIntent } from '../core/index.ts';
import type { MessageBus } from '../bus/MessageBus.ts';
import type { AlertLevel, KernelTopics } from '../bus/topics.ts';
import type { LegUnwindPolicy, OmsSettings } from './OmsSettings.ts';

/**
 * Order groups: OCO, bracket and multi-leg orders, managed client-side on top of the order
 * manager. Every order of a group is an ordinary order: it passes the risk engine and the OMS,
 * and the strategy sees all its events. A group only watches its orders' events and sends
 * cancels, replaces and new orders through the same path the strategy uses.
 *
 * Each group is level-triggered: on every event of one of its orders it compares what is
 * (the live orders) with what should be, and acts on the difference. So an event that arrives
 * late, twice or out of the expected order (a fill racing a cancel) leads to the right action,
 * and nested events (a cancel sent from inside a fill's event) are handled by re-running the
 * comparison, never by recursion.
 */

/** How a group sends and pulls orders: the kernel's risk-checked path. */
export interface GroupOrderPort {
  /** A new INITIALIZED order (DENIED at once if the intent is malformed), not yet sent. */
  create(intent: OrderIntent): Order;
  /** Risk check, then to the venue; the order comes back DENIED if risk refused it. */
  send(order: Order): void;
  cancel(clientOrderId: string): boolean;
  replace(clientOrderId: string, price: Ticks, qty: Lots): boolean;
}

export type OrderGroupKind = 'OCO' | 'BRACKET' | 'LEGS';

/**
 * WORKING    orders working, nothing decided yet
 * TRIGGERED  OCO: one order filled, the others are cancelled; bracket: the entry filled, the exits protect it
 * UNWINDING  legs: leg risk; the remaining legs are cancelled and (hedge policy) the filled quantity flattened
 * UNWOUND    legs: the unwinding is over (every leg and hedge order finished)
 * DONE       finished as intended (OCO resolved or expired unfilled, bracket closed, every leg filled)
 * FAILED     refused or broken before anything filled (a member denied, a leg rejected); the rest is cancelled
 * DETACHED   bracket: it stopped managing its exits (one was cancelled by someone else, or denied); the position is the strategy's
 */
export type OrderGroupState = 'WORKING' | 'TRIGGERED' | 'UNWINDING' | 'UNWOUND' | 'DONE' | 'FAILED' | 'DETACHED';

export type GroupRole = 'MEMBER' | 'ENTRY' | 'TAKE_PROFIT' | 'STOP_LOSS' | 'LEG' | 'HEDGE';

export interface GroupMember {
  readonly order: Order;
  readonly role: GroupRole;
}

/** What a group needs from its manager. */
interface GroupHost {
  readonly clock: Clock;
  submitMember(group: OrderGroup, role: GroupRole, intent: OrderIntent): Order;
  cancel(clientOrderId: string): boolean;
  replace(clientOrderId: string, price: Ticks, qty: Lots): boolean;
  alert(level: AlertLevel, code: string, message: string): void;
}

/** Cancels of one order a group sends before it gives up (a venue that keeps refusing). */
const MAX_CANCEL_ATTEMPTS = 3;

const opposite = (side: Side): Side => (side === 'BUY' ? 'SELL' : 'BUY');

export abstract class OrderGroup {
  state: OrderGroupState = 'WORKING';
  /** Why the group failed, detached or unwound (empty otherwise). */
  reason = '';
  protected readonly memberList: GroupMember[] = [];
  /** Set while the group submits its initial orders: no decisions on a half-built group. */
  protected building = true;
  /** cancelGroup() was called. */
  protected cancelRequested = false;
  private readonly cancelAttempts = new Map<string, number>();
  private syncing = false;
  private again = false;

  constructor(
    readonly id: string,
    readonly kind: OrderGroupKind,
    protected readonly host: GroupHost,
  ) {}

  /** The group's orders with their roles, in the order they were created. */
  get members(): readonly GroupMember[] {
    return this.memberList;
  }

  /** The group's orders of one role. */
  ordersOf(role: GroupRole): Order[] {
    const out: Order[] = [];
    for (const m of this.memberList) if (m.role === role) out.push(m.order);
    return out;
  }

  /** No order of the group is open any more. */
  get finished(): boolean {
    for (const m of this.memberList) if (isOpen(m.order)) return false;
    return true;
  }

  /** Called by the manager when it creates an order for this group (before the order is sent). */
  adopt(order: Order, role: GroupRole): void {
    this.memberList.push({ order, role });
  }

  /** An event of one of the group's orders. */
  onOrderEvent(e: OrderEvent): void {
    this.observe(e);
    this.sync();
  }

  /** Strategy's request to pull the whole group (see each kind for what that means). */
  requestCancel(): void {
    this.cancelRequested = true;
    this.sync();
  }

  /** Builds then compares; re-runs while nested events asked for another pass. */
  sync(): void {
    // a group refused before it sent anything has nothing to decide
    if (this.building || this.memberList.length === 0) return;
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.again = false;
        this.reconcile();
      } while (this.again);
    } finally {
      this.syncing = false;
    }
  }

  /** Ends the initial submission and makes the first decision. */
  built(): void {
    this.building = false;
    this.sync();
  }

  protected observe(e: OrderEvent): void {
    void e;
  }

  protected abstract reconcile(): void;

  /**
   * Cancels an open order unless a cancel is already pending. Returns false once
   * MAX_CANCEL_ATTEMPTS cancels of this order have been sent (the venue keeps refusing).
   */
  protected cancelMember(order: Order): boolean {
    if (!isOpen(order) || order.status === 'PENDING_CANCEL') return true;
    const n = this.cancelAttempts.get(order.clientOrderId) ?? 0;
    if (n >= MAX_CANCEL_ATTEMPTS) return false;
    this.cancelAttempts.set(order.clientOrderId, n + 1);
    this.host.cancel(order.clientOrderId);
    return true;
  }

  /** Cancels every open order of the group; false if one of them could not be cancelled. */
  protected cancelOpen(roles?: ReadonlySet<GroupRole>): boolean {
    let ok = true;
    for (const m of this.memberList) {
      if (roles !== undefined && !roles.has(m.role)) continue;
      if (!this.cancelMember(m.order)) ok = false;
    }
    return ok;
  }

  protected describe(o: Order): string {
    return `${o.clientOrderId} (${o.side} ${o.filledQty}/${o.qty} of instrument ${o.instrumentId}, ${o.status}${o.reason ? ` ${o.reason}` : ''})`;
  }
}

/**
 * One-cancels-the-others: two or more orders; the first fill of any of them (full or partial)
 * cancels all the others. Partial-fill policy: the order that filled first is the one chosen;
 * it keeps working its remaining quantity, the others are cancelled at once (not reduced). A
 * fill that races the cancel of another member (the venue filled it before the cancel got
 * there) is kept and raises a WARNING `OCO_MULTIPLE_FILLS`: a client-side OCO cannot exclude it.
 * Orders that end unfilled (rejected, expired, cancelled) just drop out; the rest stay an OCO.
 * If a member is denied when the group is submitted, the members already sent are cancelled
 * and the group is FAILED. cancelGroup cancels every open member.
 */
export class OcoGroup extends OrderGroup {
  /** The member that filled first. */
  winner: Order | undefined;
  private multiAlerted = false;

  constructor(id: string, host: GroupHost) {
    super(id, 'OCO', host);
  }

  protected override observe(e: OrderEvent): void {
    if (e.type === 'OrderFilled' && this.winner === undefined) this.winner = e.order;
  }

  protected reconcile(): void {
    if (this.winner === undefined) {
      // robustness: a fill applied while the group was being built
      for (const m of this.memberList) {
        if (m.order.filledQty > 0) {
          this.winner = m.order;
          break;
        }
      }
    }
    const winner = this.winner;
    if (this.state === 'FAILED' || this.cancelRequested) {
      this.cancelOpen();
    } else if (winner !== undefined) {
      this.state = 'TRIGGERED';
      for (const m of this.memberList) {
        if (m.order === winner) continue;
        this.cancelMember(m.order);
        if (m.order.filledQty > 0 && !this.multiAlerted) {
          this.multiAlerted = true;
          this.host.alert('WARNING', 'OCO_MULTIPLE_FILLS', `OCO ${this.id}: ${this.describe(m.order)} filled as well as ${this.describe(winner)}`);
        }
      }
    } else {
      // a member denied at submission fails the group
      const denied = this.memberList.find((m) => m.order.status === 'DENIED');
      if (denied !== undefined) {
        this.state = 'FAILED';
        this.reason = `member ${denied.order.clientOrderId} denied: ${denied.order.reason}`;
        this.cancelOpen();
      }
    }
    if (this.finished && this.state !== 'FAILED') this.state = 'DONE';
  }
}

/**
 * Bracket: an entry order; once it fills, a stop-loss STOP and a take-profit LIMIT on the
 * other side (GTC, sent in that order: protection first) protect the filled quantity as an
 * OCO pair. They are NOT flagged reduce-only: the risk engine's worst case counts every working
 * order on a side as if all of them filled, so a second reduce-only exit for the same lots
 * would be refused (REDUCE_ONLY). As plain orders they pass: their worst case (-position) is
 * within max_position whenever the entry was. (An OCO-aware worst case belongs to the risk engine.)
 *
 * The exits always cover the bracket's open position: target = entry filled - exits filled.
 * - The exits go out on the entry's first fill, sized to what has filled; further entry fills
 *   grow them, so a partial fill is protected at once. An entry partly filled and then
 *   cancelled or expired leaves exits sized to what filled.
 * - Partial-fill policy of the exit pair: a partial fill of one exit REDUCES the other to the
 *   remaining position (a stop-loss is never cancelled while there is a position to protect);
 *   a complete fill (target 0) cancels the other. (Generic OCO groups cancel instead.)
 * - Resizing: the take-profit by cancel/replace (one order throughout, see
 *   TradingKernel.replace); the stop-loss, which the OMS cannot replace, by cancel and then a
 *   new stop once the cancel is confirmed (a round trip without a stop: documented risk), and
 *   the take-profit the same way if its replace is refused.
 * - If an exit ends without the bracket asking (cancelled by the strategy, the venue or the
 *   risk engine's cancel-all, expired, rejected) or a new exit is denied, the bracket DETACHES:
 *   it stops managing, leaves whatever still works in place and raises BRACKET_DETACHED
 *   (CRITICAL while a position is left unprotected). More exit fills than entry fills raise a
 *   CRITICAL BRACKET_OVERFILL.
 * - cancelGroup cancels the entry and the exits and detaches: the position is the strategy's.
 */
export class BracketGroup extends OrderGroup {
  takeProfit: Order | undefined;
  stopLoss: Order | undefined;
  private readonly resizing = new Set<string>();
  private readonly noReplace = new Set<string>();
  private overfillAlerted = false;

  constructor(
    id: string,
    host: GroupHost,
    readonly takeProfitPrice: Ticks,
    readonly stopLossPrice: Ticks,
  ) {
    super(id, 'BRACKET', host);
  }

  get entry(): Order | undefined {
    return this.memberList.length > 0 ? this.memberList[0].order : undefined;
  }

  /** Lots the exits should cover now: entry filled minus exits filled (never below 0). */
  get protectedQty(): Lots {
    const t = this.rawTarget();
    return t > 0 ? t : 0;
  }

  protected override observe(e: OrderEvent): void {
    const id = e.order.clientOrderId;
    if (e.type === 'OrderReplaceRejected') this.noReplace.add(id);
  }

  private rawTarget(): Lots {
    const entry = this.entry;
    if (entry === undefined) return 0;
    let exitFilled = 0;
    for (const m of this.memberList) if (m.role !== 'ENTRY') exitFilled += m.order.filledQty;
    return entry.filledQty - exitFilled;
  }

  protected reconcile(): void {
    const entry = this.entry;
    if (entry === undefined) return;
    if (this.cancelRequested && this.state !== 'DETACHED' && this.state !== 'DONE' && this.state !== 'FAILED') {
      this.cancelOpen();
      this.detach('WARNING', 'cancelled by the strategy', false);
    }
    if (this.state === 'DETACHED' || this.state === 'FAILED' || this.state === 'DONE') return;
    if (entry.status === 'DENIED') {
      this.state = 'FAILED';
      this.reason = `entry denied: ${entry.reason}`;
      return;
    }
    let target = this.rawTarget();
    if (target < 0) {
      if (!this.overfillAlerted) {
        this.overfillAlerted = true;
        this.host.alert('CRITICAL', 'BRACKET_OVERFILL', `bracket ${this.id}: exits filled ${-target} lots more than the entry ${this.describe(entry)}`);
      }
      target = 0;
    }
    if (entry.filledQty > 0) this.state = 'TRIGGERED';
    if (target === 0) {
      for (const o of [this.takeProfit, this.stopLoss]) {
        if (o !== undefined && isOpen(o)) {
          this.resizing.add(o.clientOrderId);
          if (!this.cancelMember(o)) return this.detach('CRITICAL', `exit ${o.clientOrderId} could not be cancelled`);
        }
      }
      if (!isOpen(entry) && this.finished) {
        this.state = entry.status === 'REJECTED' ? 'FAILED' : 'DONE';
        if (entry.filledQty === 0) this.reason = `entry ended unfilled: ${entry.status}${entry.reason ? ` ${entry.reason}` : ''}`;
      }
      return;
    }
    this.keep('STOP_LOSS', target);
    // keep() may have detached the bracket (TS narrowed `state` before the call)
    if ((this.state as OrderGroupState) !== 'DETACHED') this.keep('TAKE_PROFIT', target);
  }

  /** Makes the exit of `role` cover `target` lots. */
  private keep(role: 'TAKE_PROFIT' | 'STOP_LOSS', target: Lots): void {
    const cur = role === 'TAKE_PROFIT' ? this.takeProfit : this.stopLoss;
    if (cur !== undefined && isOpen(cur)) {
      if (leavesQty(cur) === target) return;
      // an answer is due (ack, cancel, replace): decide when it is in
      if (cur.status === 'PENDING_CANCEL' || cur.status === 'PENDING_REPLACE') return;
      const id = cur.clientOrderId;
      if (cur.type === 'LIMIT' && !this.noReplace.has(id) && cur.status !== 'SUBMITTED') {
        if (this.host.replace(id, cur.price, cur.filledQty + target)) return;
        this.noReplace.add(id);
      }
      if (cur.type === 'LIMIT' && !this.noReplace.has(id)) return; // SUBMITTED: replace once acked
      this.resizing.add(id);
      if (!this.cancelMember(cur)) this.detach('CRITICAL', `${role} ${id} could not be cancelled to resize it`);
      return;
    }
    if (cur !== undefined && cur.status !== 'FILLED' && !this.resizing.has(cur.clientOrderId)) {
      this.detach('CRITICAL', `${role} ${this.describe(cur)} ended without the bracket asking`);
      return;
    }
    const entry = this.entry as Order;
    const side = opposite(entry.side);
    const intent: OrderIntent =
      role === 'TAKE_PROFIT'
        ? { instrumentId: entry.instrumentId, side, type: 'LIMIT', tif: 'GTC', qty: target, price: this.takeProfitPrice, triggerPrice: 0, postOnly: false, reduceOnly: false, expireTimeNs: 0 }
        : { instrumentId: entry.instrumentId, side, type: 'STOP', tif: 'GTC', qty: target, price: 0, triggerPrice: this.stopLossPrice, postOnly: false, reduceOnly: false, expireTimeNs: 0 };
    const o = this.host.submitMember(this, role, intent);
    if (role === 'TAKE_PROFIT') this.takeProfit = o;
    else this.stopLoss = o;
    if (o.status === 'DENIED') this.detach('CRITICAL', `${role} denied: ${o.reason}`);
  }

  /** Stops managing. Escalated to CRITICAL when a position is left unprotected, unless the strategy asked. */
  private detach(level: AlertLevel, why: string, escalate = true): void {
    if (this.state === 'DETACHED') return;
    this.state = 'DETACHED';
    this.reason = why;
    const open = this.protectedQty;
    const entry = this.entry as Order;
    const lvl: AlertLevel = escalate && open > 0 ? 'CRITICAL' : level;
    this.host.alert(lvl, 'BRACKET_DETACHED', `bracket ${this.id} on ${this.describe(entry)}: ${why}; no longer managed, ${open} lots of position left to the strategy`);
  }
}

/**
 * Multi-leg (arbitrage) group: every leg is sent at once; the group is DONE when every leg has
 * filled completely. It BREAKS when a leg ends without filling completely (rejected, denied,
 * cancelled, expired), when `leg_timeout_ms` passes first, or on cancelGroup. On a break the
 * remaining open legs are cancelled; then, if any leg has filled anything, that is leg risk:
 * a CRITICAL `LEG_RISK` alert and the unwind policy:
 * - `hedge`: a MARKET order on the other side for each leg's filled quantity flattens what the
 *   group bought and sold; a leg that fills later (its cancel arrived too late) is hedged for
 *   the extra quantity. A hedge that is denied or ends partly unfilled raises a CRITICAL
 *   `LEG_HEDGE_FAILED` and is not retried (the residual is the operator's).
 * - `cancel`: nothing more; the filled legs' positions are the strategy's.
 * A break before any fill is FAILED (no alert); should a cancelled leg still fill, the leg risk
 * path above runs then.
 */
export class LegGroup extends OrderGroup {
  private timer = 0;
  private timedOut = false;
  private broken = '';
  legRisk = false;
  private readonly hedged = new Map<string, Lots>();
  private readonly hedgeAlerted = new Set<string>();

  constructor(
    id: string,
    host: GroupHost,
    readonly policy: LegUnwindPolicy,
    private readonly timeoutNs: number,
  ) {
    super(id, 'LEGS', host);
  }

  get legs(): Order[] {
    return this.ordersOf('LEG');
  }

  get hedges(): Order[] {
    return this.ordersOf('HEDGE');
  }

  override built(): void {
    if (this.timeoutNs > 0) {
      this.timer = this.host.clock.setTimer(this.host.clock.now() + this.timeoutNs, () => {
        this.timer = 0;
        this.timedOut = true;
        this.sync();
      });
    }
    super.built();
  }

  private stopTimer(): void {
    if (this.timer !== 0) this.host.clock.cancelTimer(this.timer);
    this.timer = 0;
  }

  protected reconcile(): void {
    const legs = this.legs;
    if (this.broken === '') {
      if (legs.every((l) => l.status === 'FILLED')) {
        this.stopTimer();
        this.state = 'DONE';
        return;
      }
      const dead = legs.find((l) => !isOpen(l) && l.status !== 'FILLED');
      if (dead !== undefined) this.broken = `leg ${this.describe(dead)} ended unfilled`;
      else if (this.timedOut) this.broken = `legs not all filled within leg_timeout_ms (${this.timeoutNs / 1e6} ms)`;
      else if (this.cancelRequested) this.broken = 'cancelled by the strategy';
      else return;
      this.stopTimer();
      this.reason = this.broken;
    }
    this.cancelOpen(LEG_ROLE);
    const anyFilled = legs.some((l) => l.filledQty > 0);
    if (!anyFilled) {
      this.state = 'FAILED';
      return;
    }
    if (!this.legRisk) {
      this.legRisk = true;
      this.state = 'UNWINDING';
      const filled = legs.filter((l) => l.filledQty > 0).map((l) => this.describe(l)).join(', ');
      this.host.alert('CRITICAL', 'LEG_RISK', `leg group ${this.id}: ${this.broken}; filled: ${filled}; policy ${this.policy}: ${this.policy === 'hedge' ? 'remaining legs cancelled, filled quantity hedged at market' : 'remaining legs cancelled, position left to the strategy'}`);
    }
    if (this.policy === 'hedge') {
      for (const l of legs) {
        const need = l.filledQty - (this.hedged.get(l.clientOrderId) ?? 0);
        if (need <= 0) continue;
        this.hedged.set(l.clientOrderId, l.filledQty);
        const h = this.host.submitMember(this, 'HEDGE', marketIntent(l.instrumentId, opposite(l.side), need));
        if (h.status === 'DENIED') this.hedgeFailed(h, `hedge of ${need} lots for leg ${l.clientOrderId} denied: ${h.reason}`);
      }
      for (const h of this.hedges) {
        if (!isOpen(h) && h.status !== 'DENIED' && h.filledQty < h.qty) this.hedgeFailed(h, `hedge ${this.describe(h)} left ${h.qty - h.filledQty} lots unhedged`);
      }
    }
    if (this.finished) this.state = 'UNWOUND';
  }

  private hedgeFailed(h: Order, message: string): void {
    if (this.hedgeAlerted.has(h.clientOrderId)) return;
    this.hedgeAlerted.add(h.clientOrderId);
    this.host.alert('CRITICAL', 'LEG_HEDGE_FAILED', `leg group ${this.id}: ${message}`);
  }
}

const LEG_ROLE: ReadonlySet<GroupRole> = new Set<GroupRole>(['LEG']);

/**
 * Creates and tracks order groups; routes each order event to the group of its order.
 * Subscribe it to 'order.event' after the strategy's subscriber, so the strategy sees an
 * order's own event before the events of the cancels a group sends in reaction to it.
 */
export class OrderGroups implements GroupHost {
  private readonly groups = new Map<string, OrderGroup>();
  private readonly byOrder = new Map<string, OrderGroup>();
  private seq = 0;

  constructor(
    readonly clock: Clock,
    private readonly bus: MessageBus<KernelTopics>,
    private readonly port: GroupOrderPort,
    private readonly settings: Pick<OmsSettings, 'legTimeoutNs' | 'legUnwindPolicy'>,
  ) {
    bus.subscribe('order.event', (e) => {
      const g = this.byOrder.get(e.order.clientOrderId);
      if (g !== undefined) g.onOrderEvent(e);
    });
  }

  /** Sends an OCO group of two or more orders (see OcoGroup). */
  submitOco(intents: readonly OrderIntent[]): OcoGroup {
    const g = new OcoGroup(this.nextId(), this);
    this.groups.set(g.id, g);
    if (intents.length < 2) return this.refuse(g, `an OCO group needs at least 2 orders, got ${intents.length}`);
    for (const intent of intents) {
      const o = this.submitMember(g, 'MEMBER', intent);
      if (o.status === 'DENIED') break;
    }
    g.built();
    return g;
  }

  /**
   * Sends the entry of a bracket (see BracketGroup). Prices in ticks: for a BUY entry the
   * take-profit must be above the stop-loss, for a SELL entry below.
   */
  submitBracket(entry: OrderIntent, takeProfitPrice: Ticks, stopLossPrice: Ticks): BracketGroup {
    const g = new BracketGroup(this.nextId(), this, takeProfitPrice, stopLossPrice);
    this.groups.set(g.id, g);
    if (!Number.isSafeInteger(takeProfitPrice) || takeProfitPrice <= 0) return this.refuse(g, `takeProfitPrice must be an integer price in ticks > 0, got ${takeProfitPrice}`);
    if (!Number.isSafeInteger(stopLossPrice) || stopLossPrice <= 0) return this.refuse(g, `stopLossPrice must be an integer price in ticks > 0, got ${stopLossPrice}`);
    if (entry.side === 'BUY' ? takeProfitPrice <= stopLossPrice : takeProfitPrice >= stopLossPrice) {
      return this.refuse(g, `a ${entry.side} bracket needs the take-profit ${entry.side === 'BUY' ? 'above' : 'below'} the stop-loss, got ${takeProfitPrice} and ${stopLossPrice}`);
    }
    this.submitMember(g, 'ENTRY', entry);
    g.built();
    return g;
  }

  /** Sends a multi-leg group (see LegGroup); `policy` defaults to oms.leg_unwind_policy. */
  submitLegs(intents: readonly OrderIntent[], policy: LegUnwindPolicy = this.settings.legUnwindPolicy): LegGroup {
    const g = new LegGroup(this.nextId(), this, policy, this.settings.legTimeoutNs);
    this.groups.set(g.id, g);
    if (policy !== 'hedge' && policy !== 'cancel') return this.refuse(g, `unknown leg unwind policy ${String(policy)}`);
    if (intents.length < 2) return this.refuse(g, `a leg group needs at least 2 legs, got ${intents.length}`);
    for (const intent of intents) {
      const o = this.submitMember(g, 'LEG', intent);
      if (o.status === 'DENIED') break;
    }
    g.built();
    return g;
  }

  /** Pulls a group (see each kind); false if the id is unknown. */
  cancelGroup(groupId: string): boolean {
    const g = this.groups.get(groupId);
    if (g === undefined) return false;
    g.requestCancel();
    return true;
  }

  get(groupId: string): OrderGroup | undefined {
    return this.groups.get(groupId);
  }

  /** The group an order belongs to, if any. */
  groupOf(clientOrderId: string): OrderGroup | undefined {
    return this.byOrder.get(clientOrderId);
  }

  /** Every group, in creation order. */
  all(): IterableIterator<OrderGroup> {
    return this.groups.values();
  }

  // --- GroupHost ---------------------------------------------------------------------------

  submitMember(group: OrderGroup, role: GroupRole, intent: OrderIntent): Order {
    const order = this.port.create(intent);
    // registered before it is sent: every event of the order, even a synchronous one, reaches the group
    group.adopt(order, role);
    this.byOrder.set(order.clientOrderId, group);
    if (order.status === 'INITIALIZED') this.port.send(order);
    return order;
  }

  cancel(clientOrderId: string): boolean {
    return this.port.cancel(clientOrderId);
  }

  replace(clientOrderId: string, price: Ticks, qty: Lots): boolean {
    return this.port.replace(clientOrderId, price, qty);
  }

  alert(level: AlertLevel, code: string, message: string): void {
    this.bus.publish('alert', { level, code, message, tsNs: this.clock.now() });
  }

  private nextId(): string {
    this.seq++;
    return `G${this.seq}`;
  }

  private refuse<G extends OrderGroup>(g: G, reason: string): G {
    g.state = 'FAILED';
    g.reason = reason;
    g.built();
    return g;
  }
}
