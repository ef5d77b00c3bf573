import type { Instrument } from '../../core/index.ts';
import type { MarketDataSource, SourceOptions } from '../MarketDataSource.ts';
import { BarCsvSource } from './BarCsvSource.ts';
import { BinanceDepthCsvSource } from './BinanceDepthCsvSource.ts';
import { BybitOrderbookJsonlSource } from './BybitOrderbookJsonlSource.ts';
import { QuoteCsvSource } from './QuoteCsvSource.ts';
import { TardisIncrementalL2Source } from './TardisIncrementalL2Source.ts';
import { TardisSnapshot25Source } from './TardisSnapshot25Source.ts';

export type FileFormat = 'binance-depth' | 'tardis-l2' | 'tardis-snapshot25' | 'bybit-orderbook' | 'truefx' | 'histdata' | 'bars';

export const FILE_FORMATS: readonly FileFormat[] = ['binance-depth', 'tardis-l2', 'tardis-snapshot25', 'bybit-orderbook', 'truefx', 'histdata', 'bars'];

/** Opens a recorded file of the given format as a streaming MarketDataSource. */
export function openFileSource(format: FileFormat, path: string, instrument: Instrument, options?: SourceOptions): MarketDataSource {
  switch (format) {
    case 'binance-depth':
      return new BinanceDepthCsvSource(path, instrument, options);
    case 'tardis-l2':
      return new TardisIncrementalL2Source(path, instrument, options);
    case 'tardis-snapshot25':
      return new TardisSnapshot25Source(path, instrument, options);
    case 'bybit-orderbook':
      return new BybitOrderbookJsonlSource(path, instrument, options);
    case 'truefx':
    case 'histdata':
      return new QuoteCsvSource(path, instrument, { ...options, format });
    case 'bars':
      return new BarCsvSource(path, instrument, options);
    default: {
      const never: never = format;
      throw new RangeError(`unknown file format: ${String(never)}`);
    }
  }
}
