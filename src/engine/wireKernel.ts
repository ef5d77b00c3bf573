import type { RiskLimits } from '../risk/RiskEngine.ts';
import { RiskEngine } from '../risk/RiskEngine.ts';
import { TradingKernel, type KernelParts } from './TradingKernel.ts';

/**
 * Builds the risk engine and the kernel together. The risk engine reads open orders and
 * reference prices through the kernel, which needs the engine to exist first: the kernel is
 * bound late, and until then those views answer "nothing open, no price".
 * Every mode's node builder (and the benchmarks and test harnesses) wires them through here.
 */
export function wireKernel(parts: Omit<KernelParts, 'risk'>, limits: RiskLimits): { kernel: TradingKernel; risk: RiskEngine } {
  let kernelRef: TradingKernel | undefined;
  const { portfolio, oms } = parts;
  const risk = new RiskEngine(
    limits,
    {
      position: (id) => portfolio.position(id),
      openQty: (id, side) => (kernelRef ? kernelRef.openQty(id, side) : 0),
      openOrderCount: () => oms.openOrderCount(),
      instruments: parts.instruments,
      referencePrice: (id) => (kernelRef ? kernelRef.referencePrice(id) : NaN),
      equity: () => portfolio.equity(),
    },
    parts.clock,
    parts.bus,
  );
  const kernel = new TradingKernel({ ...parts, risk });
  kernelRef = kernel;
  return { kernel, risk };
}
