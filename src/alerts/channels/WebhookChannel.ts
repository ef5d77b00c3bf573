import type { AlertChannel, OutgoingAlert } from '../types.ts';
import { postJson, readSecret, type FetchFn, type SecretSource } from './http.ts';

export interface WebhookChannelOptions extends SecretSource {
  name?: string;
  /** Environment variable holding the webhook URL (it may embed a token). */
  urlEnv: string;
  timeoutMs?: number;
  fetch?: FetchFn;
}

/** Generic webhook: POSTs the alert as JSON `{level, code, message, tsNs, repeats, text}`. */
export class WebhookChannel implements AlertChannel {
  readonly name: string;
  private readonly url: string;
  private readonly fetchFn: FetchFn;
  private readonly timeoutMs: number;

  constructor(options: WebhookChannelOptions) {
    this.name = options.name ?? 'webhook';
    this.url = readSecret(options.env, options.urlEnv, this.name);
    this.fetchFn = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  send(alert: OutgoingAlert): Promise<void> {
    const body = { level: alert.level, code: alert.code, message: alert.message, tsNs: alert.tsNs, repeats: alert.repeats, text: alert.text };
    return postJson(this.name, this.url, body, [this.url, urlPath(this.url)], this.fetchFn, this.timeoutMs);
  }
}

/** The path+query of a URL: a Slack-style token lives there and could show up on its own. */
export function urlPath(url: string): string {
  try {
    const u = new URL(url);
    const p = u.pathname + u.search;
    return p.length > 1 ? p : '';
  } catch {
    return '';
  }
}
