import type { MarketEvent } from '../core/index.ts';
import type { RejectCounter } from './RejectCounter.ts';

/**
 * A pull-based, synchronous, streaming source of normalised market events (file replay).
 * Synchronous so the backtest loop has no await per event; streaming so a file of any size is
 * read in chunks, never whole.
 *
 * `next()` returns the next good event, or undefined at the end. A malformed row is counted in
 * `rejects` and skipped (or, with `stopOnReject`, throws DataRejectError) — never returned.
 * The returned object may be reused by the next call: copy what you keep.
 */
export interface MarketDataSource {
  readonly name: string;
  /** Epoch ns that event time 0 stands for (see core/clock.ts). */
  readonly timeBaseNs: bigint;
  readonly rejects: RejectCounter;
  next(): MarketEvent | undefined;
  /** Bytes of the file consumed so far and in all, for progress bars. */
  progress(): { done: number; total: number };
  close(): void;
}

export interface SourceOptions {
  /** Epoch ns for event time 0. Default: UTC midnight of the first record's day. */
  timeBaseNs?: bigint;
  /** Throw DataRejectError on the first bad row instead of counting and skipping it. */
  stopOnReject?: boolean;
  /** Read chunk size in bytes (tests use small ones to cross chunk boundaries). */
  chunkSize?: number;
}
