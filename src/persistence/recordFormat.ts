/**
 * On-disk record layout of the journal (little-endian, 24-byte header, then the payload):
 *
 * | offset | size | field                                                        |
 * |--------|------|--------------------------------------------------------------|
 * | 0      | 1    | magic + version byte (`RECORD_MAGIC`)                        |
 * | 1      | 3    | reserved, zero                                               |
 * | 4      | 4    | payload length (u32)                                         |
 * | 8      | 8    | sequence number (u64 as lo u32, hi u32)                      |
 * | 16     | 4    | CRC32 of header bytes 0..16 followed by the payload           |
 * | 20     | 4    | CRC32 of header bytes 0..20 (the header alone)               |
 *
 * The header CRC lets recovery trust a length field before the payload is read: a record whose
 * header is intact but whose payload runs past the end of the file is a torn write, while a
 * header that fails its own CRC is corruption (unless the whole tail is zeros).
 */

export const RECORD_MAGIC = 0xb1;
export const HEADER_BYTES = 24;
const TWO_32 = 0x1_0000_0000;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the same value as zlib's crc32. */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/**
 * Continues a CRC-32 over `bytes[start, end)`. `crc` is a previous result (0 to start). Hot path:
 * one table lookup per byte, all in int32 arithmetic, no allocation.
 */
export function crc32(bytes: Uint8Array, start: number, end: number, crc: number): number {
  let c = ~crc;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** Writes a complete record (header + payload) at `out[at]`; returns the bytes written. */
export function encodeRecord(out: Uint8Array, view: DataView, at: number, seq: number, payload: Uint8Array): number {
  const len = payload.length;
  out[at] = RECORD_MAGIC;
  out[at + 1] = 0;
  out[at + 2] = 0;
  out[at + 3] = 0;
  view.setUint32(at + 4, len, true);
  view.setUint32(at + 8, seq % TWO_32, true);
  view.setUint32(at + 12, Math.floor(seq / TWO_32), true);
  out.set(payload, at + HEADER_BYTES);
  const headCrc = crc32(out, at, at + 16, 0);
  const recordCrc = crc32(payload, 0, len, headCrc);
  view.setUint32(at + 16, recordCrc, true);
  view.setUint32(at + 20, crc32(out, at + 16, at + 20, headCrc), true);
  return HEADER_BYTES + len;
}

/** Fields of a header whose own CRC holds. */
export interface RecordHeader {
  payloadLength: number;
  seq: number;
  recordCrc: number;
}

/** Decodes the header at `at`, or returns null when its magic, reserved bytes or header CRC are wrong. */
export function decodeHeader(bytes: Uint8Array, view: DataView, at: number): RecordHeader | null {
  if (bytes[at] !== RECORD_MAGIC || bytes[at + 1] !== 0 || bytes[at + 2] !== 0 || bytes[at + 3] !== 0) return null;
  if (crc32(bytes, at, at + 20, 0) !== view.getUint32(at + 20, true)) return null;
  const seq = view.getUint32(at + 12, true) * TWO_32 + view.getUint32(at + 8, true);
  return { payloadLength: view.getUint32(at + 4, true), seq, recordCrc: view.getUint32(at + 16, true) };
}

/** True when the record CRC (header bytes 0..16 + payload) matches the header's. */
export function recordCrcMatches(bytes: Uint8Array, at: number, header: RecordHeader): boolean {
  const headCrc = crc32(bytes, at, at + 16, 0);
  const start = at + HEADER_BYTES;
  return crc32(bytes, start, start + header.payloadLength, headCrc) === header.recordCrc;
}

/** Segment file name: the first sequence number, zero-padded so names sort in sequence order. */
export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, '0')}.journal`;
}

const SEGMENT_RE = /^(\d{20})\.journal$/;

/** The first sequence number a segment file name declares, or null for other files. */
export function segmentFirstSeq(name: string): number | null {
  const m = SEGMENT_RE.exec(name);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}
