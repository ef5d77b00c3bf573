/**
 * Order flow for the matching benchmark, derived from a real DBN MBO recording, and two drivers
 * that push it through Bulwark's MatchingEngine and through the npm package
 * hft-limit-order-book (the peer) with the same decisions, so both engines do the same work.
 *
 * From each MBO event (instrument filter as given):
 *   A (add, side B/A)   -> ADD: a GTC limit order with the recorded id, side, price and size
 *   C (cancel, size)    -> CANCEL: size >= the order's quantity left (or 0) cancels it, a smaller
 *                          size reduces it by that much (keeps its queue place)
 *   M (modify)          -> MODIFY: same price and no larger size keeps the place (a reduce, or
 *                          nothing); a new price or a larger size re-enters it at the back (CME)
 *   T (trade, side B/A) -> TAKE: an IOC limit order of the aggressor side at the print's price
 *                          and size, with an id of its own
 *   F, R, N, T with side N: not used.
 * The engines match what the recorded book did not (adds that cross the pre-open book, the
 * reconstructed aggressors), so later cancels/modifies may find an order already filled or
 * smaller: both drivers then act on their own book the same way (unknown id: nothing; a cancel
 * larger than what is left: cancel). Same flow, same rules => the same fills, which the
 * benchmark checks (count and quantity) before it reports a speed.
 */
import { OrderBook, Side, type IProcessOrder, type LimitOrderOptions } from 'hft-limit-order-book';
import type { Instrument } from '../src/core/index.ts';
import { DbnMboSource } from '../src/data/dbn/DbnMboSource.ts';
import { MatchingEngine } from '../src/execution/sim/MatchingEngine.ts';

/** The package exports its TimeInForce enum as a type only; its value is the string. */
const PEER_IOC = 'IOC' as unknown as NonNullable<LimitOrderOptions['timeInForce']>;

export const OP_ADD = 1;
export const OP_CANCEL = 2;
export const OP_MODIFY = 3;
export const OP_TAKE = 4;

export interface OrderFlow {
  n: number;
  op: Uint8Array;
  id: Float64Array;
  /** 0 = buy (B), 1 = sell (A). */
  side: Uint8Array;
  price: Float64Array;
  qty: Float64Array;
  /** The same ids as strings for the peer (which keys orders by string), made before timing. */
  peerId: string[];
  counts: { add: number; cancel: number; modify: number; take: number };
}

export interface FillTotals {
  fills: number;
  qty: number;
}

/** Reads a DBN MBO file into an order flow (see the module comment). */
export function buildFlow(path: string, instrument: Instrument, limit = Infinity): OrderFlow {
  const op: number[] = [];
  const id: number[] = [];
  const side: number[] = [];
  const price: number[] = [];
  const qty: number[] = [];
  const peerId: string[] = [];
  const counts = { add: 0, cancel: 0, modify: 0, take: 0 };
  let takes = 0;
  const src = new DbnMboSource(path, [instrument]);
  for (let ev = src.next(); ev !== undefined && op.length < limit; ev = src.next()) {
    let code = 0;
    let oid = ev.orderId;
    switch (ev.action) {
      case 'A':
        if (ev.side === 'N') continue;
        code = OP_ADD;
        counts.add++;
        break;
      case 'C':
        code = OP_CANCEL;
        counts.cancel++;
        break;
      case 'M':
        code = OP_MODIFY;
        counts.modify++;
        break;
      case 'T':
        if (ev.side === 'N') continue;
        code = OP_TAKE;
        oid = -++takes; // recorded ids are >= 0: no clash
        counts.take++;
        break;
      default:
        continue;
    }
    op.push(code);
    id.push(oid);
    side.push(ev.side === 'B' ? 0 : 1);
    price.push(ev.price);
    qty.push(ev.size);
    peerId.push(String(oid));
  }
  src.close();
  return {
    n: op.length,
    op: Uint8Array.from(op),
    id: Float64Array.from(id),
    side: Uint8Array.from(side),
    price: Float64Array.from(price),
    qty: Float64Array.from(qty),
    peerId,
    counts,
  };
}

/** Runs the flow through a fresh MatchingEngine; returns its fills (one per resting order matched). */
export function runMatchingEngine(flow: OrderFlow, engine = new MatchingEngine({ capacity: 1 << 15 })): FillTotals {
  const fills0 = engine.fills;
  const qty0 = engine.filledQty;
  const { op, id, side, price, qty } = flow;
  for (let i = 0; i < flow.n; i++) {
    switch (op[i]) {
      case OP_ADD:
        engine.submitLimit(id[i], side[i] === 0 ? 'B' : 'A', price[i], qty[i], 'GTC');
        break;
      case OP_CANCEL: {
        const left = engine.leaves(id[i]);
        if (left === 0) break;
        const q = qty[i];
        if (q <= 0 || q >= left) engine.cancel(id[i]);
        else engine.reduce(id[i], left - q);
        break;
      }
      case OP_MODIFY:
        engine.modify(id[i], price[i], qty[i]);
        break;
      case OP_TAKE:
        engine.submitLimit(id[i], side[i] === 0 ? 'B' : 'A', price[i], qty[i], 'IOC');
        break;
    }
  }
  return { fills: engine.fills - fills0, qty: engine.filledQty - qty0 };
}

/** The peer's order-size update that keeps queue place; its public modify() always re-queues. */
interface PeerSide {
  updateOrderSize(order: object, update: { size: number }): object;
}
interface PeerInternals {
  bids: PeerSide;
  asks: PeerSide;
}

/** Runs the flow through a fresh hft-limit-order-book OrderBook with the same decisions. */
export function runPeer(flow: OrderFlow, book = new OrderBook()): FillTotals {
  const internals = book as unknown as PeerInternals;
  const { op, side, price, qty, peerId } = flow;
  const totals: FillTotals = { fills: 0, qty: 0 };
  for (let i = 0; i < flow.n; i++) {
    const pid = peerId[i];
    switch (op[i]) {
      case OP_ADD:
        count(book.limit({ id: pid, side: side[i] === 0 ? Side.BUY : Side.SELL, size: qty[i], price: price[i] }), pid, qty[i], totals);
        break;
      case OP_CANCEL: {
        const o = book.order(pid);
        if (o === undefined) break;
        const q = qty[i];
        if (q <= 0 || q >= o.size) book.cancel(pid);
        else (o.side === Side.BUY ? internals.bids : internals.asks).updateOrderSize(o, { size: o.size - q });
        break;
      }
      case OP_MODIFY: {
        const o = book.order(pid);
        if (o === undefined) break;
        const px = price[i];
        const q = qty[i];
        if (q <= 0) book.cancel(pid);
        else if (px === o.price && q <= o.size) {
          if (q < o.size) (o.side === Side.BUY ? internals.bids : internals.asks).updateOrderSize(o, { size: q });
        } else count(book.modify(pid, { price: px, size: q }), pid, q, totals);
        break;
      }
      case OP_TAKE:
        count(book.limit({ id: pid, side: side[i] === 0 ? Side.BUY : Side.SELL, size: qty[i], price: price[i], timeInForce: PEER_IOC }), pid, qty[i], totals);
        break;
    }
  }
  return totals;
}

/** Adds the resting orders an incoming order `pid` of `size` matched to the totals. */
function count(r: IProcessOrder, pid: string, size: number, totals: FillTotals): void {
  if (r.err !== null) return;
  totals.qty += size - r.quantityLeft;
  const done = r.done;
  for (let k = 0; k < done.length; k++) if (done[k].id !== pid) totals.fills++;
  if (r.partial !== null && r.partial.id !== pid && r.partialQuantityProcessed > 0) totals.fills++;
}
