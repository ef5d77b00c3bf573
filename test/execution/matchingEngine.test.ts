import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { buildFlow, runMatchingEngine, runPeer } from '../../bench/matchFlow.ts';
import { Instrument } from '../../src/core/index.ts';
import { MatchReject, MatchingEngine, type MatchSide, type MatchTimeInForce } from '../../src/execution/sim/MatchingEngine.ts';

// Note: every assert.ok carries a message (see test/data/dbn.test.ts).

interface Fill {
  taker: number;
  maker: number;
  price: number;
  qty: number;
  makerLeaves: number;
}

function engineWithLog(): { e: MatchingEngine; fills: Fill[] } {
  const fills: Fill[] = [];
  const e = new MatchingEngine({ capacity: 4, onFill: (taker, maker, price, qty, makerLeaves) => fills.push({ taker, maker, price, qty, makerLeaves }) });
  return { e, fills };
}

test('price-time priority: better price first, then first come first served; fills at the resting price', () => {
  const { e, fills } = engineWithLog();
  e.submitLimit(1, 'A', 101, 5);
  e.submitLimit(2, 'A', 100, 3);
  e.submitLimit(3, 'A', 100, 4);
  e.submitLimit(4, 'A', 102, 9);
  assert.equal(e.bestAsk(), 100);
  assert.deepEqual(e.queueAt('A', 100), [2, 3]);
  const traded = e.submitLimit(10, 'B', 101, 10);
  assert.equal(traded, 10);
  assert.deepEqual(fills, [
    { taker: 10, maker: 2, price: 100, qty: 3, makerLeaves: 0 },
    { taker: 10, maker: 3, price: 100, qty: 4, makerLeaves: 0 },
    { taker: 10, maker: 1, price: 101, qty: 3, makerLeaves: 2 },
  ]);
  assert.equal(e.bestAsk(), 101);
  assert.equal(e.leaves(1), 2);
  assert.equal(e.sizeAt('A', 101), 2);
  assert.equal(e.levelCount('A'), 2);
  assert.equal(e.orderCount, 2);
  assert.equal(e.fills, 3);
  assert.equal(e.filledQty, 10);
});

test('a GTC remainder rests at its limit; IOC drops it; a market order never rests', () => {
  const { e, fills } = engineWithLog();
  e.submitLimit(1, 'B', 99, 2);
  assert.equal(e.submitLimit(2, 'A', 98, 5, 'GTC'), 2);
  assert.equal(e.bestAsk(), 98);
  assert.equal(e.sizeAt('A', 98), 3);
  assert.ok(Number.isNaN(e.bestBid()), 'bid side should be empty');
  assert.equal(e.submitLimit(3, 'B', 98, 5, 'IOC'), 3);
  assert.equal(e.leaves(3), 0);
  assert.ok(Number.isNaN(e.bestBid()), 'IOC remainder must not rest');
  e.submitLimit(4, 'A', 105, 1);
  e.submitLimit(5, 'A', 110, 1);
  assert.equal(e.submitMarket(6, 'B', 5), 2);
  assert.equal(e.orderCount, 0);
  assert.deepEqual(fills.map((f) => [f.taker, f.maker, f.qty]), [[2, 1, 2], [3, 2, 3], [6, 4, 1], [6, 5, 1]]);
});

test('FOK trades all or nothing; post-only is refused when it would trade; bad input is refused', () => {
  const { e, fills } = engineWithLog();
  e.submitLimit(1, 'A', 100, 2);
  e.submitLimit(2, 'A', 101, 2);
  assert.equal(e.submitLimit(3, 'B', 101, 5, 'FOK'), MatchReject.FOK_NOT_FILLED);
  assert.equal(e.submitLimit(3, 'B', 100, 3, 'FOK'), MatchReject.FOK_NOT_FILLED);
  assert.equal(fills.length, 0);
  assert.equal(e.submitLimit(3, 'B', 101, 4, 'FOK'), 4);
  assert.equal(e.orderCount, 0);
  e.submitLimit(4, 'A', 100, 1);
  assert.equal(e.submitLimit(5, 'B', 100, 1, 'GTC', true), MatchReject.POST_ONLY_WOULD_TAKE);
  assert.equal(e.submitLimit(5, 'B', 99, 1, 'GTC', true), 0);
  assert.equal(e.submitLimit(5, 'B', 98, 1), MatchReject.DUPLICATE_ID);
  assert.equal(e.submitLimit(6, 'B', 98, 0), MatchReject.INVALID);
  assert.equal(e.submitLimit(6, 'B', 98.5, 1), MatchReject.INVALID);
  assert.equal(e.submitLimit(2 ** 53, 'B', 98, 1), MatchReject.INVALID);
  assert.equal(e.orderCount, 2);
});

test('cancel and reduce; a reduce keeps the queue place, modify follows CME priority rules', () => {
  const { e, fills } = engineWithLog();
  for (const id of [1, 2, 3]) e.submitLimit(id, 'B', 50, 10);
  assert.equal(e.reduce(1, 4), 4);
  assert.deepEqual(e.queueAt('B', 50), [1, 2, 3], 'reduce keeps the place');
  assert.equal(e.modify(2, 50, 6), 0);
  assert.deepEqual(e.queueAt('B', 50), [1, 2, 3], 'a size decrease at the same price keeps the place');
  assert.equal(e.modify(1, 50, 7), 0);
  assert.deepEqual(e.queueAt('B', 50), [2, 3, 1], 'a size increase goes to the back');
  assert.equal(e.modify(2, 49, 6), 0);
  assert.deepEqual(e.queueAt('B', 50), [3, 1]);
  assert.deepEqual(e.queueAt('B', 49), [2]);
  assert.equal(e.sizeAt('B', 50), 17);
  assert.equal(e.cancel(3), 10);
  assert.equal(e.cancel(3), 0);
  assert.equal(e.reduce(3, 1), MatchReject.UNKNOWN_ORDER);
  assert.equal(e.modify(3, 1, 1), MatchReject.UNKNOWN_ORDER);
  assert.equal(e.reduce(1, 8), MatchReject.INVALID);
  assert.equal(e.reduce(1, 0), 0);
  assert.equal(e.orderCount, 1);
  // a modify to a crossing price trades at once, as a new order would
  e.submitLimit(7, 'A', 52, 3);
  assert.equal(e.modify(2, 53, 5), 3);
  assert.deepEqual(fills.map((f) => [f.taker, f.maker, f.price, f.qty]), [[2, 7, 52, 3]]);
  assert.equal(e.bestBid(), 53);
  assert.equal(e.leaves(2), 2);
  assert.ok(Number.isNaN(e.bestAsk()), 'ask consumed');
});

// --- property: the engine against a naive reference --------------------------------------

interface RefOrder {
  id: number;
  side: MatchSide;
  price: number;
  qty: number;
  seq: number;
}

/** Price-time priority the obvious way: arrays, sorts, no indexes. */
class NaiveBook {
  orders: RefOrder[] = [];
  fills: Fill[] = [];
  private seq = 0;

  submit(id: number, side: MatchSide, price: number, qty: number, tif: MatchTimeInForce): number {
    if (this.orders.some((o) => o.id === id)) return MatchReject.DUPLICATE_ID;
    const reachable = this.opposite(side, price);
    if (tif === 'FOK' && reachable.reduce((s, o) => s + o.qty, 0) < qty) return MatchReject.FOK_NOT_FILLED;
    let rem = qty;
    for (const o of reachable) {
      if (rem === 0) break;
      const t = Math.min(rem, o.qty);
      rem -= t;
      o.qty -= t;
      this.fills.push({ taker: id, maker: o.id, price: o.price, qty: t, makerLeaves: o.qty });
    }
    this.orders = this.orders.filter((o) => o.qty > 0);
    if (rem > 0 && tif === 'GTC') this.orders.push({ id, side, price, qty: rem, seq: this.seq++ });
    return qty - rem;
  }

  cancel(id: number): void {
    this.orders = this.orders.filter((o) => o.id !== id);
  }

  reduce(id: number, newQty: number): void {
    const o = this.orders.find((x) => x.id === id);
    if (o === undefined || newQty > o.qty) return;
    if (newQty <= 0) this.cancel(id);
    else o.qty = newQty;
  }

  modify(id: number, price: number, qty: number): void {
    const o = this.orders.find((x) => x.id === id);
    if (o === undefined) return;
    if (qty <= 0) return this.cancel(id);
    if (price === o.price && qty <= o.qty) return this.reduce(id, qty);
    this.cancel(id);
    this.submit(id, o.side, price, qty, 'GTC');
  }

  /** Opposite-side orders an order at `limit` reaches, in match order. */
  private opposite(side: MatchSide, limit: number): RefOrder[] {
    const opp = this.orders.filter((o) => o.side !== side && (side === 'B' ? o.price <= limit : o.price >= limit));
    return opp.sort((a, b) => (side === 'B' ? a.price - b.price : b.price - a.price) || a.seq - b.seq);
  }

  /** Each side's queues, best price first: [price, ids in queue order, total qty]. */
  levels(side: MatchSide): [number, number[], number][] {
    const own = this.orders.filter((o) => o.side === side).sort((a, b) => (side === 'B' ? b.price - a.price : a.price - b.price) || a.seq - b.seq);
    const out: [number, number[], number][] = [];
    for (const o of own) {
      const last = out[out.length - 1];
      if (last !== undefined && last[0] === o.price) {
        last[1].push(o.id);
        last[2] += o.qty;
      } else out.push([o.price, [o.id], o.qty]);
    }
    return out;
  }
}

function engineLevels(e: MatchingEngine, side: MatchSide): [number, number[], number][] {
  const out: [number, number[], number][] = [];
  for (let i = 0; i < e.levelCount(side); i++) {
    const px = e.levelPrice(side, i);
    out.push([px, e.queueAt(side, px), e.sizeAt(side, px)]);
  }
  return out;
}

const opArb = fc.oneof(
  fc.record({ k: fc.constant('submit' as const), id: fc.integer({ min: 0, max: 40 }), side: fc.constantFrom<MatchSide>('B', 'A'), price: fc.integer({ min: 95, max: 105 }), qty: fc.integer({ min: 1, max: 9 }), tif: fc.constantFrom<MatchTimeInForce>('GTC', 'GTC', 'IOC', 'FOK') }),
  fc.record({ k: fc.constant('cancel' as const), id: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ k: fc.constant('reduce' as const), id: fc.integer({ min: 0, max: 40 }), qty: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ k: fc.constant('modify' as const), id: fc.integer({ min: 0, max: 40 }), price: fc.integer({ min: 95, max: 105 }), qty: fc.integer({ min: 0, max: 9 }) }),
);

test('property: same fills, in order, and the same queues as a naive price-time book', () => {
  // ids spread over the whole safe range so the id index sees big keys and collisions
  const scales = [1, 2 ** 32 + 7, 6_411_746_357_495];
  fc.assert(fc.property(fc.array(opArb, { maxLength: 300, size: 'max' }), fc.constantFrom(...scales), (ops, scale) => {
    const { e, fills } = engineWithLog();
    const ref = new NaiveBook();
    for (const op of ops) {
      const id = op.id * scale;
      if (op.k === 'submit') {
        const got = e.submitLimit(id, op.side, op.price, op.qty, op.tif);
        const want = ref.submit(id, op.side, op.price, op.qty, op.tif);
        assert.equal(got, want, `submit ${JSON.stringify(op)}`);
      } else if (op.k === 'cancel') {
        e.cancel(id);
        ref.cancel(id);
      } else if (op.k === 'reduce') {
        e.reduce(id, op.qty);
        ref.reduce(id, op.qty);
      } else {
        e.modify(id, op.price, op.qty);
        ref.modify(id, op.price, op.qty);
      }
    }
    assert.deepEqual(fills, ref.fills);
    assert.deepEqual(engineLevels(e, 'B'), ref.levels('B'));
    assert.deepEqual(engineLevels(e, 'A'), ref.levels('A'));
    assert.equal(e.orderCount, ref.orders.length);
    for (const o of ref.orders) assert.equal(e.leaves(o.id), o.qty, `leaves of ${o.id}`);
  }), { numRuns: 300 });
});

test('clear() empties the book and the engine keeps working', () => {
  const { e } = engineWithLog();
  for (let id = 1; id <= 100; id++) e.submitLimit(id, id % 2 === 0 ? 'B' : 'A', id % 2 === 0 ? 90 + (id % 7) : 110 + (id % 5), 1);
  e.clear();
  assert.equal(e.orderCount, 0);
  assert.equal(e.levelCount('B') + e.levelCount('A'), 0);
  assert.equal(e.leaves(2), 0);
  assert.equal(e.submitLimit(2, 'B', 100, 3), 0);
  assert.equal(e.submitLimit(3, 'A', 100, 2), 2);
  assert.equal(e.leaves(2), 1);
});

test('on order flow from the real ESH4 file, Bulwark and hft-limit-order-book make the same fills', () => {
  const es = new Instrument({ id: 17077, symbol: 'ESH4', venue: 'CME', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
  const file = fileURLToPath(new URL('../../../shared/data/cme-esh4-20231225.mbo.dbn.zst', import.meta.url));
  const flow = buildFlow(file, es);
  assert.ok(flow.counts.add === 29_216 && flow.counts.cancel === 17_999 && flow.counts.modify === 12_233, `flow counts ${JSON.stringify(flow.counts)}`);
  assert.ok(flow.counts.take > 2_900, `takes ${flow.counts.take}`);
  const ours = runMatchingEngine(flow);
  const peer = runPeer(flow);
  assert.ok(ours.fills > 1000, `only ${ours.fills} fills: the flow should trade`);
  assert.deepEqual(ours, peer);
});

test('property: the id index finds every resting order through any mix of inserts and removals', () => {
  // long runs of inserts and removals over a few hundred ids: probe runs wrap around the table's end
  fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 200 })), { maxLength: 1000, size: 'max' }), fc.constantFrom(1, 2 ** 32, 6_411_746_357_495), (ops, scale) => {
    const e = new MatchingEngine({ capacity: 1 });
    const live = new Map<number, number>();
    let n = 0;
    for (const [add, k] of ops) {
      const id = k * scale;
      n++;
      if (add) {
        const r = e.submitLimit(id, 'B', 1000 + (n % 17), 1 + (n % 5));
        if (live.has(id)) assert.equal(r, MatchReject.DUPLICATE_ID);
        else live.set(id, 1 + (n % 5));
      } else {
        assert.equal(e.cancel(id), live.get(id) ?? 0, `cancel ${id}`);
        live.delete(id);
      }
    }
    for (let k = 0; k <= 200; k++) assert.equal(e.leaves(k * scale), live.get(k * scale) ?? 0, `leaves ${k * scale}`);
    assert.equal(e.orderCount, live.size);
  }), { numRuns: 300 });
});
