/** Timers behind an interface so tests (and a SimClock-driven node) control time. */
export interface TimerHandle {
  readonly id: number;
}

export interface Scheduler {
  /** Runs `fn` after `delayMs` (≥ 0). `keepAlive: false` must not keep the process alive (a real scheduler unrefs it). */
  setTimeout(fn: () => void, delayMs: number, options?: { keepAlive?: boolean }): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Real timers (node's setTimeout). */
export class RealScheduler implements Scheduler {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  setTimeout(fn: () => void, delayMs: number, options?: { keepAlive?: boolean }): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, delayMs));
    if (options?.keepAlive === false) t.unref();
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }
}

/**
 * Manual time for tests and simulated clocks: `now()` is its own clock in ms; `advanceTo`/`advance`
 * fire due timers in time order (ties in creation order), including timers set by those timers.
 */
export class ManualScheduler implements Scheduler {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(startMs = 0) {
    this.time = startMs;
  }

  now = (): number => this.time;

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  advanceTo(targetMs: number): void {
    for (;;) {
      let dueId = -1;
      let dueAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= targetMs && t.at < dueAt) {
          dueAt = t.at;
          dueId = id;
        }
      }
      if (dueId < 0) break;
      const timer = this.timers.get(dueId);
      this.timers.delete(dueId);
      if (dueAt > this.time) this.time = dueAt;
      timer?.fn();
    }
    if (targetMs > this.time) this.time = targetMs;
  }
}
