import type { MessageBus } from '../bus/MessageBus.ts';
import type { Alert, KernelTopics } from '../bus/topics.ts';
import type { RiskStateChanged } from '../core/index.ts';
import { RealScheduler, type Scheduler, type TimerHandle } from './scheduler.ts';
import {
  JsonLineLogger,
  LEVEL_RANK,
  formatText,
  type AlertChannel,
  type AlertLevel,
  type AlertLogger,
  type DailySummary,
  type OutgoingAlert,
} from './types.ts';

/** One channel and its routing rules. */
export interface ChannelRoute {
  channel: AlertChannel;
  /** Lowest level this channel receives (default INFO). */
  minLevel?: AlertLevel;
  /** Token bucket: `burst` alerts at once, refilled at `perMinute`. Absent: unlimited. */
  rateLimit?: { burst: number; perMinute: number };
}

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  maxAttempts: number;
  /** Delay before the 2nd attempt; doubles each time (default 1000 ms). */
  baseDelayMs: number;
  /** Cap on one delay (default 60 000 ms). */
  maxDelayMs: number;
}

export interface DailySummaryOptions {
  /** "HH:MM", UTC. */
  atUtc: string;
  provider: () => DailySummary | Promise<DailySummary>;
}

export interface AlertManagerOptions {
  channels: ChannelRoute[];
  /** Same code + message within this window → one alert plus one repeat-count alert (default 60 000; 0 = off). */
  dedupeWindowMs?: number;
  retry?: Partial<RetryPolicy>;
  dailySummary?: DailySummaryOptions;
  /** Wall time in ms (default Date.now). */
  now?: () => number;
  scheduler?: Scheduler;
  logger?: AlertLogger;
}

export interface ChannelStats {
  /** Deliveries that succeeded (an alert, a repeat summary, a suppression summary or a daily summary). */
  sent: number;
  /** Deliveries given up after the last attempt. */
  failed: number;
  /** Attempts after a failure. */
  retries: number;
  /** Non-critical alerts dropped by the rate limit (reported later in an ALERTS_SUPPRESSED summary). */
  rateLimited: number;
  /** Critical alerts (and summaries) held back by the rate limit, delivered when a token frees. */
  queued: number;
  /** Alerts below the channel's minimum level. */
  belowMinLevel: number;
}

export interface AlertStats {
  /** Alerts passed to notify() (bus alerts and risk transitions included). */
  received: number;
  /** Occurrences folded into an earlier alert by de-duplication. */
  deduplicated: number;
  /** Deliveries in flight or waiting for a retry. */
  inFlight: number;
  channels: Record<string, ChannelStats>;
}

interface DedupeEntry {
  alert: Alert;
  startMs: number;
  extra: number;
  timer: TimerHandle;
}

interface ChannelState {
  route: ChannelRoute;
  minRank: number;
  tokens: number;
  lastRefillMs: number;
  queue: OutgoingAlert[];
  suppressed: number;
  suppressedByLevel: Record<AlertLevel, number>;
  suppressedCodes: Map<string, number>;
  drainTimer: TimerHandle | null;
  stats: ChannelStats;
}

const DAY_MS = 86_400_000;

/**
 * Routes operator alerts to channels. `notify()` is synchronous and never throws: delivery runs
 * asynchronously with retries (exponential backoff), so a slow or failing channel never blocks the
 * trading path. Failures are logged (without secrets: channels never put URLs or tokens in errors)
 * and counted in `stats()`.
 */
export class AlertManager {
  private readonly now: () => number;
  private readonly scheduler: Scheduler;
  private readonly logger: AlertLogger;
  private readonly dedupeWindowMs: number;
  private readonly retry: RetryPolicy;
  private readonly states: ChannelState[];
  private readonly dedupe = new Map<string, DedupeEntry>();
  private readonly timers = new Set<TimerHandle>();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private received = 0;
  private deduplicated = 0;
  private inFlight = 0;
  private dailyTimer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly options: AlertManagerOptions) {
    this.now = options.now ?? Date.now;
    this.scheduler = options.scheduler ?? new RealScheduler();
    this.logger = options.logger ?? new JsonLineLogger();
    this.dedupeWindowMs = options.dedupeWindowMs ?? 60_000;
    this.retry = {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? 5),
      baseDelayMs: options.retry?.baseDelayMs ?? 1_000,
      maxDelayMs: options.retry?.maxDelayMs ?? 60_000,
    };
    const names = new Set<string>();
    this.states = options.channels.map((route) => {
      if (names.has(route.channel.name)) throw new Error(`alert channel name ${route.channel.name} is used twice`);
      names.add(route.channel.name);
      const rl = route.rateLimit;
      if (rl !== undefined && !(rl.burst >= 1 && rl.perMinute > 0)) {
        throw new Error(`alert channel ${route.channel.name}: rateLimit needs burst >= 1 and perMinute > 0`);
      }
      return {
        route,
        minRank: LEVEL_RANK[route.minLevel ?? 'INFO'],
        tokens: rl?.burst ?? 0,
        lastRefillMs: this.now(),
        queue: [],
        suppressed: 0,
        suppressedByLevel: { INFO: 0, WARNING: 0, CRITICAL: 0 },
        suppressedCodes: new Map(),
        drainTimer: null,
        stats: { sent: 0, failed: 0, retries: 0, rateLimited: 0, queued: 0, belowMinLevel: 0 },
      };
    });
    if (options.dailySummary !== undefined) {
      parseHhMm(options.dailySummary.atUtc); // validate now, not at the first firing
      this.scheduleDailySummary();
    }
  }

  /** Subscribes to 'alert' and to 'risk.state' (KILL_SWITCH and CIRCUIT_BREAKER become CRITICAL alerts). */
  attach(bus: MessageBus<KernelTopics>): void {
    this.unsubscribers.push(bus.subscribe('alert', (a) => this.notify(a)));
    this.unsubscribers.push(bus.subscribe('risk.state', (c) => this.onRiskState(c)));
  }

  /** Queues an alert for delivery and returns at once. Never throws. */
  notify(alert: Alert): void {
    try {
      if (this.stopped) return;
      this.received++;
      if (this.dedupeWindowMs <= 0) {
        this.fanOut(this.outgoing(alert, 1, formatText(alert.level, alert.code, alert.message, 1)), false);
        return;
      }
      const key = `${alert.code}\u0000${alert.message}`;
      const now = this.now();
      const existing = this.dedupe.get(key);
      if (existing !== undefined) {
        if (now - existing.startMs < this.dedupeWindowMs) {
          existing.extra++;
          this.deduplicated++;
          return;
        }
        this.clearTimer(existing.timer);
        this.closeWindow(key);
      }
      const timer = this.setTimer(() => this.closeWindow(key), this.dedupeWindowMs);
      this.dedupe.set(key, { alert, startMs: now, extra: 0, timer });
      this.fanOut(this.outgoing(alert, 1, formatText(alert.level, alert.code, alert.message, 1)), false);
    } catch (err) {
      this.safeLog('error', 'alert_notify_error', { error: errorText(err) });
    }
  }

  stats(): AlertStats {
    const channels: Record<string, ChannelStats> = {};
    for (const s of this.states) channels[s.route.channel.name] = { ...s.stats };
    return { received: this.received, deduplicated: this.deduplicated, inFlight: this.inFlight, channels };
  }

  /** Resolves once no delivery is in flight or waiting for a retry (rate-limit queues not included). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Unsubscribes and cancels every timer (pending retries, queues and repeat summaries are dropped). */
  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribers.splice(0)) u();
    for (const t of this.timers) this.scheduler.clearTimeout(t);
    this.timers.clear();
    this.dedupe.clear();
    this.dailyTimer = null;
  }

  private onRiskState(change: RiskStateChanged): void {
    const text = `risk state ${change.from} -> ${change.to}: ${change.reason}`;
    if (change.to === 'KILL_SWITCH' || change.to === 'CIRCUIT_BREAKER') {
      this.notify({ level: 'CRITICAL', code: change.to, message: text, tsNs: change.tsNs });
    } else if (change.to === 'WARNING') {
      this.notify({ level: 'WARNING', code: 'RISK_WARNING', message: text, tsNs: change.tsNs });
    } else {
      this.notify({ level: 'INFO', code: 'RISK_STATE', message: text, tsNs: change.tsNs });
    }
  }

  private closeWindow(key: string): void {
    const entry = this.dedupe.get(key);
    if (entry === undefined) return;
    this.timers.delete(entry.timer);
    this.dedupe.delete(key);
    if (entry.extra === 0 || this.stopped) return;
    const a = entry.alert;
    const seconds = Math.round(this.dedupeWindowMs / 1000);
    const text = `${formatText(a.level, a.code, a.message, 1)} (repeated ${entry.extra} more times within ${seconds} s)`;
    this.fanOut(this.outgoing(a, entry.extra, text), false);
  }

  private outgoing(a: Alert, repeats: number, text: string): OutgoingAlert {
    return { level: a.level, code: a.code, message: a.message, tsNs: a.tsNs, repeats, text };
  }

  /** `always`: bypasses the minimum level and is never dropped by the rate limit (summaries). */
  private fanOut(alert: OutgoingAlert, always: boolean): void {
    for (const s of this.states) this.dispatch(s, alert, always);
  }

  private dispatch(s: ChannelState, alert: OutgoingAlert, always: boolean): void {
    if (!always && LEVEL_RANK[alert.level] < s.minRank) {
      s.stats.belowMinLevel++;
      return;
    }
    const rl = s.route.rateLimit;
    if (rl === undefined) {
      this.deliver(s, alert, 1);
      return;
    }
    this.refill(s, rl);
    const mustDeliver = always || alert.level === 'CRITICAL';
    if (mustDeliver && s.queue.length > 0) {
      // keep critical alerts in order behind those already waiting
      s.queue.push(alert);
      s.stats.queued++;
    } else if (s.tokens >= 1) {
      s.tokens -= 1;
      this.deliver(s, alert, 1);
      return;
    } else if (mustDeliver) {
      s.queue.push(alert);
      s.stats.queued++;
      this.safeLog('warn', 'alert_queued_by_rate_limit', { channel: s.route.channel.name, code: alert.code, level: alert.level });
    } else {
      s.suppressed++;
      s.suppressedByLevel[alert.level]++;
      s.suppressedCodes.set(alert.code, (s.suppressedCodes.get(alert.code) ?? 0) + 1);
      s.stats.rateLimited++;
    }
    this.scheduleDrain(s, rl);
  }

  private refill(s: ChannelState, rl: { burst: number; perMinute: number }): void {
    const now = this.now();
    const elapsed = now - s.lastRefillMs;
    if (elapsed > 0) {
      s.tokens = Math.min(rl.burst, s.tokens + (elapsed * rl.perMinute) / 60_000);
      s.lastRefillMs = now;
    }
  }

  private scheduleDrain(s: ChannelState, rl: { burst: number; perMinute: number }): void {
    if (s.drainTimer !== null) return;
    const waitMs = Math.max(1, Math.ceil(((1 - s.tokens) * 60_000) / rl.perMinute));
    s.drainTimer = this.setTimer(() => {
      if (s.drainTimer !== null) this.timers.delete(s.drainTimer);
      s.drainTimer = null;
      this.drain(s, rl);
    }, waitMs);
  }

  private drain(s: ChannelState, rl: { burst: number; perMinute: number }): void {
    if (this.stopped) return;
    this.refill(s, rl);
    while (s.queue.length > 0 && s.tokens >= 1) {
      s.tokens -= 1;
      const next = s.queue.shift();
      if (next !== undefined) this.deliver(s, next, 1);
    }
    if (s.queue.length === 0 && s.suppressed > 0 && s.tokens >= 1) {
      s.tokens -= 1;
      this.deliver(s, this.suppressionSummary(s), 1);
    }
    if (s.queue.length > 0 || s.suppressed > 0) this.scheduleDrain(s, rl);
  }

  private suppressionSummary(s: ChannelState): OutgoingAlert {
    const n = s.suppressed;
    const level: AlertLevel = s.suppressedByLevel.WARNING > 0 ? 'WARNING' : 'INFO';
    const byLevel = (['WARNING', 'INFO'] as const)
      .filter((l) => s.suppressedByLevel[l] > 0)
      .map((l) => `${l} ${s.suppressedByLevel[l]}`)
      .join(', ');
    const codes = [...s.suppressedCodes.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([c, k]) => `${c} x${k}`)
      .join(', ');
    const message = `${n} alerts suppressed by rate limit (${byLevel}): ${codes}`;
    s.suppressed = 0;
    s.suppressedByLevel = { INFO: 0, WARNING: 0, CRITICAL: 0 };
    s.suppressedCodes.clear();
    return { level, code: 'ALERTS_SUPPRESSED', message, tsNs: this.now() * 1e6, repeats: n, text: formatText(level, 'ALERTS_SUPPRESSED', message, 1) };
  }

  private deliver(s: ChannelState, alert: OutgoingAlert, attempt: number): void {
    if (attempt === 1) this.inFlight++;
    const channel = s.route.channel;
    // a microtask first: a channel that throws synchronously still cannot reach the caller
    Promise.resolve()
      .then(() => channel.send(alert))
      .then(
        () => {
          s.stats.sent++;
          this.settle();
        },
        (err: unknown) => {
          const error = errorText(err);
          if (attempt < this.retry.maxAttempts && !this.stopped) {
            s.stats.retries++;
            const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
            this.safeLog('warn', 'alert_delivery_retry', { channel: channel.name, code: alert.code, attempt, nextDelayMs: delay, error });
            const t = this.setTimer(() => {
              this.timers.delete(t);
              this.deliver(s, alert, attempt + 1);
            }, delay);
          } else {
            s.stats.failed++;
            this.safeLog('error', 'alert_delivery_failed', { channel: channel.name, code: alert.code, level: alert.level, attempts: attempt, error });
            this.settle();
          }
        },
      );
  }

  private settle(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private scheduleDailySummary(): void {
    const ds = this.options.dailySummary;
    if (ds === undefined || this.stopped) return;
    const { hours, minutes } = parseHhMm(ds.atUtc);
    const now = this.now();
    const d = new Date(now);
    let at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hours, minutes);
    if (at <= now) at += DAY_MS;
    const t = this.setTimer(() => {
      this.timers.delete(t);
      this.dailyTimer = null;
      this.sendDailySummary(ds, at);
      this.scheduleDailySummary();
    }, at - now, false);
    this.dailyTimer = t;
  }

  private sendDailySummary(ds: DailySummaryOptions, atMs: number): void {
    const day = new Date(atMs).toISOString().slice(0, 10);
    Promise.resolve()
      .then(() => ds.provider())
      .then(
        (sum) => {
          if (this.stopped) return;
          const pnl = sum.currency !== undefined ? `${sum.pnl} ${sum.currency}` : `${sum.pnl}`;
          const message = `daily summary ${day}: P&L ${pnl}, trades ${sum.trades}, win rate ${(sum.winRate * 100).toFixed(1)}%`;
          this.received++;
          this.fanOut({ level: 'INFO', code: 'DAILY_SUMMARY', message, tsNs: atMs * 1e6, repeats: 1, text: formatText('INFO', 'DAILY_SUMMARY', message, 1) }, true);
        },
        (err: unknown) => this.safeLog('error', 'alert_daily_summary_failed', { error: errorText(err) }),
      );
  }

  private setTimer(fn: () => void, delayMs: number, keepAlive = true): TimerHandle {
    const t = this.scheduler.setTimeout(() => {
      try {
        fn();
      } catch (err) {
        this.safeLog('error', 'alert_timer_error', { error: errorText(err) });
      }
    }, delayMs, { keepAlive });
    this.timers.add(t);
    return t;
  }

  private clearTimer(t: TimerHandle): void {
    this.scheduler.clearTimeout(t);
    this.timers.delete(t);
  }

  private safeLog(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, string | number | boolean>): void {
    try {
      this.logger.log(level, event, fields);
    } catch {
      // a broken logger must not break alerting or trading
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function parseHhMm(text: string): { hours: number; minutes: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (m === null) throw new Error(`dailySummary.atUtc: expected HH:MM, got ${JSON.stringify(text)}`);
  return { hours: Number(m[1]), minutes: Number(m[2]) };
}
