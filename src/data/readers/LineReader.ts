import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Default read size: 1 MiB. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;
/** Lines longer than this (in UTF-16 chars) are discarded and reported as too long. */
export const DEFAULT_MAX_LINE_CHARS = 64 << 20;

/**
 * Synchronous, chunked line reader: the file is read with readSync in chunks of `chunkSize`
 * bytes and never held whole. Lines are returned without their terminator ("\n" or "\r\n");
 * a line split across chunks is joined, a multi-byte UTF-8 character split across chunks is
 * decoded correctly, a UTF-8 BOM at the start is dropped, and a final line without a newline is
 * returned. An empty file yields no lines; a file ending in "\n" yields no trailing empty line.
 *
 * `lineNumber` is the 1-based physical line number of the line last returned (blank lines count).
 * A line longer than `maxLineChars` is not kept: it is returned as '' with `lineTooLong` set, so
 * a file of random bytes without newlines cannot exhaust memory.
 */
export class LineReader {
  readonly path: string;
  readonly totalBytes: number;
  /** 1-based number of the line last returned by next(); 0 before the first. */
  lineNumber = 0;
  /** True when the line last returned was longer than maxLineChars (its text is dropped). */
  lineTooLong = false;

  private fd: number;
  private readonly buf: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private readonly maxLineChars: number;
  private text = '';
  private pos = 0;
  private carry = '';
  private skipping = false;
  private eof = false;
  private bytesDone = 0;

  constructor(path: string, chunkSize: number = DEFAULT_CHUNK_SIZE, maxLineChars: number = DEFAULT_MAX_LINE_CHARS) {
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
    this.path = path;
    this.fd = openSync(path, 'r');
    try {
      this.totalBytes = fstatSync(this.fd).size;
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
    this.buf = Buffer.allocUnsafe(chunkSize);
    this.maxLineChars = maxLineChars;
  }

  /** Bytes read from the file so far. */
  get bytesRead(): number {
    return this.bytesDone;
  }

  /** The next line (without "\n" / "\r\n"), or undefined at the end of the file or after close(). */
  next(): string | undefined {
    for (;;) {
      const nl = this.text.indexOf('\n', this.pos);
      if (nl >= 0) {
        let line = this.text.slice(this.pos, nl);
        this.pos = nl + 1;
        if (this.skipping) {
          this.skipping = false;
          return this.finish('', true);
        }
        if (this.carry.length > 0) {
          line = this.carry + line;
          this.carry = '';
          if (line.length > this.maxLineChars) return this.finish('', true);
        }
        return this.finish(line, false);
      }
      if (this.pos < this.text.length && !this.skipping) {
        this.carry += this.text.slice(this.pos);
        if (this.carry.length > this.maxLineChars) {
          this.carry = '';
          this.skipping = true;
        }
      }
      this.text = '';
      this.pos = 0;
      if (this.eof) {
        if (this.skipping) {
          this.skipping = false;
          return this.finish('', true);
        }
        if (this.carry.length > 0) {
          const last = this.carry;
          this.carry = '';
          return this.finish(last, false);
        }
        return undefined;
      }
      this.fill();
    }
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
    this.eof = true;
    this.text = '';
    this.pos = 0;
    this.carry = '';
    this.skipping = false;
  }

  private fill(): void {
    if (this.fd < 0) {
      this.eof = true;
      return;
    }
    const n = readSync(this.fd, this.buf, 0, this.buf.length, this.bytesDone);
    if (n === 0) {
      this.eof = true;
      this.text = this.decoder.end();
      return;
    }
    this.bytesDone += n;
    this.text = this.decoder.write(n === this.buf.length ? this.buf : this.buf.subarray(0, n));
  }

  private finish(line: string, tooLong: boolean): string {
    this.lineNumber++;
    this.lineTooLong = tooLong;
    let end = line.length;
    if (end > 0 && line.charCodeAt(end - 1) === 13 /* \r */) end--;
    const start = this.lineNumber === 1 && end > 0 && line.charCodeAt(0) === 0xfeff ? 1 : 0;
    return start === 0 && end === line.length ? line : line.slice(start, end);
  }
}
