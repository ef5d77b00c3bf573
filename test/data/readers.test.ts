import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Instrument, type BarEvent, type L2Event, type MarketEvent, type QuoteEvent } from '../../src/core/index.ts';
import type { MarketDataSource } from '../../src/data/MarketDataSource.ts';
import { DataRejectError } from '../../src/data/RejectCounter.ts';
import {
  BarCsvSource,
  BinanceDepthCsvSource,
  BybitOrderbookJsonlSource,
  LineReader,
  QuoteCsvSource,
  TardisIncrementalL2Source,
  TardisSnapshot25Source,
  TimeBase,
  TimeParts,
  openFileSource,
  parseFloatField,
  parseHistDataTime,
  parseIntField,
  parseIsoDateTime,
  type FileFormat,
} from '../../src/data/readers/index.ts';

const DATA = new URL('../../../shared/data/', import.meta.url).pathname;

function instrument(symbol: string, tickSize: string, lotSize: string): Instrument {
  return new Instrument({ id: 7, symbol, venue: 'TEST', tickSize, lotSize, multiplier: '1', currency: 'USD' });
}

const BTCUSDT = instrument('BTCUSDT', '0.1', '0.001');
const BTCUSDT_2020 = instrument('BTCUSDT', '0.01', '0.001'); // Binance futures BTCUSDT traded at 0.01 in 2020
const DERIBIT = instrument('BTC-PERPETUAL', '0.5', '10'); // amounts are USD in 10-USD contracts
const XRPUSDT = instrument('XRPUSDT', '0.0001', '1');
const USDJPY = instrument('USDJPY', '0.001', '1');
const EURUSD = instrument('EURUSD', '0.00001', '1'); // HistData prints 6 decimals, the 6th always 0
const GBPUSD = instrument('GBPUSD', '0.00001', '1');
const BTC_PERP = instrument('BTC-PERP', '0.125', '0.001'); // 10 rows carry .125/.375/.625/.875 prices

function drain(src: MarketDataSource): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let e = src.next(); e !== undefined; e = src.next()) out.push({ ...e });
  return out;
}

function l2(events: MarketEvent[]): L2Event[] {
  return events.map((e) => {
    assert.equal(e.kind, 'l2');
    return e as L2Event;
  });
}

let tmp = '';
function tmpFile(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-readers-'));
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('LineReader', () => {
  function lines(content: string | Uint8Array, chunkSize: number, maxLineChars?: number): { text: string; n: number; tooLong: boolean }[] {
    const r = new LineReader(tmpFile('lines.txt', content), chunkSize, maxLineChars);
    const out: { text: string; n: number; tooLong: boolean }[] = [];
    for (let l = r.next(); l !== undefined; l = r.next()) out.push({ text: l, n: r.lineNumber, tooLong: r.lineTooLong });
    r.close();
    return out;
  }

  it('splits LF and CRLF lines across chunk boundaries, keeps blank lines, returns a final line without newline', () => {
    const content = 'alpha\r\nbeta\n\ngamma-delta-epsilon\r\nlast';
    for (const cs of [1, 2, 3, 5, 7, 1024]) {
      assert.deepEqual(
        lines(content, cs).map((l) => [l.text, l.n]),
        [['alpha', 1], ['beta', 2], ['', 3], ['gamma-delta-epsilon', 4], ['last', 5]],
        `chunkSize ${cs}`,
      );
    }
  });

  it('yields nothing for an empty file and no trailing empty line after a final newline', () => {
    assert.deepEqual(lines('', 4), []);
    assert.deepEqual(lines('a\n', 1).map((l) => l.text), ['a']);
    assert.deepEqual(lines('\n', 1).map((l) => l.text), ['']);
    assert.deepEqual(lines('a\r\n', 1).map((l) => l.text), ['a']);
  });

  it('decodes multi-byte UTF-8 split across chunks and drops a BOM', () => {
    const content = '\uFEFFUSDⓈ-M,€1\nµs,ok';
    for (const cs of [1, 2, 3]) assert.deepEqual(lines(content, cs).map((l) => l.text), ['USDⓈ-M,€1', 'µs,ok']);
  });

  it('reports over-long lines without keeping them', () => {
    const got = lines(`short\n${'x'.repeat(100)}\nok\n${'y'.repeat(50)}`, 8, 20);
    assert.deepEqual(got.map((l) => [l.text, l.n, l.tooLong]), [['short', 1, false], ['', 2, true], ['ok', 3, false], ['', 4, true]]);
  });

  it('counts bytes read and returns undefined after close', () => {
    const r = new LineReader(tmpFile('bytes.txt', 'abc\ndef\n'), 4);
    assert.equal(r.totalBytes, 8);
    assert.equal(r.next(), 'abc');
    assert.equal(r.bytesRead, 4);
    r.close();
    assert.equal(r.next(), undefined);
  });
});

describe('parsing helpers', () => {
  it('parses ISO date-times exactly, with fractions and zones', () => {
    const t = new TimeParts();
    assert.ok(parseIsoDateTime('2013-01-01 22:00:00.295000+00:00', 0, 32, t));
    assert.deepEqual([t.sec, t.nsec], [1357077600, 295_000_000]);
    assert.ok(parseIsoDateTime('2013-01-01T22:00:00.123456789Z', 0, 30, t));
    assert.deepEqual([t.sec, t.nsec], [1357077600, 123_456_789]);
    assert.ok(parseIsoDateTime('2013-01-01 22:00:00-05:00', 0, 25, t));
    assert.equal(t.sec, 1357077600 + 5 * 3600);
    assert.ok(parseIsoDateTime('2024-02-29 00:00:00', 0, 19, t));
    for (const bad of ['2023-02-29 00:00:00', '2013-13-01 00:00:00', '2013-01-01 24:00:00', '2013-01-01 22:00:00.', '2013-01-01 22:00:00.1234567891', '2013-01-01 22:00:00+0', '2013/01/01 22:00:00', 'timestamp', '']) {
      assert.equal(parseIsoDateTime(bad, 0, bad.length, t), false, bad);
    }
  });

  it('parses HistData times as EST (UTC-5) without DST', () => {
    const t = new TimeParts();
    assert.ok(parseHistDataTime('20200101 170000065', 0, 18, t, -300));
    assert.equal(t.toEpochNs(), 1577916000065000000n); // 2020-01-01T22:00:00.065Z
    assert.ok(parseHistDataTime('20200701 170000000', 0, 18, t, -300)); // July: still -5, no DST
    assert.equal(t.sec, Date.UTC(2020, 6, 1, 22, 0, 0) / 1000);
    assert.equal(parseHistDataTime('20200101 17000006', 0, 17, t, -300), false);
    assert.equal(parseHistDataTime('20200132 170000065', 0, 18, t, -300), false);
  });

  it('converts to clock time without float error and refuses what is not exact', () => {
    const base = new TimeBase(1577836800000000000n);
    const t = new TimeParts().set(1577916000, 65_000_001);
    assert.equal(base.relative(t), 79_200_065_000_001);
    assert.ok(Number.isNaN(base.relative(new TimeParts().set(1577836800 + 200 * 86400, 0))));
    assert.equal(new TimeBase(-1n).relative(new TimeParts().set(0, 0)), 1);
  });

  it('parses integers and vendor floats strictly', () => {
    assert.equal(parseIntField('2098041693400'), 2098041693400);
    assert.equal(parseIntField('-1'), -1);
    for (const bad of ['', '-', '1.0', '1e3', ' 1', '99999999999999999']) assert.ok(Number.isNaN(parseIntField(bad)), bad);
    assert.equal(parseFloatField('203889.11713750003'), 203889.11713750003);
    assert.equal(parseFloatField('1e-3'), 0.001);
    for (const bad of ['', '.', 'NaN', 'Infinity', '0x10', '1e', '1.2.3', ' 1', '1e999']) assert.ok(Number.isNaN(parseFloatField(bad)), bad);
  });
});

describe('BinanceDepthCsvSource on the real files', () => {
  it('reads the snapshot: 100 bid levels, one message', () => {
    const src = new BinanceDepthCsvSource(DATA + 'binance-btcusdt-depth-snap.csv', BTCUSDT);
    assert.equal(src.timeBaseNs, 1667260800000000000n); // 2022-11-01T00:00Z
    const ev = l2(drain(src));
    assert.equal(ev.length, 100);
    assert.equal(src.rejects.total, 0);
    assert.deepEqual(ev[0], {
      kind: 'l2', tsNs: 85_779_146_000_000, tsRecvNs: 85_779_146_000_000, instrumentId: 7, side: 'B', price: 203770, size: 1770,
      isSnapshot: true, sequence: 2098021528332, prevSequence: -1, isLast: false,
    });
    assert.deepEqual([ev[99].price, ev[99].size, ev[99].isLast], [203659, 207, true]);
    assert.equal(ev.filter((e) => e.isLast).length, 1);
    assert.ok(ev.every((e) => e.side === 'B' && e.isSnapshot));
    assert.deepEqual(src.progress(), { done: 7582, total: 7582 });
  });

  it('reads the update file: 100 levels of one diff message (asks, bids, asks)', () => {
    const src = new BinanceDepthCsvSource(DATA + 'binance-btcusdt-depth-update.csv', BTCUSDT);
    const ev = l2(drain(src));
    assert.equal(ev.length, 100);
    assert.equal(src.rejects.total, 0);
    assert.deepEqual(ev[0], {
      kind: 'l2', tsNs: 86_399_939_000_000, tsRecvNs: 86_399_939_000_000, instrumentId: 7, side: 'A', price: 204728, size: 0,
      isSnapshot: false, sequence: 2098041696700, prevSequence: 2098041693400, isLast: false,
    });
    assert.deepEqual([ev[99].side, ev[99].price, ev[99].size, ev[99].isLast], ['A', 208791, 10249, true]);
    assert.deepEqual([ev.filter((e) => e.side === 'A').length, ev.filter((e) => e.side === 'B').length], [77, 23]);
    assert.equal(ev.filter((e) => e.isLast).length, 1);
  });

  it('marks isLast at each message boundary and keeps messages whole across a rejected row', () => {
    const p = tmpFile('binance.csv', [
      'symbol,timestamp,first_update_id,last_update_id,side,update_type,price,qty,pu',
      'BTCUSDT,1667347199939,10,12,a,set,20472.80,0.000,9',
      'BTCUSDT,1667347199939,10,12,b,set,20470.10,1.000,9',
      'BTCUSDT,1667347199939,10,12,b,set,20470.15,1.000,9', // off the 0.1 grid: rejected
      'BTCUSDT,1667347200001,13,15,b,set,20470.00,2.5,12',
      'BTCUSDT,1667347200001,13,15,x,set,20470.00,2.5,12', // bad side, last row of the file
    ].join('\n'));
    const src = new BinanceDepthCsvSource(p, BTCUSDT);
    const ev = l2(drain(src));
    assert.deepEqual(ev.map((e) => [e.price, e.sequence, e.prevSequence, e.isLast]), [
      [204728, 12, 9, false],
      [204701, 12, 9, true],
      [204700, 15, 12, true],
    ]);
    assert.equal(src.rejects.total, 2);
    assert.deepEqual(src.rejects.byReason, { bad_price: 1, bad_side: 1 });
    assert.deepEqual(src.rejects.samples.map((s) => s.position), [4, 6]);
  });
});

describe('TardisIncrementalL2Source on the real file', () => {
  it('reads 15 snapshot ask levels as one message', () => {
    const src = new TardisIncrementalL2Source(DATA + 'tardis-deribit-incremental-book-L2-BTC-PERPETUAL.csv', DERIBIT);
    assert.equal(src.timeBaseNs, 1585699200000000000n); // 2020-04-01T00:00Z
    const ev = l2(drain(src));
    assert.equal(ev.length, 15);
    assert.equal(src.rejects.total, 0);
    assert.deepEqual(ev[0], {
      kind: 'l2', tsNs: 245_000_000, tsRecvNs: 355_684_000, instrumentId: 7, side: 'A', price: 12843, size: 1864,
      isSnapshot: true, sequence: -1, prevSequence: -1, isLast: false,
    });
    assert.deepEqual([ev[14].price, ev[14].size, ev[14].isLast], [12857, 3995, true]);
    assert.equal(ev.filter((e) => e.isLast).length, 1);
  });

  it('groups delta rows by (timestamp, local_timestamp) and a run of snapshot rows into one message', () => {
    const p = tmpFile('tardis.csv', [
      'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount',
      'deribit,BTC-PERPETUAL,1585699200245000,1585699200355684,true,ask,6421.5,18640',
      'deribit,BTC-PERPETUAL,1585699200245000,1585699200355690,true,bid,6421,100',
      'deribit,BTC-PERPETUAL,1585699200245000,1585699200355684,false,bid,6421,0',
      'deribit,BTC-PERPETUAL,1585699200300000,1585699200400000,false,ask,6422,10',
      'deribit,BTC-PERPETUAL,1585699200300000,1585699200400000,false,ask,6422.25,10',
      'deribit,BTC-PERPETUAL,1585699200300000,1585699200400000,false,sell,6423,10',
      'deribit,BTC-PERPETUAL,1585699200300000,1585699200400000,maybe,ask,6423,10',
      'deribit,BTC-PERPETUAL,1585699200300000,1585699200400000,false,ask,6423,20',
      'deribit,BTC-PERPETUAL,1585699200300000,1585699200400000,false,ask,6423.5,15', // not a whole 10-USD lot
    ].join('\r\n') + '\r\n');
    const src = new TardisIncrementalL2Source(p, DERIBIT);
    const ev = l2(drain(src));
    assert.deepEqual(ev.map((e) => [e.side, e.price, e.size, e.isSnapshot, e.isLast]), [
      ['A', 12843, 1864, true, false],
      ['B', 12842, 10, true, true],
      ['B', 12842, 0, false, true],
      ['A', 12844, 1, false, false],
      ['A', 12846, 2, false, true],
    ]);
    assert.deepEqual(src.rejects.byReason, { bad_price: 1, bad_side: 1, bad_is_snapshot: 1, bad_size: 1 });
  });
});

describe('TardisSnapshot25Source on the real file', () => {
  it('reads 10 rows x 50 levels, each row one message', () => {
    const src = new TardisSnapshot25Source(DATA + 'tardis-binance-futures-book-snapshot-25-BTCUSDT.csv', BTCUSDT_2020);
    assert.equal(src.timeBaseNs, 1598918400000000000n); // 2020-09-01T00:00Z
    const ev = l2(drain(src));
    assert.equal(ev.length, 500);
    assert.equal(src.rejects.total, 0);
    assert.deepEqual(ev[0], {
      kind: 'l2', tsNs: 3_696_000_000, tsRecvNs: 3_810_979_000, instrumentId: 7, side: 'A', price: 1165708, size: 1714,
      isSnapshot: true, sequence: -1, prevSequence: -1, isLast: false,
    });
    assert.deepEqual([ev[1].side, ev[1].price, ev[1].size], ['B', 1165707, 10896]); // bids[0]
    assert.deepEqual(
      [ev[499].tsNs, ev[499].tsRecvNs, ev[499].side, ev[499].price, ev[499].size, ev[499].isLast],
      [4_005_000_000, 4_009_468_000, 'B', 1165325, 1003, true],
    );
    assert.deepEqual(ev.flatMap((e, i) => (e.isLast ? [i] : [])), [49, 99, 149, 199, 249, 299, 349, 399, 449, 499]);
    assert.ok(ev.every((e) => e.isSnapshot));
  });

  it('skips empty levels, rejects half-empty levels and short rows whole', () => {
    const header = ['exchange', 'symbol', 'timestamp', 'local_timestamp'];
    for (let i = 0; i < 2; i++) header.push(`asks[${i}].price`, `asks[${i}].amount`, `bids[${i}].price`, `bids[${i}].amount`);
    const p = tmpFile('snap5.csv', [
      header.join(','),
      'binance-futures,BTCUSDT,1598918403696000,1598918403810979,11657.08,1.714,11657.07,10.896,11657.54,5.4,,',
      'binance-futures,BTCUSDT,1598918403700000,1598918403810980,11657.08,1.714,11657.07,,11657.54,5.4,,',
      'binance-futures,BTCUSDT,1598918403700000,1598918403810980,11657.08,1.714,11657.07,1',
      'binance-futures,BTCUSDT,1598918403800000,1598918403810990,11657.09,1,11657.07,2,,,11657.06,3',
    ].join('\n'));
    const src = new TardisSnapshot25Source(p, BTCUSDT_2020);
    const ev = l2(drain(src));
    assert.deepEqual(ev.map((e) => [e.side, e.price, e.size, e.isLast]), [
      ['A', 1165708, 1714, false],
      ['B', 1165707, 10896, false],
      ['A', 1165754, 5400, true],
      ['A', 1165709, 1000, false],
      ['B', 1165707, 2000, false],
      ['B', 1165706, 3000, true],
    ]);
    assert.deepEqual(src.rejects.byReason, { bad_size: 1, column_count: 1 });
  });
});

describe('BybitOrderbookJsonlSource on the real file', () => {
  it('reads 50 messages (one 1,000-level snapshot, 49 deltas) = 3,966 levels; CRLF lines', () => {
    const src = new BybitOrderbookJsonlSource(DATA + 'bybit-xrpusdt-ob500-20241201.jsonl', XRPUSDT);
    assert.equal(src.timeBaseNs, 1733011200000000000n); // 2024-12-01T00:00Z
    const ev = l2(drain(src));
    assert.equal(ev.length, 3966);
    assert.equal(src.rejects.total, 0);
    assert.deepEqual(ev[0], {
      kind: 'l2', tsNs: 589_000_000, tsRecvNs: 691_000_000, instrumentId: 7, side: 'B', price: 19531, size: 6203,
      isSnapshot: true, sequence: 20254869, prevSequence: -1, isLast: false,
    });
    assert.equal(ev.filter((e) => e.isSnapshot).length, 1000);
    assert.equal(ev[999].isLast, true);
    assert.deepEqual([ev[1000].isSnapshot, ev[1000].sequence, ev[1000].prevSequence], [false, 20254870, 20254869]);
    const last = ev[3965];
    assert.deepEqual(
      [last.tsNs, last.tsRecvNs, last.side, last.price, last.size, last.sequence, last.prevSequence, last.isLast],
      [5_488_000_000, 5_490_000_000, 'A', 20038, 0, 20254918, 20254917, true],
    );
    assert.equal(ev.filter((e) => e.isLast).length, 50);
    assert.equal(ev.filter((e) => e.size === 0).length, 18);
  });

  it('rejects bad lines whole and keeps prevSequence on the last good message', () => {
    const msg = (type: string, u: number, b: unknown, a: unknown = []): string =>
      JSON.stringify({ topic: 'orderbook.500.XRPUSDT', type, ts: 1733011200691 + u, cts: 1733011200589 + u, data: { s: 'XRPUSDT', b, a, u, seq: 1 } });
    const p = tmpFile('bybit.jsonl', [
      msg('snapshot', 1, [['1.9531', '6203']], [['1.9532', '5']]),
      '{"topic":"orderbook.500.XRPUSDT","type":"delta"', // cut
      msg('delta', 2, [['1.9531', '0'], ['1.95315', '1']]), // off tick: whole line rejected
      msg('delta', 3, [['1.9531', '7']]),
      msg('delta', 4, [['1.9531', '-7']]),
      msg('delta', 5, [['1.9531']]),
      msg('update', 6, []),
      '{"success":true,"op":"subscribe"}',
      msg('delta', 7, [], [['1.9533', '2'], ['abc', '2']]),
    ].join('\n'));
    const src = new BybitOrderbookJsonlSource(p, XRPUSDT);
    const ev = l2(drain(src));
    assert.deepEqual(ev.map((e) => [e.side, e.price, e.size, e.isSnapshot, e.sequence, e.prevSequence, e.isLast]), [
      ['B', 19531, 6203, true, 1, -1, false],
      ['A', 19532, 5, true, 1, -1, true],
      ['B', 19531, 7, false, 3, 1, true],
    ]);
    assert.deepEqual(src.rejects.byReason, { bad_json: 1, bad_price: 2, bad_size: 1, bad_level: 1, bad_message_type: 1, not_orderbook: 1 });
  });
});

describe('QuoteCsvSource on the real files', () => {
  it('TrueFX USD/JPY: 1,000 ticks', () => {
    const src = new QuoteCsvSource(DATA + 'truefx-usdjpy-ticks.csv', USDJPY, { format: 'truefx' });
    assert.equal(src.timeBaseNs, 1356998400000000000n); // 2013-01-01T00:00Z
    const ev = drain(src) as QuoteEvent[];
    assert.equal(ev.length, 1000);
    assert.equal(src.rejects.total, 0);
    assert.deepEqual(ev[0], { kind: 'quote', tsNs: 79_200_295_000_000, instrumentId: 7, bidPrice: 86655, askPrice: 86728, bidSize: 0, askSize: 0 });
    assert.deepEqual(ev[999], { kind: 'quote', tsNs: 81_313_494_000_000, instrumentId: 7, bidPrice: 86836, askPrice: 86854, bidSize: 0, askSize: 0 });
    // line 943 of the file is a locked quote (bid = ask = 86.836): passed on by the reader
    assert.deepEqual([ev[941].bidPrice, ev[941].askPrice], [86836, 86836]);
  });

  it('HistData EUR/USD: 9,500 ticks, EST -> UTC', () => {
    const src = new QuoteCsvSource(DATA + 'histdata-eurusd-ticks-20200101.csv', EURUSD, { format: 'histdata' });
    assert.equal(src.timeBaseNs, 1577836800000000000n); // 2020-01-01T00:00Z
    const ev = drain(src) as QuoteEvent[];
    assert.equal(ev.length, 9500);
    assert.equal(src.rejects.total, 0);
    // 20200101 170000065 EST = 2020-01-01T22:00:00.065Z
    assert.deepEqual(ev[0], { kind: 'quote', tsNs: 79_200_065_000_000, instrumentId: 7, bidPrice: 112120, askPrice: 112172, bidSize: 0, askSize: 0 });
    // 20200101 230052125 EST = 2020-01-02T04:00:52.125Z
    assert.deepEqual(ev[9499], { kind: 'quote', tsNs: 100_852_125_000_000, instrumentId: 7, bidPrice: 112130, askPrice: 112132, bidSize: 0, askSize: 0 });
  });

  it('detects the format when not given, and honours a utcOffsetMinutes override', () => {
    assert.equal(new QuoteCsvSource(DATA + 'histdata-eurusd-ticks-20200101.csv', EURUSD).format, 'histdata');
    assert.equal(new QuoteCsvSource(DATA + 'truefx-usdjpy-ticks.csv', USDJPY).format, 'truefx');
    const utc = new QuoteCsvSource(DATA + 'histdata-eurusd-ticks-20200101.csv', EURUSD, { format: 'histdata', utcOffsetMinutes: 0 });
    assert.equal(utc.next()?.tsNs, 61_200_065_000_000);
  });

  it('rejects bad rows with their reason and line number', () => {
    const p = tmpFile('truefx.csv', [
      'timestamp,bid,ask',
      '2013-01-01 22:00:00.295000+00:00,86.655,86.728',
      '2013-01-01 22:00:01+00:00,86.655',
      '2013-01-01 25:00:01+00:00,86.655,86.728',
      '2013-01-01 22:00:02+00:00,86.6551,86.728',
      '2013-01-01 22:00:03+00:00,x,86.728',
      '',
      '2013-01-01 22:00:04Z,86.656,86.729',
    ].join('\n'));
    const src = new QuoteCsvSource(p, USDJPY, { format: 'truefx' });
    const ev = drain(src) as QuoteEvent[];
    assert.deepEqual(ev.map((e) => e.tsNs), [79_200_295_000_000, 79_204_000_000_000]);
    assert.deepEqual(src.rejects.byReason, { column_count: 1, bad_timestamp: 1, bad_price: 2 });
    assert.deepEqual(src.rejects.samples.map((s) => s.position), [3, 4, 5, 6]);
  });
});

describe('BarCsvSource on the real files', () => {
  it('btc-perp 1m: 45,031 bars with volume', () => {
    const src = new BarCsvSource(DATA + 'btc-perp-20211231-20220201-1m.csv', BTC_PERP);
    assert.equal(src.timeBaseNs, 1640908800000000000n); // 2021-12-31T00:00Z
    assert.equal(src.intervalNs, 60_000_000_000);
    const ev = drain(src) as BarEvent[];
    assert.equal(ev.length, 45031);
    assert.equal(src.rejects.total, 0);
    assert.deepEqual(ev[0], { kind: 'bar', tsNs: 82_860_000_000_000, instrumentId: 7, intervalNs: 60_000_000_000, open: 370552, high: 371080, low: 370552, close: 371016, volume: 2300413.7295 });
    assert.deepEqual(ev[45030], { kind: 'bar', tsNs: 2_784_660_000_000_000, instrumentId: 7, intervalNs: 60_000_000_000, open: 308200, high: 308368, low: 308200, close: 308352, volume: 685906.9735 });
    // 2022-01-13 03:03: an interpolated-looking row with 1/8 prices and a float-artefact volume
    const odd = ev.find((e) => e.tsNs === 1_134_180_000_000_000);
    assert.deepEqual([odd?.open, odd?.close, odd?.volume], [348878, 348911, 260300.751275]);
  });

  it('FXCM GBP/USD bid and ask: 30,117 bars each, no volume', () => {
    for (const [file, first, last] of [
      ['fxcm-gbpusd-m1-bid-2012.csv', [157597, 157606, 157576, 157576], [159206, 159211, 159194, 159208]],
      ['fxcm-gbpusd-m1-ask-2012.csv', [157608, 157610, 157585, 157585], [159217, 159220, 159201, 159216]],
    ] as const) {
      const src = new BarCsvSource(DATA + file, GBPUSD);
      assert.equal(src.timeBaseNs, 1328054400000000000n); // 2012-02-01T00:00Z
      const ev = drain(src) as BarEvent[];
      assert.equal(ev.length, 30117, file);
      assert.equal(src.rejects.total, 0);
      assert.deepEqual([ev[0].tsNs, ev[0].open, ev[0].high, ev[0].low, ev[0].close, ev[0].volume, ev[0].intervalNs], [0, ...first, 0, 60_000_000_000]);
      const l = ev[30116];
      assert.deepEqual([l.tsNs, l.open, l.high, l.low, l.close], [2_505_600_000_000_000, ...last]);
    }
  });

  it('rejects inconsistent OHLC, bad volume and off-grid prices; timestampAt close shifts to the open', () => {
    const p = tmpFile('bars.csv', [
      'timestamp,open,high,low,close,volume',
      '2021-12-31 23:01:00.000000,100,101,99,100.5,10',
      '2021-12-31 23:02:00.000000,100,99.5,99,100.5,10', // high < close
      '2021-12-31 23:03:00.000000,100,101,100.25,100.5,10', // low > open
      '2021-12-31 23:04:00.000000,0,0,0,0,10', // low <= 0
      '2021-12-31 23:05:00.000000,100,101,99,100.5,-1',
      '2021-12-31 23:06:00.000000,100,101,99,100.5,abc',
      '2021-12-31 23:07:00.000000,100.1,101,99,100.5,1', // off the 0.125 grid
      '2021-12-31 23:08:00.000000,100,101,99,100.5,1e3',
    ].join('\n'));
    const src = new BarCsvSource(p, BTC_PERP, { timestampAt: 'close' });
    const ev = drain(src) as BarEvent[];
    assert.deepEqual(ev.map((e) => [e.tsNs, e.volume]), [[82_800_000_000_000, 10], [83_220_000_000_000, 1000]]);
    assert.deepEqual(src.rejects.byReason, { bad_ohlc: 3, bad_volume: 2, bad_price: 1 });
  });

  it('maps columns by header name and takes a given interval', () => {
    const p = tmpFile('bars-named.csv', ['close,open,high,low,ts_event', '100.5,100,101,99,2021-12-31T23:01:00Z'].join('\n'));
    const src = new BarCsvSource(p, BTC_PERP, { intervalNs: 300_000_000_000 });
    const ev = drain(src) as BarEvent[];
    assert.deepEqual(ev, [{ kind: 'bar', tsNs: 82_860_000_000_000, instrumentId: 7, intervalNs: 300_000_000_000, open: 800, high: 808, low: 792, close: 804, volume: 0 }]);
  });
});

const REAL: [FileFormat, string, Instrument, number][] = [
  ['binance-depth', 'binance-btcusdt-depth-snap.csv', BTCUSDT, 100],
  ['binance-depth', 'binance-btcusdt-depth-update.csv', BTCUSDT, 100],
  ['tardis-l2', 'tardis-deribit-incremental-book-L2-BTC-PERPETUAL.csv', DERIBIT, 15],
  ['tardis-snapshot25', 'tardis-binance-futures-book-snapshot-25-BTCUSDT.csv', BTCUSDT_2020, 500],
  ['bybit-orderbook', 'bybit-xrpusdt-ob500-20241201.jsonl', XRPUSDT, 3966],
  ['truefx', 'truefx-usdjpy-ticks.csv', USDJPY, 1000],
  ['histdata', 'histdata-eurusd-ticks-20200101.csv', EURUSD, 9500],
  ['bars', 'btc-perp-20211231-20220201-1m.csv', BTC_PERP, 45031],
  ['bars', 'fxcm-gbpusd-m1-bid-2012.csv', GBPUSD, 30117],
];

describe('chunk boundaries and the factory', () => {
  for (const [format, file, ins, count] of REAL) {
    it(`${format} ${file}: chunkSize 7 gives the same ${count} events as the default`, () => {
      const a = openFileSource(format, DATA + file, ins);
      const b = openFileSource(format, DATA + file, ins, { chunkSize: 7 });
      const ea = drain(a);
      const eb = drain(b);
      assert.equal(ea.length, count);
      assert.deepEqual(eb, ea);
      assert.equal(b.rejects.total, 0);
      assert.equal(a.timeBaseNs, b.timeBaseNs);
      const p = b.progress();
      assert.equal(p.done, p.total);
      a.close();
      b.close();
      assert.equal(b.next(), undefined);
    });
  }

  it('honours an explicit time base', () => {
    const src = openFileSource('truefx', DATA + 'truefx-usdjpy-ticks.csv', USDJPY, { timeBaseNs: 1357077600000000000n });
    assert.equal(src.timeBaseNs, 1357077600000000000n);
    assert.equal(src.next()?.tsNs, 295_000_000);
  });

  it('rejects times more than ~104 days from the base', () => {
    const src = openFileSource('truefx', DATA + 'truefx-usdjpy-ticks.csv', USDJPY, { timeBaseNs: 0n });
    assert.equal(src.next(), undefined);
    assert.deepEqual(src.rejects.byReason, { time_out_of_range: 1000 });
  });

  it('throws DataRejectError on the first bad row with stopOnReject, then ends', () => {
    const p = tmpFile('stop.csv', 'timestamp,bid,ask\n2013-01-01 22:00:00Z,86.655,86.728\n2013-01-01 22:00:01Z,bad,86.728\n2013-01-01 22:00:02Z,86.655,86.728\n');
    const src = openFileSource('truefx', p, USDJPY, { stopOnReject: true });
    assert.equal(src.next()?.kind, 'quote');
    assert.throws(() => src.next(), (e: unknown) => e instanceof DataRejectError && e.sample.position === 3 && e.sample.reason === 'bad_price');
    assert.equal(src.next(), undefined);
    assert.equal(src.rejects.total, 1);
  });
});
