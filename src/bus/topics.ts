import type { Fill, MarketEvent, OrderEvent, RiskStateChanged } from '../core/index.ts';

/** The kernel's topics. Market data is delivered by direct call on the hot path, not here. */
export interface KernelTopics {
  'order.event': OrderEvent;
  'order.fill': Fill;
  'risk.state': RiskStateChanged;
  'data.reject': { source: string; reason: string; detail: string };
  'market.event': MarketEvent;
  /** Operator alerts (the AlertManager of a later issue routes them to channels). */
  alert: Alert;
  /** The execution venue's health as the OMS sees it (ack timeouts), on every change. */
  'venue.health': VenueHealth;
  /** A market-data feed went down or came back (a feed supervisor publishes it; the kernel tells risk). */
  'feed.status': FeedStatus;
}

/** Health of one market-data feed. Down while positioned trips the kill switch if risk.kill_on_feed_loss. */
export interface FeedStatus {
  source: string;
  up: boolean;
  reason: string;
  tsNs: number;
}

export type AlertLevel = 'INFO' | 'WARNING' | 'CRITICAL';

/** One alert. `code` is stable (LEG_RISK, VENUE_UNHEALTHY, ...): dedupe and routing key on it. */
export interface Alert {
  level: AlertLevel;
  code: string;
  message: string;
  tsNs: number;
}

/** Ack-timeout health of one venue (src/oms/AckTimeoutMonitor.ts). A snapshot: safe to keep. */
export interface VenueHealth {
  venue: string;
  /** False once consecutiveTimeouts reaches oms.venue_unhealthy_after; true again on the next timely answer. */
  healthy: boolean;
  /** Timeouts since the last answer that came in time. */
  consecutiveTimeouts: number;
  totalTimeouts: number;
  /** Order status queries sent after timeouts. */
  queries: number;
  /** Requests given up on: still unanswered after oms.ack_max_queries queries. */
  unanswered: number;
  /** Clock time of the last timeout, -1 if none. */
  lastTimeoutNs: number;
  /** Clock time of this snapshot. */
  tsNs: number;
}
