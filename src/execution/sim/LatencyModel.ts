import type { Rng } from '../../core/index.ts';

/** How long messages take between Bulwark and the simulated venue, in clock ns. */
export interface LatencyModel {
  /** Bulwark -> venue (new order, cancel, replace). */
  orderLatency(): number;
  /** Venue -> Bulwark (acks, fills, cancels). */
  ackLatency(): number;
}

export interface LatencySettings {
  order_latency_ns: number;
  ack_latency_ns: number;
  jitter_ns: number;
  use_random_jitter: boolean;
}

/** Constant latencies plus, optionally, uniform jitter in [0, jitter_ns] drawn from the run's seeded Rng. */
export class ConstantLatencyModel implements LatencyModel {
  constructor(private readonly s: LatencySettings, private readonly rng: Rng) {}

  orderLatency(): number {
    return this.s.order_latency_ns + this.jitter();
  }

  ackLatency(): number {
    return this.s.ack_latency_ns + this.jitter();
  }

  private jitter(): number {
    return this.s.use_random_jitter && this.s.jitter_ns > 0 ? this.rng.nextInt(this.s.jitter_ns + 1) : 0;
  }
}
