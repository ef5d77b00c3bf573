import type { L2Event, MarketEvent } from '../core/index.ts';
import type { MarketDataSource } from './MarketDataSource.ts';
import { DataRejectError, type RejectCounter } from './RejectCounter.ts';
import type { L2SequenceRule } from './readers/FileSource.ts';

export type { L2SequenceRule } from './readers/FileSource.ts';

export interface ValidatorOptions {
  /** Throw DataRejectError on the first problem instead of counting it. */
  stopOnReject?: boolean;
  /**
   * How L2 sequence numbers chain. Default: the inner source's `l2SequenceRule` when it declares
   * one (the file readers do: Binance 'linked', Bybit 'consecutive', Tardis 'none'), else 'linked'.
   */
  l2SequenceRule?: L2SequenceRule;
}

/** Reject reasons the validator uses (counted in the shared RejectCounter). */
export type ValidationReason =
  | 'time_backwards'
  | 'non_positive_price'
  | 'non_positive_size'
  | 'negative_size'
  | 'crossed_quote'
  | 'sequence_gap';

function declaredRule(inner: MarketDataSource): L2SequenceRule | undefined {
  const rule: unknown = (inner as Partial<Record<'l2SequenceRule', unknown>>).l2SequenceRule;
  return rule === 'linked' || rule === 'consecutive' || rule === 'none' ? rule : undefined;
}

function copyL2(dst: L2Event, src: L2Event): L2Event {
  dst.tsNs = src.tsNs;
  dst.tsRecvNs = src.tsRecvNs;
  dst.instrumentId = src.instrumentId;
  dst.side = src.side;
  dst.price = src.price;
  dst.size = src.size;
  dst.isSnapshot = src.isSnapshot;
  dst.sequence = src.sequence;
  dst.prevSequence = src.prevSequence;
  dst.isLast = src.isLast;
  return dst;
}

function blankL2(): L2Event {
  return { kind: 'l2', tsNs: 0, tsRecvNs: 0, instrumentId: 0, side: 'N', price: 0, size: 0, isSnapshot: false, sequence: -1, prevSequence: -1, isLast: false };
}

/**
 * Wraps a source and drops events that no consumer should see, counting each in the inner
 * source's RejectCounter (so `rejects` is one counter holding the reader's and the validator's
 * counts; the position of a validator reject is the 1-based index of the event in the inner
 * stream).
 *
 * Dropped (checked in this order, one reason per event):
 * - `time_backwards`: tsNs below the last passed event's tsNs. For MBO (L3) events tsRecvNs is
 *   checked instead (Databento's ts_event is not monotonic across a feed; ts_recv is) against the
 *   last passed MBO event.
 * - `non_positive_price`: price <= 0 on quotes (bid or ask), bars (open/high/low/close), trades
 *   and L2 levels. Not checked on MBO events.
 * - `non_positive_size` on trades (size <= 0); `negative_size` for a negative size anywhere else
 *   (quote sizes, L2 level size, MBO size, bar volume).
 * - `crossed_quote`: a QuoteEvent with bid >= ask (a locked quote counts as crossed).
 *   MBO events are never dropped for a crossed book: CME's pre-open is legitimately crossed, and
 *   that is the book's concern.
 *
 * Reported, not dropped: `sequence_gap`, once per gap, for L2 streams. A message is the run of L2
 * events up to and including one with isLast; its first event carries the message's checks:
 * - a snapshot message (isSnapshot) resets the chain (and clears resyncPending);
 * - 'linked' (Binance): a delta's prevSequence (pu) must equal the previous message's sequence
 *   (u). Right after a snapshot, a delta that bridges it (prevSequence < snapshot sequence <=
 *   sequence) is also accepted, as Binance's "U <= lastUpdateId <= u" rule allows (the reader
 *   has no U, so pu stands in for it);
 * - 'consecutive' (Bybit): a delta's sequence must be the previous message's sequence + 1;
 * - events with sequence -1, and the first delta of a stream (nothing to chain to), are not
 *   checked.
 * After a gap the stream continues (the gapped message and those after it are passed on), `gaps`
 * counts it and `resyncPending` stays true until the next snapshot message: a book consumer must
 * treat its book as unreliable and rebuild it from that next snapshot.
 *
 * L2 messages stay well formed when a level is dropped: L2 events are passed one event late, so
 * when the dropped level was the message's isLast, the previous passed level of the same message
 * gets isLast instead. Returned L2 events are the validator's own copies (valid until the next
 * call); other events are the inner source's objects.
 */
export class ValidatingSource implements MarketDataSource {
  readonly rejects: RejectCounter;
  /** Sequence gaps seen so far. */
  gaps = 0;
  /** True from a sequence gap until the next snapshot message. */
  resyncPending = false;
  readonly l2SequenceRule: L2SequenceRule;

  private readonly stopOnReject: boolean;
  private position = 0;
  private lastTs = -Infinity;
  private lastRecvTs = -Infinity;
  private atMessageStart = true;
  private haveSeq = false;
  private lastSeq = -1;
  private lastWasSnapshot = false;
  private readonly slotA = blankL2();
  private readonly slotB = blankL2();
  private pending: L2Event | undefined;
  private deferred: MarketEvent | undefined;

  constructor(private readonly inner: MarketDataSource, options?: ValidatorOptions) {
    this.rejects = inner.rejects;
    this.stopOnReject = options?.stopOnReject ?? false;
    this.l2SequenceRule = options?.l2SequenceRule ?? declaredRule(inner) ?? 'linked';
  }

  get name(): string {
    return this.inner.name;
  }

  get timeBaseNs(): bigint {
    return this.inner.timeBaseNs;
  }

  progress(): { done: number; total: number } {
    return this.inner.progress();
  }

  close(): void {
    this.pending = undefined;
    this.deferred = undefined;
    this.inner.close();
  }

  next(): MarketEvent | undefined {
    if (this.deferred !== undefined) {
      const d = this.deferred;
      this.deferred = undefined;
      return d;
    }
    for (;;) {
      const ev = this.inner.next();
      if (ev === undefined) {
        const p = this.pending;
        this.pending = undefined;
        return p;
      }
      this.position++;
      if (ev.kind === 'l2') {
        if (this.atMessageStart) this.checkSequence(ev);
        this.atMessageStart = ev.isLast;
        const reason = this.l2Problem(ev);
        if (reason !== undefined) {
          if (ev.isLast && this.pending !== undefined && !this.pending.isLast) this.pending.isLast = true;
          this.drop(reason, ev);
          continue;
        }
        this.lastTs = ev.tsNs;
        const out = this.pending;
        this.pending = copyL2(out === this.slotA ? this.slotB : this.slotA, ev);
        if (out !== undefined) return out;
        continue;
      }
      const reason = this.otherProblem(ev);
      if (reason !== undefined) {
        this.drop(reason, ev);
        continue;
      }
      if (ev.kind === 'mbo') this.lastRecvTs = ev.tsRecvNs;
      else this.lastTs = ev.tsNs;
      if (this.pending !== undefined) {
        const p = this.pending;
        this.pending = undefined;
        this.deferred = ev;
        return p;
      }
      return ev;
    }
  }

  private l2Problem(ev: L2Event): ValidationReason | undefined {
    if (!(ev.tsNs >= this.lastTs)) return 'time_backwards';
    if (!(ev.price > 0)) return 'non_positive_price';
    if (!(ev.size >= 0)) return 'negative_size';
    return undefined;
  }

  private otherProblem(ev: MarketEvent): ValidationReason | undefined {
    switch (ev.kind) {
      case 'mbo':
        if (!(ev.tsRecvNs >= this.lastRecvTs)) return 'time_backwards';
        if (!(ev.size >= 0)) return 'negative_size';
        return undefined;
      case 'quote':
        if (!(ev.tsNs >= this.lastTs)) return 'time_backwards';
        if (!(ev.bidPrice > 0) || !(ev.askPrice > 0)) return 'non_positive_price';
        if (!(ev.bidSize >= 0) || !(ev.askSize >= 0)) return 'negative_size';
        if (ev.bidPrice >= ev.askPrice) return 'crossed_quote';
        return undefined;
      case 'trade':
        if (!(ev.tsNs >= this.lastTs)) return 'time_backwards';
        if (!(ev.price > 0)) return 'non_positive_price';
        if (!(ev.size > 0)) return 'non_positive_size';
        return undefined;
      case 'bar':
        if (!(ev.tsNs >= this.lastTs)) return 'time_backwards';
        if (!(ev.open > 0) || !(ev.high > 0) || !(ev.low > 0) || !(ev.close > 0)) return 'non_positive_price';
        if (!(ev.volume >= 0)) return 'negative_size';
        return undefined;
      case 'l2':
        return this.l2Problem(ev);
    }
  }

  private checkSequence(ev: L2Event): void {
    const seq = ev.sequence;
    if (seq < 0 || this.l2SequenceRule === 'none') return;
    if (ev.isSnapshot) {
      this.lastSeq = seq;
      this.haveSeq = true;
      this.lastWasSnapshot = true;
      this.resyncPending = false;
      return;
    }
    if (this.haveSeq) {
      let ok: boolean;
      let expected: string;
      if (this.l2SequenceRule === 'consecutive') {
        ok = seq === this.lastSeq + 1;
        expected = `sequence ${this.lastSeq + 1}`;
      } else {
        ok =
          ev.prevSequence < 0 ||
          ev.prevSequence === this.lastSeq ||
          (this.lastWasSnapshot && ev.prevSequence < this.lastSeq && seq >= this.lastSeq);
        expected = `prevSequence ${this.lastSeq}`;
      }
      if (!ok) {
        this.gaps++;
        this.resyncPending = true;
        this.lastSeq = seq;
        this.lastWasSnapshot = false;
        this.report('sequence_gap', `expected ${expected}, got sequence ${seq} prevSequence ${ev.prevSequence}`);
        return;
      }
    }
    this.lastSeq = seq;
    this.haveSeq = true;
    this.lastWasSnapshot = false;
  }

  private drop(reason: ValidationReason, ev: MarketEvent): void {
    this.report(reason, describe(ev));
  }

  private report(reason: ValidationReason, detail: string): void {
    this.rejects.add(this.inner.name, this.position, reason, detail);
    if (this.stopOnReject) {
      throw new DataRejectError({ source: this.inner.name, position: this.position, reason, detail: detail.slice(0, 200) });
    }
  }
}

function describe(ev: MarketEvent): string {
  switch (ev.kind) {
    case 'mbo':
      return `mbo ${ev.action} ${ev.side} id=${ev.orderId} px=${ev.price} sz=${ev.size} ts_recv=${ev.tsRecvNs}`;
    case 'l2':
      return `l2 ${ev.side} px=${ev.price} sz=${ev.size} ts=${ev.tsNs} seq=${ev.sequence}`;
    case 'quote':
      return `quote bid=${ev.bidPrice} ask=${ev.askPrice} ts=${ev.tsNs}`;
    case 'trade':
      return `trade px=${ev.price} sz=${ev.size} ts=${ev.tsNs}`;
    case 'bar':
      return `bar o=${ev.open} h=${ev.high} l=${ev.low} c=${ev.close} v=${ev.volume} ts=${ev.tsNs}`;
  }
}
