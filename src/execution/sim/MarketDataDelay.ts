import type { BarEvent, Clock, L2Event, MarketEvent, MboEvent, QuoteEvent, TradeEvent } from '../../core/index.ts';

/** One queued event: a preallocated copy of each kind, of which `ev` is the one in use. */
interface Slot {
  dueNs: number;
  ev: MarketEvent;
  readonly mbo: MboEvent;
  readonly l2: L2Event;
  readonly quote: QuoteEvent;
  readonly trade: TradeEvent;
  readonly bar: BarEvent;
}

function newSlot(): Slot {
  const mbo: MboEvent = { kind: 'mbo', tsNs: 0, tsRecvNs: 0, instrumentId: 0, action: 'N', side: 'N', orderId: 0, price: 0, size: 0, flags: 0, sequence: 0 };
  return {
    dueNs: 0,
    ev: mbo,
    mbo,
    l2: { kind: 'l2', tsNs: 0, tsRecvNs: 0, instrumentId: 0, side: 'N', price: 0, size: 0, isSnapshot: false, sequence: -1, prevSequence: -1, isLast: true },
    quote: { kind: 'quote', tsNs: 0, instrumentId: 0, bidPrice: 0, askPrice: 0, bidSize: 0, askSize: 0 },
    trade: { kind: 'trade', tsNs: 0, instrumentId: 0, price: 0, size: 0, aggressor: 'N', tradeId: '' },
    bar: { kind: 'bar', tsNs: 0, instrumentId: 0, intervalNs: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 },
  };
}

/**
 * Market-data latency: events pushed now come out `latencyNs` later on the clock, in order.
 *
 * Sources reuse their event objects, so each event is copied into a slot of a ring buffer of
 * preallocated records (the ring doubles when full, so after warm-up nothing is allocated per
 * event). One clock timer is armed at a time, for the oldest event; when it fires, every event
 * due by then is handed to the sink. Timers interleave with the venue's reports on the same
 * clock, so a strategy sees fills and stale book updates in true time order.
 */
export class MarketDataDelay {
  private slots: Slot[];
  private mask: number;
  private head = 0;
  private count = 0;
  private armed = false;
  private sink: (ev: MarketEvent) => void = () => {};
  /** Bound once: the timer callback must not allocate a closure per arm. */
  private readonly release = (): void => this.releaseDue();

  constructor(
    private readonly clock: Clock,
    readonly latencyNs: number,
    initialCapacity = 1024,
  ) {
    if (!(latencyNs > 0)) throw new RangeError(`market data latency must be > 0 ns, got ${latencyNs}`);
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.slots = Array.from({ length: cap }, newSlot);
    this.mask = cap - 1;
  }

  /** Where delayed events go (the kernel's lagged books and the strategy). Set once. */
  connect(sink: (ev: MarketEvent) => void): void {
    this.sink = sink;
  }

  /** Events waiting. */
  get pending(): number {
    return this.count;
  }

  get capacity(): number {
    return this.slots.length;
  }

  /** Queues a copy of `ev`, due `latencyNs` after now. */
  push(ev: MarketEvent): void {
    if (this.count === this.slots.length) this.grow();
    const s = this.slots[(this.head + this.count) & this.mask];
    s.dueNs = this.clock.now() + this.latencyNs;
    // copy into the slot's preallocated record of the same kind (sources reuse their event objects)
    switch (ev.kind) {
      case 'mbo':
        s.ev = Object.assign(s.mbo, ev);
        break;
      case 'l2':
        s.ev = Object.assign(s.l2, ev);
        break;
      case 'quote':
        s.ev = Object.assign(s.quote, ev);
        break;
      case 'trade':
        s.ev = Object.assign(s.trade, ev);
        break;
      case 'bar':
        s.ev = Object.assign(s.bar, ev);
        break;
    }
    this.count++;
    if (!this.armed) this.arm();
  }

  /** Drops every waiting event (nothing is delivered). */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  private arm(): void {
    this.armed = true;
    this.clock.setTimer(this.slots[this.head].dueNs, this.release);
  }

  private releaseDue(): void {
    this.armed = false;
    const now = this.clock.now();
    while (this.count > 0) {
      const s = this.slots[this.head];
      if (s.dueNs > now) break;
      // deliver before freeing the slot: the event must stay intact while the sink reads it
      this.sink(s.ev);
      this.head = (this.head + 1) & this.mask;
      this.count--;
    }
    if (this.count > 0) this.arm();
  }

  /** Doubles the ring, keeping the queued events in order. Allocates only while warming up. */
  private grow(): void {
    const old = this.slots;
    const next: Slot[] = new Array<Slot>(old.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) & this.mask];
    for (let i = this.count; i < next.length; i++) next[i] = newSlot();
    this.slots = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
