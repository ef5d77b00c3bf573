import type { z } from 'zod';
import { formatIssues } from '../config/loadConfig.ts';
import { MarketMaker, marketMakerParams } from './MarketMaker.ts';
import { Runaway, runawayParams } from './Runaway.ts';
import type { Strategy } from './Strategy.ts';

/** A strategy the CLI can build by name from [trading] strategy and [trading.params]. */
interface StrategyFactory<S extends z.ZodType> {
  params: S;
  build(id: string, params: z.output<S>): Strategy;
}

function factory<S extends z.ZodType>(f: StrategyFactory<S>): StrategyFactory<z.ZodType> {
  return f as unknown as StrategyFactory<z.ZodType>;
}

export const strategies: Record<string, StrategyFactory<z.ZodType>> = {
  market_maker: factory({ params: marketMakerParams, build: (id, p) => new MarketMaker(id, p) }),
  /** Deliberately broken: floods orders (risk tests, examples/runaway.toml). */
  runaway: factory({ params: runawayParams, build: (id, p) => new Runaway(id, p) }),
};

/** Problems with a strategy's parameters, keyed `trading.params.<key>` like every config error. */
export class StrategyParamsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'StrategyParamsError';
  }
}

export function buildStrategy(name: string, id: string, rawParams: Record<string, unknown>): Strategy {
  const f = strategies[name];
  if (!f) throw new StrategyParamsError([`trading.strategy: unknown strategy "${name}" (known: ${Object.keys(strategies).join(', ')})`]);
  const parsed = f.params.safeParse(rawParams);
  if (!parsed.success) {
    throw new StrategyParamsError(formatIssues(parsed.error.issues, rawParams).map((m) => `trading.params.${m}`));
  }
  return f.build(id, parsed.data);
}
