import { decimalsOf, exactDiv, formatScaled, parseScaled, type Lots, type Ticks } from './fixed.ts';
import { toNanos, type Nanos } from './money.ts';

/** What an instrument is, as its venue defines it. Sizes are decimal strings so they stay exact. */
export interface InstrumentSpec {
  /** Numeric id, e.g. the venue's or Databento's instrument_id. */
  id: number;
  symbol: string;
  venue: string;
  /** Minimum price increment, e.g. "0.25" for ES. */
  tickSize: string;
  /** Minimum quantity increment, e.g. "1" for ES, "0.001" for BTCUSDT. */
  lotSize: string;
  /** Contract multiplier: currency per price point per unit, e.g. "50" for ES. */
  multiplier: string;
  currency: string;
}

/**
 * An instrument with the derived integers that let the hot path stay in ticks and lots.
 * pricePrecision/sizePrecision are the decimals of the tick and lot sizes.
 */
export class Instrument {
  readonly id: number;
  readonly symbol: string;
  readonly venue: string;
  readonly tickSize: string;
  readonly lotSize: string;
  readonly multiplier: string;
  readonly currency: string;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  /** Tick size scaled by 10^pricePrecision (ES: 25 at 2 decimals). */
  private readonly tickScaled: number;
  /** Lot size scaled by 10^sizePrecision. */
  private readonly lotScaled: number;
  /** Tick size in units of 1e-9, for sources that carry 1e-9 fixed-point prices (DBN). */
  readonly tickRaw1e9: number;
  /** Value in currency nanos of one tick move on one lot (ES: 12.50 USD). */
  readonly tickLotValue: Nanos;

  constructor(spec: InstrumentSpec) {
    this.id = spec.id;
    this.symbol = spec.symbol;
    this.venue = spec.venue;
    this.tickSize = spec.tickSize;
    this.lotSize = spec.lotSize;
    this.multiplier = spec.multiplier;
    this.currency = spec.currency;
    this.pricePrecision = decimalsOf(spec.tickSize);
    this.sizePrecision = decimalsOf(spec.lotSize);
    this.tickScaled = parseScaled(spec.tickSize, this.pricePrecision);
    this.lotScaled = parseScaled(spec.lotSize, this.sizePrecision);
    if (!(this.tickScaled > 0)) throw new RangeError(`instrument ${spec.symbol}: tick_size must be a positive decimal, got ${spec.tickSize}`);
    if (!(this.lotScaled > 0)) throw new RangeError(`instrument ${spec.symbol}: lot_size must be a positive decimal, got ${spec.lotSize}`);
    if (this.pricePrecision > 9) throw new RangeError(`instrument ${spec.symbol}: tick_size has more than 9 decimals`);
    this.tickRaw1e9 = this.tickScaled * 10 ** (9 - this.pricePrecision);
    const tick = toNanos(spec.tickSize);
    const lot = toNanos(spec.lotSize);
    const mult = toNanos(spec.multiplier);
    const v = (tick * lot * mult) / (1_000_000_000n * 1_000_000_000n);
    if (v * 1_000_000_000n * 1_000_000_000n !== tick * lot * mult || v <= 0n) {
      throw new RangeError(`instrument ${spec.symbol}: tick x lot x multiplier must be a positive whole number of 1e-9 currency units`);
    }
    this.tickLotValue = v;
  }

  /** "4810.25" -> 19241 ticks; NaN if malformed or off the tick grid. */
  priceToTicks(text: string, start?: number, end?: number): Ticks {
    return exactDiv(parseScaled(text, this.pricePrecision, start, end), this.tickScaled);
  }

  /** 19241 -> "4810.25". */
  ticksToPrice(ticks: Ticks): string {
    return formatScaled(ticks * this.tickScaled, this.pricePrecision);
  }

  /** A 1e-9 fixed-point price (Databento) -> ticks; NaN if off the grid. */
  raw1e9ToTicks(raw: number): Ticks {
    return exactDiv(raw, this.tickRaw1e9);
  }

  /** "0.003" -> 3 lots for a 0.001 lot size; NaN if malformed or not a whole number of lots. */
  qtyToLots(text: string, start?: number, end?: number): Lots {
    return exactDiv(parseScaled(text, this.sizePrecision, start, end), this.lotScaled);
  }

  lotsToQty(lots: Lots): string {
    return formatScaled(lots * this.lotScaled, this.sizePrecision);
  }

  /** Price as a float, for charts and statistics only. */
  ticksToNumber(ticks: Ticks): number {
    return (ticks * this.tickScaled) / 10 ** this.pricePrecision;
  }

  /** Notional value of `lots` at `ticks`, in currency nanos (exact, BigInt). */
  notional(ticks: Ticks, lots: Lots): Nanos {
    return BigInt(ticks) * BigInt(lots) * this.tickLotValue;
  }
}
