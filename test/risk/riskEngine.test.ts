import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InProcessBus } from '../../src/bus/InProcessBus.ts';
import type { KernelTopics } from '../../src/bus/topics.ts';
import { Instrument, SimClock, type Order, type OrderType, type RiskStateChanged, type Side } from '../../src/core/index.ts';
import { RiskEngine, type RiskLimits } from '../../src/risk/RiskEngine.ts';

const ES = new Instrument({ id: 1, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const NQ = new Instrument({ id: 2, symbol: 'NQH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '20', currency: 'USD' });
const usd = (n: number): bigint => BigInt(Math.round(n * 100)) * 10_000_000n;
/** 2023-12-26T00:00:00Z: a Tuesday in winter (Chicago = UTC-6). */
const BASE = 1_703_548_800_000_000_000n;
const H = 3_600_000_000_000;

interface World {
  pos: Map<number, number>;
  open: Map<string, number>;
  ref: Map<number, number>;
  openOrders: number;
  equity: bigint;
}

const BASE_LIMITS: RiskLimits = { maxOrderSize: 5, maxPosition: 10, maxOpenOrders: 3, maxOrdersPerSecond: 4, warningDrawdownPct: 0.05, maxDrawdownPct: 0.1 };

function setup(limits: Partial<RiskLimits> = {}, startNs = 0) {
  const clock = new SimClock(BASE, startNs);
  const bus = new InProcessBus<KernelTopics>();
  const published: RiskStateChanged[] = [];
  bus.subscribe('risk.state', (s) => published.push(s));
  const w: World = { pos: new Map(), open: new Map(), ref: new Map([[1, 19_200], [2, 67_000]]), openOrders: 0, equity: usd(100_000) };
  const risk = new RiskEngine(
    { ...BASE_LIMITS, ...limits },
    {
      position: (id) => w.pos.get(id) ?? 0,
      openQty: (id, side) => w.open.get(`${id}:${side}`) ?? 0,
      openOrderCount: () => w.openOrders,
      instruments: new Map([[1, ES], [2, NQ]]),
      referencePrice: (id) => w.ref.get(id) ?? NaN,
      equity: () => w.equity,
    },
    clock,
    bus,
  );
  return { clock, risk, published, w };
}

let seq = 0;
function order(side: Side, qty: number, price = 19_200, over: Partial<Order> = {}): Order {
  const type: OrderType = over.type ?? 'LIMIT';
  return {
    instrumentId: 1, side, type, tif: 'GTC', qty, price: type === 'MARKET' ? 0 : price, triggerPrice: 0, postOnly: false, reduceOnly: false, expireTimeNs: 0,
    clientOrderId: `T-${++seq}`, strategyId: 's', venueOrderId: '', status: 'INITIALIZED', filledQty: 0, filledNotionalTicks: 0, feesPaid: 0n, createdNs: 0, updatedNs: 0, reason: '',
    ...over,
  };
}

test('max order size and max position count working orders on the same side; reducing is never blocked by it', () => {
  const { risk, w, clock } = setup({ maxOrdersPerSecond: 1000 });
  w.pos.set(1, 6);
  w.open.set('1:BUY', 2);
  assert.equal(risk.check(order('BUY', 6)), 'MAX_ORDER_SIZE');
  assert.equal(risk.check(order('BUY', 3)), 'MAX_POSITION', '6 held + 2 working + 3 = 11 > 10');
  assert.equal(risk.check(order('BUY', 2)), null, '6 + 2 + 2 = 10 is allowed');
  // three sells of 5 each "reduce" alone, but together they would flip the long to -9 ... -14
  w.open.set('1:SELL', 15);
  assert.equal(risk.check(order('SELL', 2)), 'MAX_POSITION', '6 - 15 - 2 = -11');
  w.open.set('1:SELL', 0);
  w.pos.set(1, 14); // over the limit (e.g. limits lowered): selling down is still allowed
  assert.equal(risk.check(order('SELL', 5)), null);
  assert.equal(risk.check(order('BUY', 1)), 'MAX_POSITION');
  clock.advanceTo(1e9);
  assert.deepEqual(risk.deniedByReason, { MAX_ORDER_SIZE: 1, MAX_POSITION: 3 });
});

test('open-order cap; soft order rate is a token bucket; replaces use their own bucket when configured', () => {
  const { risk, w, clock } = setup();
  w.openOrders = 3;
  assert.equal(risk.check(order('BUY', 1)), 'MAX_OPEN_ORDERS');
  w.openOrders = 0;
  for (let i = 0; i < 4; i++) assert.equal(risk.check(order('BUY', 1)), null);
  assert.equal(risk.check(order('BUY', 1)), 'RATE_LIMIT', 'a fifth order with the bucket (burst 4) empty');
  clock.advanceTo(250_000_000);
  assert.equal(risk.check(order('BUY', 1)), null, '250 ms at 4/s refills one token');
  assert.equal(risk.check(order('BUY', 1)), 'RATE_LIMIT');
  const live = { ...order('BUY', 1), status: 'ACCEPTED' as const };
  assert.equal(risk.checkReplace(live, 19_199, 1), 'RATE_LIMIT', 'without max_modifies_per_second replaces share the order bucket');

  const b = setup({ maxModifiesPerSecond: 2 });
  for (let i = 0; i < 4; i++) assert.equal(b.risk.check(order('BUY', 1)), null);
  const o = { ...order('BUY', 1), status: 'ACCEPTED' as const };
  assert.equal(b.risk.checkReplace(o, 19_199, 1), null);
  assert.equal(b.risk.checkReplace(o, 19_198, 1), null);
  assert.equal(b.risk.checkReplace(o, 19_197, 1), 'RATE_LIMIT', 'third modify in the same instant');
  assert.equal(b.risk.check(order('BUY', 1)), 'RATE_LIMIT', 'orders still limited on their own bucket');
});

test('hard rate limit: the attempt over max_order_rate in one second trips the kill switch; denied attempts count', () => {
  const { risk, w, clock, published } = setup({ maxOrderRate: 10, maxOrdersPerSecond: 1000, maxPosition: 3 });
  let sent = 0;
  let i = 0;
  for (; i < 50; i++) {
    clock.advanceTo(i * 1_000_000); // 1,000 attempts a second
    const r = risk.check(order('BUY', 1));
    if (r === null) {
      sent++;
      w.open.set('1:BUY', sent);
    }
    if (risk.state === 'KILL_SWITCH') break;
  }
  assert.equal(i, 10, 'the 11th attempt, 10 ms in, trips it');
  assert.equal(sent, 3, 'only three passed (max_position), the other attempts still counted');
  assert.deepEqual(risk.deniedByReason, { MAX_POSITION: 7, HARD_RATE_LIMIT: 1 });
  assert.equal(published.length, 1);
  assert.equal(published[0].to, 'KILL_SWITCH');
  assert.match(published[0].reason, /max_order_rate breached: more than 10 order attempts/);
  clock.advanceTo(5e9);
  w.open.set('1:BUY', 0);
  assert.equal(risk.check(order('SELL', 1)), 'KILL_SWITCH', 'nothing new, even much later');
  assert.deepEqual(risk.reset('alice', 'runaway strategy disabled'), { accepted: true, from: 'KILL_SWITCH', to: 'NORMAL' });
  assert.equal(risk.check(order('BUY', 1)), null);
  assert.match(published.at(-1)?.reason ?? '', /reset by alice: runaway strategy disabled/);
});

test('a spread of exactly max_order_rate attempts per second never trips the hard limit', () => {
  const { risk, clock } = setup({ maxOrderRate: 10, maxOrdersPerSecond: 10, maxPosition: 1e9, maxOpenOrders: 1e9, maxOrderSize: 1e9 });
  for (let i = 0; i < 100; i++) {
    clock.advanceTo(i * 100_000_000);
    assert.equal(risk.check(order('BUY', 1)), null, `attempt ${i}`);
  }
  assert.equal(risk.state, 'NORMAL');
});

test('duplicate client order id, unknown instrument, halt', () => {
  const { risk } = setup();
  const o = order('BUY', 1);
  assert.equal(risk.check(o), null);
  assert.equal(risk.check({ ...o }), 'DUPLICATE_ORDER_ID');
  assert.equal(risk.check(order('BUY', 1, 100, { instrumentId: 99 })), 'UNKNOWN_INSTRUMENT');
  risk.setHalted(1, true);
  assert.equal(risk.isHalted(1), true);
  assert.equal(risk.check(order('BUY', 1)), 'INSTRUMENT_HALTED');
  risk.setHalted(1, false);
  assert.equal(risk.check(order('BUY', 1)), null);
});

test('trading hours in an IANA zone, wrapping midnight, DST-aware through Intl', () => {
  // CME-style 17:00-16:00 Chicago: closed 16:00-17:00 CT = 22:00-23:00 UTC in winter
  const { risk, clock } = setup({ tradingHours: { start: '17:00', end: '16:00' }, timezone: 'America/Chicago', maxOrdersPerSecond: 1e6 });
  clock.advanceTo(21 * H + 59 * 60e9);
  assert.equal(risk.check(order('BUY', 1)), null, '15:59 CT');
  clock.advanceTo(22 * H);
  assert.equal(risk.check(order('BUY', 1)), 'OUTSIDE_TRADING_HOURS', '16:00 CT');
  clock.advanceTo(22 * H + 59 * 60e9);
  assert.equal(risk.check(order('BUY', 1)), 'OUTSIDE_TRADING_HOURS', '16:59 CT');
  clock.advanceTo(23 * H);
  assert.equal(risk.check(order('BUY', 1)), null, '17:00 CT');
  clock.advanceTo(30 * H);
  assert.equal(risk.check(order('BUY', 1)), null, 'overnight');

  // summer: 16:00 CT is 21:00 UTC (base 2024-07-01T00:00Z)
  const summer = new SimClock(1_719_792_000_000_000_000n);
  const bus = new InProcessBus<KernelTopics>();
  const r2 = new RiskEngine({ ...BASE_LIMITS, tradingHours: { start: '08:30', end: '15:00' }, timezone: 'America/Chicago' }, { position: () => 0, openQty: () => 0, openOrderCount: () => 0 }, summer, bus);
  summer.advanceTo(13 * H + 29 * 60e9);
  assert.equal(r2.check(order('BUY', 1)), 'OUTSIDE_TRADING_HOURS', '08:29 CDT');
  summer.advanceTo(13 * H + 30 * 60e9);
  assert.equal(r2.check(order('BUY', 1)), null, '08:30 CDT = 13:30 UTC');
  summer.advanceTo(20 * H);
  assert.equal(r2.check(order('BUY', 1)), 'OUTSIDE_TRADING_HOURS', '15:00 CDT');
});

test('price collar by percent and ticks (tighter wins), tightened in WARNING; no reference price denies', () => {
  const { risk, w, clock } = setup({ priceCollarPct: 0.01, priceCollarTicks: 40, maxOrdersPerSecond: 1e6 });
  // ref 19,200 ticks: 1% = 192 ticks, 40 ticks is tighter
  assert.equal(risk.check(order('BUY', 1, 19_240)), null);
  assert.equal(risk.check(order('BUY', 1, 19_241)), 'PRICE_COLLAR');
  assert.equal(risk.check(order('SELL', 1, 19_159)), 'PRICE_COLLAR', 'both directions: a price far away is a typo either way');
  assert.equal(risk.check(order('BUY', 1, 0, { type: 'MARKET', tif: 'IOC' })), null, 'market orders have no price to collar');
  assert.equal(risk.check(order('SELL', 1, 18_000, { type: 'STOP_LIMIT', triggerPrice: 18_004 })), null, "a stop's limit is not collared against the market");
  risk.onEquity(usd(100_000));
  risk.onEquity(usd(94_000));
  assert.equal(risk.state, 'WARNING');
  assert.equal(risk.check(order('BUY', 1, 19_221)), 'PRICE_COLLAR', 'WARNING halves the band to 20 ticks');
  assert.equal(risk.check(order('BUY', 1, 19_220)), null);
  w.ref.delete(1);
  clock.advanceTo(1e9);
  assert.equal(risk.check(order('BUY', 1, 19_200)), 'NO_REFERENCE_PRICE');
});

test('notional per order, gross exposure, leverage, concentration and gross position (BigInt money)', () => {
  // ES at 19,200 ticks = 4,800.00 points x 50 = 240,000 USD a lot
  const a = setup({ maxOrderNotional: usd(500_000), maxOrdersPerSecond: 1e6 });
  assert.equal(a.risk.check(order('BUY', 2)), null, '480,000 USD');
  assert.equal(a.risk.check(order('BUY', 3)), 'MAX_NOTIONAL', '720,000 USD');
  assert.equal(a.risk.check(order('BUY', 3, 0, { type: 'MARKET', tif: 'IOC' })), 'MAX_NOTIONAL', 'market orders at the reference');

  // exactly at the limit: the float path cannot tell, the exact BigInt path decides (not above = allowed)
  const edge = setup({ maxOrderNotional: usd(480_000), maxOrdersPerSecond: 1e6 });
  assert.equal(edge.risk.check(order('BUY', 2)), null, '480,000.00 = limit');
  const edge2 = setup({ maxOrderNotional: usd(480_000) - 1n, maxOrdersPerSecond: 1e6 });
  assert.equal(edge2.risk.check(order('BUY', 2)), 'MAX_NOTIONAL', 'one nano over');

  const b = setup({ maxGrossExposure: usd(1_000_000), maxOrdersPerSecond: 1e6 });
  b.w.pos.set(2, 1); // NQ 67,000 ticks x 0.25 x 20 = 335,000 USD
  b.w.open.set('1:BUY', 1);
  assert.equal(b.risk.check(order('BUY', 1)), null, 'ES 2 x 240k + NQ 335k = 815k');
  b.w.open.set('1:BUY', 2);
  assert.equal(b.risk.check(order('BUY', 1)), 'MAX_GROSS_EXPOSURE', '3 x 240k + 335k = 1,055k');
  b.w.pos.set(1, 5); // already over: an order that does not grow the worst case still passes
  b.w.open.set('1:BUY', 0);
  assert.equal(b.risk.check(order('SELL', 2)), null);

  const c = setup({ maxLeverage: 2, maxOrdersPerSecond: 1e6 });
  assert.equal(c.risk.check(order('BUY', 1)), 'MAX_LEVERAGE', '240k / 100k = 2.4');
  c.w.equity = usd(200_000);
  assert.equal(c.risk.check(order('BUY', 1)), null, '240k / 200k = 1.2');
  c.w.pos.set(1, 3);
  c.w.equity = usd(400_000);
  assert.equal(c.risk.check(order('BUY', 1)), 'MAX_LEVERAGE', '960k / 400k = 2.4');
  c.w.equity = usd(500_000);
  assert.equal(c.risk.check(order('BUY', 1)), null, '960k / 500k = 1.92');
  c.risk.onEquity(usd(450_000)); // once the kernel reports equity, the last report is used (it reports every change)
  assert.equal(c.risk.check(order('BUY', 1)), 'MAX_LEVERAGE', '960k / 450k = 2.13');

  const d = setup({ maxConcentrationPct: 0.6, maxOrdersPerSecond: 1e6, maxPosition: 100 });
  d.w.equity = usd(1_000_000);
  assert.equal(d.risk.check(order('BUY', 2)), null, 'one instrument but only 48% of equity: not concentrated');
  d.w.pos.set(1, 2);
  assert.equal(d.risk.check(order('BUY', 1)), 'CONCENTRATION', '720k of max(720k, 1M) = 72%');
  d.w.pos.set(2, 3); // NQ 1,005k: ES 3 lots is 720k of 1,725k = 42%
  assert.equal(d.risk.check(order('BUY', 1)), null);

  const e = setup({ maxGrossPosition: 4, maxOrdersPerSecond: 1e6 });
  e.w.pos.set(2, -3);
  assert.equal(e.risk.check(order('BUY', 1)), null);
  e.w.open.set('1:BUY', 1);
  assert.equal(e.risk.check(order('BUY', 1)), 'MAX_GROSS_POSITION');
});

test('fat finger once the strategy has a median; reduce-only that would not reduce', () => {
  const { risk, w } = setup({ fatFingerMultiple: 3, fatFingerMinOrders: 5, maxOrderSize: 100, maxPosition: 1000, maxOrdersPerSecond: 1e6, maxOpenOrders: 1e6 });
  assert.equal(risk.check(order('BUY', 50)), null, 'no median yet');
  for (let i = 0; i < 4; i++) assert.equal(risk.check(order('BUY', 2)), null);
  // sizes 50, 2, 2, 2, 2: median 2, limit 6
  assert.equal(risk.check(order('BUY', 7)), 'FAT_FINGER');
  assert.equal(risk.check(order('BUY', 6)), null);
  assert.equal(risk.check(order('BUY', 7, 19_200, { strategyId: 'other' })), null, 'medians are per strategy');
  w.pos.set(1, 0);
  assert.equal(risk.check(order('SELL', 1, 19_200, { reduceOnly: true })), 'REDUCE_ONLY');
  w.pos.set(1, 3);
  assert.equal(risk.check(order('SELL', 1, 19_200, { reduceOnly: true })), null);
});

test('WARNING scales risk-increasing sizes (floor, at least 1 lot); reducing orders keep their size', () => {
  const { risk, w } = setup({ warningSizeFactor: 0.5 });
  assert.equal(risk.scaledQty(1, 'BUY', 4), 4, 'NORMAL: unchanged');
  risk.onEquity(usd(100_000));
  risk.onEquity(usd(94_000));
  assert.equal(risk.state, 'WARNING');
  assert.equal(risk.scaledQty(1, 'BUY', 4), 2);
  assert.equal(risk.scaledQty(1, 'BUY', 5), 2);
  assert.equal(risk.scaledQty(1, 'BUY', 1), 1);
  w.pos.set(1, 5);
  assert.equal(risk.scaledQty(1, 'SELL', 5), 5, 'closing the long is not scaled');
  assert.equal(risk.scaledQty(1, 'BUY', 3), 1);
});

test('drawdown state machine: WARNING (with hysteresis) -> CIRCUIT_BREAKER -> COOLDOWN on the clock -> reset rules', () => {
  const { risk, published, w, clock } = setup({ cooldownNs: 60e9, maxOrdersPerSecond: 1e6 });
  w.pos.set(1, 4);
  risk.onEquity(usd(100_000));
  risk.onEquity(usd(96_000));
  assert.equal(risk.state, 'NORMAL');
  risk.onEquity(usd(94_000));
  assert.equal(risk.state, 'WARNING');
  risk.onEquity(usd(96_000));
  assert.equal(risk.state, 'WARNING', '4% is under the 5% line but above half of it');
  risk.onEquity(usd(97_600));
  assert.equal(risk.state, 'NORMAL', '2.4% <= 2.5%');
  risk.onEquity(usd(89_000));
  assert.equal(risk.state, 'CIRCUIT_BREAKER', 'straight from NORMAL');
  assert.match(published.at(-1)?.reason ?? '', /drawdown 11\.00% > max_drawdown_pct 10\.00% \(trip 1 today\)/);
  assert.equal(risk.check(order('BUY', 1)), 'CIRCUIT_BREAKER');
  assert.equal(risk.check(order('SELL', 5)), 'CIRCUIT_BREAKER', 'selling 5 against a long of 4 flips: not reducing');
  assert.equal(risk.check(order('SELL', 4)), null, 'closing the long is allowed');
  const early = risk.reset('bob', 'looks fine');
  assert.equal(early.accepted, false);
  assert.match(early.accepted ? '' : early.reason, /cooldown not over: 60\.000 s left/);
  clock.advanceTo(59e9);
  assert.equal(risk.state, 'CIRCUIT_BREAKER');
  clock.advanceTo(60e9);
  assert.equal(risk.state, 'COOLDOWN');
  assert.equal(risk.check(order('BUY', 1)), 'COOLDOWN');
  const high = risk.reset('bob', 'after cooldown');
  assert.equal(high.accepted, false);
  assert.match(high.accepted ? '' : high.reason, /drawdown 11\.00% still above warning_drawdown_pct 5\.00%/);
  risk.onEquity(usd(95_500));
  assert.equal(risk.state, 'COOLDOWN', 'equity recovering does not leave COOLDOWN by itself');
  assert.deepEqual(risk.reset('bob', 'recovered'), { accepted: true, from: 'COOLDOWN', to: 'NORMAL' });
  assert.deepEqual(
    published.map((p) => `${p.from}->${p.to}`),
    ['NORMAL->WARNING', 'WARNING->NORMAL', 'NORMAL->CIRCUIT_BREAKER', 'CIRCUIT_BREAKER->COOLDOWN', 'COOLDOWN->NORMAL'],
  );
  assert.deepEqual(risk.transitions, published);
  const none = risk.reset('bob', 'again');
  assert.equal(none.accepted, false);
});

test('daily loss from the equity at the daily reset (17:00 Chicago), and the n-th breaker trip of a day kills', () => {
  const { risk, published, clock } = setup({ maxDailyLoss: usd(3_000), dailyResetTime: '17:00', timezone: 'America/Chicago', maxDrawdownPct: 0.5, warningDrawdownPct: 0.5, cooldownNs: 1e9, maxBreakerTripsPerDay: 2 });
  risk.onEquity(usd(100_000));
  clock.advanceTo(20 * H);
  risk.onEquity(usd(97_500));
  assert.equal(risk.dailyPnl(), -usd(2_500));
  clock.advanceTo(23 * H); // 17:00 CT: a new risk day starts at 97,500
  risk.onEquity(usd(96_000));
  assert.equal(risk.dailyPnl(), -usd(1_500));
  assert.equal(risk.state, 'NORMAL', '4,000 below the start but only 1,500 today');
  risk.onEquity(usd(94_400));
  assert.equal(risk.state, 'CIRCUIT_BREAKER');
  assert.match(published.at(-1)?.reason ?? '', /daily loss 3100\.00 > max_daily_loss 3000\.00 \(trip 1 today\)/);
  clock.advanceTo(23 * H + 2e9);
  assert.equal(risk.state, 'COOLDOWN');
  const refused = risk.reset('ops', 'x');
  assert.match(refused.accepted ? '' : refused.reason, /daily loss 3100\.00 still above max_daily_loss/);
  risk.onEquity(usd(97_000));
  assert.equal(risk.reset('ops', 'back').accepted, true);
  risk.onEquity(usd(94_000));
  assert.equal(risk.breakerTripsToday, 2);
  assert.deepEqual(published.slice(-2).map((p) => p.to), ['CIRCUIT_BREAKER', 'KILL_SWITCH']);
  assert.match(published.at(-1)?.reason ?? '', /2 circuit breaker trips today \(max_breaker_trips_per_day 2\)/);
  clock.advanceTo(48 * H);
  assert.equal(risk.state, 'KILL_SWITCH', 'the cooldown timer was cancelled: KILL_SWITCH stays');
  assert.equal(risk.breakerTripsToday, 0, 'a new day');
});

test('feed loss kills only while positioned and only with kill_on_feed_loss; fatal errors kill', () => {
  const off = setup();
  off.w.pos.set(1, 2);
  off.risk.onFeedLoss('gap');
  assert.equal(off.risk.state, 'NORMAL');
  const on = setup({ killOnFeedLoss: true });
  on.risk.onFeedLoss('flat: nothing at risk');
  assert.equal(on.risk.state, 'NORMAL');
  on.w.pos.set(2, -1);
  on.risk.onFeedLoss('mdp3 channel 310 silent 5 s');
  assert.equal(on.risk.state, 'KILL_SWITCH');
  assert.match(on.published[0].reason, /feed loss while positioned \(NQH4 -1 lots\): mdp3 channel 310 silent 5 s/);
  const f = setup();
  f.risk.fatal('TypeError: boom');
  assert.equal(f.risk.state, 'KILL_SWITCH');
  assert.equal(f.published[0].reason, 'fatal error: TypeError: boom');
});

test('flatten orders: reduce-only MARKET closing a position pass in KILL_SWITCH; nothing else does', () => {
  const { risk, w } = setup();
  w.pos.set(1, 3);
  risk.kill('operator');
  const mkt = (side: Side, qty: number, reduceOnly = true) => order(side, qty, 0, { type: 'MARKET', tif: 'IOC', reduceOnly });
  assert.equal(risk.check(mkt('SELL', 3)), 'KILL_SWITCH');
  assert.equal(risk.checkFlatten(mkt('SELL', 3)), null);
  assert.equal(risk.checkFlatten(mkt('SELL', 4)), 'REDUCE_ONLY', 'would flip');
  assert.equal(risk.checkFlatten(mkt('BUY', 1)), 'REDUCE_ONLY', 'would add');
  assert.equal(risk.checkFlatten(mkt('SELL', 3, false)), 'INVALID_ORDER');
});

test('a configured check without the input it needs fails at construction', () => {
  const clock = new SimClock(0n);
  const bus = new InProcessBus<KernelTopics>();
  const inputs = { position: () => 0, openQty: () => 0, openOrderCount: () => 0 };
  assert.throws(() => new RiskEngine({ ...BASE_LIMITS, priceCollarTicks: 10 }, inputs, clock, bus), /referencePrice/);
  assert.throws(() => new RiskEngine({ ...BASE_LIMITS, timezone: 'Mars/Olympus' }, inputs, clock, bus), RangeError);
  assert.throws(() => new RiskEngine({ ...BASE_LIMITS, tradingHours: { start: '09:00', end: '09:00' } }, inputs, clock, bus), /trading hours/);
});
