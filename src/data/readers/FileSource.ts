import { basename } from 'node:path';
import type { Instrument, MarketEvent } from '../../core/index.ts';
import type { MarketDataSource, SourceOptions } from '../MarketDataSource.ts';
import { DataRejectError, RejectCounter } from '../RejectCounter.ts';
import { LineReader } from './LineReader.ts';
import { TimeBase, TimeParts, utcMidnightOf } from './timestamps.ts';

/**
 * How a venue numbers its L2 messages, for the validator's gap check (see Validator.ts):
 * - 'linked': each delta names the id it follows (Binance `pu` in prevSequence); it must equal the
 *   previous message's sequence.
 * - 'consecutive': a delta's sequence must be the previous message's sequence + 1 (Bybit `u`).
 * - 'none': no sequence to check.
 */
export type L2SequenceRule = 'linked' | 'consecutive' | 'none';

/** A source that declares its venue's sequence rule (the validator reads it). */
export interface DeclaresSequenceRule {
  readonly l2SequenceRule: L2SequenceRule;
}

/**
 * Shared plumbing of the file readers: the chunked LineReader, the reject counter, the time base
 * and stopOnReject. Subclasses implement `read()` (the next good event) and `lineTime()` (the
 * timestamp of a data line, used once at construction to find the default time base).
 *
 * Time base: `options.timeBaseNs` or, by default, UTC midnight of the first line whose timestamp
 * parses (found by a separate read of the file's first lines at construction).
 *
 * After a DataRejectError (stopOnReject) or close(), next() returns undefined.
 */
export abstract class FileSource implements MarketDataSource {
  readonly name: string;
  readonly path: string;
  readonly rejects = new RejectCounter();
  protected readonly instrument: Instrument;
  protected readonly lines: LineReader;
  protected readonly stopOnReject: boolean;
  protected readonly chunkSize: number | undefined;
  /** Scratch for timestamp parsing. */
  protected readonly tp = new TimeParts();
  private base: TimeBase = new TimeBase(0n);
  private done = false;

  constructor(kind: string, path: string, instrument: Instrument, options: SourceOptions | undefined) {
    this.name = `${kind}:${basename(path)}`;
    this.path = path;
    this.instrument = instrument;
    this.stopOnReject = options?.stopOnReject ?? false;
    this.chunkSize = options?.chunkSize;
    this.lines = new LineReader(path, options?.chunkSize);
  }

  get timeBaseNs(): bigint {
    return this.base.epochNs;
  }

  next(): MarketEvent | undefined {
    if (this.done) return undefined;
    const ev = this.read();
    if (ev === undefined) this.done = true;
    return ev;
  }

  progress(): { done: number; total: number } {
    return { done: this.lines.bytesRead, total: this.lines.totalBytes };
  }

  close(): void {
    this.done = true;
    this.lines.close();
  }

  /** The next good event or undefined at the end. Rejects go through reject(). */
  protected abstract read(): MarketEvent | undefined;

  /** Parses the timestamp of a data line into `out`; false for headers and unparsable lines. */
  protected abstract lineTime(line: string, out: TimeParts): boolean;

  /**
   * Sets the time base: the option, else UTC midnight of the first parsable timestamp. Calls
   * `visit` for each of the first `scanLimit` parsable timestamps (BarCsvSource infers its bar
   * interval this way). Subclasses call this at the end of their constructor.
   */
  protected initTimeBase(options: SourceOptions | undefined, scanLimit = 1, visit?: (t: TimeParts) => void): void {
    const explicit = options?.timeBaseNs;
    if (explicit !== undefined && scanLimit <= 1) {
      this.base = new TimeBase(explicit);
      return;
    }
    const scan = new LineReader(this.path, this.chunkSize);
    const t = new TimeParts();
    let first: bigint | undefined;
    let seen = 0;
    try {
      for (let line = scan.next(); line !== undefined && seen < scanLimit; line = scan.next()) {
        if (scan.lineTooLong || line.length === 0 || !this.lineTime(line, t)) continue;
        if (first === undefined) first = utcMidnightOf(t);
        seen++;
        visit?.(t);
      }
    } finally {
      scan.close();
    }
    this.base = new TimeBase(explicit ?? first ?? 0n);
  }

  /** Clock ns of `t` relative to the time base; NaN if out of the exact range. */
  protected relNs(t: TimeParts): number {
    return this.base.relative(t);
  }

  /** Counts a rejected line; with stopOnReject, ends the source and throws DataRejectError. */
  protected reject(position: number, reason: string, detail: string): void {
    this.rejects.add(this.name, position, reason, detail);
    if (this.stopOnReject) {
      this.done = true;
      throw new DataRejectError({ source: this.name, position, reason, detail: detail.slice(0, 200) });
    }
  }

  /**
   * The next line to parse, skipping blank lines; over-long lines are rejected here.
   * Returns undefined at the end of the file.
   */
  protected nextLine(): string | undefined {
    for (;;) {
      const line = this.lines.next();
      if (line === undefined) return undefined;
      if (this.lines.lineTooLong) {
        this.reject(this.lines.lineNumber, 'line_too_long', '');
        continue;
      }
      if (line.length === 0) continue;
      return line;
    }
  }
}
