/**
 * Streaming reader of Databento DBN market-by-order (MBO) files, plain `.dbn` or zstd-compressed
 * `.dbn.zst` (detected from the file's magic bytes, not its name).
 *
 * The file is read in chunks (default 1 MiB) with readSync and decompressed synchronously and
 * incrementally (./zstd.ts: native zstd-napi when it is installed, else pure-JS fzstd), so a file
 * of any size replays in bounded memory. The native backend decompresses straight into the
 * record buffer, only as far as next() has read. Records are decoded straight from the
 * decompressed bytes with a DataView: u64 fields are read as two u32 halves (no BigInt per
 * record), action/side chars go through lookup tables, the tick conversion is inlined, and
 * `next()` fills and returns ONE reused MboEvent (see MarketDataSource: copy what you keep).
 *
 * DBN layout (versions 1-3; MBO records are identical in all three):
 *   prelude   "DBN" + version u8 + metadata_length u32 LE
 *   metadata  metadata_length bytes (dataset, schema, start, end, ..., symbols, mappings)
 *   records   each starts with a 16-byte header: length in 4-byte words u8, rtype u8,
 *             publisher_id u16, instrument_id u32, ts_event u64
 *   MBO body  order_id u64, price i64 (1e-9), size u32, flags u8, channel_id u8, action char,
 *             side char, ts_recv u64, ts_in_delta i32, sequence u32   (56 bytes, rtype 0xA0;
 *             64 bytes when the metadata says ts_out, with the gateway send time appended)
 *
 * Time: event times are ns since `timeBaseNs` (core/clock.ts). The default base is UTC midnight
 * of the first record's ts_event. The base is split once into hi/lo 32-bit halves so that
 * `(hi - baseHi) * 2^32 + (lo - baseLo)` is computed exactly in doubles.
 *
 * Bad input never crashes the reader: a bad record is counted in `rejects` (reason codes below)
 * and skipped, or, with `stopOnReject`, next() throws DataRejectError naming the record number
 * and the byte offset in the decompressed stream. Damage that makes the rest of the stream
 * unreadable (bad header, corrupt zstd data, impossible record length, truncated last record)
 * is counted once and ends the stream.
 *
 * Reject reasons:
 *   bad_header          not DBN / not zstd, prelude or metadata truncated or too short
 *   unsupported_version DBN version other than 1, 2, 3
 *   unsupported_schema  metadata schema is neither mbo nor mixed
 *   bad_metadata        fixed metadata fine but the symbol section is malformed (records still read)
 *   corrupt_stream      the zstd decoder failed (also covers a truncated .zst; the native backend
 *                       also checks the frame checksum, after handing out that frame's records)
 *   read_error          the file could not be read
 *   bad_record_length   record length under 16 bytes (stream ends), or an MBO record that is not
 *                       56 (64 with ts_out) bytes (skipped by its declared length)
 *   unknown_rtype       a record that is not MBO (skipped by its declared length)
 *   truncated_record    the stream ends inside a record
 *   unknown_instrument  instrument_id not among the instruments given
 *   bad_action / bad_side   char outside A C M R T F N / A B N
 *   undefined_price     price is i64::MAX (UNDEF_PRICE) on an action that needs a price; on R
 *                       (clear book) and N (none) it is accepted and reported as price 0
 *   price_out_of_range  |price| >= 2^53 (not exact as a JS number)
 *   price_off_tick      price not a whole number of the instrument's ticks
 *   size_off_lot        size not a whole number of the instrument's lots
 *   order_id_unsafe     order_id >= 2^53
 *   ts_out_of_range     ts_event or ts_recv more than 2^53 ns (~104 days) from the time base
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { Decompress } from 'fzstd';
import { parseScaled, utcMidnightNs, type BookSide, type Instrument, type MboAction, type MboEvent } from '../../core/index.ts';
import type { MarketDataSource, SourceOptions } from '../MarketDataSource.ts';
import { DataRejectError, RejectCounter } from '../RejectCounter.ts';
import { acquireNativeDCtx, releaseNativeDCtx, resolveZstdBackend, type NativeDCtx, type ZstdBackend, type ZstdChoice } from './zstd.ts';

export interface DbnSourceOptions extends SourceOptions {
  /** zstd backend for .zst files (see ./zstd.ts): 'auto' (default: native if installed), 'native', 'js'. */
  zstd?: ZstdChoice;
}

/** One symbol mapping interval of the DBN metadata (dates as YYYYMMDD numbers). */
export interface DbnMappingInterval {
  startDate: number;
  endDate: number;
  symbol: string;
}

export interface DbnSymbolMapping {
  rawSymbol: string;
  intervals: DbnMappingInterval[];
}

/** The DBN file header, as far as this reader parses it. */
export interface DbnMetadata {
  /** DBN version (1, 2 or 3). */
  version: number;
  /** Byte length of the metadata after the 8-byte prelude; records start at 8 + this. */
  metadataLength: number;
  /** e.g. "GLBX.MDP3". */
  dataset: string;
  /** Raw schema code (0 = mbo, 0xFFFF = mixed). */
  schema: number;
  /** e.g. "mbo", "mixed", "unknown(42)". */
  schemaName: string;
  /** Query start, epoch ns. */
  startNs: bigint;
  /** Query end, epoch ns; undefined when the file leaves it undefined. */
  endNs: bigint | undefined;
  /** Record limit of the query; 0 = none. */
  limit: bigint;
  /** Record count (DBN v1 only; undefined when unknown or v2+). Not trusted by the reader. */
  recordCount: bigint | undefined;
  stypeIn: number;
  stypeOut: number;
  /** Records carry an appended 8-byte ts_out. */
  tsOut: boolean;
  symbolCstrLen: number;
  symbols: string[];
  partial: string[];
  notFound: string[];
  mappings: DbnSymbolMapping[];
}

const SCHEMA_NAMES: readonly string[] = [
  'mbo', 'mbp-1', 'mbp-10', 'tbbo', 'trades', 'ohlcv-1s', 'ohlcv-1m', 'ohlcv-1h', 'ohlcv-1d',
  'definition', 'statistics', 'status', 'imbalance', 'ohlcv-eod', 'cmbp-1', 'cbbo-1s', 'cbbo-1m',
  'tcbbo', 'bbo-1s', 'bbo-1m',
];
const SCHEMA_MBO = 0;
const SCHEMA_MIXED = 0xffff;

const RTYPE_MBO = 0xa0;
const HEADER_LEN = 16;
const MBO_LEN = 56;
/** Fixed part of the metadata (through the reserved bytes), identical in length in v1-v3. */
const METADATA_FIXED_LEN = 100;
const TWO_32 = 4294967296;
/** 2^53 / 2^32: a u64/i64 whose high word reaches this is not exact as a JS number. */
const HI_LIMIT = 0x200000;
const DEFAULT_CHUNK = 1 << 20;
/** The native decompressor gets at least this much free buffer per call. */
const MIN_OUT = 128 * 1024;
const SAMPLE_LIMIT = 20;
const EMPTY = new Uint8Array(0);

// Char code -> index+1 into ACTIONS / SIDES (0 = invalid). No strings are built per record.
const ACTIONS: readonly MboAction[] = ['A', 'C', 'M', 'R', 'T', 'F', 'N'];
const SIDES: readonly BookSide[] = ['A', 'B', 'N'];
const ACTION_INDEX = new Uint8Array(256);
const SIDE_INDEX = new Uint8Array(256);
ACTIONS.forEach((a, i) => { ACTION_INDEX[a.charCodeAt(0)] = i + 1; });
SIDES.forEach((s, i) => { SIDE_INDEX[s.charCodeAt(0)] = i + 1; });
/** Actions for which the price carries no meaning, so UNDEF_PRICE is accepted as "no price". */
const PRICELESS = new Uint8Array(256);
PRICELESS['R'.charCodeAt(0)] = 1;
PRICELESS['N'.charCodeAt(0)] = 1;

/** Per-instrument integers the hot path needs. */
interface InstrumentInfo {
  instrument: Instrument;
  /** Tick size in units of 1e-9 (price / tick = ticks, when whole). */
  tick: number;
  /** size (whole units) x lotMul / lotDiv = lots; both 1 for ES. */
  lotMul: number;
  lotDiv: number;
}

/**
 * Replays a DBN MBO file as MboEvents. Construction opens the file and reads the header (and the
 * first record, for the default time base); nothing it finds there throws: a bad header is
 * counted as a reject and the stream is empty (with stopOnReject, the first next() throws).
 */
export class DbnMboSource implements MarketDataSource {
  readonly name: string;
  readonly timeBaseNs: bigint;
  readonly rejects = new RejectCounter(SAMPLE_LIMIT);

  private fd: number;
  private readonly fileSize: number;
  private filePos = 0;
  private readonly chunkSize: number;
  private readonly stopOnReject: boolean;
  /** 'none' for a plain .dbn; otherwise the zstd backend decompressing it. */
  readonly compression: 'none' | ZstdBackend;
  private readonly zstd: Decompress | undefined;
  /** Native backend: the pooled context, until the stream ends (finish() gives it back). */
  private dctx: NativeDCtx | undefined;
  /** Native backend: compressed bytes read but not yet decompressed are zin[zinPos, zinEnd). */
  private zin = EMPTY;
  private zinPos = 0;
  private zinEnd = 0;
  /** Native backend: the last decompressStream hint (0 = at a frame boundary). */
  private zret = 0;
  /** Every compressed byte has been read from the file. */
  private fileEof = false;

  /** Decompressed bytes: live data is buf[pos, end). */
  private buf = new Uint8Array(256 * 1024);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private end = 0;
  /** Decompressed-stream offset of buf[0] (for reject positions). */
  private bufBase = 0;
  /** No more bytes will arrive (file read to the end, or the stream failed). */
  private eof = false;
  /** The stream is over: next() returns undefined. */
  private done = false;
  /** Why the byte stream ended early (zstd or read error), reported once the buffer drains. */
  private streamError: { reason: string; detail: string } | undefined;
  /** A header reject raised during construction with stopOnReject, thrown by the first next(). */
  private deferred: DataRejectError | undefined;
  /** 1-based number of the record being decoded. */
  private recordNo = 0;
  private meta: DbnMetadata | undefined;
  private mboLen = MBO_LEN;

  private readonly byId = new Map<number, InstrumentInfo>();
  private lastId = -1;
  private lastInfo: InstrumentInfo | undefined;
  private readonly baseHi: number;
  private readonly baseLo: number;

  private readonly event: MboEvent = {
    kind: 'mbo', tsNs: 0, tsRecvNs: 0, instrumentId: 0, action: 'A', side: 'N',
    orderId: 0, price: 0, size: 0, flags: 0, sequence: 0,
  };

  constructor(path: string, instruments: readonly Instrument[], options: DbnSourceOptions = {}) {
    this.name = basename(path);
    const chunk = options.chunkSize ?? DEFAULT_CHUNK;
    if (!Number.isSafeInteger(chunk) || chunk < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunk}`);
    this.chunkSize = chunk;
    this.stopOnReject = options.stopOnReject ?? false;
    for (const inst of instruments) {
      const lotScaled = parseScaled(inst.lotSize, inst.sizePrecision);
      this.byId.set(inst.id, { instrument: inst, tick: inst.tickRaw1e9, lotMul: 10 ** inst.sizePrecision, lotDiv: lotScaled });
    }

    this.fd = openSync(path, 'r');
    this.fileSize = fstatSync(this.fd).size;
    const magic = new Uint8Array(4);
    const got = this.fileSize >= 4 ? readSync(this.fd, magic, 0, 4, 0) : 0;
    const isZstd = got === 4 && (
      (magic[0] === 0x28 && magic[1] === 0xb5 && magic[2] === 0x2f && magic[3] === 0xfd) ||
      ((magic[0] & 0xf0) === 0x50 && magic[1] === 0x2a && magic[2] === 0x4d && magic[3] === 0x18) // skippable frame
    );
    const backend = isZstd ? resolveZstdBackend(options.zstd) : undefined;
    this.compression = backend ?? 'none';
    this.zstd = backend === 'js' ? new Decompress((data) => { this.append(data); }) : undefined;
    this.dctx = backend === 'native' ? acquireNativeDCtx() : undefined;
    if (backend === 'native') this.zin = new Uint8Array(this.chunkSize);

    try {
      this.readHeader();
    } catch (e) {
      if (!(e instanceof DataRejectError)) throw e;
      this.deferred = e;
    }

    let base = options.timeBaseNs;
    if (base === undefined) base = this.defaultTimeBase();
    this.timeBaseNs = base;
    this.baseHi = Number(base >> 32n);
    this.baseLo = Number(base & 0xffffffffn);
  }

  /** The parsed DBN header; undefined if the header could not be read. */
  get metadata(): DbnMetadata | undefined {
    return this.meta;
  }

  next(): MboEvent | undefined {
    if (this.deferred !== undefined) {
      const e = this.deferred;
      this.deferred = undefined;
      throw e;
    }
    for (;;) {
      const p = this.pos;
      const avail = this.end - p;
      if (avail < HEADER_LEN || avail < (this.buf[p] << 2)) {
        if (this.done) return undefined;
        if (!this.fill()) this.endOfBytes(avail);
        continue;
      }
      const buf = this.buf;
      const v = this.view;
      const len = buf[p] << 2;
      this.recordNo++;
      if (len < HEADER_LEN) {
        this.impossibleLength(p);
        return undefined;
      }
      this.pos = p + len;
      if (buf[p + 1] !== RTYPE_MBO) { this.reject('unknown_rtype', p); continue; }
      if (len !== this.mboLen) { this.reject('bad_record_length', p); continue; }

      const id = v.getUint32(p + 4, true);
      let info = this.lastInfo;
      if (id !== this.lastId || info === undefined) {
        info = this.byId.get(id);
        if (info === undefined) { this.reject('unknown_instrument', p); continue; }
        this.lastId = id;
        this.lastInfo = info;
      }

      const actionCode = buf[p + 38];
      const ai = ACTION_INDEX[actionCode];
      if (ai === 0) { this.reject('bad_action', p); continue; }
      const si = SIDE_INDEX[buf[p + 39]];
      if (si === 0) { this.reject('bad_side', p); continue; }

      const oidHi = v.getUint32(p + 20, true);
      if (oidHi >= HI_LIMIT) { this.reject('order_id_unsafe', p); continue; }

      const pxLo = v.getUint32(p + 24, true);
      const pxHi = v.getInt32(p + 28, true);
      let price = 0;
      if (pxHi === 0x7fffffff && pxLo === 0xffffffff) {
        if (PRICELESS[actionCode] === 0) { this.reject('undefined_price', p); continue; }
      } else {
        if (pxHi >= HI_LIMIT || pxHi < -HI_LIMIT) { this.reject('price_out_of_range', p); continue; }
        const raw = pxHi * TWO_32 + pxLo;
        price = raw / info.tick;
        if (!Number.isInteger(price) || price * info.tick !== raw) { this.reject('price_off_tick', p); continue; }
      }

      let size = v.getUint32(p + 32, true);
      if (info.lotDiv !== 1 || info.lotMul !== 1) {
        const scaled = size * info.lotMul;
        const lots = scaled / info.lotDiv;
        if (!Number.isInteger(lots) || !Number.isSafeInteger(scaled)) { this.reject('size_off_lot', p); continue; }
        size = lots;
      }

      const tsNs = (v.getUint32(p + 12, true) - this.baseHi) * TWO_32 + (v.getUint32(p + 8, true) - this.baseLo);
      const tsRecvNs = (v.getUint32(p + 44, true) - this.baseHi) * TWO_32 + (v.getUint32(p + 40, true) - this.baseLo);
      if (tsNs > Number.MAX_SAFE_INTEGER || tsNs < -Number.MAX_SAFE_INTEGER ||
          tsRecvNs > Number.MAX_SAFE_INTEGER || tsRecvNs < -Number.MAX_SAFE_INTEGER) {
        this.reject('ts_out_of_range', p);
        continue;
      }

      const ev = this.event;
      ev.tsNs = tsNs;
      ev.tsRecvNs = tsRecvNs;
      ev.instrumentId = id;
      ev.action = ACTIONS[ai - 1];
      ev.side = SIDES[si - 1];
      ev.orderId = oidHi * TWO_32 + v.getUint32(p + 16, true);
      ev.price = price;
      ev.size = size;
      ev.flags = buf[p + 36];
      ev.sequence = v.getUint32(p + 52, true);
      return ev;
    }
  }

  /** Compressed (file) bytes read so far, and the file size. */
  progress(): { done: number; total: number } {
    return { done: this.filePos, total: this.fileSize };
  }

  /** Closes the file; next() returns undefined from now on. Safe to call twice. */
  close(): void {
    this.finish();
  }

  // ---- byte stream -------------------------------------------------------------------------

  /**
   * Reads one more chunk from the file (decompressing it). Returns false only when no byte will
   * ever arrive again; true means "try again" (a chunk may decompress to nothing yet).
   */
  private fill(): boolean {
    if (this.eof) return false;
    if (this.dctx !== undefined) return this.fillNative(this.dctx);
    try {
      if (this.zstd === undefined) {
        this.reserve(this.chunkSize);
        const n = readSync(this.fd, this.buf, this.end, this.chunkSize, this.filePos);
        this.end += n;
        this.filePos += n;
        if (n === 0 || this.filePos >= this.fileSize) this.endOfFile();
        return true;
      }
      // A fresh chunk per read: fzstd keeps references to pushed chunks between pushes.
      const chunk = new Uint8Array(this.chunkSize);
      const n = readSync(this.fd, chunk, 0, this.chunkSize, this.filePos);
      this.filePos += n;
      const last = n === 0 || this.filePos >= this.fileSize;
      if (last) this.endOfFile();
      try {
        this.zstd.push(n === 0 ? EMPTY : n === chunk.length ? chunk : chunk.subarray(0, n), last);
      } catch (e) {
        this.streamError = { reason: 'corrupt_stream', detail: `zstd: ${errorText(e)} (compressed bytes read: ${this.filePos})` };
        this.endOfFile();
      }
      return true;
    } catch (e) {
      this.streamError = { reason: 'read_error', detail: errorText(e) };
      this.endOfFile();
      return true;
    }
  }

  /**
   * Native zstd: decompresses into the free end of `buf` until at least one byte comes out or
   * the stream is over. The compressed input buffer is reused (zstd copies what it keeps).
   */
  private fillNative(dctx: NativeDCtx): boolean {
    if (this.buf.length - this.end < MIN_OUT) this.reserve(MIN_OUT);
    const out = this.buf.subarray(this.end);
    try {
      for (;;) {
        if (this.zinPos === this.zinEnd && !this.fileEof) {
          let n: number;
          try {
            n = readSync(this.fd, this.zin, 0, this.zin.length, this.filePos);
          } catch (e) {
            this.streamError = { reason: 'read_error', detail: errorText(e) };
            this.endOfFile();
            return true;
          }
          this.filePos += n;
          this.zinPos = 0;
          this.zinEnd = n;
          if (n === 0 || this.filePos >= this.fileSize) {
            this.fileEof = true;
            this.closeFd();
          }
        }
        const input = this.zin.subarray(this.zinPos, this.zinEnd);
        const r = dctx.decompressStream(out, input);
        const produced = r[1];
        this.zinPos += r[2];
        // a call that moved nothing returns the next frame's header hint, not the frame's state
        if (produced > 0 || r[2] > 0) this.zret = r[0];
        this.end += produced;
        if (produced > 0) return true;
        if (this.zinPos === this.zinEnd && this.fileEof) {
          // drained: a frame left open means the file was cut inside it
          if (this.zret !== 0) {
            this.streamError = { reason: 'corrupt_stream', detail: `zstd: truncated frame (compressed bytes read: ${this.filePos})` };
          }
          this.eof = true;
          return true;
        }
        if (r[2] === 0 && input.length > 0) throw new Error('no progress');
      }
    } catch (e) {
      this.streamError = { reason: 'corrupt_stream', detail: `zstd: ${errorText(e)} (compressed bytes read: ${this.filePos})` };
      this.endOfFile();
      return true;
    }
  }

  private endOfFile(): void {
    this.eof = true;
    this.closeFd();
  }

  private closeFd(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  /** Called when no more bytes will come and `avail` bytes are left over. */
  private endOfBytes(avail: number): void {
    const at = this.bufBase + this.pos;
    this.finish();
    const err = this.streamError;
    if (err !== undefined) {
      this.streamError = undefined;
      this.rejectAt(err.reason, this.recordNo + 1, `${err.detail}; ${avail} undecoded bytes at byte ${at} dropped`);
    } else if (avail > 0) {
      this.rejectAt('truncated_record', this.recordNo + 1, `stream ends ${avail} bytes into a record at byte ${at} of the decompressed stream`);
    }
  }

  /** A record length under 16 bytes: nothing after it can be framed, so the stream ends. */
  private impossibleLength(p: number): void {
    const detail = this.describe('bad_record_length', p);
    this.finish();
    this.rejectAt('bad_record_length', this.recordNo, detail);
  }

  /** Ends the stream: whatever is left in the buffer is dropped. */
  private finish(): void {
    this.done = true;
    this.eof = true;
    if (this.dctx !== undefined) {
      releaseNativeDCtx(this.dctx);
      this.dctx = undefined;
      this.zin = EMPTY;
    }
    this.bufBase += this.end;
    this.pos = 0;
    this.end = 0;
    this.closeFd();
  }

  private append(data: Uint8Array): void {
    const n = data.length;
    if (n === 0) return;
    this.reserve(n);
    this.buf.set(data, this.end);
    this.end += n;
  }

  /** Makes room for n more bytes after `end`, moving live bytes to the front or growing. */
  private reserve(n: number): void {
    if (this.end + n <= this.buf.length) return;
    const live = this.end - this.pos;
    if (live + n <= this.buf.length) {
      this.buf.copyWithin(0, this.pos, this.end);
    } else {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, live + n));
      grown.set(this.buf.subarray(this.pos, this.end));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    this.bufBase += this.pos;
    this.pos = 0;
    this.end = live;
  }

  /** At least n bytes available at pos (false at the end of the stream). */
  private ensure(n: number): boolean {
    while (this.end - this.pos < n) {
      if (!this.fill()) return false;
    }
    return true;
  }

  // ---- header ------------------------------------------------------------------------------

  private readHeader(): void {
    if (!this.ensure(8)) return this.headerFailed('bad_header', 'file shorter than the 8-byte DBN prelude');
    const b = this.buf;
    const p = this.pos;
    if (b[p] !== 0x44 || b[p + 1] !== 0x42 || b[p + 2] !== 0x4e) {
      return this.headerFailed('bad_header', `bad magic (expected "DBN" or zstd): ${hex(b, p, 4)}`);
    }
    const version = b[p + 3];
    if (version < 1 || version > 3) return this.headerFailed('unsupported_version', `DBN version ${version}`);
    const mdLen = this.view.getUint32(p + 4, true);
    if (mdLen < METADATA_FIXED_LEN) return this.headerFailed('bad_header', `metadata length ${mdLen} < ${METADATA_FIXED_LEN}`);
    if (!this.ensure(8 + mdLen)) return this.headerFailed('bad_header', `file ends inside the ${mdLen}-byte metadata`);
    const { meta, problem } = parseMetadata(this.buf.subarray(this.pos + 8, this.pos + 8 + mdLen), version);
    this.meta = meta;
    this.pos += 8 + mdLen;
    this.mboLen = meta.tsOut ? MBO_LEN + 8 : MBO_LEN;
    if (meta.schema !== SCHEMA_MBO && meta.schema !== SCHEMA_MIXED) {
      return this.headerFailed('unsupported_schema', `schema ${meta.schemaName}, this reader decodes mbo`);
    }
    if (problem !== undefined) this.rejectAt('bad_metadata', 0, problem);
  }

  private headerFailed(reason: string, detail: string): void {
    this.finish();
    this.rejectAt(reason, 0, detail);
  }

  /** UTC midnight of the first record's ts_event (else of the metadata start, else 0). */
  private defaultTimeBase(): bigint {
    if (!this.done && this.ensure(HEADER_LEN)) {
      const hi = this.view.getUint32(this.pos + 12, true);
      const lo = this.view.getUint32(this.pos + 8, true);
      if (!(hi === 0xffffffff && lo === 0xffffffff)) return utcMidnightNs((BigInt(hi) << 32n) | BigInt(lo));
    }
    const start = this.meta?.startNs;
    if (start !== undefined && start !== 0xffffffffffffffffn) return utcMidnightNs(start);
    return 0n;
  }

  // ---- rejects -----------------------------------------------------------------------------

  /** Counts (or throws) a reject for the record starting at buf[p] (still in the buffer). */
  private reject(reason: string, p: number): void {
    const wantDetail = this.stopOnReject || this.rejects.samples.length < SAMPLE_LIMIT;
    this.rejectAt(reason, this.recordNo, wantDetail ? this.describe(reason, p) : '');
  }

  private rejectAt(reason: string, position: number, detail: string): void {
    this.rejects.add(this.name, position, reason, detail);
    if (this.stopOnReject) throw new DataRejectError({ source: this.name, position, reason, detail });
  }

  private describe(reason: string, p: number): string {
    const b = this.buf;
    const v = this.view;
    const at = `record ${this.recordNo} at byte ${this.bufBase + p} of the decompressed stream`;
    const len = b[p] << 2;
    switch (reason) {
      case 'bad_record_length': return `${at}: length ${len} bytes (rtype 0x${b[p + 1].toString(16)}, MBO is ${this.mboLen})`;
      case 'unknown_rtype': return `${at}: rtype 0x${b[p + 1].toString(16)}, length ${len}`;
      case 'unknown_instrument': return `${at}: instrument_id ${v.getUint32(p + 4, true)}`;
      case 'bad_action': return `${at}: action byte 0x${b[p + 38].toString(16)}`;
      case 'bad_side': return `${at}: side byte 0x${b[p + 39].toString(16)}`;
      case 'order_id_unsafe': return `${at}: order_id ${readU64(v, p + 16)} >= 2^53`;
      case 'undefined_price': return `${at}: UNDEF_PRICE on action ${String.fromCharCode(b[p + 38])}`;
      case 'price_out_of_range':
      case 'price_off_tick': {
        const inst = this.byId.get(v.getUint32(p + 4, true));
        return `${at}: price ${v.getBigInt64(p + 24, true)} (1e-9), tick ${inst?.instrument.tickRaw1e9 ?? '?'}`;
      }
      case 'size_off_lot': return `${at}: size ${v.getUint32(p + 32, true)}`;
      case 'ts_out_of_range': return `${at}: ts_event ${readU64(v, p + 8)} ts_recv ${readU64(v, p + 40)} vs time base ${this.timeBaseNs}`;
      default: return at;
    }
  }
}

function readU64(v: DataView, at: number): bigint {
  return v.getBigUint64(at, true);
}

function hex(b: Uint8Array, at: number, n: number): string {
  return Array.from(b.subarray(at, at + n), (x) => x.toString(16).padStart(2, '0')).join(' ');
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const latin1 = new TextDecoder('latin1');

/**
 * Parses DBN metadata (the bytes after the prelude). The fixed part is always returned; a
 * malformed symbol section is reported in `problem` (the records can still be read).
 */
function parseMetadata(m: Uint8Array, version: number): { meta: DbnMetadata; problem: string | undefined } {
  const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
  const cstr = (at: number, len: number): string => {
    let e = at;
    while (e < at + len && m[e] !== 0) e++;
    return latin1.decode(m.subarray(at, e));
  };
  let pos = 0;
  const dataset = cstr(0, 16);
  pos = 16;
  const schema = v.getUint16(pos, true);
  pos += 2;
  const startNs = v.getBigUint64(pos, true);
  const end = v.getBigUint64(pos + 8, true);
  const limit = v.getBigUint64(pos + 16, true);
  pos += 24;
  let recordCount: bigint | undefined;
  if (version === 1) {
    const rc = v.getBigUint64(pos, true);
    recordCount = rc === 0xffffffffffffffffn ? undefined : rc;
    pos += 8;
  }
  const stypeIn = m[pos];
  const stypeOut = m[pos + 1];
  const tsOut = m[pos + 2] !== 0;
  pos += 3;
  let symbolCstrLen = 22;
  if (version > 1) {
    symbolCstrLen = v.getUint16(pos, true);
    pos += 2;
  }
  pos += version === 1 ? 47 : 53; // reserved
  const meta: DbnMetadata = {
    version,
    metadataLength: m.length,
    dataset,
    schema,
    schemaName: schema === SCHEMA_MIXED ? 'mixed' : (SCHEMA_NAMES[schema] ?? `unknown(${schema})`),
    startNs,
    endNs: end === 0xffffffffffffffffn ? undefined : end,
    limit,
    recordCount,
    stypeIn,
    stypeOut,
    tsOut,
    symbolCstrLen,
    symbols: [],
    partial: [],
    notFound: [],
    mappings: [],
  };

  // Variable part, bounds-checked throughout.
  const fail = (what: string): { meta: DbnMetadata; problem: string } => ({ meta, problem: `metadata: ${what} at byte ${pos}` });
  if (symbolCstrLen === 0) return fail('symbol_cstr_len is 0');
  if (pos + 4 > m.length) return fail('no schema_definition_length');
  const defLen = v.getUint32(pos, true);
  pos += 4;
  if (defLen !== 0) return fail(`schema definition of ${defLen} bytes not supported`);
  const lists: string[][] = [meta.symbols, meta.partial, meta.notFound];
  for (const list of lists) {
    if (pos + 4 > m.length) return fail('symbol list count truncated');
    const count = v.getUint32(pos, true);
    pos += 4;
    if (pos + count * symbolCstrLen > m.length) return fail(`symbol list of ${count} overruns the metadata`);
    for (let i = 0; i < count; i++, pos += symbolCstrLen) list.push(cstr(pos, symbolCstrLen));
  }
  if (pos + 4 > m.length) return fail('mapping count truncated');
  const mappingCount = v.getUint32(pos, true);
  pos += 4;
  for (let i = 0; i < mappingCount; i++) {
    if (pos + symbolCstrLen + 4 > m.length) return fail(`mapping ${i} truncated`);
    const rawSymbol = cstr(pos, symbolCstrLen);
    pos += symbolCstrLen;
    const intervalCount = v.getUint32(pos, true);
    pos += 4;
    if (pos + intervalCount * (8 + symbolCstrLen) > m.length) return fail(`mapping ${i} intervals overrun the metadata`);
    const intervals: DbnMappingInterval[] = [];
    for (let j = 0; j < intervalCount; j++) {
      intervals.push({ startDate: v.getUint32(pos, true), endDate: v.getUint32(pos + 4, true), symbol: cstr(pos + 8, symbolCstrLen) });
      pos += 8 + symbolCstrLen;
    }
    meta.mappings.push({ rawSymbol, intervals });
  }
  return { meta, problem: undefined };
}
