/**
 * Journal append throughput (`npm run bench -- journal`): ~100-byte payloads into a temp dir,
 * with group commit (target >= 500,000 events/s, fsynced at the end and every groupCommitBytes)
 * and with an fsync per event (reported, no target). BENCH_SECONDS sets the seconds per figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, recoverJournal } from '../src/persistence/Journal.ts';

const MIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PAYLOAD_BYTES = 100;

function payloads(): Uint8Array[] {
  // 64 distinct payloads of 100 bytes, like a small encoded order event
  const out: Uint8Array[] = [];
  for (let i = 0; i < 64; i++) {
    const p = new Uint8Array(PAYLOAD_BYTES);
    for (let j = 0; j < PAYLOAD_BYTES; j++) p[j] = (i * 31 + j * 7) & 0xff;
    out.push(p);
  }
  return out;
}

/** Appends for at least `seconds` (checking the clock every `batch` appends), then closes; events/s including the final fsync. */
function appendRate(durability: 'group' | 'fsync', seconds: number, batch: number): { events: number; seconds: number; eps: number; segments: number } {
  const dir = mkdtempSync(join(tmpdir(), `bulwark-journal-bench-${durability}-`));
  try {
    const data = payloads();
    const journal = Journal.open(dir, { durability, segmentBytes: 64 * 1024 * 1024 });
    const start = process.hrtime.bigint();
    const stopAt = start + BigInt(Math.round(seconds * 1e9));
    let events = 0;
    for (;;) {
      for (let i = 0; i < batch; i++) journal.append(data[(events + i) & 63]);
      events += batch;
      if (process.hrtime.bigint() >= stopAt) break;
    }
    journal.close();
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    const report = recoverJournal(dir);
    if (report.lastGoodSeq !== events) throw new Error(`journal bench: wrote ${events}, read back ${report.lastGoodSeq}`);
    return { events, seconds: elapsed, eps: events / elapsed, segments: report.segments };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function journalBenchmark(): Record<string, unknown> {
  appendRate('group', 0.5, 10_000); // warm-up
  const group = appendRate('group', MIN_SECONDS, 10_000);
  const fsync = appendRate('fsync', Math.min(MIN_SECONDS, 2), 10);
  return {
    payload_bytes: PAYLOAD_BYTES,
    group_commit_eps: Math.round(group.eps),
    group_commit_events: group.events,
    group_commit_segments: group.segments,
    group_commit_mb_per_s: Number(((group.eps * (PAYLOAD_BYTES + 24)) / 1e6).toFixed(1)),
    target_group_commit_eps: 500_000,
    group_commit_meets_target: group.eps >= 500_000,
    fsync_per_event_eps: Math.round(fsync.eps),
    fsync_per_event_us: Number((1e6 / fsync.eps).toFixed(1)),
    fsync_events: fsync.events,
    tmpdir: tmpdir(),
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
  };
}
