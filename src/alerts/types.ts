import type { AlertLevel } from '../bus/topics.ts';

export type { AlertLevel };

/** Severity order: a channel with minimum level WARNING takes WARNING and CRITICAL. */
export const LEVEL_RANK: Readonly<Record<AlertLevel, number>> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

/** What a channel is asked to deliver: one alert, possibly standing for several occurrences. */
export interface OutgoingAlert {
  level: AlertLevel;
  /** Stable code (LEG_RISK, KILL_SWITCH, DAILY_SUMMARY, ALERTS_SUPPRESSED, ...). */
  code: string;
  message: string;
  /** Time of the (first) occurrence, epoch ns. */
  tsNs: number;
  /** Occurrences this alert stands for: 1 for a plain alert, N for a repeat or suppression summary. */
  repeats: number;
  /** Human-readable one-liner, what chat channels show. */
  text: string;
}

/** A delivery target. `send` resolves on success and rejects on failure; errors must not contain secrets. */
export interface AlertChannel {
  readonly name: string;
  send(alert: OutgoingAlert): Promise<void>;
}

/** Structured logger the AlertManager writes delivery failures and drops to. */
export interface AlertLogger {
  log(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, string | number | boolean>): void;
}

/** Writes one JSON object per line (default: stderr). */
export class JsonLineLogger implements AlertLogger {
  constructor(
    private readonly write: (line: string) => void = (line) => {
      process.stderr.write(line);
    },
    private readonly now: () => number = Date.now,
  ) {}

  log(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, string | number | boolean>): void {
    this.write(`${JSON.stringify({ time: new Date(this.now()).toISOString(), level, component: 'alerts', event, ...fields })}\n`);
  }
}

/** Figures for the daily summary, from the caller's provider. */
export interface DailySummary {
  /** Net P&L of the day, already formatted or a number (shown as given). */
  pnl: string | number;
  trades: number;
  /** Fraction in [0, 1]. */
  winRate: number;
  /** Currency label shown after the P&L, optional. */
  currency?: string;
}

export function formatText(level: AlertLevel, code: string, message: string, repeats: number): string {
  const base = `[${level}] ${code}: ${message}`;
  return repeats > 1 ? `${base} (x${repeats})` : base;
}
