import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { recoverJournal, type RecoveryReport } from './JournalReader.ts';
import { encodeRecord, HEADER_BYTES, segmentName } from './recordFormat.ts';

export { JournalCorruptError, JournalReader, recoverJournal, type JournalRecord, type RecoveryReport } from './JournalReader.ts';

/** The two calls that decide durability; injectable so tests can watch their order. */
export interface JournalIo {
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
}

const nodeIo: JournalIo = {
  writeSync: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  fsyncSync: (fd) => fsyncSync(fd),
};

export interface JournalOptions {
  /** 'fsync': every append is written and fsynced before `append` returns. 'group': group commit. */
  durability: 'fsync' | 'group';
  /** Group commit: the longest an append waits in memory before it is written and fsynced (default 2 ms, real time). */
  groupCommitMs?: number;
  /** Group commit: flush as soon as this many bytes are buffered (default 1 MiB). */
  groupCommitBytes?: number;
  /** Start a new segment file once the current one would pass this size (default 64 MiB). */
  segmentBytes?: number;
  io?: JournalIo;
}

/** Encodes a record payload; `JournalCodec` turns typed values into the bytes `append` takes. */
export interface JournalCodec<T> {
  encode(value: T): Uint8Array;
  decode(payload: Uint8Array): T;
}

/** A UTF-8 JSON codec; `parse` checks the decoded value's shape (a zod schema's `parse` fits). */
export function jsonCodec<T>(parse: (value: unknown) => T): JournalCodec<T> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    encode: (value) => encoder.encode(JSON.stringify(value)),
    decode: (payload) => parse(JSON.parse(decoder.decode(payload))),
  };
}

interface SyncWaiter {
  seq: number;
  resolve: (durableSeq: number) => void;
  reject: (error: Error) => void;
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * Append-only journal of commands and events: one record per `append`, numbered 1, 2, 3, …
 * across segment files named by their first sequence number. Opening a directory first recovers
 * it (`JournalReader`: a torn tail is cut, corruption throws) and continues the sequence.
 *
 * File I/O is synchronous: an fsync-per-append journal blocks for the fsync; a group-commit
 * journal copies the record into a buffer and writes + fsyncs the buffer every `groupCommitMs`
 * (a real timer), whenever it holds `groupCommitBytes`, on `flush()` and on `close()`.
 * `await sync()` resolves once everything appended before the call is on disk.
 */
export class Journal {
  private fd: number;
  private segmentSize: number;
  private buffer: Uint8Array;
  private view: DataView;
  private used = 0;
  private nextSeq: number;
  private durable: number;
  private timer: NodeJS.Timeout | null = null;
  private waiters: SyncWaiter[] = [];
  private failure: Error | null = null;
  private closed = false;
  private readonly group: boolean;
  private readonly groupCommitMs: number;
  private readonly segmentBytes: number;
  private readonly io: JournalIo;

  private constructor(
    readonly dir: string,
    options: JournalOptions,
    /** What recovery found when the journal was opened. */
    readonly recovery: RecoveryReport,
  ) {
    this.group = options.durability === 'group';
    this.groupCommitMs = options.groupCommitMs ?? 2;
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
    this.io = options.io ?? nodeIo;
    const bufferBytes = this.group ? (options.groupCommitBytes ?? 1024 * 1024) : 64 * 1024;
    this.buffer = new Uint8Array(bufferBytes);
    this.view = new DataView(this.buffer.buffer);
    this.nextSeq = recovery.lastGoodSeq + 1;
    this.durable = recovery.lastGoodSeq;
    if (recovery.lastSegment) {
      this.fd = openSync(recovery.lastSegment, 'a');
      this.segmentSize = recovery.lastSegmentBytes;
    } else {
      this.fd = this.createSegment(this.nextSeq);
      this.segmentSize = 0;
    }
  }

  /** Opens (creating if needed) the journal in `dir`, recovering it first. */
  static open(dir: string, options: JournalOptions): Journal {
    mkdirSync(dir, { recursive: true });
    return new Journal(dir, options, recoverJournal(dir));
  }

  /** The sequence number of the last record appended (0 before any). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** The last sequence number known to be on disk. */
  get durableSeq(): number {
    return this.durable;
  }

  /** Appends one record and returns its sequence number. In 'fsync' mode it is durable on return. */
  append(payload: Uint8Array): number {
    if (this.closed) throw new Error('Journal.append: journal is closed');
    if (this.failure) throw this.failure;
    const seq = this.nextSeq;
    if (seq > MAX_SEQ) throw new Error('Journal.append: sequence number space exhausted');
    if (payload.length > 0xffff_ffff) throw new Error('Journal.append: payload longer than 4 GiB');
    const size = HEADER_BYTES + payload.length;
    if (this.segmentSize > 0 && this.segmentSize + size > this.segmentBytes) this.rotate(seq);
    if (this.used + size > this.buffer.length) {
      try {
        this.writeBuffered();
      } catch (e) {
        this.fail(e instanceof Error ? e : new Error(String(e)));
        throw this.failure;
      }
      if (size > this.buffer.length) this.growBuffer(size);
    }
    this.used += encodeRecord(this.buffer, this.view, this.used, seq, payload);
    this.segmentSize += size;
    this.nextSeq = seq + 1;
    if (!this.group) {
      this.flush();
    } else if (this.used >= this.buffer.length) {
      this.flush();
    } else if (this.timer === null) {
      this.timer = setTimeout(this.onTimer, this.groupCommitMs);
    }
    return seq;
  }

  /** Resolves with the durable sequence number once every record appended so far is on disk. */
  sync(): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.lastSeq;
    if (this.durable >= seq) return Promise.resolve(this.durable);
    return new Promise<number>((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      if (this.timer === null) this.timer = setTimeout(this.onTimer, this.groupCommitMs);
    });
  }

  /** Writes and fsyncs everything buffered now, then settles the `sync()` waiters it covers. */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.durable < this.lastSeq) {
      try {
        this.writeBuffered();
        this.io.fsyncSync(this.fd);
      } catch (e) {
        this.fail(e instanceof Error ? e : new Error(String(e)));
        throw this.failure;
      }
      this.durable = this.lastSeq;
    }
    this.settleWaiters();
  }

  /** Flushes and closes the file. Further appends throw. */
  close(): void {
    if (this.closed) return;
    try {
      if (!this.failure) this.flush();
    } finally {
      this.closed = true;
      closeSync(this.fd);
    }
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    try {
      this.flush();
    } catch {
      // the failure is recorded and every waiter rejected; appends will throw it
    }
  };

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const pending: SyncWaiter[] = [];
    for (const w of this.waiters) {
      if (w.seq <= this.durable) w.resolve(this.durable);
      else pending.push(w);
    }
    this.waiters = pending;
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const w of this.waiters) w.reject(error);
    this.waiters = [];
  }

  /** Writes the buffer to the current segment (no fsync). */
  private writeBuffered(): void {
    let off = 0;
    while (off < this.used) off += this.io.writeSync(this.fd, this.buffer, off, this.used - off);
    this.used = 0;
  }

  private growBuffer(size: number): void {
    this.buffer = new Uint8Array(size);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Makes the current segment durable and starts a new one whose first record is `firstSeq`. */
  private rotate(firstSeq: number): void {
    this.flush();
    closeSync(this.fd);
    this.fd = this.createSegment(firstSeq);
    this.segmentSize = 0;
  }

  /** Creates a segment file and fsyncs the directory so the new name survives a crash. */
  private createSegment(firstSeq: number): number {
    const fd = openSync(join(this.dir, segmentName(firstSeq)), 'wx');
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    return fd;
  }
}
