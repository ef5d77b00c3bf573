import { z } from 'zod';

/**
 * The configuration schema: one TOML file with sections [node] [trading] [latency] [fees]
 * [risk] [execution] [output]. Every key is validated here, so a bad file fails at start with
 * the key's path and the reason, never halfway through a run.
 */

const decimalText = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .refine((s) => /^-?\d+(\.\d+)?$/.test(s), { message: 'must be a decimal number like "0.25"', abort: true });

const positiveDecimalText = decimalText.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), { message: 'must be a positive decimal' });

const nonNegInt = z.number().int('must be a whole number').min(0, 'must be >= 0');
const posInt = z.number().int('must be a whole number').min(1, 'must be >= 1');
const fraction = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

export const instrumentSchema = z.strictObject({
  id: nonNegInt,
  symbol: z.string().min(1),
  venue: z.string().min(1),
  tick_size: positiveDecimalText,
  lot_size: positiveDecimalText,
  multiplier: positiveDecimalText.default('1'),
  currency: z.string().regex(/^[A-Z]{3,5}$/, 'must be a currency code like USD'),
});

export const dataFormats = ['dbn-mbo', 'binance-depth', 'tardis-l2', 'tardis-snapshot25', 'bybit-orderbook', 'truefx', 'histdata', 'bars'] as const;

export const dataFileSchema = z.strictObject({
  path: z.string().min(1),
  format: z.enum(dataFormats),
  /** Symbol of the instrument the file carries (must be in trading.instruments). */
  instrument: z.string().min(1),
});

export const configSchema = z.strictObject({
  node: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 chars of letters, digits, _ . -'),
    seed: nonNegInt.max(2 ** 32 - 1, 'must fit in 32 bits').default(1),
    log_level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
    /** Prefix of client order ids (deterministic ids: <prefix>-<seq>). */
    id_prefix: z.string().regex(/^[A-Za-z0-9_.:]{1,16}$/, 'must be 1-16 chars of [A-Za-z0-9_.:]').default('BW'),
  }),
  trading: z.strictObject({
    strategy: z.string().min(1),
    strategy_id: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/).optional(),
    starting_capital: positiveDecimalText,
    instruments: z.array(instrumentSchema).min(1, 'needs at least one [[trading.instruments]]'),
    data: z.array(dataFileSchema).min(1, 'needs at least one [[trading.data]] file'),
    params: z.record(z.string(), z.unknown()).default({}),
  }),
  latency: z
    .strictObject({
      order_latency_ns: nonNegInt.default(0),
      // Delayed market data needs a second, lagged book for the strategy: not simulated yet, so refuse rather than ignore it.
      market_data_latency_ns: nonNegInt.max(0, 'must be 0: delayed market data is not simulated yet').default(0),
      ack_latency_ns: nonNegInt.default(0),
      jitter_ns: nonNegInt.default(0),
      use_random_jitter: z.boolean().default(false),
    })
    .prefault({}),
  fees: z
    .strictObject({
      /** Currency per contract (lot); negative for a maker rebate. */
      maker_fee_per_contract: decimalText.default('0'),
      taker_fee_per_contract: decimalText.default('0'),
      /** Basis points of notional; negative for a rebate. */
      maker_fee_bps: decimalText.default('0'),
      taker_fee_bps: decimalText.default('0'),
      exchange_fee_per_contract: decimalText.default('0'),
      clearing_fee_per_contract: decimalText.default('0'),
    })
    .prefault({}),
  risk: z
    .strictObject({
      max_order_size: posInt,
      max_position: posInt,
      max_open_orders: posInt.default(100),
      max_drawdown_pct: fraction.default(0.2),
      warning_drawdown_pct: fraction.default(0.1),
      max_daily_loss: positiveDecimalText.optional(),
      max_orders_per_second: posInt.default(100),
    })
    .refine((r) => r.warning_drawdown_pct <= r.max_drawdown_pct, {
      message: 'warning_drawdown_pct must not exceed max_drawdown_pct',
      path: ['warning_drawdown_pct'],
    }),
  execution: z
    .strictObject({
      venue: z.enum(['simulated']).default('simulated'),
      track_queue_position: z.boolean().default(true),
    })
    .prefault({}),
  output: z
    .strictObject({
      dir: z.string().min(1).default('reports/latest'),
      progress: z.boolean().default(true),
      /** Equity is sampled once per interval for Sharpe/Sortino and the charts. */
      equity_sample_interval_s: posInt.default(60),
      /** Sampling periods per year used to annualise Sharpe/Sortino (default: 252 trading days x 23 h x 60 min, CME Globex hours). */
      periods_per_year: posInt.default(252 * 23 * 60),
      /** Stop the run at the first corrupt data row instead of counting and skipping it. */
      stop_on_reject: z.boolean().default(false),
    })
    .prefault({}),
});

export type BulwarkConfig = z.output<typeof configSchema>;
export type InstrumentConfig = z.output<typeof instrumentSchema>;
