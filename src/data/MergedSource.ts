import type { MarketEvent } from '../core/index.ts';
import type { MarketDataSource } from './MarketDataSource.ts';
import { RejectCounter } from './RejectCounter.ts';

/** Clock time of a market event: receive time where the source has one (it is monotonic in recordings). */
export function eventTimeNs(ev: MarketEvent): number {
  return ev.kind === 'mbo' || ev.kind === 'l2' ? ev.tsRecvNs : ev.tsNs;
}

/**
 * Merges several sources into one stream in event-time order (ties: the earlier source first,
 * so a merge is deterministic). Sources must share a time base. Because sources reuse their
 * event objects, a source is advanced only when the caller asks for the next event.
 */
export class MergedSource implements MarketDataSource {
  readonly name: string;
  readonly timeBaseNs: bigint;
  private readonly heads: (MarketEvent | undefined)[];
  private lastIndex = -1;

  constructor(private readonly sources: readonly MarketDataSource[]) {
    if (sources.length === 0) throw new RangeError('MergedSource needs at least one source');
    this.name = sources.map((s) => s.name).join('+');
    this.timeBaseNs = sources[0].timeBaseNs;
    this.heads = sources.map((s) => s.next());
    for (const s of sources) {
      if (s.timeBaseNs !== this.timeBaseNs) throw new RangeError(`source ${s.name} has time base ${s.timeBaseNs}, expected ${this.timeBaseNs}`);
    }
  }

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
      if (t < bestT) {
        bestT = t;
        best = i;
      }
    }
    this.lastIndex = best;
    return best >= 0 ? this.heads[best] : undefined;
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
