import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DailyPnlTracker, parseDayStart, tradingDayOf } from '../../src/backtest/DailyPnl.ts';
import { ExecutionTracker } from '../../src/backtest/ExecutionTracker.ts';
import { PriceSampler } from '../../src/backtest/PriceSampler.ts';
import { Instrument, toNanos, type Fill } from '../../src/core/index.ts';
import { L2OrderBook } from '../../src/data/book/L2OrderBook.ts';

const ES = new Instrument({ id: 1, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const NQ = new Instrument({ id: 2, symbol: 'NQH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '20', currency: 'USD' });
const S = 1_000_000_000;

function book(instrumentId: number, bid: number, ask: number): L2OrderBook {
  const b = new L2OrderBook(instrumentId);
  b.applyQuote({ kind: 'quote', tsNs: 0, instrumentId, bidPrice: bid, askPrice: ask, bidSize: 5, askSize: 5 });
  return b;
}

let tradeSeq = 0;
function fill(clientOrderId: string, side: 'BUY' | 'SELL', price: number, qty: number, tsNs: number, instrumentId = 1): Fill {
  return {
    tradeId: `T${++tradeSeq}`,
    clientOrderId,
    venueOrderId: 'V',
    strategyId: 's',
    instrumentId,
    side,
    price,
    qty,
    liquidity: 'MAKER',
    fee: toNanos('1.25'),
    tsNs,
  };
}

describe('ExecutionTracker: slippage vs mid at decision time', () => {
  it('signs slippage so that positive is worse for us, in ticks and in currency', () => {
    const x = new ExecutionTracker([ES]);
    // ES book 4800.00 / 4800.25 (ticks 19200 / 19201): mid 19200.5
    x.recordDecision('B1', book(1, 19200, 19201));
    x.recordDecision('S1', book(1, 19200, 19201));
    x.recordDecision('B2', book(1, 19200, 19201));
    const b1 = x.onFill(fill('B1', 'BUY', 19200, 2, 1)); // bought at the bid: half a tick better than mid
    const s1 = x.onFill(fill('S1', 'SELL', 19200, 1, 2)); // sold at the bid: half a tick worse
    const b2 = x.onFill(fill('B2', 'BUY', 19203, 1, 3)); // lifted 2.5 ticks above mid: worse
    assert.equal(b1.decisionMidTicks, 19200.5);
    assert.equal(b1.slippageTicks, -0.5);
    assert.equal(s1.slippageTicks, 0.5);
    assert.equal(b2.slippageTicks, 2.5);
    const t = x.totals();
    assert.equal(t.slippageFills, 3);
    // average over fills, each counting once: (-0.5 + 0.5 + 2.5) / 3
    assert.equal(t.avgSlippageTicks, 2.5 / 3);
    // currency: ticks x lots x 12.50 USD: -0.5*2*12.5 + 0.5*1*12.5 + 2.5*1*12.5 = -12.5 + 6.25 + 31.25 = 25
    assert.equal(t.slippageCost, 25);
    assert.equal(t.avgSlippage, 25 / 3);
    // traded notional: (19200*2 + 19200 + 19203) ticks x 12.50
    assert.equal(t.tradedNotional, toNanos(String((19200 * 2 + 19200 + 19203) * 12.5)));
  });

  it('leaves out fills without a two-sided book at decision time, and orders it never saw', () => {
    const x = new ExecutionTracker([ES]);
    const crossed = book(1, 19201, 19200);
    x.recordDecision('C1', crossed);
    x.recordDecision('E1', new L2OrderBook(1));
    x.recordDecision('U1', undefined);
    assert.ok(Number.isNaN(x.onFill(fill('C1', 'BUY', 19200, 1, 1)).slippageTicks));
    assert.ok(Number.isNaN(x.onFill(fill('E1', 'SELL', 19200, 1, 2)).slippageTicks));
    assert.ok(Number.isNaN(x.onFill(fill('U1', 'BUY', 19200, 1, 3)).decisionMidTicks));
    assert.ok(Number.isNaN(x.onFill(fill('never', 'SELL', 19200, 1, 4)).slippageTicks));
    assert.equal(x.totals().slippageFills, 0);
    assert.equal(x.totals().avgSlippageTicks, 0);
    assert.equal(x.of(1).fills, 4);
  });

  it('a confirmed replace re-prices the decision; fills before it and a rejected replace keep the old mid', () => {
    const x = new ExecutionTracker([ES]);
    x.recordDecision('O', book(1, 19200, 19201)); // mid 19200.5
    x.recordReplaceDecision('O', book(1, 19210, 19211)); // mid 19210.5, pending
    assert.equal(x.onFill(fill('O', 'BUY', 19200, 1, 1)).decisionMidTicks, 19200.5, 'still at the old price');
    x.confirmReplace('O');
    assert.equal(x.onFill(fill('O', 'BUY', 19210, 1, 2)).decisionMidTicks, 19210.5);
    x.recordReplaceDecision('O', book(1, 19300, 19301));
    x.rejectReplace('O');
    assert.equal(x.onFill(fill('O', 'BUY', 19210, 1, 3)).decisionMidTicks, 19210.5);
    x.forget('O');
    assert.equal(x.heldDecisions, 0);
    assert.ok(Number.isNaN(x.onFill(fill('O', 'BUY', 19210, 1, 4)).slippageTicks));
  });
});

describe('ExecutionTracker: positions, max position, time in market', () => {
  it('tracks signed positions, per-instrument max |position|, max gross and closed trades', () => {
    const x = new ExecutionTracker([ES, NQ]);
    x.openWindow(0);
    const a = x.onFill(fill('a', 'BUY', 100, 2, 1, 1)); // ES +2
    const b = x.onFill(fill('b', 'SELL', 100, 3, 2, 2)); // NQ -3  gross 5
    const c = x.onFill(fill('c', 'SELL', 100, 5, 3, 1)); // ES -3 (flip: reduces, closed trade) gross 6
    const d = x.onFill(fill('d', 'BUY', 100, 3, 4, 2)); // NQ 0 gross 3
    assert.deepEqual([a.closedTrade, b.closedTrade, c.closedTrade, d.closedTrade], [false, false, true, true]);
    assert.equal(x.of(1).position, -3);
    assert.equal(x.of(1).maxPosition, 3);
    assert.equal(x.of(2).maxPosition, 3);
    assert.equal(x.maxGrossPosition, 6);
    assert.equal(x.of(1).closedTrades, 1);
  });

  it('time in market: any position over the window from first to last event, closed-market stretches left out', () => {
    const gap = 300 * S; // 5 min
    const x = new ExecutionTracker([ES, NQ], gap);
    x.openWindow(0);
    x.onEventTime(0);
    x.onEventTime(100 * S);
    x.onFill(fill('a', 'BUY', 100, 1, 100 * S, 1)); // ES long from 100 s
    x.onEventTime(200 * S);
    x.onFill(fill('b', 'SELL', 100, 1, 250 * S, 2)); // NQ short from 250 s
    x.onFill(fill('c', 'SELL', 100, 1, 300 * S, 1)); // ES flat at 300 s (NQ still short)
    x.onEventTime(400 * S);
    // market closed: next event at 10,400 s; the stretch 400 s .. 10,400 s is 10,000 s, of which
    // all beyond the first 300 s (from 700 s) is closed market: 9,700 s
    x.onEventTime(10_400 * S);
    x.onFill(fill('d', 'BUY', 100, 1, 10_500 * S, 2)); // NQ flat at 10,500 s
    x.onEventTime(10_700 * S);
    x.onEventTime(11_000 * S); // 300 s apart: not more than the gap, open market
    x.closeWindow(11_000 * S);
    // active time = 11,000 - 9,700 = 1,300 s
    // any position: 100 s .. 10,500 s = 10,400 s, minus the 9,700 s closed = 700 s
    assert.equal(x.activeNs(), 1_300 * S);
    assert.equal(x.timeInMarket(), 700 / 1_300);
    // ES: 100 .. 300 = 200 s; NQ: 250 .. 10,500 = 10,250 s - 9,700 s = 550 s
    assert.equal(x.timeInMarketOf(1), 200 / 1_300);
    assert.equal(x.timeInMarketOf(2), 550 / 1_300);
  });

  it('counts a position still open at the last event up to it, and not the settle time after it', () => {
    const x = new ExecutionTracker([ES]);
    x.openWindow(0);
    x.onFill(fill('a', 'BUY', 100, 1, 60 * S));
    x.closeWindow(100 * S);
    x.onFill(fill('b', 'SELL', 100, 1, 104 * S)); // in the settle time: position, not time
    assert.equal(x.timeInMarket(), 0.4);
    assert.equal(x.of(1).position, 0);
    assert.equal(new ExecutionTracker([ES]).timeInMarket(), 0, 'no window, no time in market');
  });
});

describe('Daily P&L', () => {
  it('labels trading days: UTC days by default, CME trade dates with an evening start', () => {
    const t = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
    assert.equal(tradingDayOf(t('2023-12-25T23:00:00Z'), 0).label, '2023-12-25');
    assert.equal(tradingDayOf(t('2023-12-25T23:00:00Z'), parseDayStart('22:00')).label, '2023-12-26');
    assert.equal(tradingDayOf(t('2023-12-25T21:59:59Z'), parseDayStart('22:00')).label, '2023-12-25');
    assert.equal(tradingDayOf(t('2023-12-25T05:00:00Z'), parseDayStart('06:30')).label, '2023-12-24', 'a morning start labels the day by its start date');
    assert.throws(() => parseDayStart('24:00'), /HH:MM/);
  });

  it('gives each day its change of equity, fees, fills and closed trades, exact in nanos', () => {
    const base = BigInt(Date.parse('2023-12-25T00:00:00Z')) * 1_000_000n;
    const H = 3_600 * S;
    const d = new DailyPnlTracker(base, toNanos('100000'), 0);
    d.update(1 * H, toNanos('100000'));
    d.onFill(2 * H, toNanos('1.73'), 1, false);
    d.update(2 * H, toNanos('99998.27'));
    d.onFill(3 * H, toNanos('1.73'), 1, true);
    d.update(3 * H, toNanos('100010.04'));
    d.update(25 * H, toNanos('100005.1')); // next day: a mark
    d.onFill(26 * H, toNanos('0.1'), 2, true);
    d.update(26 * H, toNanos('99990.3'));
    d.close(26 * H + 5 * S, toNanos('99990.3'));
    assert.deepEqual(d.rows(), [
      { day: '2023-12-25', pnl: 10.04, fees: 3.46, fills: 2, closed_trades: 1, volume_lots: 2, end_equity: 100010.04 },
      { day: '2023-12-26', pnl: -19.74, fees: 0.1, fills: 1, closed_trades: 1, volume_lots: 2, end_equity: 99990.3 },
    ]);
  });

  it('does not open a day at the end of the run just to repeat the same equity', () => {
    const d = new DailyPnlTracker(0n, toNanos('100'), 0);
    d.update(86_399 * S, toNanos('101'));
    d.close(86_404 * S, toNanos('101'));
    assert.equal(d.rows().length, 1);
    d.close(86_405 * S, toNanos('102')); // a fill in the settle time changed equity: a row it is
    assert.deepEqual(d.rows().map((r) => [r.day, r.pnl]), [['1970-01-01', 1], ['1970-01-02', 1]]);
    assert.throws(() => d.update(0, toNanos('1')), /before the current day/);
  });
});

describe('PriceSampler', () => {
  it('keeps the last, lowest and highest price of each interval, per instrument', () => {
    const p = new PriceSampler([ES, NQ], 60);
    p.trade(1, 10 * S, 100);
    p.trade(1, 20 * S, 98);
    p.trade(1, 59 * S, 99);
    p.trade(1, 60 * S, 101); // new interval
    p.mid(2, 5 * S, 200, 201); // NQ mid 200.5 ticks
    p.mid(2, 6 * S, 201, 201); // locked: ignored
    const [es, nq] = p.series(0n);
    assert.equal(es.source, 'trades');
    assert.deepEqual(es.points, [
      { t: String(59 * S), price: 24.75, low: 24.5, high: 25 },
      { t: String(60 * S), price: 25.25, low: 25.25, high: 25.25 },
    ]);
    assert.equal(nq.source, 'mid');
    assert.deepEqual(nq.points, [{ t: String(5 * S), price: 50.125, low: 50.125, high: 50.125 }]);
  });

  it('takes bars as close with their low and high, and says when sources mix', () => {
    const p = new PriceSampler([ES], 60);
    p.bar(1, 0, 90, 110, 100);
    p.bar(1, 30 * S, 95, 120, 105);
    assert.deepEqual(p.series(0n)[0].points, [{ t: String(30 * S), price: 26.25, low: 22.5, high: 30 }]);
    assert.equal(p.series(0n)[0].source, 'bars');
    p.trade(1, 31 * S, 100);
    assert.equal(p.series(0n)[0].source, 'mixed');
    assert.equal(new PriceSampler([ES], 60).series(0n)[0].source, 'none');
  });
});
