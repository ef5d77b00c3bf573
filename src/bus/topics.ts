import type { Fill, MarketEvent, OrderEvent, RiskStateChanged } from '../core/index.ts';

/** The kernel's topics. Market data is delivered by direct call on the hot path, not here. */
export interface KernelTopics {
  'order.event': OrderEvent;
  'order.fill': Fill;
  'risk.state': RiskStateChanged;
  'data.reject': { source: string; reason: string; detail: string };
  'market.event': MarketEvent;
}
