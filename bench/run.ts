/**
 * Benchmarks: `npm run bench [-- name ...]`. Each prints one JSON line and writes
 * bench/results/<name>.json. Figures are compared with a baseline measured in the same run
 * (these machines are noisy), never with a constant.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backtestBenchmark } from './backtest.bench.ts';

const benches: Record<string, () => Record<string, unknown>> = {
  backtest: backtestBenchmark,
};

const root = dirname(fileURLToPath(import.meta.url));
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = names.length > 0 ? names : Object.keys(benches);
for (const name of selected) {
  const bench = benches[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark "${name}" (known: ${Object.keys(benches).join(', ')})\n`);
    process.exit(2);
  }
  const result = { name, node: process.version, date: new Date().toISOString(), ...bench() };
  const line = JSON.stringify(result);
  process.stdout.write(`${line}\n`);
  mkdirSync(join(root, 'results'), { recursive: true });
  writeFileSync(join(root, 'results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
