import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { IdMap } from '../../src/data/book/IdMap.ts';

// Note: every assert.ok carries a message (see test/data/dbn.test.ts).

for (const maxId of [12, 200]) test(`property: IdMap behaves like Map<number, V> under set/delete/get/clear (ids 0..${maxId} x scale)`, () => {
  // few ids keep the table at 16-32 slots, where probe runs wrap around its end
  const op = fc.oneof(
    fc.record({ k: fc.constant('set' as const), id: fc.integer({ min: 0, max: maxId }), v: fc.integer() }),
    fc.record({ k: fc.constant('delete' as const), id: fc.integer({ min: 0, max: maxId }) }),
    fc.record({ k: fc.constant('clear' as const) }),
  );
  // small, huge (CME-like ~6.4e12), negative and 2^32-strided ids: the hash must spread them all
  const scales = [1, 2 ** 32, 6_411_746_357_495, -3];
  fc.assert(fc.property(fc.array(op, { maxLength: 600, size: 'max' }), fc.constantFrom(...scales), (ops, scale) => {
    const m = new IdMap<{ v: number }>(4);
    const ref = new Map<number, { v: number }>();
    for (const o of ops) {
      if (o.k === 'set') {
        const val = { v: o.v };
        m.set(o.id * scale, val);
        ref.set(o.id * scale, val);
      } else if (o.k === 'delete') {
        assert.equal(m.delete(o.id * scale), ref.delete(o.id * scale));
      } else if (ops.length < 50) {
        m.clear();
        ref.clear();
      }
      assert.equal(m.size, ref.size);
    }
    for (let id = 0; id <= maxId; id++) {
      assert.equal(m.get(id * scale), ref.get(id * scale), `get ${id * scale}`);
      assert.equal(m.has(id * scale), ref.has(id * scale));
    }
    assert.deepEqual([...m.values()].map((x) => x.v).sort((a, b) => a - b), [...ref.values()].map((x) => x.v).sort((a, b) => a - b));
  }), { numRuns: 300 });
});

test('IdMap grows past its initial capacity and keeps every entry', () => {
  const m = new IdMap<number>(2);
  for (let i = 0; i < 10_000; i++) m.set(6_411_746_357_495 + i * 7, i);
  for (let i = 0; i < 10_000; i += 2) assert.equal(m.delete(6_411_746_357_495 + i * 7), true);
  assert.equal(m.size, 5_000);
  for (let i = 0; i < 10_000; i++) assert.equal(m.get(6_411_746_357_495 + i * 7), i % 2 === 0 ? undefined : i);
});
