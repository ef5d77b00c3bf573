import type { MarketEvent } from '../core/index.ts';
import type { MarketDataSource } from './MarketDataSource.ts';
import { RejectCounter } from './RejectCounter.ts';

/** Clock time of a market event: receive time where the source has one (it is monotonic in recordings). */
export function eventTimeNs(ev: MarketEvent): number {
  return ev.kind === 'mbo' || ev.kind === 'l2' ? ev.tsRecvNs : ev.tsNs;
}

/**
 * Merges several sources into one stream in event-time order (eventTimeNs). Ties (equal times
 * in two sources) go to the source listed first, and a source's own order is kept, so a merge
 * is deterministic and never interleaves another source into a run of equal-time records of the
 * first one (a venue packet stays whole). Sources must share a time base (openReplay gives them
 * one). Because sources reuse their event objects, a source is advanced only when the caller
 * asks for the next event: the event returned stays valid until the next call, as for any source.
 *
 * Multi-file replay of one instrument (day 1, day 2) and multi-instrument replay are both this
 * merge; the kernel keeps one book per instrument id.
 */
export class MergedSource implements MarketDataSource {
  readonly name: string;
  readonly timeBaseNs: bigint;
  private readonly heads: (MarketEvent | undefined)[];
  private lastIndex = -1;
  /** Events returned so far from each source, in source order. */
  readonly eventsBySource: number[];

  constructor(private readonly sources: readonly MarketDataSource[]) {
    if (sources.length === 0) throw new RangeError('MergedSource needs at least one source');
    this.name = sources.map((s) => s.name).join('+');
    this.timeBaseNs = sources[0].timeBaseNs;
    for (const s of sources) {
      if (s.timeBaseNs !== this.timeBaseNs) throw new RangeError(`source ${s.name} has time base ${s.timeBaseNs}, expected ${this.timeBaseNs}`);
    }
    this.heads = sources.map((s) => s.next());
    this.eventsBySource = sources.map(() => 0);
  }

  /** Index (in the constructor's list) of the source the last returned event came from; -1 at the end or before the first call. */
  get lastSourceIndex(): number {
    return this.lastIndex;
  }

  /** One counter holding every source's rejects (a fresh copy per call). */
  get rejects(): RejectCounter {
    const total = new RejectCounter();
    for (const s of this.sources) total.merge(s.rejects);
    return total;
  }

  next(): MarketEvent | undefined {
    if (this.lastIndex >= 0) this.heads[this.lastIndex] = this.sources[this.lastIndex].next();
    let best = -1;
    let bestT = Infinity;
    for (let i = 0; i < this.heads.length; i++) {
      const h = this.heads[i];
      if (h === undefined) continue;
      const t = eventTimeNs(h);
      // strictly less: on a tie the earlier source keeps the slot
      if (t < bestT) {
        bestT = t;
        best = i;
      }
    }
    this.lastIndex = best;
    if (best < 0) return undefined;
    this.eventsBySource[best]++;
    return this.heads[best];
  }

  progress(): { done: number; total: number } {
    let done = 0;
    let total = 0;
    for (const s of this.sources) {
      const p = s.progress();
      done += p.done;
      total += p.total;
    }
    return { done, total };
  }

  close(): void {
    for (const s of this.sources) s.close();
  }
}
