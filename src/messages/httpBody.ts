/**
 * A message body for display, made on demand from its wire bytes (read from the store by the
 * body's range): chunked transfer coding removed, then the Content-Encoding undone (gzip,
 * deflate, br through node:zlib), with a cap on every decoded size so a decompression bomb
 * costs at most the cap in memory. Synchronous; never throws.
 */
import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions, type BrotliOptions } from 'node:zlib';
import { headerTokens } from './httpHead.js';
import type { HttpMessageBase } from './types.js';
import { formatCount } from '../core/count.js';

/** Default cap on a decoded body. */
export const MAX_DECODED_BYTES = 10 * 1024 * 1024;

/** A body ready to show. */
export interface DecodedBody {
  /** The payload after transfer and content decoding (as far as it went: see `notes`). */
  readonly bytes: Uint8Array;
  /** The content codings undone, outermost last as in the header (`['gzip']`). */
  readonly decoded: readonly string[];
  /** True when `bytes` is not the whole payload (cut at the cap, a gap, or the end of what was seen). */
  readonly cut: boolean;
  /** What went short of a plain decode, for a reader: `cut at 10,485,760 bytes`, codings not decoded, errors. */
  readonly notes: readonly string[];
  /** Those of `notes` that say the output stopped at `maxDecodedBytes` (a view may word that limit as its own). */
  readonly limits: readonly string[];
}

/** The payload of a chunked body's wire bytes, and whether the last (empty) chunk was reached. */
export function dechunk(wire: Uint8Array): { data: Uint8Array; complete: boolean } {
  const parts: Uint8Array[] = [];
  let total = 0;
  let i = 0;
  for (;;) {
    const lf = wire.indexOf(0x0a, i);
    if (lf < 0) break;
    const m = /^([0-9a-fA-F]{1,13})/.exec(Buffer.from(wire.subarray(i, Math.min(lf, i + 16))).toString('latin1'));
    if (!m) break;
    const size = parseInt(m[1], 16);
    if (size === 0) return { data: concat(parts, total), complete: true };
    const start = lf + 1;
    const end = Math.min(wire.length, start + size);
    parts.push(wire.subarray(start, end));
    total += end - start;
    if (end < start + size) break;
    i = end;
    if (wire[i] === 0x0d) i++;
    if (wire[i] === 0x0a) i++;
  }
  return { data: concat(parts, total), complete: false };
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

type Inflate = (input: Uint8Array, options: ZlibOptions & BrotliOptions) => Buffer;

const FLUSH: Record<string, number> = { gzip: constants.Z_SYNC_FLUSH, deflate: constants.Z_SYNC_FLUSH, 'deflate-raw': constants.Z_SYNC_FLUSH, br: constants.BROTLI_OPERATION_FLUSH };
const INFLATE: Record<string, Inflate> = { gzip: gunzipSync, deflate: inflateSync, 'deflate-raw': inflateRawSync, br: brotliDecompressSync };

const tooLarge = (err: unknown): boolean => (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';

/**
 * Undoes one coding of `input` (`gzip`, `deflate`, `deflate-raw`, `br`), producing at most `cap`
 * bytes (`cut` when it would make more). A truncated input gives what it holds. Over the cap, the
 * longest input prefix whose output fits is found by bisection (each try stops at the cap), so
 * memory stays within the cap. @throws the zlib error when `input` is not in that coding.
 */
export function inflateCapped(coding: string, input: Uint8Array, cap: number): { out: Uint8Array; cut: boolean } {
  const inflate = INFLATE[coding];
  const options = { finishFlush: FLUSH[coding], maxOutputLength: Math.max(1, cap) };
  try {
    return { out: inflate(input, options), cut: false };
  } catch (err) {
    if (!tooLarge(err)) throw err;
  }
  let fits = 0;
  let best: Uint8Array = new Uint8Array(0);
  let over = input.length;
  const precision = Math.max(1, Math.floor(input.length / 4096));
  while (over - fits > precision) {
    const mid = (fits + over) >>> 1;
    try {
      best = inflate(input.subarray(0, mid), options);
      fits = mid;
    } catch (err) {
      if (!tooLarge(err)) break;
      over = mid;
    }
  }
  return { out: best, cut: true };
}

/**
 * The body of `message` for display, from `wire`: its body's bytes on the wire from
 * `message.body.offset`, the first `asked` of them asked for (all by default; fewer were read when
 * the store stopped at a gap, and that is noted). Chunked framing is removed, then each Content-Encoding
 * (gzip, x-gzip, deflate raw or zlib, br) undone; an unknown coding, or data that does not
 * decode, is shown as it was with a note.
 */
export function decodeBody(message: HttpMessageBase, wire: Uint8Array, maxDecodedBytes = MAX_DECODED_BYTES, asked = message.body.length): DecodedBody {
  const notes: string[] = [];
  const limits: string[] = [];
  let cut = wire.length < message.body.length || !message.complete;
  let bytes = wire;
  if (message.body.framing === 'chunked') {
    const { data, complete } = dechunk(wire);
    bytes = data;
    if (!complete) cut = true;
  }
  if (wire.length < asked) notes.push(`${formatCount(asked - wire.length)} of ${formatCount(asked)} wire bytes from a capture gap on`);
  const decoded: string[] = [];
  const codings = headerTokens(message.headers, 'content-encoding').filter((c) => c !== 'identity');
  for (let k = codings.length - 1; k >= 0; k--) {
    const coding = codings[k] === 'x-gzip' ? 'gzip' : codings[k];
    if (!Object.hasOwn(INFLATE, coding)) {
      notes.push(`content coding ${codings[k]} not decoded`);
      break;
    }
    try {
      const first = coding === 'deflate' && !looksLikeZlib(bytes) ? 'deflate-raw' : coding;
      const { out, cut: capped } = inflateCapped(first, bytes, maxDecodedBytes);
      if (capped && out.length === 0) {
        // A brotli bomb's first bytes alone decode past the cap: nothing to show decoded.
        notes.push(`${codings[k]} not decoded: its first bytes alone decode to over ${formatCount(maxDecodedBytes)} bytes (a decompression bomb?)`);
        cut = true;
        break;
      }
      if (capped) limits.push(`cut at ${formatCount(out.length)} decoded bytes (cap ${formatCount(maxDecodedBytes)})`);
      bytes = out;
      cut ||= capped;
      decoded.push(codings[k]);
      if (capped) break;
    } catch (err) {
      notes.push(`${codings[k]} does not decode (${(err as Error).message}): shown as sent`);
      break;
    }
  }
  if (bytes.length > maxDecodedBytes) {
    bytes = bytes.subarray(0, maxDecodedBytes);
    cut = true;
    limits.push(`cut at ${formatCount(maxDecodedBytes)} bytes`);
  }
  return { bytes, decoded: decoded.reverse(), cut, notes: [...notes, ...limits], limits };
}

/**
 * True when `bytes` start with a zlib stream header (RFC 1950: deflate method, window ≤ 32 KiB,
 * header checksum); `Content-Encoding: deflate` without one is raw deflate, as some servers send it.
 */
export function looksLikeZlib(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && (bytes[0] & 0x0f) === 8 && (bytes[0] >> 4) <= 7 && ((bytes[0] << 8) | bytes[1]) % 31 === 0;
}

/**
 * Reads `length` bytes of direction `dir` from stream offset `offset` (shorter at a gap or the
 * end of what was seen): FlowStore's `read(flowId, dir, offset, length)` with the flow bound.
 */
export type StreamReader = (dir: HttpMessageBase['dir'], offset: number, length: number) => Uint8Array;

/**
 * The body of `message` for display, read from the store through `read`: at most
 * `maxDecodedBytes` wire bytes are read (a longer body is cut there, and says so), then decoded
 * as {@link decodeBody} does. Errors of `read` (a spill file that cannot be read) propagate.
 */
export function messageBody(read: StreamReader, message: HttpMessageBase, maxDecodedBytes = MAX_DECODED_BYTES): DecodedBody {
  const wanted = Math.min(message.body.length, maxDecodedBytes);
  const wire = wanted > 0 ? read(message.dir, message.body.offset, wanted) : new Uint8Array(0);
  const decoded = decodeBody(message, wire, maxDecodedBytes, wanted);
  if (wanted === message.body.length || wire.length < wanted) return decoded;
  return { ...decoded, cut: true, notes: [...decoded.notes, `only the first ${formatCount(wanted)} of ${formatCount(message.body.length)} wire bytes read`] };
}
