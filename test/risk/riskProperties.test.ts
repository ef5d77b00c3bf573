import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isOpen, limitIntent, marketIntent, type Order, type OrderIntent, type Side } from '../../src/core/index.ts';
import { ES, NQ, buildKernel } from './harness.ts';

// small limits so random sequences run into them all the time
const MAX_POSITION = 5;
const MAX_GROSS = 7;

type Cmd =
  | { k: 'submit'; inst: number; side: Side; qty: number; market: boolean; px: number }
  | { k: 'burst'; n: number; side: Side }
  | { k: 'replace'; pick: number; qty: number; px: number }
  | { k: 'cancel'; pick: number }
  | { k: 'fill'; pick: number; qty: number }
  | { k: 'advance'; ms: number }
  | { k: 'deliver'; n: number }
  | { k: 'kill' }
  | { k: 'reset' };

const side = fc.constantFrom<Side>('BUY', 'SELL');
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('submit' as const), inst: fc.constantFrom(1, 2), side, qty: fc.integer({ min: 1, max: 4 }), market: fc.boolean(), px: fc.integer({ min: -5, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('burst' as const), n: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 30, max: 60 })), side }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('replace' as const), pick: fc.nat(), qty: fc.integer({ min: 1, max: 5 }), px: fc.integer({ min: -5, max: 5 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('fill' as const), pick: fc.nat(), qty: fc.integer({ min: 1, max: 8 }) }) },
  // the venue answers only when told to (any interleaving of requests and answers); time refills the rate limits
  { weight: 5, arbitrary: fc.record({ k: fc.constant('deliver' as const), n: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1500 }) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'kill' as const }) },
  { weight: 2, arbitrary: fc.constant({ k: 'reset' as const }) },
);

const REF: Record<number, number> = { 1: 19_200, 2: 67_000 };

test('property: nothing is accepted in KILL_SWITCH; position + same-side working orders never exceed max_position; gross stays within max_gross_position', () => {
  fc.assert(
    fc.property(fc.array(cmd, { minLength: 1, maxLength: 80 }), fc.boolean(), (cmds, flattenOnKill) => {
      const { clock, kernel, venue, risk, oms, portfolio } = buildKernel(
        {
          maxOrderSize: 3,
          maxPosition: MAX_POSITION,
          maxGrossPosition: MAX_GROSS,
          maxOpenOrders: 20,
          maxOrdersPerSecond: 50,
          maxOrderRate: 40,
          warningDrawdownPct: 0.5,
          maxDrawdownPct: 0.9,
          flattenOnKill,
        },
        { instruments: [ES, NQ], capital: '10000000' },
      );
      venue.manual = true;
      venue.px.set(1, REF[1]);
      venue.px.set(2, REF[2]);
      kernel.start();
      const orders: Order[] = [];
      let now = 0;

      const worst = (inst: number): { long: number; short: number } => {
        let buy = 0;
        let sell = 0;
        for (const o of oms.openOrders(inst)) {
          let leaves = o.qty - o.filledQty;
          const pending = oms.pendingReplace(o.clientOrderId);
          if (pending !== undefined) leaves = Math.max(leaves, pending.qty - o.filledQty);
          if (o.side === 'BUY') buy += leaves;
          else sell += leaves;
        }
        const pos = portfolio.position(inst);
        return { long: pos + buy, short: sell - pos };
      };
      const checkInvariants = (): void => {
        let gross = 0;
        for (const inst of [1, 2]) {
          const w = worst(inst);
          assert.ok(w.long <= MAX_POSITION, `instrument ${inst}: position + working buys = ${w.long} > ${MAX_POSITION}`);
          assert.ok(w.short <= MAX_POSITION, `instrument ${inst}: -position + working sells = ${w.short} > ${MAX_POSITION}`);
          gross += Math.max(Math.abs(w.long), Math.abs(w.short));
        }
        assert.ok(gross <= MAX_GROSS, `gross worst case ${gross} > ${MAX_GROSS}`);
      };
      const submit = (intent: OrderIntent): void => {
        const killed = risk.state === 'KILL_SWITCH';
        const sentBefore = venue.received.length;
        const o = kernel.submit(intent);
        orders.push(o);
        if (killed) {
          assert.equal(o.status, 'DENIED', 'an order was accepted while KILL_SWITCH was active');
          assert.equal(o.reason, 'KILL_SWITCH');
          assert.equal(venue.received.length, sentBefore);
        }
      };
      const pick = (n: number): Order | undefined => {
        const open = orders.filter((o) => isOpen(o));
        return open.length === 0 ? undefined : open[n % open.length];
      };

      for (const c of cmds) {
        const stateBefore = risk.state;
        const receivedBefore = venue.received.length;
        switch (c.k) {
          case 'submit':
            submit(c.market ? marketIntent(c.inst, c.side, c.qty) : limitIntent(c.inst, c.side, REF[c.inst] + c.px, c.qty));
            break;
          case 'burst':
            for (let i = 0; i < c.n; i++) submit(limitIntent(1, c.side, REF[1], 1));
            break;
          case 'replace': {
            const o = pick(c.pick);
            if (o !== undefined && o.type === 'LIMIT') {
              const ok = kernel.replace(o.clientOrderId, REF[o.instrumentId] + c.px, c.qty);
              if (stateBefore === 'KILL_SWITCH') assert.equal(ok, false, 'a replace was accepted while KILL_SWITCH was active');
            }
            break;
          }
          case 'cancel': {
            const o = pick(c.pick);
            if (o !== undefined) kernel.cancel(o.clientOrderId);
            break;
          }
          case 'fill': {
            const o = pick(c.pick);
            if (o !== undefined && o.status !== 'SUBMITTED') venue.fill(o.clientOrderId, REF[o.instrumentId], Math.min(c.qty, o.qty - o.filledQty));
            break;
          }
          case 'deliver':
            venue.deliver(c.n);
            break;
          case 'advance':
            now += c.ms * 1e6;
            clock.advanceTo(now);
            break;
          case 'kill':
            risk.kill('property test');
            break;
          case 'reset':
            risk.reset('property', 'test');
            break;
        }
        if (stateBefore === 'KILL_SWITCH' && risk.state === 'KILL_SWITCH') {
          // the only orders that may reach the venue in KILL_SWITCH are the kernel's flatten orders
          for (const o of venue.received.slice(receivedBefore)) {
            assert.ok(flattenOnKill && o.reduceOnly && o.type === 'MARKET', `order ${o.clientOrderId} (${o.type} ${o.side} ${o.qty}) reached the venue in KILL_SWITCH`);
          }
        }
        checkInvariants();
      }
      // the venue's answers still due (and those they lead to, like flatten orders): deliver them and check once more
      for (let i = 0; i < 10 && venue.queuedCount > 0; i++) venue.deliver(venue.queuedCount);
      checkInvariants();
    }),
    { numRuns: 600 },
  );
});
