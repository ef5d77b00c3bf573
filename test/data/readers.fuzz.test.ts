import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Instrument, type MarketEvent } from '../../src/core/index.ts';
import type { MarketDataSource } from '../../src/data/MarketDataSource.ts';
import { DataRejectError } from '../../src/data/RejectCounter.ts';
import { openFileSource, type FileFormat } from '../../src/data/readers/index.ts';

/**
 * Property tests of every reader on damaged copies of the real files: next() never throws
 * (except DataRejectError with stopOnReject), every returned event has integer prices, sizes and
 * times, and damage injected into a data row is always counted as a reject.
 */

const DATA = new URL('../../../shared/data/', import.meta.url).pathname;
const RUNS = 100;
/** Truncation offsets are drawn from the first 128 KiB of the big files (the reader stops at the cut anyway). */
const MAX_CUT = 128 * 1024;
/** Damage tests use the first lines of each file (Bybit lines are large: a 1,000-level snapshot, then deltas of ~300 levels). */
const SAMPLE_LINES = 60;
const SAMPLE_LINES_JSONL = 12;

function instrument(symbol: string, tickSize: string, lotSize: string): Instrument {
  return new Instrument({ id: 9, symbol, venue: 'TEST', tickSize, lotSize, multiplier: '1', currency: 'USD' });
}

interface Case {
  format: FileFormat;
  file: string;
  instrument: Instrument;
  /** Columns holding a price / a size (CSV), for the non-numeric damage. */
  priceColumns: number[];
  sizeColumns: number[];
  /** Events one line can produce (events after the cut line may differ). */
  eventsPerLine: number;
}

const CASES: Case[] = [
  { format: 'binance-depth', file: 'binance-btcusdt-depth-snap.csv', instrument: instrument('BTCUSDT', '0.1', '0.001'), priceColumns: [6], sizeColumns: [7], eventsPerLine: 1 },
  { format: 'binance-depth', file: 'binance-btcusdt-depth-update.csv', instrument: instrument('BTCUSDT', '0.1', '0.001'), priceColumns: [6], sizeColumns: [7], eventsPerLine: 1 },
  { format: 'tardis-l2', file: 'tardis-deribit-incremental-book-L2-BTC-PERPETUAL.csv', instrument: instrument('BTC-PERPETUAL', '0.5', '10'), priceColumns: [6], sizeColumns: [7], eventsPerLine: 1 },
  {
    format: 'tardis-snapshot25', file: 'tardis-binance-futures-book-snapshot-25-BTCUSDT.csv', instrument: instrument('BTCUSDT', '0.01', '0.001'),
    priceColumns: Array.from({ length: 50 }, (_, i) => 4 + 2 * i), sizeColumns: Array.from({ length: 50 }, (_, i) => 5 + 2 * i), eventsPerLine: 50,
  },
  { format: 'bybit-orderbook', file: 'bybit-xrpusdt-ob500-20241201.jsonl', instrument: instrument('XRPUSDT', '0.0001', '1'), priceColumns: [], sizeColumns: [], eventsPerLine: 1000 },
  { format: 'truefx', file: 'truefx-usdjpy-ticks.csv', instrument: instrument('USDJPY', '0.001', '1'), priceColumns: [1, 2], sizeColumns: [], eventsPerLine: 1 },
  { format: 'histdata', file: 'histdata-eurusd-ticks-20200101.csv', instrument: instrument('EURUSD', '0.00001', '1'), priceColumns: [1, 2], sizeColumns: [], eventsPerLine: 1 },
  { format: 'bars', file: 'btc-perp-20211231-20220201-1m.csv', instrument: instrument('BTC-PERP', '0.125', '0.001'), priceColumns: [1, 2, 3, 4], sizeColumns: [], eventsPerLine: 1 },
  { format: 'bars', file: 'fxcm-gbpusd-m1-bid-2012.csv', instrument: instrument('GBPUSD', '0.00001', '1'), priceColumns: [1, 2, 3, 4], sizeColumns: [], eventsPerLine: 1 },
];

let tmp = '';
let seq = 0;
function write(content: string | Uint8Array): string {
  const p = join(tmp, `fuzz-${seq++}.dat`);
  writeFileSync(p, content);
  return p;
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-fuzz-'));
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function checkEvent(e: MarketEvent): void {
  const ints: number[] = [e.tsNs, e.instrumentId];
  switch (e.kind) {
    case 'l2':
      ints.push(e.tsRecvNs, e.price, e.size, e.sequence, e.prevSequence);
      assert.ok(e.size >= 0);
      break;
    case 'quote':
      ints.push(e.bidPrice, e.askPrice, e.bidSize, e.askSize);
      break;
    case 'bar':
      ints.push(e.open, e.high, e.low, e.close, e.intervalNs);
      assert.ok(Number.isFinite(e.volume) && e.volume >= 0);
      assert.ok(e.low > 0 && e.high >= e.open && e.high >= e.close && e.low <= e.open && e.low <= e.close);
      break;
    case 'trade':
      ints.push(e.price, e.size);
      break;
    case 'mbo':
      ints.push(e.tsRecvNs, e.price, e.size, e.orderId, e.sequence);
      break;
  }
  for (const v of ints) if (!Number.isSafeInteger(v)) assert.fail(`non-integer field ${v} in ${JSON.stringify(e)}`);
}

interface Run {
  events: MarketEvent[];
  rejects: number;
  stopped: DataRejectError | undefined;
}

/** Opens and drains a file; any exception other than DataRejectError fails the property. */
function run(c: Case, path: string, stopOnReject = false): Run {
  const src: MarketDataSource = openFileSource(c.format, path, c.instrument, { stopOnReject, chunkSize: 257 });
  const events: MarketEvent[] = [];
  let stopped: DataRejectError | undefined;
  try {
    for (let e = src.next(); e !== undefined; e = src.next()) {
      checkEvent(e);
      events.push({ ...e });
    }
  } catch (err) {
    if (!(stopOnReject && err instanceof DataRejectError)) throw err;
    stopped = err;
  } finally {
    src.close();
  }
  return { events, rejects: src.rejects.total, stopped };
}

function withoutIsLast(e: MarketEvent): unknown {
  return e.kind === 'l2' ? { ...e, isLast: undefined } : e;
}

/** Lines of a text with their terminators, so joining them gives the text back. */
function splitKeep(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const invalidToken = fc.oneof(
  fc.constantFrom('', '.', '-', '+', '1.2.3', '--1', '+-1', '1e5', 'NaN', 'Infinity', '0x1F', 'abc', '١٢٣', '12a', '1;5'),
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => /[^0-9.+\- ]/.test(s) && !/[,\r\n]/.test(s)),
);

/** Replaces field `col` of a CSV line (terminator kept). */
function replaceField(line: string, col: number, value: string): string {
  const m = /(\r?\n)?$/.exec(line);
  const term = m?.[0] ?? '';
  const fields = line.slice(0, line.length - term.length).split(',');
  fields[col] = value;
  return fields.join(',') + term;
}

for (const c of CASES) {
  describe(`fuzz ${c.format} ${c.file}`, () => {
    const bytes = readFileSync(DATA + c.file);
    const text = bytes.toString('utf8');
    const allLines = splitKeep(text);
    const sampleLines = allLines.slice(0, c.format === 'bybit-orderbook' ? SAMPLE_LINES_JSONL : SAMPLE_LINES);
    const isHeader = (l: string): boolean => /^(symbol|exchange|timestamp),/.test(l);
    const dataIdx = sampleLines.flatMap((l, i) => (l.trim().length > 0 && !isHeader(l) ? [i] : []));
    let full: MarketEvent[] = [];

    before(() => {
      full = run(c, DATA + c.file).events;
      assert.ok(full.length > 0);
    });

    it('the sample has data rows', () => {
      assert.ok(dataIdx.length >= Math.min(5, sampleLines.length - 1), `${dataIdx.length} data rows`);
    });

    it('truncated at a random offset: a prefix of the full stream, never a throw', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: Math.min(bytes.length, MAX_CUT) }), (cut) => {
          const r = run(c, write(bytes.subarray(0, cut)));
          assert.ok(r.events.length <= full.length);
          const sure = Math.max(0, r.events.length - c.eventsPerLine);
          for (let i = 0; i < sure; i++) assert.deepEqual(withoutIsLast(r.events[i]), withoutIsLast(full[i]), `event ${i} after cut ${cut}`);
        }),
        { numRuns: RUNS },
      );
    });

    it('random bytes and random lines: never a throw, integer fields', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
            fc.tuple(fc.integer({ min: 0, max: sampleLines.length - 1 }), fc.string({ maxLength: 200, unit: 'binary' })).map(([i, s]) => {
              const lines = sampleLines.slice();
              lines[i] = s;
              return lines.join('');
            }),
            fc.array(fc.constantFrom(...sampleLines, ',', '\n', '\r\n', '""', '{}', '[', '-', '.', '9'), { maxLength: 40 }).map((parts) => parts.join('')),
          ),
          (content) => {
            run(c, write(content));
            run(c, write(content), true);
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('a data row with a wrong column count is counted', () => {
      fc.assert(
        fc.property(fc.constantFrom(...dataIdx), fc.boolean(), fc.constantFrom('x', '1', ''), (i, add, extra) => {
          const lines = sampleLines.slice();
          const line = lines[i];
          if (c.format === 'bybit-orderbook') {
            const msg = JSON.parse(line) as { data: { b: string[][]; a: string[][] } };
            const side = msg.data.b.length > 0 ? msg.data.b : msg.data.a;
            if (add) side[0].push(extra);
            else side[0].pop();
            lines[i] = JSON.stringify(msg) + '\n';
          } else {
            const term = line.endsWith('\r\n') ? '\r\n' : line.endsWith('\n') ? '\n' : '';
            const body = line.slice(0, line.length - term.length);
            lines[i] = (add ? `${body},${extra}` : body.slice(0, body.lastIndexOf(','))) + term;
          }
          const p = write(lines.join(''));
          const r = run(c, p);
          assert.ok(r.rejects > 0, `no reject for line ${i + 1}: ${lines[i].slice(0, 120)}`);
          assert.ok(run(c, p, true).stopped instanceof DataRejectError);
        }),
        { numRuns: RUNS },
      );
    });

    it('a non-numeric price or a bad size in a data row is counted', () => {
      const sizeCols = c.sizeColumns;
      fc.assert(
        fc.property(
          fc.constantFrom(...dataIdx),
          fc.nat(),
          fc.boolean(),
          fc.oneof(invalidToken, fc.constantFrom('-1', '-0.5')),
          invalidToken,
          (i, pick, onSize, sizeToken, priceToken) => {
            const lines = sampleLines.slice();
            const line = lines[i];
            const damageSize = onSize && (sizeCols.length > 0 || c.format === 'bybit-orderbook');
            if (c.format === 'bybit-orderbook') {
              const msg = JSON.parse(line) as { data: { b: string[][]; a: string[][] } };
              const levels = [...msg.data.b, ...msg.data.a];
              const level = levels[pick % levels.length];
              if (damageSize) level[1] = sizeToken;
              else level[0] = priceToken;
              lines[i] = JSON.stringify(msg) + '\n';
            } else if (damageSize) {
              lines[i] = replaceField(line, sizeCols[pick % sizeCols.length], sizeToken);
            } else {
              lines[i] = replaceField(line, c.priceColumns[pick % c.priceColumns.length], priceToken);
            }
            const p = write(lines.join(''));
            const r = run(c, p);
            assert.ok(r.rejects > 0, `no reject for line ${i + 1}: ${lines[i].slice(0, 160)}`);
            assert.ok(run(c, p, true).stopped instanceof DataRejectError);
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
}
