import assert from 'node:assert/strict';
import { test } from 'node:test';
import { venueHarness } from './harness.ts';

const F_SNAPSHOT = 0x20; // Databento: the record belongs to a book snapshot

test('L3: when a new snapshot rebuilds the book, our queue is measured again against the orders now ahead of us', () => {
  const h = venueHarness();
  h.mbo(0, 'A', 'B', 11, 400, 5);
  h.mbo(0, 'A', 'A', 21, 402, 5);
  const buy = h.order({ side: 'BUY', qty: 2, price: 400 });
  h.venue.submit(buy);
  h.clock.advanceTo(1);
  assert.equal(h.venue.queueAhead(buy.clientOrderId), 5);
  // next day: the snapshot re-states the book (a fresh book, fresh priorities); 3 more lots at 100.00
  h.mbo(10, 'A', 'B', 11, 400, 5, false, F_SNAPSHOT);
  h.mbo(10, 'A', 'B', 12, 400, 3, false, F_SNAPSHOT);
  h.mbo(10, 'A', 'A', 21, 402, 5, true, F_SNAPSHOT);
  assert.equal(h.l3.clears, 1);
  assert.equal(h.venue.queueAhead(buy.clientOrderId), 8, 'behind everything the snapshot shows at our price');
  // the re-added orders are ahead of us: their cancels move us up
  h.mbo(11, 'C', 'B', 11, 400, 5);
  assert.equal(h.venue.queueAhead(buy.clientOrderId), 3);
  h.mbo(12, 'T', 'A', 0, 400, 4);
  h.clock.advanceTo(13);
  assert.equal(h.filled(buy), 1);
});
