import type { Instrument } from '../core/index.ts';
import { formatEpochNs, utcMidnightNs } from '../core/index.ts';
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

/** Clock times are exact JS numbers only up to 2^53 ns (~104 days) from the run's time base. */
export const MAX_REPLAY_SPAN_NS = 2n ** 53n - 1n;

/**
 * The files of one run start too far apart for one clock (see MAX_REPLAY_SPAN_NS): every event of
 * the later file would be rejected as out of range. A configuration problem (CLI exit 2).
 */
export class ReplaySpanError extends Error {
  constructor(readonly firstFile: string, readonly firstStart: string, readonly lastFile: string, readonly lastStart: string) {
    super(
      `trading.data: the files start more than 104 days apart (${firstFile} at ${firstStart}, ${lastFile} at ${lastStart}); ` +
        'one run replays at most ~104 days of data (the clock counts ns since UTC midnight of the first event in a JS number)',
    );
    this.name = 'ReplaySpanError';
  }
}

/** Opens one recorded file in its native format, validated. */
export function openSource(spec: DataFileSpec, options: SourceOptions): MarketDataSource {
  const raw = spec.format === 'dbn-mbo' ? new DbnMboSource(spec.path, [spec.instrument], options) : openFileSource(spec.format, spec.path, spec.instrument, options);
  return new ValidatingSource(raw, { stopOnReject: options.stopOnReject ?? false });
}

/**
 * Opens every file of a run on one shared time base (UTC midnight of the earliest first event)
 * and merges them in time order (MergedSource: ties go to the file listed first). Each file is
 * peeked once to find its first event. Files may be listed in any order: two days of one
 * instrument, or several instruments, come out as one time-ordered stream.
 * Throws ReplaySpanError when the first events are more than ~104 days apart.
 */
export function openReplay(specs: readonly DataFileSpec[], options: Omit<SourceOptions, 'timeBaseNs'> = {}): MarketDataSource {
  let earliest: { epoch: bigint; path: string } | undefined;
  let latest: { epoch: bigint; path: string } | undefined;
  for (const spec of specs) {
    const probe = openSource(spec, { ...options, stopOnReject: false });
    const first = probe.next();
    if (first !== undefined) {
      const epoch = probe.timeBaseNs + BigInt(eventTimeNs(first));
      if (earliest === undefined || epoch < earliest.epoch) earliest = { epoch, path: spec.path };
      if (latest === undefined || epoch > latest.epoch) latest = { epoch, path: spec.path };
    }
    probe.close();
  }
  const timeBaseNs = earliest === undefined ? 0n : utcMidnightNs(earliest.epoch);
  if (earliest !== undefined && latest !== undefined && latest.epoch - timeBaseNs > MAX_REPLAY_SPAN_NS) {
    throw new ReplaySpanError(earliest.path, formatEpochNs(earliest.epoch), latest.path, formatEpochNs(latest.epoch));
  }
  const sources = specs.map((s) => openSource(s, { ...options, timeBaseNs }));
  return sources.length === 1 ? sources[0] : new MergedSource(sources);
}
