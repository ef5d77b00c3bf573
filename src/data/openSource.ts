import type { Instrument } from '../core/index.ts';
import { utcMidnightNs } from '../core/index.ts';
import { DbnMboSource } from './dbn/DbnMboSource.ts';
import type { MarketDataSource, SourceOptions } from './MarketDataSource.ts';
import { MergedSource, eventTimeNs } from './MergedSource.ts';
import { openFileSource } from './readers/index.ts';
import { ValidatingSource } from './Validator.ts';

export type DataFormat = 'dbn-mbo' | 'binance-depth' | 'tardis-l2' | 'tardis-snapshot25' | 'bybit-orderbook' | 'truefx' | 'histdata' | 'bars';

export interface DataFileSpec {
  path: string;
  format: DataFormat;
  instrument: Instrument;
}

/** Opens one recorded file in its native format, validated. */
export function openSource(spec: DataFileSpec, options: SourceOptions): MarketDataSource {
  const raw = spec.format === 'dbn-mbo' ? new DbnMboSource(spec.path, [spec.instrument], options) : openFileSource(spec.format, spec.path, spec.instrument, options);
  return new ValidatingSource(raw, { stopOnReject: options.stopOnReject ?? false });
}

/**
 * Opens every file of a run on one shared time base (UTC midnight of the earliest first
 * event) and merges them in time order. Each file is peeked once to find its first event.
 */
export function openReplay(specs: readonly DataFileSpec[], options: Omit<SourceOptions, 'timeBaseNs'> = {}): MarketDataSource {
  let earliest: bigint | undefined;
  for (const spec of specs) {
    const probe = openSource(spec, { ...options, stopOnReject: false });
    const first = probe.next();
    if (first !== undefined) {
      const epoch = probe.timeBaseNs + BigInt(eventTimeNs(first));
      if (earliest === undefined || epoch < earliest) earliest = epoch;
    }
    probe.close();
  }
  const timeBaseNs = earliest === undefined ? 0n : utcMidnightNs(earliest);
  const sources = specs.map((s) => openSource(s, { ...options, timeBaseNs }));
  return sources.length === 1 ? sources[0] : new MergedSource(sources);
}
