import type { Clock, Order, OrderEvent, OrderStatus } from '../core/index.ts';
import type { MessageBus } from '../bus/MessageBus.ts';
import type { KernelTopics, VenueHealth } from '../bus/topics.ts';
import type { ExecutionClient } from '../execution/ExecutionClient.ts';
import type { OmsSettings } from './OmsSettings.ts';

/** Statuses in which an order waits for the venue to answer a request of ours. */
const AWAITING: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['SUBMITTED', 'PENDING_CANCEL', 'PENDING_REPLACE']);

/** Events that are our own requests, not answers from the venue. */
const REQUESTS: ReadonlySet<string> = new Set(['OrderSubmitted', 'OrderPendingCancel', 'OrderPendingReplace', 'OrderDenied']);

/** One order waiting for an answer. */
interface Watch {
  order: Order;
  timer: number;
  /** Status queries sent for the current wait. */
  queries: number;
  /** The current wait has timed out at least once. */
  timedOut: boolean;
}

/**
 * Ack timeouts and the venue's health.
 *
 * An order waits for the venue while it is SUBMITTED (no ack yet), PENDING_CANCEL or
 * PENDING_REPLACE. If no answer (any report about it: ack, reject, fill, cancel, replace,
 * expiry) comes within `ackTimeoutNs`, that is a timeout: it is counted, the order is queried
 * (`ExecutionClient.queryOrder`, when the client has one) and the wait starts again. A request
 * still unanswered after `ackMaxQueries` queries is given up on: a CRITICAL `ORDER_UNANSWERED`
 * alert, and the order is left as it is for the operator or reconciliation (the OMS never
 * invents a venue answer). An answer that still leaves the order waiting (the late ack of an
 * order whose cancel is pending, a fill racing a cancel) restarts the wait from that answer.
 *
 * Health: `consecutiveTimeouts` counts timeouts since the last answer that came in time; at
 * `venueUnhealthyAfter` the venue turns unhealthy (WARNING `VENUE_UNHEALTHY`), and the next
 * timely answer makes it healthy again (INFO `VENUE_HEALTHY`). A snapshot is published on
 * 'venue.health' at every timeout and every change of health or of the consecutive count.
 *
 * Timers go through the injected Clock, so a backtest is deterministic and a timer that is
 * cancelled before it is due changes nothing.
 */
export class AckTimeoutMonitor {
  private readonly watches = new Map<string, Watch>();
  private readonly h: VenueHealth;

  constructor(
    private readonly clock: Clock,
    private readonly bus: MessageBus<KernelTopics>,
    private readonly execution: Pick<ExecutionClient, 'venue' | 'queryOrder'>,
    private readonly settings: Pick<OmsSettings, 'ackTimeoutNs' | 'ackMaxQueries' | 'venueUnhealthyAfter'>,
  ) {
    if (!Number.isSafeInteger(settings.ackTimeoutNs) || settings.ackTimeoutNs < 0) throw new RangeError(`ack timeout must be an integer >= 0 ns, got ${settings.ackTimeoutNs}`);
    if (!Number.isSafeInteger(settings.ackMaxQueries) || settings.ackMaxQueries < 0) throw new RangeError(`ack max queries must be an integer >= 0, got ${settings.ackMaxQueries}`);
    if (!Number.isSafeInteger(settings.venueUnhealthyAfter) || settings.venueUnhealthyAfter < 1) {
      throw new RangeError(`venue unhealthy after must be an integer >= 1, got ${settings.venueUnhealthyAfter}`);
    }
    this.h = { venue: execution.venue, healthy: true, consecutiveTimeouts: 0, totalTimeouts: 0, queries: 0, unanswered: 0, lastTimeoutNs: -1, tsNs: clock.now() };
    if (settings.ackTimeoutNs > 0) bus.subscribe('order.event', (e) => this.onOrderEvent(e));
  }

  /** The venue's health now (a live object owned by the monitor: read, don't write). */
  get health(): Readonly<VenueHealth> {
    return this.h;
  }

  /** Orders waiting for an answer right now (watched). */
  get watching(): number {
    return this.watches.size;
  }

  private onOrderEvent(e: OrderEvent): void {
    const o = e.order;
    const id = o.clientOrderId;
    const w = this.watches.get(id);
    // the live status: a group may already have moved the order on inside a nested publish
    const waiting = AWAITING.has(o.status);
    const answer = !REQUESTS.has(e.type);
    if (w === undefined) {
      if (waiting) this.arm(o, 0);
      return;
    }
    if (!answer) return; // a second request while one is outstanding: the first deadline stands
    // never cancel a timer that already fired (SimClock would keep its id as cancelled forever)
    if (w.timer !== 0) this.clock.cancelTimer(w.timer);
    w.timer = 0;
    if (!w.timedOut) this.timelyAnswer();
    if (waiting) {
      // answered, but another answer is still due (e.g. the cancel of an order just acked)
      w.timer = this.clock.setTimer(this.clock.now() + this.settings.ackTimeoutNs, () => this.expire(w));
      w.queries = 0;
      w.timedOut = false;
    } else {
      this.watches.delete(id);
    }
  }

  private arm(order: Order, queries: number): void {
    const w: Watch = { order, timer: 0, queries, timedOut: false };
    w.timer = this.clock.setTimer(this.clock.now() + this.settings.ackTimeoutNs, () => this.expire(w));
    this.watches.set(order.clientOrderId, w);
  }

  private expire(w: Watch): void {
    if (this.watches.get(w.order.clientOrderId) !== w) return;
    const h = this.h;
    const now = this.clock.now();
    w.timer = 0;
    w.timedOut = true;
    h.totalTimeouts++;
    h.consecutiveTimeouts++;
    h.lastTimeoutNs = now;
    const canQuery = typeof this.execution.queryOrder === 'function';
    let gaveUp = false;
    if (w.queries < this.settings.ackMaxQueries) {
      w.queries++;
      if (canQuery) {
        h.queries++;
        (this.execution.queryOrder as (o: Order) => void)(w.order);
      }
      // the query may have been answered synchronously (a stub client): only re-arm if still watched
      if (this.watches.get(w.order.clientOrderId) === w) w.timer = this.clock.setTimer(now + this.settings.ackTimeoutNs, () => this.expire(w));
    } else {
      gaveUp = true;
      h.unanswered++;
      this.watches.delete(w.order.clientOrderId);
    }
    const turnedUnhealthy = h.healthy && h.consecutiveTimeouts >= this.settings.venueUnhealthyAfter;
    if (turnedUnhealthy) h.healthy = false;
    this.publish(now);
    if (turnedUnhealthy) {
      this.alert('WARNING', 'VENUE_UNHEALTHY', `venue ${h.venue}: ${h.consecutiveTimeouts} consecutive ack timeouts (${this.settings.ackTimeoutNs / 1e6} ms)`, now);
    }
    if (gaveUp) {
      this.alert(
        'CRITICAL',
        'ORDER_UNANSWERED',
        `venue ${h.venue}: order ${w.order.clientOrderId} still ${w.order.status} after ${w.queries} status ${w.queries === 1 ? 'query' : 'queries'}${canQuery ? '' : ' (the client cannot query)'}; left as it is for reconciliation`,
        now,
      );
    }
  }

  private timelyAnswer(): void {
    const h = this.h;
    if (h.consecutiveTimeouts === 0) return;
    h.consecutiveTimeouts = 0;
    const now = this.clock.now();
    const recovered = !h.healthy;
    h.healthy = true;
    this.publish(now);
    if (recovered) this.alert('INFO', 'VENUE_HEALTHY', `venue ${h.venue}: answering in time again`, now);
  }

  private publish(now: number): void {
    this.h.tsNs = now;
    this.bus.publish('venue.health', { ...this.h });
  }

  private alert(level: 'INFO' | 'WARNING' | 'CRITICAL', code: string, message: string, tsNs: number): void {
    this.bus.publish('alert', { level, code, message, tsNs });
  }
}
