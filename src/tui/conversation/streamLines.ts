/**
 * Where text lines start and end in one direction's stream, decided from nearby bytes only, so a
 * line can be built from any position without reading the stream from its start.
 *
 * The rule (stream offsets of one direction):
 * - data is cut into *segments* at gaps, at holes and, when both directions are shown, at
 *   *turns* (a chunk of the other direction arrived between two chunks of this one: the bytes
 *   after it were said after it); a line never crosses a segment boundary;
 * - a line ends after a terminator (LF, CR LF; in UTF-16LE an LF code unit; in CP037 LF or NL);
 * - a *soft break* cuts a long line at an offset `m` that is a multiple of {@link LINE_CAP} when
 *   no line boundary lies in `(m - LINE_CAP, m)`; so a line is shorter than `2 * LINE_CAP` and the
 *   start of the line holding any byte is found by reading at most `2 * LINE_CAP + 1` bytes back;
 * - the data seen so far ends a line too (marked partial: more may come and join it).
 * A line is shown with the chunk (span) that holds its last byte: a line split over several
 * chunks of one direction appears once, complete, where it ends.
 */
import type { Direction } from '../../core/types.js';
import { carriageReturnBefore, nextTerminatorEnd, terminatorBefore, type TextEncoding } from '../../render/encoding.js';
import type { ConversationSource } from './source.js';

/** Soft-break interval in bytes (even, so UTF-16LE code units are never cut). */
export const LINE_CAP = 4096;

/** Contiguous data of one direction read from the store. */
export interface Segment {
  readonly offset: number;
  readonly bytes: Uint8Array;
  /** True when the byte before `offset` is known not to be in this line's run (stream start, gap, hole, turn). */
  readonly holeBefore: boolean;
}

/** One text line of a direction, as stream offsets and text bounds. */
export interface StreamLine {
  /** Stream offset of the line's first byte. */
  readonly start: number;
  /** Stream offset just past its last byte (terminator included). */
  readonly end: number;
  /** Stream offset just past its text (terminator and the CR before it excluded). */
  readonly textEnd: number;
  /** How it ended: a terminator, a soft break (the next line continues it), the data seen so far. */
  readonly ending: 'terminator' | 'soft' | 'partial' | 'segment';
}

/**
 * Reads direction `dir`'s data in `[from, to)` as segments (gaps and holes skipped; a new
 * segment at each turn when `turns`). Errors: whatever `source` throws (a flow no longer held).
 */
export function readSegments(source: ConversationSource, flowId: number, dir: Direction, from: number, to: number, turns = false): Segment[] {
  const segments: Segment[] = [];
  let position = from;
  let holeBefore = from === 0 || (turns && turnAt(source, flowId, dir, from));
  while (position < to) {
    const bytes = source.read(flowId, dir, position, to - position);
    if (bytes.length > 0) {
      const end = position + bytes.length;
      for (let at = position; at < end; holeBefore = true) {
        const turn = turns ? nextTurn(source, flowId, dir, at, end) : end;
        segments.push({ offset: at, bytes: turn - at < bytes.length ? bytes.subarray(at - position, turn - position) : bytes, holeBefore });
        at = turn;
      }
      position = end;
      holeBefore = false;
      continue;
    }
    const index = source.chunkAt(flowId, dir, position);
    const chunk = index < 0 ? undefined : source.getChunk(flowId, index);
    if (!chunk) break;
    const skipTo = chunk.offset > position ? chunk.offset : chunk.offset + chunk.length;
    if (skipTo <= position) break; // a data chunk that read nothing: never loop
    position = skipTo;
    holeBefore = true;
  }
  return segments;
}

/**
 * True when a turn begins at `offset` of `dir`: a data chunk of `dir` starts there and the chunk
 * that arrived just before it is of the other direction.
 */
function turnAt(source: ConversationSource, flowId: number, dir: Direction, offset: number): boolean {
  const index = source.chunkAt(flowId, dir, offset);
  const chunk = index <= 0 ? undefined : source.getChunk(flowId, index);
  if (!chunk || chunk.offset !== offset || chunk.kind !== 'data') return false;
  return source.getChunk(flowId, index - 1)?.dir !== dir;
}

/**
 * The first turn of `dir` in `(from, to)` (its data there is contiguous), or `to`: the end of the
 * first chunk of `dir` whose next chunk, in arrival order, is the other direction's.
 */
function nextTurn(source: ConversationSource, flowId: number, dir: Direction, from: number, to: number): number {
  for (let index = source.chunkAt(flowId, dir, from); index >= 0; index++) {
    const chunk = source.getChunk(flowId, index);
    if (!chunk) return to;
    const end = chunk.offset + chunk.length;
    if (end >= to) return to;
    const next = source.getChunk(flowId, index + 1);
    if (!next) return to;
    if (next.dir !== dir) return end;
  }
  return to;
}

/** True when direction `dir` has no data of the same run right at `offset` (end seen so far, gap, hole; a turn when `turns`). */
export function breaksAt(source: ConversationSource, flowId: number, dir: Direction, offset: number, turns = false): boolean {
  const index = source.chunkAt(flowId, dir, offset);
  const chunk = index < 0 ? undefined : source.getChunk(flowId, index);
  return !chunk || chunk.kind === 'gap' || chunk.offset > offset || (turns && turnAt(source, flowId, dir, offset));
}

/** Index in `bytes` just past the last terminator ending in `(from, to]`, or -1. */
function lastTerminatorEnd(bytes: Uint8Array, from: number, to: number, encoding: TextEncoding, base: number): number {
  if (encoding !== 'cp037' && encoding !== 'utf-16le') {
    if (to <= from) return -1;
    const lf = bytes.lastIndexOf(0x0a, to - 1);
    return lf >= from ? lf + 1 : -1;
  }
  for (let end = to; end > from; end--) {
    const length = terminatorBefore(bytes, end, encoding, base + end);
    if (length > 0 && end - length >= from) return end;
  }
  return -1;
}

/**
 * The start of the line holding stream offset `x` of `segment` (`segment` holds `x`; it must
 * start at or before `x - 2 * LINE_CAP - 1` unless `holeBefore` is set: see the module rule).
 */
export function lineStartIn(segment: Segment, x: number, encoding: TextEncoding): number {
  const base = segment.offset;
  const terminatorEnd = lastTerminatorEnd(segment.bytes, 0, x - base, encoding, base);
  const hard = terminatorEnd >= 0 ? base + terminatorEnd : segment.holeBefore ? base : -Infinity;
  const multiple = Math.floor(x / LINE_CAP) * LINE_CAP;
  return multiple > hard && multiple - LINE_CAP >= hard ? multiple : hard;
}

/**
 * As {@link lineStartIn} when `segment` tells enough to decide (a terminator or a hole before `x`
 * in it, or it starts `2 * LINE_CAP + 1` bytes before `x`); undefined when more bytes before it
 * are needed. Lets a caller try a short read back first.
 */
export function lineStartIfKnown(segment: Segment, x: number, encoding: TextEncoding): number | undefined {
  if (segment.holeBefore || segment.offset <= x - 2 * LINE_CAP - 1) return lineStartIn(segment, x, encoding);
  const found = lastTerminatorEnd(segment.bytes, 0, x - segment.offset, encoding, segment.offset);
  return found >= 0 ? lineStartIn(segment, x, encoding) : undefined;
}

/**
 * The lines of `segment` that start at `start` (a line start) and end at or before `limit`
 * (a stream offset inside or at the end of the segment). `limitBreaks` says whether a line may
 * end at `limit` without a terminator (the data seen so far ends there, or a gap follows);
 * `partial` whether that is the end of the data seen so far.
 */
export function linesIn(segment: Segment, start: number, limit: number, encoding: TextEncoding, limitBreaks: boolean, partial: boolean): StreamLine[] {
  const lines: StreamLine[] = [];
  const base = segment.offset;
  const bytes = segment.bytes;
  let s = start;
  while (s < limit) {
    const soft = Math.ceil((s + LINE_CAP) / LINE_CAP) * LINE_CAP;
    const terminated = nextTerminatorEnd(bytes, s - base, Math.min(limit, soft) - base, encoding, base);
    if (terminated >= 0) {
      const end = base + terminated;
      const terminator = terminatorBefore(bytes, terminated, encoding, end);
      const cr = carriageReturnBefore(bytes, terminated - terminator, encoding);
      lines.push({ start: s, end, textEnd: end - terminator - cr, ending: 'terminator' });
      s = end;
    } else if (soft <= limit) {
      lines.push({ start: s, end: soft, textEnd: soft, ending: 'soft' });
      s = soft;
    } else if (limitBreaks) {
      lines.push({ start: s, end: limit, textEnd: limit, ending: partial ? 'partial' : 'segment' });
      s = limit;
    } else {
      break;
    }
  }
  return lines;
}
