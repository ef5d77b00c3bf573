/**
 * Time. Every component reads time from an injected Clock, never from Date.now().
 *
 * Clock time is a JS number of nanoseconds since the run's time base (a bigint epoch in ns,
 * usually UTC midnight of the first event). Absolute epoch nanoseconds (~1.7e18) are beyond
 * 2^53, so a plain number would silently round them to 256 ns; relative to a base they stay
 * exact for 104 days, and the hot path never allocates a BigInt.
 */

export interface Clock {
  /** Epoch nanoseconds that clock time 0 stands for. */
  readonly timeBaseNs: bigint;
  /** Nanoseconds since timeBaseNs. */
  now(): number;
  /** Runs `callback` once clock time reaches `atNs`. Returns an id for cancelTimer. */
  setTimer(atNs: number, callback: () => void): number;
  cancelTimer(id: number): void;
}

/** Epoch nanoseconds of a clock time. */
export function toEpochNs(clock: Pick<Clock, 'timeBaseNs'>, tsNs: number): bigint {
  return clock.timeBaseNs + BigInt(tsNs);
}

/** ISO-8601 with nanoseconds, e.g. 2023-12-25T23:00:00.123456789Z. */
export function formatEpochNs(epochNs: bigint): string {
  const ms = epochNs / 1_000_000n;
  const ns = epochNs % 1_000_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // 2023-12-25T23:00:00.123Z
  return `${iso.slice(0, 19)}.${ns.toString().padStart(9, '0')}Z`;
}

/** UTC midnight (epoch ns) of the day containing `epochNs`: the default time base of a run. */
export function utcMidnightNs(epochNs: bigint): bigint {
  const day = 86_400_000_000_000n;
  return (epochNs / day) * day;
}

interface Timer {
  id: number;
  atNs: number;
  seq: number;
  callback: () => void;
}

/**
 * Simulated time for backtests: moves only when the runner advances it, and fires due timers in
 * (time, creation) order so a run is deterministic.
 */
export class SimClock implements Clock {
  readonly timeBaseNs: bigint;
  private nowNs = 0;
  private nextId = 1;
  private seq = 0;
  // Binary min-heap by (atNs, seq). Hand-written: it is touched on every event by advanceTo.
  private heap: Timer[] = [];
  private cancelled = new Set<number>();

  constructor(timeBaseNs: bigint, startNs = 0) {
    this.timeBaseNs = timeBaseNs;
    this.nowNs = startNs;
  }

  now(): number {
    return this.nowNs;
  }

  /** Earliest pending timer time, or Infinity. */
  nextTimerNs(): number {
    return this.heap.length > 0 ? this.heap[0].atNs : Infinity;
  }

  /** Moves time forward to `tsNs`, firing every timer due at or before it. Never moves backwards. */
  advanceTo(tsNs: number): void {
    while (this.heap.length > 0 && this.heap[0].atNs <= tsNs) {
      const t = this.pop();
      if (this.cancelled.delete(t.id)) continue;
      if (t.atNs > this.nowNs) this.nowNs = t.atNs;
      t.callback();
    }
    if (tsNs > this.nowNs) this.nowNs = tsNs;
  }

  setTimer(atNs: number, callback: () => void): number {
    const id = this.nextId++;
    this.push({ id, atNs: atNs < this.nowNs ? this.nowNs : atNs, seq: this.seq++, callback });
    return id;
  }

  cancelTimer(id: number): void {
    this.cancelled.add(id);
  }

  pendingTimers(): number {
    return this.heap.length - this.cancelled.size;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.atNs < b.atNs || (a.atNs === b.atNs && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Timer;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Wall-clock time for paper, shadow and live: monotonic (hrtime) anchored to the epoch at start. */
export class LiveClock implements Clock {
  readonly timeBaseNs: bigint;
  private readonly hrAtStart: bigint;
  private readonly offsetAtStart: number;
  private timers = new Map<number, NodeJS.Timeout>();
  private nextId = 1;

  constructor() {
    const epochNs = BigInt(Date.now()) * 1_000_000n;
    this.timeBaseNs = utcMidnightNs(epochNs);
    this.hrAtStart = process.hrtime.bigint();
    this.offsetAtStart = Number(epochNs - this.timeBaseNs);
  }

  now(): number {
    return this.offsetAtStart + Number(process.hrtime.bigint() - this.hrAtStart);
  }

  setTimer(atNs: number, callback: () => void): number {
    const id = this.nextId++;
    const delayMs = Math.max(0, (atNs - this.now()) / 1e6);
    this.timers.set(id, setTimeout(() => { this.timers.delete(id); callback(); }, delayMs));
    return id;
  }

  cancelTimer(id: number): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }
}
