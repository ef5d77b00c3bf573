/**
 * Counts what a reader or validator refused, by reason, and keeps the first few examples so a
 * report can show what was wrong. Nothing rejected is ever used.
 */
export interface RejectSample {
  source: string;
  /** 1-based line or record number in the source. */
  position: number;
  reason: string;
  detail: string;
}

export class RejectCounter {
  readonly byReason: Record<string, number> = {};
  readonly samples: RejectSample[] = [];
  total = 0;

  constructor(private readonly maxSamples = 20) {}

  add(source: string, position: number, reason: string, detail = ''): void {
    this.total++;
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
    if (this.samples.length < this.maxSamples) this.samples.push({ source, position, reason, detail: detail.slice(0, 200) });
  }

  /** Adds another counter's counts into this one (e.g. per-file counters into a run total). */
  merge(other: RejectCounter): void {
    for (const [reason, n] of Object.entries(other.byReason)) {
      this.byReason[reason] = (this.byReason[reason] ?? 0) + n;
    }
    this.total += other.total;
    for (const s of other.samples) if (this.samples.length < this.maxSamples) this.samples.push(s);
  }
}

/** Thrown instead of skipping when a run is configured to stop on the first bad row. */
export class DataRejectError extends Error {
  constructor(readonly sample: RejectSample) {
    super(`${sample.source}:${sample.position}: ${sample.reason}${sample.detail ? ` (${sample.detail})` : ''}`);
    this.name = 'DataRejectError';
  }
}
