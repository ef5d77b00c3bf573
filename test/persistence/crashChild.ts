/**
 * Crash-test child: appends records in a loop to the journal in argv[2] with group commit and,
 * after each `sync()`, prints the synced sequence number on its own line. The parent SIGKILLs it.
 */
import { Journal } from '../../src/persistence/Journal.ts';

const dir = process.argv[2];
const journal = Journal.open(dir, { durability: 'group', groupCommitMs: 1, segmentBytes: 64 * 1024 });
const encoder = new TextEncoder();
process.stdout.write('ready\n');
for (;;) {
  for (let i = 0; i < 50; i++) {
    const seq = journal.lastSeq + 1;
    journal.append(encoder.encode(`record ${seq} ${'x'.repeat(seq % 97)}`));
  }
  const synced = await journal.sync();
  process.stdout.write(`synced ${synced}\n`);
}
