import type { AlertChannel, OutgoingAlert } from '../types.ts';
import { postJson, readSecret, type FetchFn, type SecretSource } from './http.ts';
import { urlPath } from './WebhookChannel.ts';

export interface SlackChannelOptions extends SecretSource {
  name?: string;
  /** Environment variable holding the Slack incoming-webhook URL (secret). */
  urlEnv: string;
  timeoutMs?: number;
  fetch?: FetchFn;
}

/** Slack incoming webhook: POST `{text}`. */
export class SlackChannel implements AlertChannel {
  readonly name: string;
  private readonly url: string;
  private readonly fetchFn: FetchFn;
  private readonly timeoutMs: number;

  constructor(options: SlackChannelOptions) {
    this.name = options.name ?? 'slack';
    this.url = readSecret(options.env, options.urlEnv, this.name);
    this.fetchFn = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  send(alert: OutgoingAlert): Promise<void> {
    return postJson(this.name, this.url, { text: alert.text }, [this.url, urlPath(this.url)], this.fetchFn, this.timeoutMs);
  }
}
