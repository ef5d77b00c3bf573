#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { runBacktest } from '../backtest/BacktestRunner.ts';
import type { BacktestResults } from '../backtest/BacktestResults.ts';
import { renderHtmlReport, writeReport } from '../backtest/HtmlReport.ts';
import { formatSummaryTable } from '../backtest/SummaryTable.ts';
import { ConfigError, configPathForEnv, loadConfig } from '../config/loadConfig.ts';
import { DataRejectError } from '../data/RejectCounter.ts';
import { ReplaySpanError } from '../data/openSource.ts';
import { buildInfo } from '../engine/buildInfo.ts';
import { StrategyParamsError } from '../strategy/registry.ts';

/** Exit codes: 0 ok, 1 failure or not implemented, 2 invalid configuration or usage, 3 bad data with stop_on_reject. */
const EXIT_FAILURE = 1;
const EXIT_CONFIG = 2;
const EXIT_DATA = 3;

function notImplemented(what: string): never {
  process.stderr.write(`bulwark ${what}: not implemented yet\n`);
  process.exit(EXIT_FAILURE);
}

function resolveConfigPath(opt: string | undefined): string {
  return opt ?? configPathForEnv(process.env.BULWARK_ENV);
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('bulwark')
    .description('Bulwark: one kernel from backtest to paper to shadow to live, behind a risk layer.')
    .version(buildInfo().version)
    .showHelpAfterError();

  program
    .command('backtest')
    .description('replay recorded market data through the strategy, risk engine, OMS and simulated venue')
    .option('-c, --config <file>', 'config file (default: config/config.$BULWARK_ENV.toml)')
    .option('-o, --out <dir>', 'output directory for results.json and report.html (default: [output] dir)')
    .option('--no-progress', 'no progress bar')
    .action((opts: { config?: string; out?: string; progress: boolean }) => {
      const loaded = loadConfig(resolveConfigPath(opts.config));
      const showProgress = opts.progress && loaded.config.output.progress && process.stderr.isTTY === true;
      const { results } = runBacktest(loaded, { progress: showProgress });
      const outDir = resolve(opts.out ?? loaded.config.output.dir);
      const { jsonPath, htmlPath } = writeReport(outDir, results);
      process.stdout.write(`${formatSummaryTable(results)}\n`);
      process.stdout.write(`results: ${jsonPath}\nreport:  ${htmlPath}\n`);
    });

  program
    .command('report')
    .description('re-render report.html from a results.json')
    .argument('<results>', 'path to results.json')
    .action((file: string) => {
      const results = JSON.parse(readFileSync(file, 'utf8')) as BacktestResults;
      const out = join(dirname(resolve(file)), 'report.html');
      writeFileSync(out, renderHtmlReport(results));
      process.stdout.write(`report: ${out}\n`);
    });

  const pending: [string, string][] = [
    ['paper', 'trade a strategy on live market data against the simulated venue'],
    ['shadow', 'run the simulated venue and the real venue side by side and compare fills'],
    ['live', 'trade with real capital through a venue gateway'],
    ['status', 'show a running node: risk state, positions, open orders'],
    ['kill', 'trip the kill switch of a running node: cancel all, accept nothing new'],
    ['reset', 'operator reset of the circuit breaker or kill switch'],
    ['promote', 'promote a strategy build to the next stage after its gates pass'],
    ['recover', 'rebuild state from the journal and reconcile with the venue'],
  ];
  for (const [name, description] of pending) {
    program
      .command(name)
      .description(`${description} (not implemented yet)`)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => notImplemented(name));
  }
  return program;
}

export function main(argv: string[]): void {
  const program = buildProgram();
  program.exitOverride();
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exit(e.exitCode === 0 ? 0 : EXIT_CONFIG);
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    if (e instanceof StrategyParamsError) {
      process.stderr.write(`invalid configuration:\n  ${e.problems.join('\n  ')}\n`);
      process.exit(EXIT_CONFIG);
    }
    if (e instanceof ReplaySpanError) {
      process.stderr.write(`invalid configuration:\n  ${e.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    if (e instanceof DataRejectError) {
      process.stderr.write(`bad market data (output.stop_on_reject = true): ${e.message}\n`);
      process.exit(EXIT_DATA);
    }
    throw e;
  }
}

main(process.argv);
