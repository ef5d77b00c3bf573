import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Instrument, toNanos } from '../../src/core/index.ts';
import type { Fill, Nanos, Side } from '../../src/core/index.ts';
import { Portfolio } from '../../src/portfolio/Portfolio.ts';

const ES = new Instrument({ id: 1, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const BTC = new Instrument({ id: 2, symbol: 'BTCUSD', venue: 'SIM', tickSize: '0.1', lotSize: '0.001', multiplier: '1', currency: 'USD' });
const USD = (s: string): Nanos => toNanos(s);

let tradeSeq = 0;
function fill(instrument: Instrument, side: Side, price: number, qty: number, fee: Nanos = 0n): Fill {
  tradeSeq++;
  return {
    tradeId: `T${tradeSeq}`,
    clientOrderId: `c-${tradeSeq}`,
    venueOrderId: '',
    strategyId: 's',
    instrumentId: instrument.id,
    side,
    price,
    qty,
    liquidity: 'TAKER',
    fee,
    tsNs: tradeSeq,
  };
}

test('instrument constants the scenarios rely on', () => {
  assert.equal(ES.tickLotValue, USD('12.5'));
  assert.equal(ES.priceToTicks('4800.00'), 19200);
  assert.equal(ES.priceToTicks('4801.00'), 19204);
  assert.equal(BTC.tickLotValue, USD('0.0001'));
});

test('ES: buy 2 @ 4800.00, sell 1 @ 4801.00, mark, flip long -> short, close with a rebate', () => {
  const start = USD('100000');
  const p = new Portfolio([ES], start);
  assert.equal(p.equity(), start);

  assert.equal(p.applyFill(fill(ES, 'BUY', 19200, 2, USD('2'))), null, 'opening fill closes nothing');
  assert.equal(p.position(ES.id), 2);
  assert.equal(p.avgEntryPrice(ES.id), 19200);
  assert.equal(p.positionCost(ES.id), USD('480000')); // 2 x 4800 x 50

  // +1 point on 1 lot = +50 USD gross; net of the exit fee (1) and the entry fee of that lot (1) = 48
  assert.equal(p.applyFill(fill(ES, 'SELL', 19204, 1, USD('1'))), USD('48'));
  assert.equal(p.position(ES.id), 1);
  assert.equal(p.avgEntryPrice(ES.id), 19200);
  assert.equal(p.realizedPnl(), USD('50'));
  assert.equal(p.fees(), USD('3'));
  assert.deepEqual(p.closedTradePnls, [USD('48')]);

  p.mark(ES.id, ES.priceToTicks('4802.00'));
  assert.equal(p.unrealizedPnl(ES.id), USD('100')); // 2 points x 50 x 1 lot
  assert.equal(p.cash(), USD('100047')); // 100000 + 50 - 3
  assert.equal(p.equity(), USD('100147')); // + 100 unrealised
  assert.equal(p.exposure(), USD('240100')); // 4802 x 50

  // flip: sell 3 @ 4799.00 closes the long lot (-1 point = -50) and opens 2 short @ 4799.00
  // fee 3: 1 for the closed lot, 2 carried by the new short; the remaining entry fee (1) is charged now
  assert.equal(p.applyFill(fill(ES, 'SELL', 19196, 3, USD('3'))), USD('-52'));
  assert.equal(p.position(ES.id), -2);
  assert.equal(p.avgEntryPrice(ES.id), 19196);
  assert.equal(p.positionCost(ES.id), USD('-479900')); // -2 x 4799 x 50
  assert.equal(p.realizedPnl(), 0n);
  assert.equal(p.fees(), USD('6'));
  // the mark is still 4802.00: short 2 from 4799 is 3 points under water
  assert.equal(p.unrealizedPnl(), USD('-300'));
  p.mark(ES.id, ES.priceToTicks('4798.00'));
  assert.equal(p.unrealizedPnl(), USD('100'));
  assert.equal(p.equity(), USD('100094'));
  assert.equal(p.grossPosition(), 2);
  assert.equal(p.maxGrossPosition, 2);
  assert.equal(p.volumeLots, 6);

  // buy back 2 @ 4798.00 with a maker rebate of 0.50/lot: +100 gross, +1 rebate, -2 entry fees = 99
  assert.equal(p.applyFill(fill(ES, 'BUY', 19192, 2, USD('-1'))), USD('99'));
  assert.equal(p.position(ES.id), 0);
  assert.equal(p.avgEntryPrice(ES.id), null);
  assert.equal(p.positionCost(ES.id), 0n);
  assert.equal(p.realizedPnl(), USD('100'));
  assert.equal(p.fees(), USD('5'));
  assert.equal(p.unrealizedPnl(), 0n);
  assert.equal(p.equity(), USD('100095'));
  assert.equal(p.exposure(), 0n);
  assert.deepEqual(p.closedTradePnls, [USD('48'), USD('-52'), USD('99')]);
  // flat: the closed trades account for every fee
  assert.equal(p.closedTradePnls.reduce((a, b) => a + b, 0n), p.realizedPnl() - p.fees());
  assert.deepEqual(p.closedTradePnlsToNumber(), [48, -52, 99]);
  assert.equal(p.equityToNumber(), 100095);
});

test('rebates (negative fees) add to cash and to the closed trade', () => {
  const p = new Portfolio([ES], USD('1000'));
  p.applyFill(fill(ES, 'BUY', 19200, 1, USD('-0.20')));
  assert.equal(p.cash(), USD('1000.20'));
  assert.equal(p.applyFill(fill(ES, 'SELL', 19201, 1, USD('-0.20'))), USD('12.90'));
  assert.equal(p.realizedPnl(), USD('12.50'));
  assert.equal(p.fees(), USD('-0.40'));
  assert.equal(p.equity(), USD('1012.90'));
});

test('short side: sell first, buy back lower', () => {
  const p = new Portfolio([ES], 0n);
  p.applyFill(fill(ES, 'SELL', 19200, 3));
  assert.equal(p.position(ES.id), -3);
  p.mark(ES.id, 19190);
  assert.equal(p.unrealizedPnl(), USD('375')); // 10 ticks x 12.5 x 3
  assert.equal(p.exposure(), 19190n * 3n * USD('12.5'));
  assert.equal(p.applyFill(fill(ES, 'BUY', 19190, 1)), USD('125'));
  assert.equal(p.unrealizedPnl(), USD('250'));
  assert.equal(p.equity(), USD('375'));
});

test('average cost with a fractional average stays exact to the nano', () => {
  const p = new Portfolio([ES], 0n);
  p.applyFill(fill(ES, 'BUY', 19200, 1));
  p.applyFill(fill(ES, 'BUY', 19201, 2));
  assert.equal(p.positionCost(ES.id), 720_025_000_000_000n);
  assert.ok(Math.abs(p.avgEntryPrice(ES.id)! - 19200.666666666668) < 1e-9);
  // closed cost = 720_025_000_000_000 / 3 = 240_008_333_333_333.33 -> 240_008_333_333_333 (toward zero)
  p.applyFill(fill(ES, 'SELL', 19203, 1));
  assert.equal(p.realizedPnl(), 240_037_500_000_000n - 240_008_333_333_333n);
  assert.equal(p.realizedPnl(), 29_166_666_667n);
  assert.equal(p.positionCost(ES.id), 480_016_666_666_667n);
  p.mark(ES.id, 19203);
  assert.equal(p.unrealizedPnl(), 58_333_333_333n);
  // realised + unrealised = (3 x 19203 - 57602) ticks x 12.5 = 87.5 USD exactly
  assert.equal(p.realizedPnl() + p.unrealizedPnl(), USD('87.5'));
  p.applyFill(fill(ES, 'SELL', 19203, 2));
  assert.equal(p.realizedPnl(), USD('87.5'));
  assert.equal(p.unrealizedPnl(), 0n);
});

test('BTC-like: notionals beyond 2^53 nanos stay exact', () => {
  const start = 1_000_000_000_000_000_001n; // 1e9 USD + 1 nano
  const p = new Portfolio([BTC], start);
  const lots = 10_000_001; // 10,000.001 BTC
  const buy = 600_001; // 60,000.1
  p.applyFill(fill(BTC, 'BUY', buy, lots));
  const notional = 600_001_060_000_100_000n; // 10,000,001 x 600,001 x 100,000
  assert.equal(p.positionCost(BTC.id), notional);
  assert.equal(p.exposure(), notional);
  assert.ok(notional > BigInt(Number.MAX_SAFE_INTEGER));
  assert.notEqual(BigInt(Number(notional)), notional, 'a float could not hold this notional');

  p.mark(BTC.id, 600_003);
  assert.equal(p.unrealizedPnl(), 2_000_000_200_000n); // 2 ticks x 10,000,001 lots x 0.0001 = 2000.0002 USD
  assert.equal(p.exposure(), 600_003_060_000_300_000n);
  assert.equal(p.equity(), start + 2_000_000_200_000n);

  const fee = 240_001_224_000_120n; // 4 bps of 600,003,060,000,300,000
  assert.equal(p.applyFill(fill(BTC, 'SELL', 600_003, lots, fee)), 2_000_000_200_000n - fee);
  assert.equal(p.realizedPnl(), 2_000_000_200_000n);
  assert.equal(p.fees(), fee);
  // 1e9 USD + 1 nano + 2000.0002 - 240,001.22400012 = 999,761,998.776199881 USD
  assert.equal(p.equity(), 999_761_998_776_199_881n);
  assert.equal(p.equity(), start + 2_000_000_200_000n - fee);
  assert.equal(p.volumeLots, 2 * lots);
});

test('several instruments, errors and ignored marks', () => {
  const p = new Portfolio([ES, BTC], 0n);
  p.applyFill(fill(ES, 'BUY', 19200, 2));
  p.applyFill(fill(BTC, 'SELL', 600_000, 5));
  assert.equal(p.grossPosition(), 7);
  assert.equal(p.position(ES.id), 2);
  assert.equal(p.position(BTC.id), -5);
  assert.equal(p.position(99), 0);
  // until marked, an instrument is marked at its first fill price
  assert.equal(p.markPrice(BTC.id), 600_000);
  assert.equal(p.unrealizedPnl(), 0n);
  p.mark(ES.id, 19201);
  p.mark(BTC.id, 599_990);
  assert.equal(p.unrealizedPnl(ES.id), USD('25'));
  assert.equal(p.unrealizedPnl(BTC.id), USD('0.005')); // 10 ticks x 5 lots x 0.0001
  assert.equal(p.unrealizedPnl(), USD('25.005'));
  p.mark(99, 1); // not ours: ignored
  p.mark(ES.id, 19201.5);
  assert.equal(p.rejectedMarks, 1);
  assert.equal(p.markPrice(ES.id), 19201);
  assert.throws(() => p.applyFill(fill(new Instrument({ id: 99, symbol: 'X', venue: 'V', tickSize: '1', lotSize: '1', multiplier: '1', currency: 'USD' }), 'BUY', 1, 1)), /unknown instrument/);
  assert.throws(() => p.applyFill(fill(ES, 'BUY', 19200, 0)), /qty/);
  assert.throws(() => p.applyFill(fill(ES, 'BUY', 19200.5, 1)), /price/);
  const eur = new Instrument({ id: 3, symbol: 'FESX', venue: 'EUREX', tickSize: '1', lotSize: '1', multiplier: '10', currency: 'EUR' });
  assert.throws(() => new Portfolio([ES, eur], 0n), /one currency/);
  assert.equal(p.position(ES.id), 2, 'rejected fills changed nothing');
});

// --- property ---------------------------------------------------------------------------------

type Cmd = { kind: 'fill'; inst: 0 | 1; side: Side; price: number; qty: number; fee: bigint } | { kind: 'mark'; inst: 0 | 1; price: number };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('fill' as const),
      inst: fc.constantFrom(0 as const, 1 as const),
      side: fc.constantFrom<Side>('BUY', 'SELL'),
      price: fc.integer({ min: 1, max: 1_000_000 }),
      qty: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 20_000_000 })),
      fee: fc.bigInt({ min: -1_000_000_000n, max: 1_000_000_000_000n }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('mark' as const), inst: fc.constantFrom(0 as const, 1 as const), price: fc.integer({ min: 1, max: 1_000_000 }) }) },
);

test('property: position, equity and P&L match an independent cash-flow reference at every step', () => {
  const instruments = [ES, BTC];
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.array(cmdArb, { minLength: 1, maxLength: 60 }), (start, cmds) => {
      const p = new Portfolio(instruments, start);
      const pos = [0, 0];
      const mark: (number | null)[] = [null, null];
      let tradeFlows = 0n; // sum of -side x price x qty x tlv
      let fees = 0n;
      for (const c of cmds) {
        const inst = instruments[c.inst];
        if (c.kind === 'mark') {
          p.mark(inst.id, c.price);
          mark[c.inst] = c.price;
        } else {
          p.applyFill(fill(inst, c.side, c.price, c.qty, c.fee));
          const s = c.side === 'BUY' ? 1 : -1;
          pos[c.inst] += s * c.qty;
          tradeFlows -= BigInt(s) * BigInt(c.price) * BigInt(c.qty) * inst.tickLotValue;
          fees += c.fee;
          if (mark[c.inst] === null) mark[c.inst] = c.price;
        }
        let markValue = 0n;
        let gross = 0;
        for (let i = 0; i < 2; i++) {
          assert.equal(p.position(instruments[i].id), pos[i]);
          if (pos[i] !== 0) markValue += BigInt(pos[i]) * BigInt(mark[i] as number) * instruments[i].tickLotValue;
          gross += Math.abs(pos[i]);
        }
        assert.equal(p.fees(), fees);
        assert.equal(p.equity(), start + tradeFlows - fees + markValue);
        // realised is gross of fees: realised + unrealised = trade cash flows + mark value
        assert.equal(p.realizedPnl() + p.unrealizedPnl(), tradeFlows + markValue);
        assert.equal(p.cash(), start + p.realizedPnl() - p.fees());
        assert.equal(p.grossPosition(), gross);
        if (pos[0] === 0 && pos[1] === 0) {
          assert.equal(p.unrealizedPnl(), 0n);
          assert.equal(p.realizedPnl(), tradeFlows);
          assert.equal(
            p.closedTradePnls.reduce((a, b) => a + b, 0n),
            p.realizedPnl() - p.fees(),
          );
        }
      }
    }),
    { numRuns: 300, seed: 42 },
  );
});

test('property: average entry lies between the lowest and highest price of the fills that built the position', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ price: fc.integer({ min: 1, max: 100_000 }), qty: fc.integer({ min: 1, max: 1000 }) }), { minLength: 1, maxLength: 20 }), (buys) => {
      const p = new Portfolio([ES], 0n);
      for (const b of buys) p.applyFill(fill(ES, 'BUY', b.price, b.qty));
      const lo = Math.min(...buys.map((b) => b.price));
      const hi = Math.max(...buys.map((b) => b.price));
      const avg = p.avgEntryPrice(ES.id) as number;
      assert.ok(avg >= lo - 1e-6 && avg <= hi + 1e-6, `${avg} not in [${lo}, ${hi}]`);
    }),
    { numRuns: 200, seed: 7 },
  );
});
