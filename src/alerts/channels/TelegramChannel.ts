import type { AlertChannel, OutgoingAlert } from '../types.ts';
import { postJson, readSecret, type FetchFn, type SecretSource } from './http.ts';

export interface TelegramChannelOptions extends SecretSource {
  name?: string;
  /** Environment variable holding the bot token (secret). */
  tokenEnv: string;
  /** Target chat id (not secret). */
  chatId: string | number;
  /** Bot API root, default https://api.telegram.org (tests point it at a loopback server). */
  apiRoot?: string;
  timeoutMs?: number;
  fetch?: FetchFn;
}

/** Telegram Bot API: POST `<apiRoot>/bot<token>/sendMessage` with `{chat_id, text}`. */
export class TelegramChannel implements AlertChannel {
  readonly name: string;
  private readonly token: string;
  private readonly url: string;
  private readonly chatId: string | number;
  private readonly fetchFn: FetchFn;
  private readonly timeoutMs: number;

  constructor(options: TelegramChannelOptions) {
    this.name = options.name ?? 'telegram';
    this.token = readSecret(options.env, options.tokenEnv, this.name);
    const root = (options.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
    this.url = `${root}/bot${this.token}/sendMessage`;
    this.chatId = options.chatId;
    this.fetchFn = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  send(alert: OutgoingAlert): Promise<void> {
    return postJson(this.name, this.url, { chat_id: this.chatId, text: alert.text }, [this.token, this.url], this.fetchFn, this.timeoutMs);
  }
}
