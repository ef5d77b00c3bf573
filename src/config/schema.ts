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
      /** Venue -> strategy: the strategy sees the book as it was this long ago (the venue matches on the current one). */
      market_data_latency_ns: nonNegInt.default(0),
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
  /** Risk limits (src/risk/RiskEngine.ts, README "Configuration reference"). Optional checks are off when absent. */
  risk: z
    .strictObject({
      // pre-trade: size, position, notional, exposure
      max_order_size: posInt,
      max_position: posInt,
      max_gross_position: posInt.optional(),
      max_open_orders: posInt.default(100),
      max_order_notional: positiveDecimalText.optional(),
      max_gross_exposure: positiveDecimalText.optional(),
      max_leverage: z.number().gt(0, 'must be > 0').optional(),
      max_concentration_pct: z.number().gt(0, 'must be > 0 and <= 1').max(1, 'must be > 0 and <= 1').optional(),
      // pre-trade: price collar and fat finger
      price_collar_pct: z.number().gt(0, 'must be > 0 and <= 1').max(1, 'must be > 0 and <= 1').optional(),
      price_collar_ticks: posInt.optional(),
      warning_collar_factor: z.number().gt(0, 'must be > 0 and <= 1').max(1, 'must be > 0 and <= 1').default(0.5),
      fat_finger_multiple: z.number().gt(1, 'must be > 1').optional(),
      fat_finger_min_orders: posInt.default(20),
      // pre-trade: rates (soft limits deny; the hard limit trips the kill switch)
      max_orders_per_second: posInt.default(100),
      order_burst: posInt.optional(),
      max_modifies_per_second: posInt.optional(),
      max_order_rate: posInt.optional(),
      // pre-trade: trading hours in `timezone` (both or neither; the window may wrap midnight)
      trading_hours_start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 00:00 to 23:59').optional(),
      trading_hours_end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 00:00 to 23:59').optional(),
      // post-trade and the state machine
      max_drawdown_pct: fraction.default(0.2),
      warning_drawdown_pct: fraction.default(0.1),
      warning_size_factor: z.number().gt(0, 'must be > 0 and <= 1').max(1, 'must be > 0 and <= 1').default(0.5),
      max_daily_loss: positiveDecimalText.optional(),
      daily_reset_time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 00:00 to 23:59').default('00:00'),
      timezone: z
        .string()
        .refine(
          (tz) => {
            try {
              new Intl.DateTimeFormat('en-US', { timeZone: tz });
              return true;
            } catch {
              return false;
            }
          },
          { message: 'must be an IANA time zone like "America/Chicago" or "UTC"' },
        )
        .default('UTC'),
      cooldown_s: z.number().min(0, 'must be >= 0').default(300),
      max_breaker_trips_per_day: posInt.optional(),
      kill_on_feed_loss: z.boolean().default(false),
      flatten_on_kill: z.boolean().default(false),
    })
    .refine((r) => r.warning_drawdown_pct <= r.max_drawdown_pct, {
      message: 'warning_drawdown_pct must not exceed max_drawdown_pct',
      path: ['warning_drawdown_pct'],
    })
    .refine((r) => (r.trading_hours_start === undefined) === (r.trading_hours_end === undefined), {
      message: 'trading_hours_start and trading_hours_end go together',
      path: ['trading_hours_end'],
    })
    .refine((r) => r.trading_hours_start === undefined || r.trading_hours_start !== r.trading_hours_end, {
      message: 'trading_hours_end must differ from trading_hours_start (leave both out for no window)',
      path: ['trading_hours_end'],
    }),
  execution: z
    .strictObject({
      venue: z.enum(['simulated']).default('simulated'),
      track_queue_position: z.boolean().default(true),
      /** L2 queue position model (L3 data is always exact): advance on prints only, or also on cancels by a probability curve. */
      queue_model: z.enum(['risk_averse', 'power', 'log']).default('risk_averse'),
      /** n of the power model's f(x) = x^n. */
      queue_power: z.number().min(0, 'must be >= 0').max(10, 'must be <= 10').default(2),
      /** lambda: an at-price fill from an L2 queue estimate happens with probability exp(-lambda x ahead / print size); 0 = always. */
      fill_probability_decay: z.number().min(0, 'must be >= 0').default(0),
      /** A maker fill that would complete the order is cut to 1..leaves-1 lots with this probability (seeded RNG). */
      partial_fill_probability: fraction.default(0),
      /** A print at our price fills us only when it sweeps the whole displayed level (the price moves through us). */
      simulate_adverse_selection: z.boolean().default(false),
      /** Incoming order of ours that would trade with a resting order of ours. */
      self_trade_prevention: z.enum(['cancel_incoming', 'cancel_resting', 'none']).default('cancel_incoming'),
      /** DAY orders expire at this UTC time of day (00:00 = the UTC day roll; 22:00 = CME Globex in winter). */
      session_close_utc: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM in UTC, 00:00 to 23:59')
        .default('00:00'),
    })
    .prefault({}),
  /** Order management: ack timeouts, order groups, marks (src/oms/OmsSettings.ts). */
  oms: z
    .strictObject({
      /** A new order, cancel or replace unanswered this long is a timeout: counted, the order queried; 0 = not watched. */
      ack_timeout_ms: nonNegInt.default(5000),
      /** Status queries per unanswered request before it is given up on (CRITICAL ORDER_UNANSWERED). */
      ack_max_queries: nonNegInt.max(100, 'must be <= 100').default(3),
      /** Consecutive ack timeouts that mark the venue unhealthy. */
      venue_unhealthy_after: posInt.default(3),
      /** A leg group not completely filled this long after submission is unwound; 0 = no timeout. */
      leg_timeout_ms: nonNegInt.default(1000),
      /** Unwind of a broken leg group with a filled leg: hedge = flatten it at market; cancel = cancel the other legs only. */
      leg_unwind_policy: z.enum(['hedge', 'cancel']).default('hedge'),
      /** Price that marks open positions: the last print, or the book's mid on every book change. */
      mark_price: z.enum(['last', 'mid']).default('last'),
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
      /** Start of the trading day for the daily P&L table, HH:MM UTC (22:00 for CME Globex sessions; default UTC days). */
      trading_day_start_utc: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM in UTC, 00:00 to 23:59')
        .default('00:00'),
    })
    .prefault({}),
});

export type BulwarkConfig = z.output<typeof configSchema>;
export type InstrumentConfig = z.output<typeof instrumentSchema>;
