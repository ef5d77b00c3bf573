import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { decompress } from 'fzstd';
import { Instrument, type MboEvent } from '../../src/core/index.ts';
import { DbnMboSource, type DbnSourceOptions } from '../../src/data/dbn/DbnMboSource.ts';
import { nativeZstdAvailable, nativeZstdLoadError } from '../../src/data/dbn/zstd.ts';
import { DataRejectError, type RejectCounter } from '../../src/data/RejectCounter.ts';

// Note: every assert.ok carries a message; without one, node's assert re-parses the (tsx-compiled,
// one-line) source to describe the failure, which can take minutes.
//
// Real data (see ../shared/data/README.md). Counts below were measured independently with a
// python3 struct reader over `zstd -dc` output, not with this decoder.
const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const ZST_25 = join(DATA, 'cme-esh4-20231225.mbo.dbn.zst');
const ZST_24 = join(DATA, 'cme-esh4-20231224.mbo.dbn.zst');

const ES = new Instrument({ id: 17077, symbol: 'ESH4', venue: 'GLBX', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });
const OTHER = new Instrument({ id: 99, symbol: 'X', venue: 'GLBX', tickSize: '0.25', lotSize: '1', multiplier: '50', currency: 'USD' });

const HDR = 206; // 8-byte prelude + 198 bytes of v1 metadata, in both files
const REC = 56;
const BASE_24 = 1703376000000000000n; // 2023-12-24T00:00Z: day of the first record's ts_event
const UNDEF_PRICE = 0x7fffffffffffffffn;

const tmp = mkdtempSync(join(tmpdir(), 'bulwark-dbn-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const raw25 = decompress(readFileSync(ZST_25));
const raw24 = decompress(readFileSync(ZST_24));
const PLAIN_25 = join(tmp, 'cme-esh4-20231225.mbo.dbn');
writeFileSync(PLAIN_25, raw25);

interface ReadResult {
  events: MboEvent[];
  rejects: RejectCounter;
  source: DbnMboSource;
}

function readAll(path: string, options?: DbnSourceOptions, instruments: readonly Instrument[] = [ES]): ReadResult {
  const source = new DbnMboSource(path, instruments, options);
  const events: MboEvent[] = [];
  for (let e = source.next(); e !== undefined; e = source.next()) events.push({ ...e });
  source.close();
  return { events, rejects: source.rejects, source };
}

let fileNo = 0;
function writeTmp(bytes: Uint8Array, ext = '.dbn'): string {
  const path = join(tmp, `f${fileNo++ % 4}${ext}`);
  writeFileSync(path, bytes);
  return path;
}

/** Independent reference decode with BigInt, straight from the bytes. */
interface RefRecord { tsEvent: bigint; tsRecv: bigint; orderId: bigint; price: bigint; size: number; flags: number; action: string; side: string; sequence: number }
function refDecode(bytes: Uint8Array): RefRecord[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: RefRecord[] = [];
  for (let p = HDR; p + REC <= bytes.length; p += REC) {
    out.push({
      tsEvent: v.getBigUint64(p + 8, true),
      orderId: v.getBigUint64(p + 16, true),
      price: v.getBigInt64(p + 24, true),
      size: v.getUint32(p + 32, true),
      flags: bytes[p + 36],
      action: String.fromCharCode(bytes[p + 38]),
      side: String.fromCharCode(bytes[p + 39]),
      tsRecv: v.getBigUint64(p + 40, true),
      sequence: v.getUint32(p + 52, true),
    });
  }
  return out;
}

function assertWellFormed(events: readonly MboEvent[]): void {
  for (const e of events) {
    assert.ok(Number.isSafeInteger(e.price) && Number.isSafeInteger(e.size) && Number.isSafeInteger(e.tsNs) &&
      Number.isSafeInteger(e.tsRecvNs) && Number.isSafeInteger(e.orderId) && Number.isSafeInteger(e.sequence), `non-integer field in ${JSON.stringify(e)}`);
    assert.ok('ACMRTFN'.includes(e.action) && e.action.length === 1, `bad action ${e.action}`);
    assert.ok('ABN'.includes(e.side) && e.side.length === 1, `bad side ${e.side}`);
    assert.equal(e.instrumentId, 17077);
  }
}

/** A small real file: the 20231225 header plus `n` consecutive records from record `from`. */
function slice25(from: number, n: number): Uint8Array {
  const out = new Uint8Array(HDR + n * REC);
  out.set(raw25.subarray(0, HDR));
  out.set(raw25.subarray(HDR + from * REC, HDR + (from + n) * REC), HDR);
  return out;
}
// Records 8600..10099: the end of the snapshot, the 22:00 reopen and the 23:00 Globex open (first
// trade at record 9650): every action of the file is present.
const SMALL_N = 1500;
const SMALL = slice25(8600, SMALL_N);
const SMALL_PATH = join(tmp, 'small.dbn');
writeFileSync(SMALL_PATH, SMALL);
const SMALL_EVENTS = readAll(SMALL_PATH).events;

test('20231225: 68,792 events with the exact action and side counts, 0 rejects', () => {
  const { events, rejects, source } = readAll(ZST_25);
  assert.equal(rejects.total, 0, JSON.stringify(rejects.byReason));
  assert.equal(events.length, 68_792);
  const actions: Record<string, number> = {};
  const sides: Record<string, number> = {};
  for (const e of events) {
    actions[e.action] = (actions[e.action] ?? 0) + 1;
    sides[e.side] = (sides[e.side] ?? 0) + 1;
  }
  assert.equal(actions.R, undefined, 'no clear-book (R) or none (N) records in this file');
  assert.equal(actions.N, undefined);
  assert.deepEqual(actions, { A: 29_216, C: 17_999, M: 12_233, T: 2_973, F: 6_371 });
  assert.deepEqual(sides, { B: 36_358, A: 32_398, N: 36 });
  assert.equal(events.filter((e) => e.side === 'N' && e.action === 'F').length, 35);
  assert.equal(events.filter((e) => e.orderId === 0).length, 1, 'one side-N trade without an order id');
  assert.deepEqual(source.progress(), { done: 997_238, total: 997_238 });
});

test('20231225: prices in ticks, trades/fills within 4800.25-4811.75, resting orders within 85.00-5792.50', () => {
  const { events } = readAll(ZST_25);
  let lo = Infinity;
  let hi = -Infinity;
  let tradeLo = Infinity;
  let tradeHi = -Infinity;
  for (const e of events) {
    lo = Math.min(lo, e.price);
    hi = Math.max(hi, e.price);
    if (e.action === 'T' || e.action === 'F') {
      tradeLo = Math.min(tradeLo, e.price);
      tradeHi = Math.max(tradeHi, e.price);
    }
  }
  assert.equal(ES.ticksToPrice(tradeLo), '4800.25');
  assert.equal(ES.ticksToPrice(tradeHi), '4811.75');
  assert.equal(ES.ticksToPrice(lo), '85.00'); // far-away resting orders in the snapshot
  assert.equal(ES.ticksToPrice(hi), '5792.50');
});

test('20231225: first and last events exact; ts_event and ts_recv both non-decreasing', () => {
  const { events, source } = readAll(ZST_25);
  assert.equal(source.timeBaseNs, BASE_24, 'time base: UTC midnight of the first record ts_event (2023-12-24)');
  assert.deepEqual(events[0], {
    kind: 'mbo', tsNs: 46_805_243_925_307, tsRecvNs: 86_400_000_000_000, instrumentId: 17077, action: 'A', side: 'B',
    orderId: 6_412_777_162_812, price: 19_196, size: 2, flags: 0x28, sequence: 682,
  });
  assert.equal(ES.ticksToPrice(events[0].price), '4799.00');
  assert.deepEqual(events[events.length - 1], {
    kind: 'mbo', tsNs: 172_799_446_724_905, tsRecvNs: 172_799_446_821_072, instrumentId: 17077, action: 'M', side: 'A',
    orderId: events[events.length - 1].orderId, price: 19_242, size: 1, flags: 0x82, sequence: 59_585,
  });
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i].tsRecvNs >= events[i - 1].tsRecvNs, `ts_recv decreases at event ${i}`);
    assert.ok(events[i].tsNs >= events[i - 1].tsNs, `ts_event decreases at event ${i}`);
  }
  // The first 8,725 events are the snapshot (F_SNAPSHOT 0x20), ts_recv at the query start; the
  // first live event is at the 22:00 UTC reopen of 2023-12-25.
  assert.ok(events.slice(0, 8_725).every((e) => e.flags === 0x28), 'F_SNAPSHOT | F_BAD_TS_RECV');
  assert.equal(events.filter((e) => (e.flags & 0x20) !== 0).length, 8_725);
  assert.equal(events[8_725].flags & 0x20, 0);
  assert.equal(BASE_24 + BigInt(events[8_725].tsNs), 1703541600180087113n);
});

test('20231225: every field matches an independent BigInt decode (times exact to the ns)', () => {
  const { events } = readAll(ZST_25);
  const ref = refDecode(raw25);
  assert.equal(ref.length, events.length);
  for (let i = 0; i < ref.length; i++) {
    const e = events[i];
    const r = ref[i];
    if (BASE_24 + BigInt(e.tsNs) !== r.tsEvent || BASE_24 + BigInt(e.tsRecvNs) !== r.tsRecv || BigInt(e.orderId) !== r.orderId ||
      BigInt(e.price) * 250_000_000n !== r.price || e.size !== r.size || e.flags !== r.flags || e.action !== r.action ||
      e.side !== r.side || e.sequence !== r.sequence) {
      assert.fail(`event ${i} differs: ${JSON.stringify(e)} vs ${JSON.stringify(r, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`);
    }
  }
});

test('20231225: metadata', () => {
  const { source } = readAll(ZST_25);
  const m = source.metadata;
  assert.ok(m, 'metadata parsed');
  assert.equal(m.version, 1);
  assert.equal(m.dataset, 'GLBX.MDP3');
  assert.equal(m.schemaName, 'mbo');
  assert.equal(m.metadataLength, 198);
  assert.equal(m.startNs, 1703462400000000000n);
  assert.equal(m.endNs, 1703548800000000000n);
  assert.equal(m.tsOut, false);
  assert.deepEqual(m.symbols, ['ESH4']);
  assert.deepEqual(m.mappings, [{ rawSymbol: 'ESH4', intervals: [{ startDate: 20231225, endDate: 20231226, symbol: '17077' }] }]);
});

test('20231224: 8,725 snapshot adds, same time base as the 25th', () => {
  const { events, rejects, source } = readAll(ZST_24);
  assert.equal(rejects.total, 0);
  assert.equal(events.length, 8_725);
  assert.ok(events.every((e) => e.action === 'A' && (e.flags & 0x20) !== 0), 'all snapshot adds');
  assert.equal(events.filter((e) => e.side === 'B').length, 5_192);
  assert.equal(events[8_724].flags, 0xa8, 'the last snapshot record has F_LAST (not so in the 25th file)');
  assert.equal(source.timeBaseNs, BASE_24);
  assert.equal(source.metadata?.startNs, BASE_24);
  // The 25th file opens with the same snapshot (ts_recv re-stamped to its start, F_LAST dropped).
  const e25 = readAll(ZST_25).events.slice(0, 8_725);
  assert.deepEqual(events.map((e) => ({ ...e, tsRecvNs: 0, flags: 0 })), e25.map((e) => ({ ...e, tsRecvNs: 0, flags: 0 })));
});

test('plain .dbn and every chunk size give the same events as the .zst', () => {
  const reference = readAll(ZST_25).events;
  const plain = readAll(PLAIN_25);
  assert.equal(plain.rejects.total, 0);
  assert.deepEqual(plain.events, reference);
  assert.deepEqual(plain.source.progress(), { done: 3_852_558, total: 3_852_558 });
  for (const chunkSize of [7, 4096]) {
    const z = readAll(ZST_25, { chunkSize });
    assert.equal(z.rejects.total, 0);
    assert.deepEqual(z.events, reference, `zst chunkSize ${chunkSize}`);
  }
  for (const chunkSize of [7, 55, 57]) {
    const r = readAll(SMALL_PATH, { chunkSize });
    assert.equal(r.rejects.total, 0);
    assert.deepEqual(r.events, SMALL_EVENTS, `plain chunkSize ${chunkSize}`);
  }
});

test('an explicit time base shifts every time exactly; one 2^53 ns away is rejected', () => {
  const base25 = 1703462400000000000n;
  const { events, rejects } = readAll(ZST_24, { timeBaseNs: base25 });
  assert.equal(rejects.total, 0);
  assert.equal(events[0].tsNs, -39_594_756_074_693); // before the base: negative, still exact
  assert.equal(base25 + BigInt(events[0].tsRecvNs), 1703422805718200244n);
  const far = readAll(ZST_24, { timeBaseNs: 0n });
  assert.equal(far.events.length, 0);
  assert.equal(far.rejects.byReason.ts_out_of_range, 8_725);
});

test('unknown instruments are rejected, counted by reason, with bounded samples', () => {
  const { events, rejects } = readAll(ZST_24, {}, [OTHER]);
  assert.equal(events.length, 0);
  assert.deepEqual(rejects.byReason, { unknown_instrument: 8_725 });
  assert.equal(rejects.samples.length, 20);
  assert.equal(rejects.samples[0].position, 1);
  assert.match(rejects.samples[0].detail, /instrument_id 17077/);
});

// ---- targeted damage: each must be detected, and only the damaged record lost -----------------

type Damage = 'action' | 'side' | 'rtype' | 'instrument' | 'offtick' | 'orderid' | 'undefprice' | 'length';
const DAMAGE_REASON: Record<Damage, string> = {
  action: 'bad_action', side: 'bad_side', rtype: 'unknown_rtype', instrument: 'unknown_instrument', offtick: 'price_off_tick',
  orderid: 'order_id_unsafe', undefprice: 'undefined_price', length: 'bad_record_length',
};

function damage(bytes: Uint8Array, record: number, kind: Damage, k: number): void {
  const p = HDR + record * REC;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pickNot = (valid: string): number => {
    let c = k & 0xff;
    while (valid.includes(String.fromCharCode(c))) c = (c + 1) & 0xff;
    return c;
  };
  switch (kind) {
    case 'action': bytes[p + 38] = pickNot('ACMRTFN'); break;
    case 'side': bytes[p + 39] = pickNot('ABN'); break;
    case 'rtype': bytes[p + 1] = 0xa0 ^ (1 + (k % 255)); break; // length still 14 words: skipped cleanly
    case 'instrument': v.setUint32(p + 4, 17077 ^ (1 + (k % 0xffff)), true); break;
    case 'offtick': v.setBigInt64(p + 24, v.getBigInt64(p + 24, true) + BigInt(1 + (k % 249_999_999)), true); break;
    case 'orderid': v.setUint32(p + 20, 0x200000 + (k % 1000), true); break;
    case 'undefprice': v.setBigInt64(p + 24, UNDEF_PRICE, true); break;
    case 'length': bytes[p] = 13; break; // an MBO record that says 52 bytes: skipped by that length
  }
}

test('fuzz: a single damaged field is rejected with its reason and only that record is lost', () => {
  const kinds: Damage[] = ['action', 'side', 'rtype', 'instrument', 'offtick', 'orderid', 'undefprice'];
  fc.assert(fc.property(fc.integer({ min: 0, max: SMALL_N - 1 }), fc.constantFrom(...kinds), fc.nat(), (i, kind, k) => {
    if (kind === 'undefprice' && (SMALL_EVENTS[i].action === 'R' || SMALL_EVENTS[i].action === 'N')) return;
    const bytes = SMALL.slice();
    damage(bytes, i, kind, k);
    const { events, rejects } = readAll(writeTmp(bytes));
    assert.deepEqual(rejects.byReason, { [DAMAGE_REASON[kind]]: 1 });
    assert.equal(rejects.samples[0].position, i + 1);
    assert.match(rejects.samples[0].detail, new RegExp(`at byte ${HDR + i * REC} `));
    assert.deepEqual(events, [...SMALL_EVENTS.slice(0, i), ...SMALL_EVENTS.slice(i + 1)]);
  }), { numRuns: 120 });
});

test('stopOnReject: throws DataRejectError naming the record and byte position', () => {
  const bytes = SMALL.slice();
  damage(bytes, 1234, 'action', 0x5a); // 'Z'
  const source = new DbnMboSource(writeTmp(bytes), [ES], { stopOnReject: true });
  let n = 0;
  let error: unknown;
  try {
    while (source.next() !== undefined) n++;
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof DataRejectError, String(error));
  assert.equal(n, 1234);
  assert.equal(error.sample.reason, 'bad_action');
  assert.equal(error.sample.position, 1235);
  assert.match(error.message, /^f\d\.dbn:1235: bad_action \(record 1235 at byte 69310 of the decompressed stream: action byte 0x5a\)$/);
  // The bad record is consumed: the stream resumes after it.
  assert.deepEqual({ ...source.next() }, SMALL_EVENTS[1234 + 1]);
  source.close();
  assert.equal(source.next(), undefined);
});

test('stopOnReject on a bad header: the constructor does not throw, next() does', () => {
  const source = new DbnMboSource(writeTmp(new TextEncoder().encode('PAR1 this is not DBN at all')), [ES], { stopOnReject: true });
  assert.throws(() => source.next(), (e: unknown) => e instanceof DataRejectError && e.sample.reason === 'bad_header' && e.sample.position === 0);
  assert.equal(source.next(), undefined);
  assert.equal(source.metadata, undefined);
});

test('i64::MAX price is "no price" (0) on R and N only', () => {
  const bytes = SMALL.slice(0, HDR + 3 * REC);
  const v = new DataView(bytes.buffer);
  for (const [i, action] of [[0, 'R'], [1, 'N'], [2, 'T']] as const) {
    bytes[HDR + i * REC + 38] = action.charCodeAt(0);
    v.setBigInt64(HDR + i * REC + 24, UNDEF_PRICE, true);
  }
  const { events, rejects } = readAll(writeTmp(bytes));
  assert.deepEqual(events.map((e) => [e.action, e.price]), [['R', 0], ['N', 0]]);
  assert.deepEqual(rejects.byReason, { undefined_price: 1 });
});

test('a record length under 16 bytes ends the stream with one reject; 52 bytes is skipped by length', () => {
  const bytes = SMALL.slice();
  bytes[HDR + 10 * REC] = 3; // 12 bytes: cannot be framed
  const r = readAll(writeTmp(bytes));
  assert.deepEqual(r.rejects.byReason, { bad_record_length: 1 });
  assert.deepEqual(r.events, SMALL_EVENTS.slice(0, 10));
  const b2 = SMALL.slice(0, HDR + 2 * REC);
  damage(b2, 0, 'length', 0);
  const r2 = readAll(writeTmp(b2));
  // 52 bytes skipped, then the decoder is misaligned by 4 bytes: the rest is rejected, never crashes.
  assert.ok(r2.rejects.byReason.bad_record_length >= 1, JSON.stringify(r2.rejects.byReason));
  assert.ok(r2.rejects.total >= 2, JSON.stringify(r2.rejects.byReason));
  assertWellFormed(r2.events);
});

// ---- DBN v2/v3 headers and ts_out, built from the real v1 records --------------------------

function v2Header(version: 2 | 3, tsOut: boolean): Uint8Array {
  // dataset 16, schema 2, start/end/limit 24, stype_in, stype_out, ts_out, symbol_cstr_len u16,
  // reserved 53, schema_definition_length 4, 3 empty symbol lists, 0 mappings.
  const md = new Uint8Array(16 + 2 + 24 + 3 + 2 + 53 + 4 + 12 + 4);
  const v = new DataView(md.buffer);
  md.set(new TextEncoder().encode('GLBX.MDP3'));
  v.setUint16(16, 0, true);
  v.setBigUint64(18, 1703462400000000000n, true);
  v.setBigUint64(26, 0xffffffffffffffffn, true);
  md[42] = 1;
  md[44] = tsOut ? 1 : 0;
  v.setUint16(45, 71, true);
  const out = new Uint8Array(8 + md.length);
  out.set([0x44, 0x42, 0x4e, version]);
  new DataView(out.buffer).setUint32(4, md.length, true);
  out.set(md, 8);
  return out;
}

test('DBN v2 and v3 headers, and ts_out records (64 bytes), decode the same records', () => {
  const records = SMALL.subarray(HDR, HDR + 500 * REC);
  for (const version of [2, 3] as const) {
    const h = v2Header(version, false);
    const bytes = new Uint8Array(h.length + records.length);
    bytes.set(h);
    bytes.set(records, h.length);
    const r = readAll(writeTmp(bytes));
    assert.equal(r.rejects.total, 0, JSON.stringify(r.rejects.samples));
    assert.equal(r.source.metadata?.version, version);
    assert.equal(r.source.metadata?.endNs, undefined);
    assert.equal(r.source.metadata?.symbolCstrLen, 71);
    assert.deepEqual(r.events, SMALL_EVENTS.slice(0, 500));
  }
  const h = v2Header(2, true);
  const bytes = new Uint8Array(h.length + 500 * 64);
  bytes.set(h);
  for (let i = 0; i < 500; i++) {
    const p = h.length + i * 64;
    bytes.set(records.subarray(i * REC, (i + 1) * REC), p);
    bytes[p] = 16; // 64 bytes in 4-byte words
    bytes.fill(0xee, p + REC, p + 64); // ts_out
  }
  const r = readAll(writeTmp(bytes));
  assert.equal(r.rejects.total, 0);
  assert.equal(r.source.metadata?.tsOut, true);
  assert.deepEqual(r.events, SMALL_EVENTS.slice(0, 500));
});

test('a non-MBO schema is refused once', () => {
  const h = v2Header(2, false);
  new DataView(h.buffer).setUint16(8 + 16, 1, true); // mbp-1
  const r = readAll(writeTmp(h));
  assert.deepEqual(r.rejects.byReason, { unsupported_schema: 1 });
  assert.equal(r.source.metadata?.schemaName, 'mbp-1');
});

// ---- random damage -----------------------------------------------------------------------

function readNoThrow(bytes: Uint8Array, ext = '.dbn', options?: DbnSourceOptions): ReadResult {
  try {
    return readAll(writeTmp(bytes, ext), options);
  } catch (e) {
    assert.fail(`next() threw: ${String(e)}`);
  }
}

test('fuzz: truncation at any byte is detected unless it falls on a record boundary', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: SMALL.length }), fc.integer({ min: 7, max: 5000 }), (cut, chunkSize) => {
    const { events, rejects } = readNoThrow(SMALL.subarray(0, cut), '.dbn', { chunkSize });
    assertWellFormed(events);
    if (cut < HDR) {
      assert.equal(events.length, 0);
      assert.deepEqual(rejects.byReason, { bad_header: 1 });
      return;
    }
    const whole = Math.floor((cut - HDR) / REC);
    assert.deepEqual(events, SMALL_EVENTS.slice(0, whole));
    if ((cut - HDR) % REC === 0) assert.equal(rejects.total, 0);
    else assert.deepEqual(rejects.byReason, { truncated_record: 1 });
  }), { numRuns: 200 });
});

test('fuzz: random bytes never throw and are refused', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
    const { events, rejects } = readNoThrow(bytes);
    assert.equal(events.length, 0);
    assert.ok(rejects.total >= 1, 'random bytes accepted silently');
  }), { numRuns: 200 });
  // ... including random bytes behind the zstd magic
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (tail) => {
    const bytes = new Uint8Array(4 + tail.length);
    bytes.set([0x28, 0xb5, 0x2f, 0xfd]);
    bytes.set(tail, 4);
    const { events, rejects } = readNoThrow(bytes, '.dbn.zst');
    assert.equal(events.length, 0);
    assert.ok(rejects.total >= 1, 'random bytes accepted silently');
  }), { numRuns: 100 });
});

test('fuzz: random bytes after a valid header never throw; damage is counted', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 4000 }), fc.integer({ min: 1, max: 5000 }), (tail, chunkSize) => {
    const bytes = new Uint8Array(HDR + tail.length);
    bytes.set(SMALL.subarray(0, HDR));
    bytes.set(tail, HDR);
    const { events, rejects } = readNoThrow(bytes, '.dbn', { chunkSize });
    assertWellFormed(events);
    assert.ok(rejects.total >= 1, 'damage after the header not counted');
  }), { numRuns: 200 });
});

test('fuzz: flipped bytes in records never throw; records before the first flip are intact', () => {
  const body = SMALL.length - HDR;
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: body - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
    const bytes = SMALL.slice();
    for (const [at, x] of flips) bytes[HDR + at] ^= x;
    const { events } = readNoThrow(bytes);
    assertWellFormed(events);
    const firstDamaged = Math.floor(Math.min(...flips.map(([at]) => at)) / REC);
    assert.deepEqual(events.slice(0, firstDamaged), SMALL_EVENTS.slice(0, firstDamaged));
  }), { numRuns: 150 });
});

for (const zstd of ['native', 'js'] as const) test(`fuzz (${zstd} zstd): damaged .zst (truncated or flipped) never throws; a cut inside a frame is detected`, () => {
  const z = readFileSync(ZST_24);
  // The file holds two zstd frames (metadata, then records); a cut exactly between them is a
  // valid empty DBN file and cannot be detected.
  const secondFrame = z.indexOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 4);
  assert.ok(secondFrame > 0, 'second zstd frame found');
  fc.assert(fc.property(fc.integer({ min: 1, max: z.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }), (cut, flips) => {
    const bytes = new Uint8Array(z.subarray(0, cut));
    for (const [at, x] of flips) bytes[at % cut] ^= x;
    const { events, rejects } = readNoThrow(bytes, '.dbn.zst', { chunkSize: 4096, zstd });
    assertWellFormed(events);
    if (cut !== secondFrame) assert.ok(rejects.total >= 1, `cut at ${cut} undetected`);
  }), { numRuns: 100 });
});

test('zstd backends: native (zstd-napi) and js (fzstd) decode the same events; the source says which it used', () => {
  assert.ok(nativeZstdAvailable(), `npm ci should have built zstd-napi: ${nativeZstdLoadError()}`);
  const native = readAll(ZST_25, { zstd: 'native' });
  const js = readAll(ZST_25, { zstd: 'js', chunkSize: 65_536 });
  assert.equal(native.source.compression, 'native');
  assert.equal(js.source.compression, 'js');
  assert.equal(readAll(ZST_25).source.compression, 'native', 'auto picks native when it is installed');
  assert.equal(readAll(PLAIN_25).source.compression, 'none');
  assert.equal(native.rejects.total + js.rejects.total, 0);
  assert.equal(native.events.length, 68_792);
  assert.deepEqual(native.events, js.events);
  assert.deepEqual(native.source.progress(), { done: 997_238, total: 997_238 });
});

test('native zstd: a context given back mid-frame is reset before the next file uses it', () => {
  const reference = readAll(ZST_25, { zstd: 'js' }).events;
  for (let i = 0; i < 3; i++) {
    const s = new DbnMboSource(ZST_25, [ES], { zstd: 'native', chunkSize: 4096 });
    for (let k = 0; k < 20_000; k++) s.next();
    s.close();
  }
  const again = readAll(ZST_25, { zstd: 'native' });
  assert.equal(again.rejects.total, 0);
  assert.deepEqual(again.events, reference);
});
