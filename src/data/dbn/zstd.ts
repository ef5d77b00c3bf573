/**
 * zstd decompression for the DBN reader: synchronous and streaming, from one of two backends.
 *
 * - `native`: zstd-napi, N-API bindings built from zstd's own C sources at install time
 *   (node-gyp, no download). `ZSTD_decompressStream` writes straight into the reader's buffer,
 *   decompresses only as much as the reader asks for, and verifies the frame checksums.
 *   390-760 MB/s on the benchmark box (7-13 M DBN records/s; the zstd CLI does ~600 MB/s).
 * - `js`: fzstd, pure JavaScript, always available. ~35-85 MB/s (~0.6-1.5 M records/s). It
 *   decompresses a whole pushed chunk at once and hands out new arrays.
 *
 * `auto` (the default) picks native when the binding loads and falls back to js otherwise (for
 * example after `npm ci --ignore-scripts`). Node 20 has no zstd of its own (zlib gains it in 22).
 * bench/backtest.bench.ts measures both in the same run.
 */
import { createRequire } from 'node:module';

export type ZstdBackend = 'native' | 'js';
export type ZstdChoice = ZstdBackend | 'auto';

/** The part of zstd-napi's binding the reader uses (`ZSTD_DCtx` / `ZSTD_decompressStream`). */
export interface NativeDCtx {
  /** Returns [hint (0 once a frame is fully decoded and flushed), bytes written to dst, bytes read from src]. */
  decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number];
  /** ZSTD_DCtx_reset with a ZSTD_ResetDirective (session only = 1: drop any frame in progress). */
  reset(directive: number): void;
}

interface NativeBinding {
  DCtx: new () => NativeDCtx;
  ResetDirective?: { sessionOnly?: number };
}

function isNativeBinding(mod: unknown): mod is NativeBinding {
  return typeof mod === 'object' && mod !== null && typeof (mod as { DCtx?: unknown }).DCtx === 'function';
}

let loaded: { binding: NativeBinding | undefined; error: string } | undefined;

function load(): { binding: NativeBinding | undefined; error: string } {
  if (loaded !== undefined) return loaded;
  try {
    const mod: unknown = createRequire(import.meta.url)('zstd-napi/binding.js');
    loaded = isNativeBinding(mod) ? { binding: mod, error: '' } : { binding: undefined, error: 'zstd-napi/binding.js has no DCtx' };
  } catch (e) {
    loaded = { binding: undefined, error: e instanceof Error ? e.message : String(e) };
  }
  return loaded;
}

/** True when the native backend can be used on this install. */
export function nativeZstdAvailable(): boolean {
  return load().binding !== undefined;
}

/** Why the native backend is not available ('' when it is). */
export function nativeZstdLoadError(): string {
  return load().error;
}

/** The backend `choice` resolves to; throws when 'native' is asked for and cannot load. */
export function resolveZstdBackend(choice: ZstdChoice = 'auto'): ZstdBackend {
  if (choice === 'js') return 'js';
  const { binding, error } = load();
  if (binding !== undefined) return 'native';
  if (choice === 'native') throw new Error(`zstd: the native backend (zstd-napi) is not available: ${error}`);
  return 'js';
}

/**
 * Native contexts are pooled: each holds a few MB of native window buffers that zstd-napi frees
 * only when V8 finalises the JS object, and V8 does not see that memory, so contexts dropped
 * per file piled up (2.4 MB per replayed ESH4 file: 1 GB after 400 files). Sources take one
 * when they open and give it back when they end.
 */
const pool: NativeDCtx[] = [];
const POOL_MAX = 16;
/** zstd.h: ZSTD_reset_session_only. */
const ZSTD_RESET_SESSION_ONLY = 1;

/** A native decompression context (only after resolveZstdBackend returned 'native'); give it back with releaseNativeDCtx. */
export function acquireNativeDCtx(): NativeDCtx {
  const pooled = pool.pop();
  if (pooled !== undefined) return pooled;
  const { binding, error } = load();
  if (binding === undefined) throw new Error(`zstd: the native backend (zstd-napi) is not available: ${error}`);
  return new binding.DCtx();
}

/** Returns a context to the pool, reset (a stream abandoned mid-frame leaves nothing behind). */
export function releaseNativeDCtx(ctx: NativeDCtx): void {
  ctx.reset(load().binding?.ResetDirective?.sessionOnly ?? ZSTD_RESET_SESSION_ONLY);
  if (pool.length < POOL_MAX) pool.push(ctx);
}
