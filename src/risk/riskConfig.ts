import type { BulwarkConfig } from '../config/schema.ts';
import { toNanos } from '../core/index.ts';
import type { RiskLimits } from './RiskEngine.ts';

/** The validated `[risk]` section in the engine's units (money -> nanos, seconds -> ns). */
export function riskLimitsFromConfig(r: BulwarkConfig['risk']): RiskLimits {
  return {
    maxOrderSize: r.max_order_size,
    maxPosition: r.max_position,
    maxOpenOrders: r.max_open_orders,
    maxOrdersPerSecond: r.max_orders_per_second,
    warningDrawdownPct: r.warning_drawdown_pct,
    maxDrawdownPct: r.max_drawdown_pct,
    orderBurst: r.order_burst,
    maxModifiesPerSecond: r.max_modifies_per_second,
    maxOrderRate: r.max_order_rate,
    maxGrossPosition: r.max_gross_position,
    maxOrderNotional: r.max_order_notional !== undefined ? toNanos(r.max_order_notional) : undefined,
    maxGrossExposure: r.max_gross_exposure !== undefined ? toNanos(r.max_gross_exposure) : undefined,
    maxLeverage: r.max_leverage,
    maxConcentrationPct: r.max_concentration_pct,
    priceCollarPct: r.price_collar_pct,
    priceCollarTicks: r.price_collar_ticks,
    warningCollarFactor: r.warning_collar_factor,
    warningSizeFactor: r.warning_size_factor,
    fatFingerMultiple: r.fat_finger_multiple,
    fatFingerMinOrders: r.fat_finger_min_orders,
    tradingHours: r.trading_hours_start !== undefined && r.trading_hours_end !== undefined ? { start: r.trading_hours_start, end: r.trading_hours_end } : undefined,
    maxDailyLoss: r.max_daily_loss !== undefined ? toNanos(r.max_daily_loss) : undefined,
    dailyResetTime: r.daily_reset_time,
    timezone: r.timezone,
    cooldownNs: Math.round(r.cooldown_s * 1e9),
    maxBreakerTripsPerDay: r.max_breaker_trips_per_day,
    killOnFeedLoss: r.kill_on_feed_loss,
    flattenOnKill: r.flatten_on_kill,
  };
}
