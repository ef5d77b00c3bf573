import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Instrument, exactDiv, formatScaled, parseScaled, toNanos, nanosToNumber, roundNanos } from '../../src/core/index.ts';

const ES = new Instrument({ id: 17077, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const BTC = new Instrument({ id: 1, symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: '0.1', lotSize: '0.001', multiplier: '1', currency: 'USDT' });

test('parseScaled reads decimals exactly and refuses what it cannot represent', () => {
  assert.equal(parseScaled('4810.25', 2), 481025);
  assert.equal(parseScaled('-0.5', 2), -50);
  assert.equal(parseScaled('+3', 2), 300);
  assert.equal(parseScaled('1.10', 1), 11); // trailing zero beyond precision is fine
  assert.ok(Number.isNaN(parseScaled('1.15', 1)), 'a non-zero digit past the precision is refused, never rounded');
  assert.ok(Number.isNaN(parseScaled('', 2)));
  assert.ok(Number.isNaN(parseScaled('1e3', 2)));
  assert.ok(Number.isNaN(parseScaled('1.2.3', 2)));
  assert.ok(Number.isNaN(parseScaled('abc', 2)));
  assert.ok(Number.isNaN(parseScaled('.', 2)));
  assert.ok(Number.isNaN(parseScaled('99999999999999999', 2)), 'beyond 2^53 after scaling');
  assert.equal(parseScaled(' 12.5 ', 1), 125);
  assert.equal(parseScaled('x12.5y', 1, 1, 5), 125, 'parses a slice without copying');
});

test('0.1 + 0.2 problems cannot happen: prices are integers', () => {
  assert.equal(BTC.priceToTicks('0.1') + BTC.priceToTicks('0.2'), BTC.priceToTicks('0.3'));
  assert.equal(BTC.ticksToPrice(BTC.priceToTicks('20377.0') + 3), '20377.3');
});

test('instrument converts prices to ticks only on the tick grid', () => {
  assert.equal(ES.priceToTicks('4810.25'), 19241);
  assert.equal(ES.priceToTicks('4810.00'), 19240);
  assert.ok(Number.isNaN(ES.priceToTicks('4810.10')), 'off the 0.25 grid');
  assert.equal(ES.ticksToPrice(19241), '4810.25');
  assert.equal(ES.raw1e9ToTicks(4810250000000), 19241);
  assert.ok(Number.isNaN(ES.raw1e9ToTicks(4810260000000)));
  assert.equal(BTC.qtyToLots('1.770'), 1770);
  assert.ok(Number.isNaN(BTC.qtyToLots('0.0005')), 'half a lot');
  assert.equal(BTC.lotsToQty(1770), '1.770');
  assert.equal(ES.pricePrecision, 2);
  assert.equal(BTC.sizePrecision, 3);
});

test('tick value and notional are exact BigInt nanos, also past 2^53', () => {
  assert.equal(ES.tickLotValue, 12_500_000_000n); // 12.50 USD
  assert.equal(ES.notional(19241, 2), 481_025_000_000_000n); // 2 x 4810.25 x 50 = 481,025 USD
  assert.equal(BTC.tickLotValue, 100_000n); // 0.1 x 0.001 = 0.0001 USDT
  const big = BTC.notional(BTC.priceToTicks('100000.0'), BTC.qtyToLots('1000000')); // 1e11 USDT
  assert.equal(big, 100_000_000_000n * 1_000_000_000n);
  assert.ok(big > BigInt(Number.MAX_SAFE_INTEGER));
});

test('invalid instrument specs are refused with the symbol named', () => {
  assert.throws(() => new Instrument({ id: 1, symbol: 'BAD', venue: 'X', tickSize: '0', lotSize: '1', multiplier: '1', currency: 'USD' }), /BAD: tick_size/);
  assert.throws(() => new Instrument({ id: 1, symbol: 'BAD2', venue: 'X', tickSize: '0.1', lotSize: 'x', multiplier: '1', currency: 'USD' }), /BAD2: lot_size/);
});

test('money helpers', () => {
  assert.equal(toNanos('1.38'), 1_380_000_000n);
  assert.equal(toNanos(-0.25), -250_000_000n);
  assert.throws(() => toNanos('0.0000000001'), /more than 9 decimals/);
  assert.equal(nanosToNumber(-1_500_000_000n), -1.5);
  assert.equal(roundNanos(1_234_567_890n, 2), 1_230_000_000n);
  assert.equal(roundNanos(-1_235_000_000n, 2), -1_240_000_000n);
});

test('property: format/parse round-trips every integer', () => {
  fc.assert(
    fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 6 }), (v, d) => {
      assert.equal(parseScaled(formatScaled(v, d), d), v);
    }),
  );
});

test('property: ticks -> price text -> ticks is the identity for ES and BTC', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e9 }), (t) => {
      assert.equal(ES.priceToTicks(ES.ticksToPrice(t)), t);
      assert.equal(BTC.priceToTicks(BTC.ticksToPrice(t)), t);
    }),
  );
});

test('exactDiv refuses inexact quotients', () => {
  assert.equal(exactDiv(100, 25), 4);
  assert.ok(Number.isNaN(exactDiv(101, 25)));
  assert.ok(Number.isNaN(exactDiv(1, 0)));
});
