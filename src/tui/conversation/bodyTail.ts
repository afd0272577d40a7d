/**
 * The newest lines of an HTTP body still arriving (tail -f): the last {@link BODY_LINES} lines of
 * its last bytes, and how many lines came before them. A small body is read and decoded whole; a
 * longer one only at its end: the last wire bytes (from 16 KiB, growing up to
 * {@link PREVIEW_READ_BYTES} until they hold enough lines), or, chunked, the tail a
 * {@link ChunkWalk} keeps. A body that cannot be read so (content coded past the preview, binary,
 * a gap, bad chunking) has no tail: it is shown from its start.
 */
import { decodeBody } from '../../messages/httpBody.js';
import { headerTokens, headerValue } from '../../messages/httpHead.js';
import type { HttpMessageBase } from '../../messages/types.js';
import { BODY_LINES, charsetOf, decodeText, lastWithinChars, looksTextual, PREVIEW_CHARS, PREVIEW_READ_BYTES, splitLines, type BodyReader } from './bodyLines.js';
import { ChunkWalk } from './chunkWalk.js';

/** A body's newest lines: `earlier` lines before them (more when not `fromStart`), what was decoded. */
export interface BodyTail {
  readonly lines: readonly string[];
  readonly earlier: number;
  readonly fromStart: boolean;
  readonly decoded: readonly string[];
}

/** What is kept of an arriving body from frame to frame: its tail at a body length, the walk of a chunked one. */
export interface TailState {
  length: number;
  tail: BodyTail | undefined;
  walk?: ChunkWalk;
}

const FIRST_WINDOW_BYTES = 16 << 10;

/**
 * The newest lines of `message`'s body, or undefined when it has none to show (see the file's
 * doc); made again only when the body grew. `tails`: the view's, by body `key`.
 */
export function bodyTail(message: HttpMessageBase, read: BodyReader, tails: Map<string, TailState>, key: string): BodyTail | undefined {
  let state = tails.get(key);
  if (state === undefined) tails.set(key, (state = { length: -1, tail: undefined }));
  if (state.length !== message.body.length) {
    state.tail = newestLines(message, read, state);
    state.length = message.body.length;
  }
  return state.tail;
}

function newestLines(message: HttpMessageBase, read: BodyReader, state: TailState): BodyTail | undefined {
  const { body, dir } = message;
  const contentType = headerValue(message.headers, 'content-type') ?? '';
  if (body.length <= PREVIEW_READ_BYTES) {
    const wire = read(dir, body.offset, body.length);
    if (wire.length < body.length) return undefined;
    const decoded = decodeBody(message, wire, PREVIEW_READ_BYTES);
    return tailOf(decoded.bytes, true, contentType, decoded.decoded);
  }
  if (headerTokens(message.headers, 'content-encoding').some((c) => c !== 'identity')) return undefined;
  if (body.framing === 'chunked') {
    const walk = (state.walk ??= new ChunkWalk());
    if (!walk.advance((offset, length) => read(dir, body.offset + offset, length), body.length)) return undefined;
    const { bytes, fromStart } = walk.tail();
    return tailOf(bytes, fromStart, contentType, []);
  }
  for (let window = FIRST_WINDOW_BYTES; ; window *= 4) {
    const length = Math.min(window, PREVIEW_READ_BYTES);
    const bytes = read(dir, body.offset + body.length - length, length);
    if (bytes.length < length) return undefined;
    if (length === PREVIEW_READ_BYTES || lineEnds(bytes) > BODY_LINES) return tailOf(bytes, false, contentType, []);
  }
}

function lineEnds(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}

/** The last lines of `bytes` (when not `fromStart`, the first line, likely cut, left out). */
function tailOf(bytes: Uint8Array, fromStart: boolean, contentType: string, decoded: readonly string[]): BodyTail | undefined {
  const encoding = charsetOf(contentType);
  if (!fromStart && (encoding === 'utf-16le' || encoding === 'cp037')) return undefined;
  const lf = fromStart ? -1 : bytes.indexOf(0x0a);
  const text = lf >= 0 && lf < bytes.length - 1 ? bytes.subarray(lf + 1) : bytes;
  if (!looksTextual(text, contentType, encoding)) return undefined;
  const ranges = splitLines(text, encoding);
  const newest = ranges.slice(Math.max(0, ranges.length - BODY_LINES)).map(([from, to]) => decodeText(text, encoding, from, to));
  // At most a preview's characters, as a body's first lines are (a minified line arrives whole).
  const lines = lastWithinChars(newest, PREVIEW_CHARS);
  return { lines, earlier: ranges.length - lines.length, fromStart, decoded };
}
