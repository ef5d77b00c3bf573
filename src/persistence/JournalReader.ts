import { closeSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHeader, HEADER_BYTES, recordCrcMatches, segmentFirstSeq } from './recordFormat.ts';

/** One journal record as read back. `payload` is a view into the segment's buffer (copy it to keep it past the next segment). */
export interface JournalRecord {
  seq: number;
  payload: Uint8Array;
  file: string;
  offset: number;
}

/** What a full read of the journal found. `lastGoodSeq` is 0 for an empty journal. */
export interface RecoveryReport {
  segments: number;
  records: number;
  firstSeq: number;
  lastGoodSeq: number;
  /** Bytes cut from the end of the last segment (a torn tail), 0 when it ended cleanly. */
  truncatedBytes: number;
  /** The segment that was cut, or null. */
  truncatedFile: string | null;
  /** The last segment (null for an empty directory) and its size after any cut. */
  lastSegment: string | null;
  lastSegmentBytes: number;
}

/** A record that is damaged with data after it, or a sequence gap: never skipped, never guessed. */
export class JournalCorruptError extends Error {
  override readonly name = 'JournalCorruptError';
  constructor(
    readonly file: string,
    readonly offset: number,
    /** The sequence number expected at this offset. */
    readonly seq: number,
    readonly reason: string,
  ) {
    super(`journal corrupt: ${file} at byte ${offset} (expected seq ${seq}): ${reason}`);
  }
}

export interface JournalReaderOptions {
  /** Cut a torn tail off the last segment (default true). With false the tail is only reported. */
  truncate?: boolean;
}

/** Segment files of `dir`, sorted by their first sequence number. */
export function listSegments(dir: string): { name: string; firstSeq: number }[] {
  const out: { name: string; firstSeq: number }[] = [];
  for (const name of readdirSync(dir)) {
    const firstSeq = segmentFirstSeq(name);
    if (firstSeq !== null) out.push({ name, firstSeq });
  }
  out.sort((a, b) => a.firstSeq - b.firstSeq);
  return out;
}

function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Reads every record of a journal directory in sequence order, checking each one's CRCs and that
 * sequence numbers are contiguous across segments.
 *
 * Only the end of the LAST segment may be damaged: a short header, a payload cut short (its
 * header intact), a record CRC mismatch on the very last record, or a tail of zeros is a torn
 * write (a crash mid-append); it is cut off the file (`truncate`, default) and reported in
 * `report`. Anything else — a bad record with data after it, damage in an earlier segment, a
 * sequence gap, a header failing its CRC with non-zero bytes after it — throws
 * `JournalCorruptError` naming the file, the byte offset and the expected sequence number.
 */
export class JournalReader {
  private result: RecoveryReport | null = null;

  constructor(
    readonly dir: string,
    private readonly options: JournalReaderOptions = {},
  ) {}

  /** The recovery report; available once `records()` has been iterated to the end. */
  get report(): RecoveryReport {
    if (!this.result) throw new Error('JournalReader.report: iterate records() to the end first');
    return this.result;
  }

  /** Iterates the records, then fills `report`. Reads one segment into memory at a time. */
  *records(): Generator<JournalRecord> {
    const segments = listSegments(this.dir);
    let expected = segments.length > 0 ? segments[0].firstSeq : 1;
    const firstSeq = expected;
    let records = 0;
    let truncatedBytes = 0;
    let truncatedFile: string | null = null;
    let lastSegmentBytes = 0;
    for (let s = 0; s < segments.length; s++) {
      const { name, firstSeq: declared } = segments[s];
      const isLast = s === segments.length - 1;
      const path = join(this.dir, name);
      if (declared !== expected) throw new JournalCorruptError(path, 0, expected, `segment name declares first seq ${declared}`);
      const bytes = readFileSync(path);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let at = 0;
      let tornAt = -1;
      let tornReason = '';
      while (at < bytes.length) {
        const remaining = bytes.length - at;
        if (remaining < HEADER_BYTES) {
          tornAt = at;
          tornReason = `short header (${remaining} of ${HEADER_BYTES} bytes)`;
          break;
        }
        const header = decodeHeader(bytes, view, at);
        if (!header) {
          if (allZero(bytes, at)) {
            tornAt = at;
            tornReason = 'zero-filled tail';
            break;
          }
          throw new JournalCorruptError(path, at, expected, 'bad record header (magic or header CRC)');
        }
        if (header.seq !== expected) throw new JournalCorruptError(path, at, expected, `sequence gap: found seq ${header.seq}`);
        const end = at + HEADER_BYTES + header.payloadLength;
        if (end > bytes.length) {
          tornAt = at;
          tornReason = `short payload (${bytes.length - at - HEADER_BYTES} of ${header.payloadLength} bytes)`;
          break;
        }
        if (!recordCrcMatches(bytes, at, header)) {
          if (end === bytes.length) {
            tornAt = at;
            tornReason = 'record CRC mismatch on the last record';
            break;
          }
          throw new JournalCorruptError(path, at, expected, 'record CRC mismatch with data after it');
        }
        yield { seq: header.seq, payload: bytes.subarray(at + HEADER_BYTES, end), file: path, offset: at };
        records++;
        expected++;
        at = end;
      }
      if (tornAt >= 0) {
        if (!isLast) throw new JournalCorruptError(path, tornAt, expected, `${tornReason} in a segment that is not the last`);
        truncatedBytes = bytes.length - tornAt;
        truncatedFile = path;
        if (this.options.truncate !== false) {
          const fd = openSync(path, 'r+');
          try {
            ftruncateSync(fd, tornAt);
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
        }
        lastSegmentBytes = tornAt;
      } else {
        lastSegmentBytes = bytes.length;
      }
    }
    const last = segments.length > 0 ? segments[segments.length - 1] : null;
    this.result = {
      segments: segments.length,
      records,
      firstSeq,
      lastGoodSeq: expected - 1,
      truncatedBytes,
      truncatedFile,
      lastSegment: last ? join(this.dir, last.name) : null,
      lastSegmentBytes: last ? lastSegmentBytes : 0,
    };
  }
}

/** Reads the whole journal (repairing a torn tail) and returns the report. */
export function recoverJournal(dir: string, options: JournalReaderOptions = {}): RecoveryReport {
  const reader = new JournalReader(dir, options);
  for (const _record of reader.records()) {
    // only the report is needed
  }
  return reader.report;
}
