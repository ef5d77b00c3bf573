import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument, toNanos } from '../../src/core/index.ts';
import type { Fill, Order, Side } from '../../src/core/index.ts';
import { Portfolio } from '../../src/portfolio/Portfolio.ts';

const ES = new Instrument({ id: 1, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const NQ = new Instrument({ id: 2, symbol: 'NQH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '20', currency: 'USD' });
const BTC_A = new Instrument({ id: 3, symbol: 'BTC-A', venue: 'VENUE_A', tickSize: '0.1', lotSize: '0.001', multiplier: '1', currency: 'USD' });
const BTC_B = new Instrument({ id: 4, symbol: 'BTC-B', venue: 'VENUE_B', tickSize: '0.1', lotSize: '0.001', multiplier: '1', currency: 'USDT' });
/** One tick on one lot is worth 1 nano: odd, so a half-tick mark is half a nano. */
const NANO = new Instrument({ id: 5, symbol: 'NANO', venue: 'X', tickSize: '0.000000001', lotSize: '1', multiplier: '1', currency: 'USD' });
const USD = toNanos;

let seq = 0;
function fill(i: Instrument, side: Side, price: number, qty: number): Fill {
  seq++;
  return { tradeId: `T${seq}`, clientOrderId: `c${seq}`, venueOrderId: '', strategyId: 's', instrumentId: i.id, side, price, qty, liquidity: 'TAKER', fee: 0n, tsNs: seq };
}

test('mid marks: a mid between two ticks is kept in half ticks; P&L stays exact BigInt', () => {
  const p = new Portfolio([ES], USD('100000'));
  p.applyFill(fill(ES, 'BUY', 19200, 1));
  assert.equal(p.markMid(ES.id, 19200, 19201), true);
  assert.equal(p.markHalfTicks(ES.id), 38401);
  assert.equal(p.markPrice(ES.id), 19200.5);
  assert.equal(p.unrealizedPnl(ES.id), USD('6.25')); // half a tick of 12.50
  assert.equal(p.equity(), USD('100006.25'));
  assert.equal(p.exposure(), USD('240006.25')); // 4800.125 x 50
  assert.equal(p.markMid(ES.id, 19200, 19201), false, 'unchanged mid');
  // one-sided / empty / crossed / locked books do not mark
  assert.equal(p.markMid(ES.id, NaN, 19205), false);
  assert.equal(p.markMid(ES.id, 19203, NaN), false);
  assert.equal(p.markMid(ES.id, 19205, 19204), false);
  assert.equal(p.markMid(ES.id, 19204, 19204), false);
  assert.equal(p.markMid(99, 1, 2), false, 'unknown instrument');
  assert.equal(p.markHalfTicks(ES.id), 38401);
  assert.equal(p.markMid(ES.id, 19200.5, 19202), false);
  assert.equal(p.rejectedMarks, 1);
  // a whole-tick mid, then a last-price mark: both exact
  assert.equal(p.markMid(ES.id, 19200, 19202), true);
  assert.equal(p.unrealizedPnl(ES.id), USD('12.5'));
  p.mark(ES.id, 19199);
  assert.equal(p.markHalfTicks(ES.id), 38398);
  assert.equal(p.unrealizedPnl(ES.id), USD('-12.5'));
});

test('half-tick marks with an odd tick-lot value truncate toward zero to the nano (documented)', () => {
  const p = new Portfolio([NANO], 0n);
  p.applyFill(fill(NANO, 'BUY', 100, 3));
  p.markMid(NANO.id, 100, 101); // +0.5 tick x 3 lots = 1.5 nanos
  assert.equal(p.unrealizedPnl(NANO.id), 1n);
  p.applyFill(fill(NANO, 'SELL', 100, 6)); // now short 3 at 100
  p.markMid(NANO.id, 100, 101);
  assert.equal(p.unrealizedPnl(NANO.id), -1n);
});

test('positions per instrument and venue; exposure and P&L per currency; totals refuse to add currencies', () => {
  assert.throws(() => new Portfolio([ES, BTC_B], 0n), /one currency/);
  const p = new Portfolio([ES, NQ, BTC_A, BTC_B], USD('1000'), { multiCurrency: true });
  assert.deepEqual(p.currencies, ['USD', 'USDT']);
  assert.deepEqual(p.venues(), ['CME', 'VENUE_A', 'VENUE_B']);
  p.applyFill(fill(ES, 'BUY', 19200, 2)); // 2 x 4800 x 50 = 480,000 USD long
  p.applyFill(fill(NQ, 'SELL', 68000, 1)); // 17000 x 20 = 340,000 USD short
  p.applyFill(fill(BTC_A, 'BUY', 600_000, 1000)); // 1 BTC at 60,000 USD
  p.applyFill(fill(BTC_B, 'SELL', 600_100, 1000)); // 1 BTC at 60,010 USDT short
  p.mark(ES.id, 19204);
  const exp = p.exposureByCurrency();
  assert.deepEqual(exp, [
    { currency: 'USD', long: USD('480100') + USD('60000'), short: USD('340000'), net: USD('480100') + USD('60000') - USD('340000'), gross: USD('480100') + USD('60000') + USD('340000') },
    { currency: 'USDT', long: 0n, short: USD('60010'), net: -USD('60010'), gross: USD('60010') },
  ]);
  const pnl = p.pnlByCurrency();
  assert.deepEqual(pnl[0], { currency: 'USD', realized: 0n, unrealized: USD('100'), fees: 0n });
  assert.deepEqual(pnl[1], { currency: 'USDT', realized: 0n, unrealized: 0n, fees: 0n });
  assert.throws(() => p.equity(), /USD and USDT \(no FX rates\)/);
  assert.throws(() => p.realizedPnl(), /no FX/);
  assert.throws(() => p.exposure(), /no FX/);
  assert.equal(p.unrealizedPnl(ES.id), USD('100'), 'per-instrument figures still work');

  const cme = p.positions('CME');
  assert.deepEqual(
    cme.map((x) => [x.symbol, x.venue, x.currency, x.qty, x.markHalfTicks]),
    [
      ['ESH4', 'CME', 'USD', 2, 38408],
      ['NQH4', 'CME', 'USD', -1, 136000],
    ],
  );
  assert.equal(p.positions().length, 4);
  assert.deepEqual(
    p.positions('VENUE_B').map((x) => [x.instrumentId, x.qty]),
    [[BTC_B.id, -1000]],
  );
});

function order(clientOrderId: string, instrumentId: number, qty: number, filledQty: number, status: Order['status'] = 'ACCEPTED'): Order {
  return {
    instrumentId,
    side: 'BUY',
    type: 'LIMIT',
    tif: 'GTC',
    qty,
    price: 1,
    triggerPrice: 0,
    postOnly: false,
    reduceOnly: false,
    expireTimeNs: 0,
    clientOrderId,
    strategyId: 's',
    venueOrderId: '',
    status,
    filledQty,
    filledNotionalTicks: 0,
    feesPaid: 0n,
    createdNs: 0,
    updatedNs: 0,
    reason: '',
  };
}

test('reconcile: an agreeing venue gives no difference', () => {
  const p = new Portfolio([ES, NQ], 0n);
  p.applyFill(fill(ES, 'BUY', 19200, 2));
  const ours = [order('A-1', ES.id, 3, 1)];
  assert.deepEqual(p.reconcile({ positions: [{ instrumentId: ES.id, qty: 2 }], openOrders: [{ clientOrderId: 'A-1', leavesQty: 2 }] }, ours), []);
  // a flat instrument may be listed with 0 or left out
  assert.deepEqual(p.reconcile({ positions: [{ instrumentId: ES.id, qty: 2 }, { instrumentId: NQ.id, qty: 0 }] }), []);
});

test('reconcile lists every difference: missing, extra, quantity mismatch, orders, duplicates, invalid entries; fixes nothing', () => {
  const p = new Portfolio([ES, NQ, BTC_A], 0n);
  p.applyFill(fill(ES, 'BUY', 19200, 2));
  p.applyFill(fill(NQ, 'SELL', 68000, 1));
  const ours = [order('A-1', ES.id, 3, 1), order('A-2', ES.id, 1, 0, 'SUBMITTED'), order('A-3', NQ.id, 5, 0), order('B-1', BTC_A.id, 1, 0)];
  const diffs = p.reconcile(
    {
      venue: 'CME',
      positions: [
        { instrumentId: ES.id, qty: 3 },
        { instrumentId: 77, qty: -4 },
        { instrumentId: ES.id, qty: 2 },
        { instrumentId: 78, qty: 1.5 },
      ],
      openOrders: [
        { clientOrderId: 'A-1', leavesQty: 2 },
        { clientOrderId: 'A-3', leavesQty: 4 },
        { clientOrderId: 'Z-9', leavesQty: 1 },
        { clientOrderId: 'A-3', leavesQty: 5 },
        { clientOrderId: 'Z-8', leavesQty: -1 },
      ],
    },
    ours,
  );
  assert.deepEqual(
    diffs.map((d) => [d.kind, d.instrumentId, d.clientOrderId, d.ours, d.venue, d.ourStatus]),
    [
      ['DUPLICATE_ENTRY', ES.id, null, null, 2, null],
      ['INVALID_ENTRY', 78, null, null, 1.5, null],
      ['POSITION_QTY_MISMATCH', ES.id, null, 2, 3, null],
      ['POSITION_MISSING', NQ.id, null, -1, null, null],
      ['POSITION_EXTRA', 77, null, null, -4, null],
      ['DUPLICATE_ENTRY', null, 'A-3', null, 5, null],
      ['INVALID_ENTRY', null, 'Z-8', null, -1, null],
      ['ORDER_MISSING', ES.id, 'A-2', 1, null, 'SUBMITTED'],
      ['ORDER_QTY_MISMATCH', NQ.id, 'A-3', 5, 4, 'ACCEPTED'],
      ['ORDER_EXTRA', null, 'Z-9', null, 1, null],
    ],
  );
  // BTC-A is on another venue: neither its position nor its order B-1 is expected in a CME report
  assert.ok(diffs.every((d) => d.instrumentId !== BTC_A.id && d.clientOrderId !== 'B-1'));
  assert.ok(diffs.every((d) => d.detail.length > 0));
  assert.equal(p.position(ES.id), 2, 'no auto-fix');
  // flat here, position at the venue: EXTRA with ours = 0
  const q = new Portfolio([ES], 0n);
  assert.deepEqual(
    q.reconcile({ positions: [{ instrumentId: ES.id, qty: 1 }] }).map((d) => [d.kind, d.ours, d.venue]),
    [['POSITION_EXTRA', 0, 1]],
  );
});
