import type { Lots, Order } from '../core/index.ts';

/** What a venue says we hold and have working (from its REST/FIX position and order requests). */
export interface VenueReport {
  /** The venue reporting. When set, only our instruments on this venue are expected in it. */
  venue?: string;
  positions: { instrumentId: number; qty: Lots }[];
  /** Open orders by our client order id, with their leaves quantity. Omitted: orders are not compared. */
  openOrders?: { clientOrderId: string; leavesQty: Lots }[];
}

export type ReconciliationDifferenceKind =
  | 'POSITION_MISSING' // we hold a position; the venue reports none (absent or 0)
  | 'POSITION_EXTRA' // the venue reports a position where we are flat, or in an instrument we do not know
  | 'POSITION_QTY_MISMATCH' // both hold a position, of different sizes (or sides)
  | 'ORDER_MISSING' // open on our side; the venue does not list it (it may still be in flight: see ourStatus)
  | 'ORDER_EXTRA' // the venue lists an order that is not open on our side (unknown, or finished here)
  | 'ORDER_QTY_MISMATCH' // open on both sides with different leaves quantities
  | 'DUPLICATE_ENTRY' // the report lists the same instrument or order twice (the first entry is compared)
  | 'INVALID_ENTRY'; // a quantity in the report is not an integer number of lots (leaves: >= 0)

export interface ReconciliationDifference {
  kind: ReconciliationDifferenceKind;
  /** The instrument (positions, and orders we know), else null. */
  instrumentId: number | null;
  /** Order differences only. */
  clientOrderId: string | null;
  /** Our quantity: signed position lots, or an order's leaves; null when we have no such thing. */
  ours: number | null;
  /** The venue's quantity, null when it does not list it. */
  venue: number | null;
  /** Our order's status (order differences on orders we know), else null. */
  ourStatus: string | null;
  detail: string;
}

/** Our side of a position, as Portfolio.positions() gives it. */
export interface OurPosition {
  instrumentId: number;
  symbol: string;
  qty: Lots;
}

function diff(kind: ReconciliationDifferenceKind, instrumentId: number | null, clientOrderId: string | null, ours: number | null, venue: number | null, ourStatus: string | null, detail: string): ReconciliationDifference {
  return { kind, instrumentId, clientOrderId, ours, venue, ourStatus, detail };
}

/**
 * Lists every difference between our positions/open orders and a venue's report; fixes
 * nothing (a restart refuses to trade until they agree or an operator accepts them).
 * Positions compare by quantity only: ours != 0 and venue 0/absent is MISSING, ours 0 and venue
 * != 0 is EXTRA, both != 0 and different is a QTY_MISMATCH. Orders compare by client order id
 * and leaves quantity, only when the report carries openOrders; our orders are limited to the
 * instruments of `ours` (the venue's). Output order: positions in our instrument order, then
 * the venue's unknown instruments, then orders in our order, then the venue's unknown orders.
 */
export function reconcilePositions(ours: readonly OurPosition[], report: VenueReport, ourOpenOrders?: Iterable<Order>): ReconciliationDifference[] {
  const out: ReconciliationDifference[] = [];
  const venueQty = new Map<number, Lots>();
  for (const p of report.positions) {
    if (!Number.isSafeInteger(p.qty)) {
      out.push(diff('INVALID_ENTRY', p.instrumentId, null, null, p.qty, null, `venue position ${String(p.qty)} for instrument ${p.instrumentId} is not an integer number of lots`));
      continue;
    }
    if (venueQty.has(p.instrumentId)) {
      out.push(diff('DUPLICATE_ENTRY', p.instrumentId, null, null, p.qty, null, `instrument ${p.instrumentId} listed twice (${venueQty.get(p.instrumentId)} then ${p.qty})`));
      continue;
    }
    venueQty.set(p.instrumentId, p.qty);
  }
  const known = new Set<number>();
  for (const p of ours) {
    known.add(p.instrumentId);
    const v = venueQty.get(p.instrumentId);
    const vq = v ?? 0;
    if (p.qty === vq) continue;
    if (vq === 0) out.push(diff('POSITION_MISSING', p.instrumentId, null, p.qty, v ?? null, null, `${p.symbol}: we hold ${p.qty}, the venue reports ${v === undefined ? 'nothing' : '0'}`));
    else if (p.qty === 0) out.push(diff('POSITION_EXTRA', p.instrumentId, null, 0, vq, null, `${p.symbol}: we are flat, the venue reports ${vq}`));
    else out.push(diff('POSITION_QTY_MISMATCH', p.instrumentId, null, p.qty, vq, null, `${p.symbol}: we hold ${p.qty}, the venue reports ${vq}`));
  }
  for (const [id, q] of venueQty) {
    if (!known.has(id) && q !== 0) out.push(diff('POSITION_EXTRA', id, null, null, q, null, `instrument ${id} is not ours${report.venue ? ` on ${report.venue}` : ''}; the venue reports ${q}`));
  }

  if (report.openOrders === undefined) return out;
  const venueOrders = new Map<string, Lots>();
  for (const o of report.openOrders) {
    if (!Number.isSafeInteger(o.leavesQty) || o.leavesQty < 0) {
      out.push(diff('INVALID_ENTRY', null, o.clientOrderId, null, o.leavesQty, null, `venue order ${o.clientOrderId}: leaves ${String(o.leavesQty)} is not an integer number of lots >= 0`));
      continue;
    }
    if (venueOrders.has(o.clientOrderId)) {
      out.push(diff('DUPLICATE_ENTRY', null, o.clientOrderId, null, o.leavesQty, null, `order ${o.clientOrderId} listed twice`));
      continue;
    }
    venueOrders.set(o.clientOrderId, o.leavesQty);
  }
  const seen = new Set<string>();
  if (ourOpenOrders !== undefined) {
    for (const o of ourOpenOrders) {
      if (!known.has(o.instrumentId)) continue;
      seen.add(o.clientOrderId);
      const leaves = o.qty - o.filledQty;
      const v = venueOrders.get(o.clientOrderId);
      if (v === undefined) {
        out.push(diff('ORDER_MISSING', o.instrumentId, o.clientOrderId, leaves, null, o.status, `order ${o.clientOrderId} is ${o.status} with ${leaves} open here; the venue does not list it`));
      } else if (v !== leaves) {
        out.push(diff('ORDER_QTY_MISMATCH', o.instrumentId, o.clientOrderId, leaves, v, o.status, `order ${o.clientOrderId}: ${leaves} open here, ${v} at the venue`));
      }
    }
  }
  for (const [id, v] of venueOrders) {
    if (!seen.has(id)) out.push(diff('ORDER_EXTRA', null, id, null, v, null, `the venue lists order ${id} with ${v} open; it is not open here`));
  }
  return out;
}
