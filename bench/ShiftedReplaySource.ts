import type { Instrument, MboEvent } from '../src/core/index.ts';
import { DbnMboSource } from '../src/data/dbn/DbnMboSource.ts';
import type { ZstdChoice } from '../src/data/dbn/zstd.ts';
import type { MarketDataSource } from '../src/data/MarketDataSource.ts';
import { RejectCounter } from '../src/data/RejectCounter.ts';

export const DAY_NS = 86_400_000_000_000;

export interface ShiftedReplayOptions {
  /** Whole passes over the file (default: unbounded; then set maxEvents or stopAfterMs). */
  passes?: number;
  /** Stop after this many events (the last pass may be partial). */
  maxEvents?: number;
  /** Start no new pass once this many wall-clock ms have passed since construction. */
  stopAfterMs?: number;
  /** Added to every timestamp of pass k, times k (default one day). */
  shiftNs?: number;
  zstd?: ZstdChoice;
}

/**
 * A real recording replayed several times in one stream, for throughput benchmarks that need
 * more events than the file holds: pass k is the file as recorded with k x shiftNs added to
 * ts_event and ts_recv, nothing else changed. Each pass re-reads and re-decodes the file (no
 * cached events). With the ESH4 file (one day, starting with a book snapshot at 00:00) a
 * one-day shift replays it as if day after day; the L3 book restarts at each pass's snapshot.
 * Clock times stay exact to the ns for 2^53 ns (~104 days, 104 passes); past that they round to
 * 2-4 ns, which no throughput or memory figure notices.
 */
export class ShiftedReplaySource implements MarketDataSource {
  readonly name: string;
  readonly timeBaseNs: bigint;
  readonly rejects = new RejectCounter();
  /** Passes started so far. */
  passesStarted = 1;
  events = 0;

  private src: DbnMboSource;
  private offset = 0;
  private readonly passes: number;
  private readonly maxEvents: number;
  private readonly deadline: number;
  private readonly shiftNs: number;
  private readonly fileSize: number;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly instruments: readonly Instrument[],
    private readonly options: ShiftedReplayOptions = {},
  ) {
    this.src = new DbnMboSource(path, instruments, { zstd: options.zstd });
    this.name = `${this.src.name} (replayed, +1 shift per pass)`;
    this.timeBaseNs = this.src.timeBaseNs;
    this.fileSize = this.src.progress().total;
    this.passes = options.passes ?? Infinity;
    this.maxEvents = options.maxEvents ?? Infinity;
    this.deadline = options.stopAfterMs === undefined ? Infinity : performance.now() + options.stopAfterMs;
    this.shiftNs = options.shiftNs ?? DAY_NS;
  }

  next(): MboEvent | undefined {
    if (this.closed || this.events >= this.maxEvents) return undefined;
    for (;;) {
      const ev = this.src.next();
      if (ev !== undefined) {
        ev.tsNs += this.offset;
        ev.tsRecvNs += this.offset;
        this.events++;
        return ev;
      }
      this.rejects.merge(this.src.rejects);
      this.src.close();
      if (this.passesStarted >= this.passes || performance.now() >= this.deadline) {
        this.closed = true;
        return undefined;
      }
      this.offset = this.passesStarted * this.shiftNs;
      this.passesStarted++;
      this.src = new DbnMboSource(this.path, this.instruments, { timeBaseNs: this.timeBaseNs, zstd: this.options.zstd });
    }
  }

  progress(): { done: number; total: number } {
    const done = (this.passesStarted - 1) * this.fileSize + this.src.progress().done;
    return { done, total: Number.isFinite(this.passes) ? this.passes * this.fileSize : done };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.src.close();
  }
}
