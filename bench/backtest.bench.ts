import { runBacktest } from '../src/backtest/BacktestRunner.ts';
import { loadConfig } from '../src/config/loadConfig.ts';
import { Instrument, type MboEvent } from '../src/core/index.ts';
import { L3OrderBook } from '../src/data/book/L3OrderBook.ts';
import { DbnMboSource } from '../src/data/dbn/DbnMboSource.ts';

const FILE = 'examples/data/cme-esh4-20231225.mbo.dbn.zst';
const CONFIG = 'examples/market-maker-es.toml';
const ES = new Instrument({ id: 17077, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
/** Seconds each figure runs for at least (BENCH_SECONDS overrides). */
const MIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/** Runs `pass` (one full replay of the file, returning its event count) until MIN_SECONDS have passed. */
function measure(pass: () => number): { eps: number; events: number; passes: number; seconds: number } {
  pass(); // warm-up: JIT and file cache
  let events = 0;
  let passes = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS) {
    events += pass();
    passes++;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return { eps: Math.round(events / elapsed), events, passes, seconds: Number(elapsed.toFixed(3)) };
}

/**
 * Replay throughput on the real ESH4 2023-12-25 MBO file (68,792 events). The file is replayed
 * whole, pass after pass, each pass in a fresh pipeline (no synthetic events, no shifted copies):
 * - raw_decode_eps: zstd + DBN decode only, the floor of this machine;
 * - book_eps: decode + L3 book;
 * - full_eps: the complete backtest (decode, validator, book, market maker, risk, OMS,
 *   queue-aware venue, portfolio, statistics), as `npm start` runs it.
 */
export function backtestBenchmark(): Record<string, unknown> {
  const raw = measure(() => {
    const src = new DbnMboSource(FILE, [ES]);
    let n = 0;
    while (src.next() !== undefined) n++;
    src.close();
    return n;
  });
  const book = measure(() => {
    const src = new DbnMboSource(FILE, [ES]);
    const b = new L3OrderBook(ES.id);
    let n = 0;
    for (let ev = src.next(); ev !== undefined; ev = src.next()) {
      b.apply(ev as MboEvent);
      n++;
    }
    src.close();
    return n;
  });
  const loaded = loadConfig(CONFIG);
  const full = measure(() => runBacktest(loaded, { progress: false }).results.data.events);
  return {
    data: `${FILE} (real CME MBO, 68,792 events), replayed whole ${raw.passes + book.passes + full.passes} times in fresh pipelines; no synthetic events`,
    raw_decode_eps: raw.eps,
    book_eps: book.eps,
    full_eps: full.eps,
    ratio_book_to_raw: Number((book.eps / raw.eps).toFixed(3)),
    ratio_full_to_raw: Number((full.eps / raw.eps).toFixed(3)),
    passes: { raw: raw.passes, book: book.passes, full: full.passes },
    seconds: { raw: raw.seconds, book: book.seconds, full: full.seconds },
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
