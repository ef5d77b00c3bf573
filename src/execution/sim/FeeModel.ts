import { Decimal } from 'decimal.js';
import type { Instrument, Liquidity, Lots, Nanos, Ticks } from '../../core/index.ts';
import { toNanos } from '../../core/index.ts';

/** Prices the fee of one execution. Negative for a rebate. */
export interface FeeModel {
  fee(instrument: Instrument, price: Ticks, qty: Lots, liquidity: Liquidity): Nanos;
}

export interface FeeSchedule {
  maker_fee_per_contract: string;
  taker_fee_per_contract: string;
  maker_fee_bps: string;
  taker_fee_bps: string;
  exchange_fee_per_contract: string;
  clearing_fee_per_contract: string;
}

/**
 * Per-contract fees (venue maker/taker + exchange + clearing, per lot) plus basis points of
 * notional, as futures and crypto venues charge them. Exact: BigInt nanos throughout; the bps
 * part rounds half away from zero to a whole nano.
 */
export class ScheduleFeeModel implements FeeModel {
  private readonly makerPerLot: Nanos;
  private readonly takerPerLot: Nanos;
  /** bps scaled by 1e6 so fractional bps stay integers. */
  private readonly makerBpsMicro: bigint;
  private readonly takerBpsMicro: bigint;

  constructor(schedule: FeeSchedule) {
    const common = toNanos(schedule.exchange_fee_per_contract) + toNanos(schedule.clearing_fee_per_contract);
    this.makerPerLot = toNanos(schedule.maker_fee_per_contract) + common;
    this.takerPerLot = toNanos(schedule.taker_fee_per_contract) + common;
    this.makerBpsMicro = BigInt(new Decimal(schedule.maker_fee_bps).times(1e6).toFixed(0));
    this.takerBpsMicro = BigInt(new Decimal(schedule.taker_fee_bps).times(1e6).toFixed(0));
  }

  fee(instrument: Instrument, price: Ticks, qty: Lots, liquidity: Liquidity): Nanos {
    const perLot = liquidity === 'MAKER' ? this.makerPerLot : this.takerPerLot;
    const bpsMicro = liquidity === 'MAKER' ? this.makerBpsMicro : this.takerBpsMicro;
    let fee = perLot * BigInt(qty);
    if (bpsMicro !== 0n) {
      const num = instrument.notional(price, qty) * bpsMicro;
      const den = 10_000n * 1_000_000n;
      const q = num / den;
      const r = num % den;
      const half = den / 2n;
      fee += r >= half ? q + 1n : r <= -half ? q - 1n : q;
    }
    return fee;
  }
}
