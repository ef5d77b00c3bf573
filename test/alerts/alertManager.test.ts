import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { InProcessBus } from '../../src/bus/InProcessBus.ts';
import type { Alert, KernelTopics } from '../../src/bus/topics.ts';
import {
  AlertManager,
  JsonLineLogger,
  ManualScheduler,
  RealScheduler,
  SlackChannel,
  TelegramChannel,
  WebhookChannel,
  type AlertChannel,
  type OutgoingAlert,
} from '../../src/alerts/index.ts';

interface Received {
  method: string;
  url: string;
  body: unknown;
}

/** A loopback HTTP receiver: records every request; answers with the next status of `statuses` (then 200). */
class Receiver {
  readonly requests: Received[] = [];
  private server: Server;
  private waiters: { n: number; resolve: () => void }[] = [];
  statuses: number[] = [];
  delayMs = 0;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => this.onRequest(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    servers.push(this);
    return this;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  bodies(): unknown[] {
    return this.requests.map((r) => r.body);
  }

  waitFor(n: number, timeoutMs = 5_000): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`expected ${n} requests, got ${this.requests.length}`)), timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', body: JSON.parse(raw) as unknown });
      const status = this.statuses.shift() ?? 200;
      const answer = (): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? '{"ok":true}' : `{"ok":false,"echo":"${req.url ?? ''}"}`);
      };
      if (this.delayMs > 0) setTimeout(answer, this.delayMs);
      else answer();
      const ready = this.waiters.filter((w) => this.requests.length >= w.n);
      this.waiters = this.waiters.filter((w) => this.requests.length < w.n);
      for (const w of ready) w.resolve();
    });
  }
}

const servers: Receiver[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Collects log lines written by the JSON-lines logger. */
function captureLogger(): { logger: JsonLineLogger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new JsonLineLogger((l) => lines.push(l), () => 0), lines };
}

const alert = (level: Alert['level'], code: string, message: string, tsNs = 1): Alert => ({ level, code, message, tsNs });

test('webhook, Slack and Telegram receive the exact payloads for a bus alert', async () => {
  const hook = await new Receiver().start();
  const slack = await new Receiver().start();
  const tg = await new Receiver().start();
  const env = {
    HOOK_URL: `${hook.base}/hooks/T0K3N-hook`,
    SLACK_URL: `${slack.base}/services/T000/B000/slacksecret`,
    TG_TOKEN: '123456:tg-secret-token',
  };
  const bus = new InProcessBus<KernelTopics>();
  const { logger } = captureLogger();
  const am = new AlertManager({
    channels: [
      { channel: new WebhookChannel({ urlEnv: 'HOOK_URL', env }) },
      { channel: new SlackChannel({ urlEnv: 'SLACK_URL', env }) },
      { channel: new TelegramChannel({ tokenEnv: 'TG_TOKEN', chatId: -1001, apiRoot: tg.base, env }) },
    ],
    logger,
  });
  am.attach(bus);
  bus.publish('alert', alert('WARNING', 'LEG_RISK', 'group G1 leg 2 rejected', 1_700_000_000_000_000_000));
  await am.idle();
  assert.deepEqual(hook.requests, [
    {
      method: 'POST',
      url: '/hooks/T0K3N-hook',
      body: {
        level: 'WARNING',
        code: 'LEG_RISK',
        message: 'group G1 leg 2 rejected',
        tsNs: 1_700_000_000_000_000_000,
        repeats: 1,
        text: '[WARNING] LEG_RISK: group G1 leg 2 rejected',
      },
    },
  ]);
  assert.deepEqual(slack.requests, [{ method: 'POST', url: '/services/T000/B000/slacksecret', body: { text: '[WARNING] LEG_RISK: group G1 leg 2 rejected' } }]);
  assert.deepEqual(tg.requests, [
    { method: 'POST', url: '/bot123456:tg-secret-token/sendMessage', body: { chat_id: -1001, text: '[WARNING] LEG_RISK: group G1 leg 2 rejected' } },
  ]);
  assert.equal(am.stats().received, 1);
  assert.equal(am.stats().channels.telegram.sent, 1);
  am.stop();
});

test('a channel whose secret variable is missing fails at construction, naming the variable only', () => {
  assert.throws(() => new TelegramChannel({ tokenEnv: 'NO_SUCH_TOKEN_VAR', chatId: 1, env: {} }), /environment variable NO_SUCH_TOKEN_VAR is not set/);
});

test('dedupe: repeats within the window fold into one repeat-count alert; after the window it is new', async () => {
  const hook = await new Receiver().start();
  const sched = new ManualScheduler(1_000_000);
  const am = new AlertManager({
    channels: [{ channel: new WebhookChannel({ urlEnv: 'U', env: { U: `${hook.base}/h` } }) }],
    dedupeWindowMs: 10_000,
    now: sched.now,
    scheduler: sched,
    logger: captureLogger().logger,
  });
  am.notify(alert('WARNING', 'VENUE_UNHEALTHY', 'venue SIM: 3 ack timeouts', 10));
  sched.advance(1_000);
  am.notify(alert('WARNING', 'VENUE_UNHEALTHY', 'venue SIM: 3 ack timeouts', 20));
  sched.advance(1_000);
  am.notify(alert('WARNING', 'VENUE_UNHEALTHY', 'venue SIM: 3 ack timeouts', 30));
  am.notify(alert('WARNING', 'VENUE_UNHEALTHY', 'venue OTHER: 3 ack timeouts', 40)); // other message: not a duplicate
  await am.idle();
  assert.deepEqual(
    hook.bodies().map((b) => (b as OutgoingAlert).text),
    ['[WARNING] VENUE_UNHEALTHY: venue SIM: 3 ack timeouts', '[WARNING] VENUE_UNHEALTHY: venue OTHER: 3 ack timeouts'],
  );
  assert.equal(am.stats().deduplicated, 2);

  sched.advance(7_999); // t = first + 9 999: still inside the window
  await am.idle();
  assert.equal(hook.requests.length, 2, 'no repeat summary before the window ends');
  sched.advance(1); // t = first + 10 000: window closes
  await am.idle();
  assert.equal(hook.requests.length, 3);
  const summary = hook.requests[2].body as OutgoingAlert;
  assert.equal(summary.code, 'VENUE_UNHEALTHY');
  assert.equal(summary.repeats, 2);
  assert.equal(summary.tsNs, 10, 'the summary carries the first occurrence time');
  assert.equal(summary.text, '[WARNING] VENUE_UNHEALTHY: venue SIM: 3 ack timeouts (repeated 2 more times within 10 s)');

  sched.advance(1_000);
  am.notify(alert('WARNING', 'VENUE_UNHEALTHY', 'venue SIM: 3 ack timeouts', 50));
  await am.idle();
  assert.equal(hook.requests.length, 4);
  assert.deepEqual(
    { repeats: (hook.requests[3].body as OutgoingAlert).repeats, tsNs: (hook.requests[3].body as OutgoingAlert).tsNs },
    { repeats: 1, tsNs: 50 },
  );
  sched.advance(20_000); // the OTHER window and the new one close with no repeats: nothing more sent
  await am.idle();
  assert.equal(hook.requests.length, 4);
  am.stop();
});

test('rate limit: excess non-critical alerts are counted and summarised; CRITICAL is queued, never dropped', async () => {
  const hook = await new Receiver().start();
  const sched = new ManualScheduler(0);
  const am = new AlertManager({
    channels: [{ channel: new WebhookChannel({ urlEnv: 'U', env: { U: `${hook.base}/h` } }), rateLimit: { burst: 2, perMinute: 60 } }],
    dedupeWindowMs: 0,
    now: sched.now,
    scheduler: sched,
    logger: captureLogger().logger,
  });
  am.notify(alert('INFO', 'A', 'a'));
  am.notify(alert('INFO', 'B', 'b'));
  am.notify(alert('INFO', 'C', 'c')); // over: suppressed
  am.notify(alert('WARNING', 'D', 'd')); // suppressed
  am.notify(alert('CRITICAL', 'K1', 'k1')); // queued
  am.notify(alert('INFO', 'C', 'c2')); // suppressed
  am.notify(alert('CRITICAL', 'K2', 'k2')); // queued behind K1
  await am.idle();
  assert.deepEqual(hook.bodies().map((b) => (b as OutgoingAlert).code), ['A', 'B']);
  let st = am.stats().channels.webhook;
  assert.deepEqual({ rateLimited: st.rateLimited, queued: st.queued, sent: st.sent }, { rateLimited: 3, queued: 2, sent: 2 });

  sched.advance(999);
  await am.idle();
  assert.equal(hook.requests.length, 2, 'no token before 1 s');
  sched.advance(1); // 1 token: K1
  await am.idle();
  sched.advance(1_000); // K2
  await am.idle();
  sched.advance(1_000); // then the suppression summary
  await am.idle();
  assert.deepEqual(hook.bodies().map((b) => (b as OutgoingAlert).code), ['A', 'B', 'K1', 'K2', 'ALERTS_SUPPRESSED']);
  const summary = hook.requests[4].body as OutgoingAlert;
  assert.equal(summary.level, 'WARNING');
  assert.equal(summary.repeats, 3);
  assert.equal(summary.message, '3 alerts suppressed by rate limit (WARNING 1, INFO 2): C x2, D x1');
  sched.advance(60_000);
  await am.idle();
  assert.equal(hook.requests.length, 5, 'nothing left to send');
  st = am.stats().channels.webhook;
  assert.equal(st.sent, 5);
  am.stop();
});

test('per-channel minimum level', async () => {
  const all = await new Receiver().start();
  const pager = await new Receiver().start();
  const am = new AlertManager({
    channels: [
      { channel: new WebhookChannel({ name: 'all', urlEnv: 'A', env: { A: `${all.base}/a` } }) },
      { channel: new WebhookChannel({ name: 'pager', urlEnv: 'P', env: { P: `${pager.base}/p` } }), minLevel: 'CRITICAL' },
    ],
    logger: captureLogger().logger,
  });
  am.notify(alert('INFO', 'I', 'i'));
  am.notify(alert('WARNING', 'W', 'w'));
  am.notify(alert('CRITICAL', 'C', 'c'));
  await am.idle();
  assert.deepEqual(all.bodies().map((b) => (b as OutgoingAlert).code).sort(), ['C', 'I', 'W']);
  assert.deepEqual(pager.bodies().map((b) => (b as OutgoingAlert).code), ['C']);
  assert.equal(am.stats().channels.pager.belowMinLevel, 2);
  am.stop();
});

test('a channel answering 500 twice is retried with backoff and then delivers', async () => {
  const hook = await new Receiver().start();
  hook.statuses = [500, 500];
  const { logger, lines } = captureLogger();
  const am = new AlertManager({
    channels: [{ channel: new WebhookChannel({ urlEnv: 'U', env: { U: `${hook.base}/h/retry-secret` } }) }],
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 1_000 },
    scheduler: new RealScheduler(),
    logger,
  });
  const t0 = Date.now();
  am.notify(alert('CRITICAL', 'ORDER_UNANSWERED', 'order BW-7 unanswered'));
  await am.idle();
  const elapsed = Date.now() - t0;
  assert.equal(hook.requests.length, 3);
  assert.deepEqual(hook.requests[0].body, hook.requests[2].body, 'the retry resends the same payload');
  assert.ok(elapsed >= 20 + 40, `backoff 20 ms then 40 ms must elapse, took ${elapsed} ms`);
  assert.deepEqual(am.stats().channels.webhook, { sent: 1, failed: 0, retries: 2, rateLimited: 0, queued: 0, belowMinLevel: 0 });
  const events = lines.map((l) => (JSON.parse(l) as { event: string; attempt: number; error: string }));
  assert.deepEqual(events.map((e) => [e.event, e.attempt, e.error]), [
    ['alert_delivery_retry', 1, 'alert channel webhook: HTTP 500'],
    ['alert_delivery_retry', 2, 'alert channel webhook: HTTP 500'],
  ]);
  assert.ok(!lines.join('').includes('retry-secret'), 'the webhook secret is not logged');
  am.stop();
});

test('a permanently failing channel does not delay notify(); failures are logged and counted without the secret', async () => {
  const tg = await new Receiver().start();
  tg.statuses = [500, 500, 500];
  tg.delayMs = 200; // slow and failing
  const token = '987654:AAE-very-secret-bot-token';
  const { logger, lines } = captureLogger();
  const channel = new TelegramChannel({ tokenEnv: 'TG', chatId: 42, apiRoot: tg.base, env: { TG: token } });
  const am = new AlertManager({ channels: [{ channel }], retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 }, logger });
  const t0 = performance.now();
  am.notify(alert('CRITICAL', 'KILL_SWITCH', 'kill'));
  const notifyMs = performance.now() - t0;
  assert.equal(tg.requests.length, 0, 'notify returned before any request reached the channel');
  assert.equal(am.stats().inFlight, 1);
  assert.ok(notifyMs < 50, `notify took ${notifyMs} ms`);
  await am.idle();
  assert.equal(tg.requests.length, 3, 'three attempts');
  assert.ok(tg.requests[0].url.includes(token), 'the token really was in the request URL (so the log check means something)');
  assert.deepEqual(am.stats().channels.telegram, { sent: 0, failed: 1, retries: 2, rateLimited: 0, queued: 0, belowMinLevel: 0 });
  const last = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  assert.deepEqual(
    { event: last.event, channel: last.channel, attempts: last.attempts, error: last.error },
    { event: 'alert_delivery_failed', channel: 'telegram', attempts: 3, error: 'alert channel telegram: HTTP 500' },
  );
  assert.equal(lines.length, 3);
  assert.ok(!lines.join('').includes(token), 'the bot token is not in any log line');
  assert.ok(!lines.join('').includes('very-secret'), 'no part of the token in the logs');

  // a network error (nothing listening): the error names the code, not the URL or the token
  const closed = await new Receiver().start();
  const deadRoot = closed.base;
  await closed.close();
  const dead = new TelegramChannel({ tokenEnv: 'TG', chatId: 42, apiRoot: deadRoot, env: { TG: token } });
  await assert.rejects(
    dead.send({ level: 'INFO', code: 'X', message: 'x', tsNs: 0, repeats: 1, text: 'x' }),
    (err: Error) => {
      assert.ok(!err.message.includes(token) && !err.message.includes('very-secret'), `token leaked: ${err.message}`);
      assert.equal(err.message, 'alert channel telegram: request failed (ECONNREFUSED)');
      return true;
    },
  );
  am.stop();
});

test('a channel that throws synchronously never reaches the caller', async () => {
  const { logger, lines } = captureLogger();
  const broken: AlertChannel = {
    name: 'broken',
    send(): Promise<void> {
      throw new Error('boom');
    },
  };
  const am = new AlertManager({ channels: [{ channel: broken }], retry: { maxAttempts: 1 }, logger });
  assert.doesNotThrow(() => am.notify(alert('CRITICAL', 'X', 'x')));
  await am.idle();
  assert.equal(am.stats().channels.broken.failed, 1);
  assert.equal((JSON.parse(lines[0]) as { error: string }).error, 'boom');
  am.stop();
});

test('risk.state KILL_SWITCH and CIRCUIT_BREAKER become CRITICAL alerts', async () => {
  const slack = await new Receiver().start();
  const bus = new InProcessBus<KernelTopics>();
  const am = new AlertManager({
    channels: [{ channel: new SlackChannel({ urlEnv: 'S', env: { S: `${slack.base}/s` } }), minLevel: 'CRITICAL' }],
    logger: captureLogger().logger,
  });
  am.attach(bus);
  bus.publish('risk.state', { tsNs: 5, from: 'NORMAL', to: 'WARNING', reason: 'drawdown 0.11' });
  bus.publish('risk.state', { tsNs: 6, from: 'WARNING', to: 'CIRCUIT_BREAKER', reason: 'drawdown 0.21' });
  bus.publish('risk.state', { tsNs: 7, from: 'CIRCUIT_BREAKER', to: 'KILL_SWITCH', reason: 'operator kill: test' });
  await am.idle();
  assert.deepEqual(slack.bodies(), [
    { text: '[CRITICAL] CIRCUIT_BREAKER: risk state WARNING -> CIRCUIT_BREAKER: drawdown 0.21' },
    { text: '[CRITICAL] KILL_SWITCH: risk state CIRCUIT_BREAKER -> KILL_SWITCH: operator kill: test' },
  ]);
  assert.equal(am.stats().channels.slack.belowMinLevel, 1, 'the WARNING transition was below this channel');
  am.stop();
  bus.publish('risk.state', { tsNs: 8, from: 'KILL_SWITCH', to: 'NORMAL', reason: 'reset' });
  assert.equal(am.stats().received, 3, 'stop() unsubscribes');
});

test('the daily summary fires at the configured UTC time with the provider figures', async () => {
  const hook = await new Receiver().start();
  const sched = new ManualScheduler(Date.UTC(2026, 10, 23, 10, 0));
  let calls = 0;
  const am = new AlertManager({
    channels: [{ channel: new WebhookChannel({ urlEnv: 'U', env: { U: `${hook.base}/d` } }), minLevel: 'CRITICAL' }],
    dailySummary: {
      atUtc: '17:30',
      provider: () => {
        calls++;
        return { pnl: calls === 1 ? '1234.50' : '-20.00', trades: 42, winRate: 0.5714, currency: 'USD' };
      },
    },
    now: sched.now,
    scheduler: sched,
    logger: captureLogger().logger,
  });
  sched.advanceTo(Date.UTC(2026, 10, 23, 17, 29, 59, 999));
  await am.idle();
  assert.equal(calls, 0, 'not before 17:30');
  sched.advanceTo(Date.UTC(2026, 10, 23, 17, 30));
  await hook.waitFor(1);
  assert.deepEqual(hook.requests[0].body, {
    level: 'INFO',
    code: 'DAILY_SUMMARY',
    message: 'daily summary 2026-11-23: P&L 1234.50 USD, trades 42, win rate 57.1%',
    tsNs: Date.UTC(2026, 10, 23, 17, 30) * 1e6,
    repeats: 1,
    text: '[INFO] DAILY_SUMMARY: daily summary 2026-11-23: P&L 1234.50 USD, trades 42, win rate 57.1%',
  });
  sched.advanceTo(Date.UTC(2026, 10, 24, 17, 30));
  await hook.waitFor(2);
  assert.equal(calls, 2);
  assert.equal((hook.requests[1].body as OutgoingAlert).message, 'daily summary 2026-11-24: P&L -20.00 USD, trades 42, win rate 57.1%');
  am.stop();
});

test('a bad daily summary time is refused at construction', () => {
  assert.throws(
    () => new AlertManager({ channels: [], dailySummary: { atUtc: '25:00', provider: () => ({ pnl: 0, trades: 0, winRate: 0 }) } }),
    /dailySummary.atUtc: expected HH:MM, got "25:00"/,
  );
});
