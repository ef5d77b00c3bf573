/**
 * Benchmarks: `npm run bench [-- name ...] [-- --events N]`. Each prints one JSON line and writes
 * bench/results/<name>.json. Figures are compared with a baseline measured in the same run
 * (these machines are noisy), never with a constant. BENCH_SECONDS sets the seconds per figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backtestBenchmark } from './backtest.bench.ts';
import { riskBenchmark } from './risk.bench.ts';
import { journalBenchmark } from './journal.bench.ts';

interface BenchOptions {
  events?: number;
}

const benches: Record<string, (options: BenchOptions) => Record<string, unknown>> = {
  backtest: backtestBenchmark,
  risk: riskBenchmark,
  journal: journalBenchmark,
};

const root = dirname(fileURLToPath(import.meta.url));
const names: string[] = [];
const options: BenchOptions = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--events') {
    const n = Number(argv[++i]);
    if (!Number.isSafeInteger(n) || n < 0) {
      process.stderr.write(`--events needs a whole number of events, got ${argv[i]}\n`);
      process.exit(2);
    }
    options.events = n;
  } else if (a.startsWith('-')) {
    process.stderr.write(`unknown option ${a} (known: --events N)\n`);
    process.exit(2);
  } else {
    names.push(a);
  }
}
const selected = names.length > 0 ? names : Object.keys(benches);
for (const name of selected) {
  const bench = benches[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark "${name}" (known: ${Object.keys(benches).join(', ')})\n`);
    process.exit(2);
  }
  const result = { name, node: process.version, date: new Date().toISOString(), ...bench(options) };
  const line = JSON.stringify(result);
  process.stdout.write(`${line}\n`);
  mkdirSync(join(root, 'results'), { recursive: true });
  writeFileSync(join(root, 'results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
