/**
 * `node --import tsx bench/rssReplay.ts book|full N`: the backtest benchmark's memory figure,
 * alone in its process (bench/backtest.bench.ts runs it as a child): N events of the ESH4 file
 * replayed day after day through the L3 book (`book`) or the whole backtest (`full`), RSS
 * sampled as it goes. Prints one JSON object.
 */
import { rssReplay } from './backtest.bench.ts';

const mode = process.argv[2];
const events = Number(process.argv[3] ?? 20_000_000);
if ((mode !== 'book' && mode !== 'full') || !Number.isSafeInteger(events) || events <= 0) {
  process.stderr.write(`usage: rssReplay.ts book|full EVENTS (got ${process.argv.slice(2).join(' ')})\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(rssReplay(mode, events))}\n`);
