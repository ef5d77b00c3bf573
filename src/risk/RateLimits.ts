/**
 * Order-rate limits on the injected clock (ns). Both are allocation-free per call.
 */

/**
 * Token bucket (the soft limit): holds up to `burst` tokens, refilled at `perSecond`; an order
 * may go when a whole token is there. A strategy can burst to `burst` orders and then sustain
 * `perSecond` orders a second.
 */
export class TokenBucket {
  private tokens: number;
  private lastNs: number;
  private readonly perNs: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    nowNs: number,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError(`token bucket needs perSecond > 0 and burst >= 1, got ${perSecond}, ${burst}`);
    this.tokens = burst;
    this.lastNs = nowNs;
    this.perNs = perSecond / 1e9;
  }

  private refill(nowNs: number): void {
    if (nowNs > this.lastNs) {
      const t = this.tokens + (nowNs - this.lastNs) * this.perNs;
      this.tokens = t > this.burst ? this.burst : t;
      this.lastNs = nowNs;
    }
  }

  /** True when one token is available now (nothing taken). */
  available(nowNs: number): boolean {
    this.refill(nowNs);
    // 1e-9 absorbs the rounding of (elapsed x rate): a strategy sending exactly at the rate is not denied
    return this.tokens >= 1 - 1e-9;
  }

  take(nowNs: number): void {
    this.refill(nowNs);
    this.tokens -= 1;
  }

  reset(nowNs: number): void {
    this.tokens = this.burst;
    this.lastNs = nowNs;
  }
}

/**
 * Exact "more than `limit` events in any rolling second" (the hard limit): a ring of the last
 * `limit` event times; a new event breaches when the oldest of them is less than 1 s old.
 */
export class RollingSecondCounter {
  private readonly times: Float64Array;
  private idx = 0;

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`rolling counter limit must be an integer >= 1, got ${limit}`);
    this.times = new Float64Array(limit).fill(-Infinity);
  }

  /** Records an event at `nowNs`; returns false (and records nothing) if it is one too many. */
  record(nowNs: number): boolean {
    if (nowNs - this.times[this.idx] < 1e9) return false;
    this.times[this.idx] = nowNs;
    this.idx = this.idx + 1 === this.times.length ? 0 : this.idx + 1;
    return true;
  }

  /** Events recorded in the second up to `nowNs`. */
  countInLastSecond(nowNs: number): number {
    let n = 0;
    for (let i = 0; i < this.times.length; i++) if (nowNs - this.times[i] < 1e9) n++;
    return n;
  }

  clear(): void {
    this.times.fill(-Infinity);
    this.idx = 0;
  }
}
