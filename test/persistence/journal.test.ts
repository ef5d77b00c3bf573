import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, fsyncSync as fsyncSyncReal, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync as writeSyncReal } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Journal, JournalCorruptError, JournalReader, jsonCodec, recoverJournal, type JournalIo, type JournalRecord } from '../../src/persistence/Journal.ts';
import { crc32, HEADER_BYTES } from '../../src/persistence/recordFormat.ts';

const here = dirname(fileURLToPath(import.meta.url));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bulwark-journal-'));
}

function payloadFor(seq: number): Uint8Array {
  return encoder.encode(`event ${seq} ${'p'.repeat(seq % 37)}`);
}

function readAll(dir: string): { records: { seq: number; text: string; file: string; offset: number }[]; reader: JournalReader } {
  const reader = new JournalReader(dir);
  const records: { seq: number; text: string; file: string; offset: number }[] = [];
  for (const r of reader.records()) records.push({ seq: r.seq, text: decoder.decode(r.payload), file: r.file, offset: r.offset });
  return { records, reader };
}

function segments(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.journal')).sort();
}

function assertContiguous(records: { seq: number; text: string }[], from: number, to: number): void {
  assert.equal(records.length, to - from + 1, 'record count');
  for (let i = 0; i < records.length; i++) {
    assert.equal(records[i].seq, from + i, `seq at index ${i}`);
    assert.equal(records[i].text, decoder.decode(payloadFor(from + i)), `payload of seq ${from + i}`);
  }
}

test('the table-driven CRC32 equals zlib.crc32, also when continued across two slices', () => {
  const bytes = encoder.encode('Bulwark journal record: 123456789 and some more bytes');
  assert.equal(crc32(encoder.encode('123456789'), 0, 9, 0), 0xcbf43926);
  assert.equal(crc32(bytes, 0, bytes.length, 0), zlibCrc32(bytes));
  assert.equal(crc32(bytes, 10, bytes.length, crc32(bytes, 0, 10, 0)), zlibCrc32(bytes));
});

test('round trip of 3,000 records across many segments, names sorted by first seq, reopen continues the sequence', () => {
  const dir = tempDir();
  try {
    const journal = Journal.open(dir, { durability: 'group', segmentBytes: 4096 });
    for (let seq = 1; seq <= 3000; seq++) assert.equal(journal.append(payloadFor(seq)), seq);
    journal.close();
    const names = segments(dir);
    assert.ok(names.length > 20, `expected many segments, got ${names.length}`);
    for (const name of names) assert.ok(statSync(join(dir, name)).size <= 4096, `${name} is at most segmentBytes`);
    const { records, reader } = readAll(dir);
    assertContiguous(records, 1, 3000);
    // each segment's name is the seq of its first record
    const firstInFile = new Map<string, number>();
    for (const r of records) if (!firstInFile.has(r.file)) firstInFile.set(r.file, r.seq);
    for (const name of names) assert.equal(firstInFile.get(join(dir, name)), Number(name.slice(0, 20)), `first seq of ${name}`);
    assert.deepEqual(
      { segments: reader.report.segments, records: reader.report.records, lastGoodSeq: reader.report.lastGoodSeq, truncatedBytes: reader.report.truncatedBytes },
      { segments: names.length, records: 3000, lastGoodSeq: 3000, truncatedBytes: 0 },
    );

    const again = Journal.open(dir, { durability: 'fsync', segmentBytes: 4096 });
    assert.equal(again.recovery.lastGoodSeq, 3000);
    assert.equal(again.append(payloadFor(3001)), 3001);
    again.close();
    assertContiguous(readAll(dir).records, 1, 3001);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('jsonCodec round-trips typed values and rejects a payload of the wrong shape', () => {
  interface Submitted {
    kind: 'OrderSubmitted';
    clientOrderId: string;
    qty: number;
  }
  const codec = jsonCodec<Submitted>((v) => {
    if (typeof v !== 'object' || v === null || !('kind' in v) || v.kind !== 'OrderSubmitted') throw new Error('not an OrderSubmitted');
    if (!('clientOrderId' in v) || typeof v.clientOrderId !== 'string' || !('qty' in v) || typeof v.qty !== 'number') throw new Error('bad fields');
    return { kind: 'OrderSubmitted', clientOrderId: v.clientOrderId, qty: v.qty };
  });
  const dir = tempDir();
  try {
    const journal = Journal.open(dir, { durability: 'fsync' });
    journal.append(codec.encode({ kind: 'OrderSubmitted', clientOrderId: 'BW-1', qty: 3 }));
    journal.append(encoder.encode('{"kind":"OrderAccepted"}'));
    journal.close();
    const got: JournalRecord[] = [...new JournalReader(dir).records()];
    assert.deepEqual(codec.decode(got[0].payload), { kind: 'OrderSubmitted', clientOrderId: 'BW-1', qty: 3 });
    assert.throws(() => codec.decode(got[1].payload), /not an OrderSubmitted/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A journal of 6 records in two segments (1-3, 4-6); returns the last segment's path and the last record's offset. */
function smallJournal(dir: string): { last: string; lastOffset: number; size: number } {
  // exactly records 4-6 (the longer three): 1-3 fit in the first segment, 4 starts the second
  const segmentBytes = [4, 5, 6].reduce((n, seq) => n + HEADER_BYTES + payloadFor(seq).length, 0);
  const journal = Journal.open(dir, { durability: 'fsync', segmentBytes });
  for (let seq = 1; seq <= 6; seq++) journal.append(payloadFor(seq));
  journal.close();
  const names = segments(dir);
  assert.deepEqual(names, ['00000000000000000001.journal', '00000000000000000004.journal']);
  const last = join(dir, names[1]);
  const recs = readAll(dir).records;
  return { last, lastOffset: recs[5].offset, size: statSync(last).size };
}

test('torn tail at every cut point of the last record: truncated, reported, appends resume at the right seq', () => {
  const base = tempDir();
  try {
    const original = join(base, 'original');
    mkdirSync(original);
    const { last, lastOffset, size } = smallJournal(original);
    assert.equal(size - lastOffset, HEADER_BYTES + payloadFor(6).length, 'last record size');
    for (let cut = lastOffset; cut < size; cut++) {
      const dir = join(base, `cut-${cut}`);
      mkdirSync(dir);
      for (const name of segments(original)) copyFileSync(join(original, name), join(dir, name));
      const cutFile = join(dir, segments(original)[1]);
      truncateSync(cutFile, cut);
      const report = recoverJournal(dir);
      assert.equal(report.lastGoodSeq, 5, `cut ${cut}: lastGoodSeq`);
      assert.equal(report.truncatedBytes, cut - lastOffset, `cut ${cut}: truncatedBytes`);
      assert.equal(report.truncatedFile, cut > lastOffset ? cutFile : null, `cut ${cut}: truncatedFile`);
      assert.equal(statSync(cutFile).size, lastOffset, `cut ${cut}: file cut back to the last good record`);
      const journal = Journal.open(dir, { durability: 'fsync', segmentBytes: 1 << 20 });
      assert.equal(journal.recovery.truncatedBytes, 0, `cut ${cut}: second recovery finds nothing to cut`);
      assert.equal(journal.append(payloadFor(6)), 6, `cut ${cut}: next seq`);
      assert.equal(journal.append(payloadFor(7)), 7, `cut ${cut}: seq after`);
      journal.close();
      assertContiguous(readAll(dir).records, 1, 7);
      rmSync(dir, { recursive: true });
    }
    assert.ok(statSync(last).size === size, 'the original journal is untouched');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('a CRC mismatch in the last record of the last segment, or a zero-filled tail, is a torn tail', () => {
  const dir = tempDir();
  try {
    const { last, lastOffset, size } = smallJournal(dir);
    const bytes = readFileSync(last);
    bytes[size - 1] ^= 0x01;
    writeFileSync(last, bytes);
    let report = recoverJournal(dir);
    assert.deepEqual([report.lastGoodSeq, report.truncatedBytes], [5, size - lastOffset]);
    writeFileSync(last, Buffer.concat([readFileSync(last), Buffer.alloc(100)]));
    report = recoverJournal(dir);
    assert.deepEqual([report.lastGoodSeq, report.truncatedBytes], [5, 100]);
    assert.equal(statSync(last).size, lastOffset);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a flipped byte anywhere in a middle record stops reading with JournalCorruptError at that record', () => {
  const dir = tempDir();
  try {
    const { last } = smallJournal(dir);
    const pristine = readFileSync(last);
    const recs = readAll(dir).records;
    const victim = recs[4]; // seq 5, the middle record of the last segment
    assert.equal(victim.seq, 5);
    const victimEnd = recs[5].offset;
    for (let at = victim.offset; at < victimEnd; at++) {
      const bytes = Buffer.from(pristine);
      bytes[at] ^= 0x40;
      writeFileSync(last, bytes);
      const seen: number[] = [];
      assert.throws(
        () => {
          for (const r of new JournalReader(dir).records()) seen.push(r.seq);
        },
        (e: unknown) => e instanceof JournalCorruptError && e.file === last && e.offset === victim.offset && e.seq === 5,
        `flip at byte ${at}`,
      );
      assert.deepEqual(seen, [1, 2, 3, 4], `flip at byte ${at}: records before the damage are read`);
      assert.equal(statSync(last).size, pristine.length, `flip at byte ${at}: nothing truncated`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('damage at the end of a segment that is not the last, and a missing segment, are corruption', () => {
  const dir = tempDir();
  try {
    smallJournal(dir);
    const first = join(dir, '00000000000000000001.journal');
    const size = statSync(first).size;
    truncateSync(first, size - 3);
    assert.throws(() => recoverJournal(dir), (e: unknown) => e instanceof JournalCorruptError && e.file === first && e.seq === 3 && /not the last/.test(e.message));
    assert.equal(statSync(first).size, size - 3, 'an earlier segment is never truncated');
    unlinkSync(first);
    const second = join(dir, '00000000000000000004.journal');
    // a journal starting at 4 is legal (older segments pruned); an empty segment 1 before it is a gap
    assert.equal(recoverJournal(dir).lastGoodSeq, 6);
    writeFileSync(join(dir, '00000000000000000001.journal'), Buffer.alloc(0));
    assert.throws(() => recoverJournal(dir), (e: unknown) => e instanceof JournalCorruptError && e.file === second && e.offset === 0 && e.seq === 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('group commit: nothing is written until the commit; sync() resolves only after the fsync', async () => {
  const dir = tempDir();
  try {
    const log: string[] = [];
    const io: JournalIo = {
      writeSync: (fd, buffer, offset, length) => {
        log.push(`write ${length}`);
        return writeSyncReal(fd, buffer, offset, length);
      },
      fsyncSync: (fd) => {
        log.push('fsync');
        fsyncSyncReal(fd);
      },
    };
    const journal = Journal.open(dir, { durability: 'group', groupCommitMs: 5, io });
    for (let seq = 1; seq <= 3; seq++) journal.append(payloadFor(seq));
    assert.equal(log.join(','), '', 'appends stay in memory');
    assert.equal(journal.durableSeq, 0);
    const synced = journal.sync().then((seq) => {
      log.push(`resolved ${seq}`);
      return seq;
    });
    const bytes = 3 * HEADER_BYTES + [1, 2, 3].reduce((n, s) => n + payloadFor(s).length, 0);
    assert.equal(await synced, 3);
    assert.deepEqual(log, [`write ${bytes}`, 'fsync', 'resolved 3']);
    assert.equal(statSync(join(dir, segments(dir)[0])).size, bytes, 'the bytes are in the file');
    // a sync with nothing new is immediate and does not fsync again
    assert.equal(await journal.sync(), 3);
    assert.equal(log.length, 3);
    journal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('group commit flushes by itself once the buffer holds groupCommitBytes; fsync mode fsyncs every append', () => {
  const dir = tempDir();
  try {
    const log: string[] = [];
    const io: JournalIo = {
      writeSync: (fd, buffer, offset, length) => {
        log.push('write');
        return writeSyncReal(fd, buffer, offset, length);
      },
      fsyncSync: (fd) => {
        log.push('fsync');
        fsyncSyncReal(fd);
      },
    };
    const group = Journal.open(join(dir, 'g'), { durability: 'group', groupCommitMs: 60_000, groupCommitBytes: 100, io });
    group.append(new Uint8Array(40)); // 64 bytes buffered
    assert.equal(log.join(','), '', 'the first append stays in memory');
    group.append(new Uint8Array(40)); // would pass 100: the first 64 are written, the second buffered
    group.append(new Uint8Array(12)); // 64 + 36 = 100: full, flushed and fsynced
    assert.deepEqual(log, ['write', 'write', 'fsync']);
    assert.equal(group.durableSeq, 3);
    group.close();
    log.length = 0;
    const each = Journal.open(join(dir, 'f'), { durability: 'fsync', io });
    each.append(payloadFor(1));
    assert.equal(each.durableSeq, 1);
    each.append(payloadFor(2));
    assert.deepEqual(log, ['write', 'fsync', 'write', 'fsync']);
    each.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('crash: SIGKILL a child appending with group commit; every record read is intact and contiguous and every synced one is there', async () => {
  const dir = tempDir();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crashChild.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let syncedLines = 0;
    const enough = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        syncedLines = out.split('\n').filter((l) => l.startsWith('synced ')).length;
        if (syncedLines >= 200) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    await enough;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const syncedSeqs = out.split('\n').filter((l) => l.startsWith('synced ')).map((l) => Number(l.slice(7)));
    const maxSynced = Math.max(...syncedSeqs);
    assert.ok(maxSynced >= 200 * 50, `child synced ${maxSynced} records`);
    const { records, reader } = readAll(dir);
    assert.ok(reader.report.lastGoodSeq >= maxSynced, `lastGoodSeq ${reader.report.lastGoodSeq} covers every synced seq (max ${maxSynced})`);
    assert.equal(records[0].seq, 1);
    for (let i = 0; i < records.length; i++) {
      const seq = i + 1;
      assert.equal(records[i].seq, seq);
      const expected = `record ${seq} ${'x'.repeat(seq % 97)}`;
      if (records[i].text !== expected) assert.fail(`record ${seq} payload differs: ${records[i].text.slice(0, 40)}`);
    }
    assert.ok(reader.report.segments > 1, `the child rotated segments (${reader.report.segments})`);
    const journal = Journal.open(dir, { durability: 'fsync' });
    assert.equal(journal.append(encoder.encode('after crash')), records.length + 1);
    journal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

