import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Order, OrderType, TimeInForce } from '../../src/core/index.ts';
import { checkOrder, nextSessionCloseNs, parseUtcTimeOfDayNs, simulatedVenueRules } from '../../src/execution/sim/VenueRules.ts';

const rules = simulatedVenueRules({ self_trade_prevention: 'cancel_incoming', session_close_utc: '22:00' });
const o = (type: OrderType, tif: TimeInForce, postOnly = false): Order =>
  ({ type, tif, postOnly, side: 'BUY', qty: 1, price: 1, triggerPrice: 1, instrumentId: 1, expireTimeNs: 0 }) as Order;

test('the rules table: which order types and TIFs the simulated venue accepts', () => {
  const table: [OrderType, TimeInForce, boolean, string | null][] = [
    ['LIMIT', 'GTC', false, null],
    ['LIMIT', 'IOC', false, null],
    ['LIMIT', 'FOK', false, null],
    ['LIMIT', 'DAY', true, null],
    ['LIMIT', 'GTD', true, null],
    ['LIMIT', 'IOC', true, 'POST_ONLY_NOT_ALLOWED'],
    ['MARKET', 'IOC', false, null],
    ['MARKET', 'GTC', true, 'POST_ONLY_NOT_ALLOWED'],
    ['STOP', 'GTC', false, null],
    ['STOP', 'DAY', false, null],
    ['STOP', 'IOC', false, 'UNSUPPORTED_TIME_IN_FORCE'],
    ['STOP_LIMIT', 'GTD', false, null],
    ['STOP_LIMIT', 'FOK', false, 'UNSUPPORTED_TIME_IN_FORCE'],
  ];
  for (const [type, tif, post, want] of table) assert.equal(checkOrder(rules, o(type, tif, post)), want, `${type} ${tif} postOnly=${post}`);
  const noStops = { ...rules, tifsByType: { LIMIT: rules.tifsByType.LIMIT } };
  assert.equal(checkOrder(noStops, o('STOP', 'GTC')), 'UNSUPPORTED_ORDER_TYPE');
  assert.equal(rules.selfTradePrevention, 'cancel_incoming');
  assert.equal(rules.stopThroughMarket, 'reject');
});

test('the next session close is the first one strictly after now, whatever the clock base', () => {
  const H = 3_600_000_000_000;
  const dec25 = 1_703_462_400_000_000_000n; // 2023-12-25T00:00:00Z
  assert.equal(parseUtcTimeOfDayNs('22:00'), 22 * H);
  assert.equal(parseUtcTimeOfDayNs('00:30'), H / 2);
  assert.throws(() => parseUtcTimeOfDayNs('24:00'), /HH:MM/);
  assert.equal(nextSessionCloseNs(rules, dec25, 0), 22 * H);
  assert.equal(nextSessionCloseNs(rules, dec25, 22 * H - 1), 22 * H);
  assert.equal(nextSessionCloseNs(rules, dec25, 22 * H), 46 * H, 'at the close: the next one');
  // a base that is not midnight (e.g. a live clock): times of day still come from the epoch
  assert.equal(nextSessionCloseNs(rules, dec25 + BigInt(5 * H), 0), 17 * H);
  const midnight = simulatedVenueRules({ self_trade_prevention: 'none', session_close_utc: '00:00' });
  assert.equal(nextSessionCloseNs(midnight, dec25, 13 * H), 24 * H);
});
