/**
 * Splitting a byte stream into safe display lines, chunk by chunk, with bounded memory.
 */
import { escapeLine } from './escape.js';

/** Default cap on the bytes of one displayed line; longer lines are cut into pieces. */
export const DEFAULT_MAX_LINE_BYTES = 4096;

/**
 * Appended to a line that was cut at the cap and continues on the next line. It cannot come
 * from data: escaped data never has a `\` followed by `+`.
 */
export const LINE_CONTINUES_MARK = '\\+';

/**
 * How a line ended: `newline` (an LF; a CR right before it is dropped), `cap` (cut at the
 * line cap; the next line continues it), `flush` (the partial last line, no LF seen yet).
 */
export type LineEnd = 'newline' | 'cap' | 'flush';

/**
 * Takes one line from a {@link LineAssembler}: its bytes `bytes[start..end)` (no line end; valid
 * only during the call, escape them before showing them) and how it ended.
 */
export type LineHandler = (bytes: Uint8Array, start: number, end: number, ended: LineEnd) => void;

const EMPTY = new Uint8Array(0);
const LF = 0x0a;
const CR = 0x0d;

/**
 * Streaming line splitter for one direction of a stream. Feed chunks in stream order with
 * `push`; it hands on the lines completed by that chunk. `flush` hands on the partial last
 * line (if any) and starts afresh. Lines are split on LF, and a CR right before the LF is
 * dropped. A line longer than `maxLineBytes` is cut into pieces of at most `maxLineBytes`
 * bytes (ended `cap`), never inside a UTF-8 sequence when it can be helped; so memory stays
 * within `maxLineBytes` + 1 (a CR waiting for its LF) per assembler whatever the input. Lines
 * are handed on as bytes, to be escaped by the taker.
 */
export class LineAssembler {
  private pending: Uint8Array = EMPTY;
  private pendingLength = 0;
  readonly maxLineBytes: number;

  constructor(maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {
    this.maxLineBytes = Math.max(4, Math.floor(maxLineBytes));
  }

  /** Bytes of the unfinished line held so far. */
  get pendingBytes(): number {
    return this.pendingLength;
  }

  /** Consumes `chunk` (not kept after the call), handing each line it completed to `onLine`. */
  push(chunk: Uint8Array, onLine: LineHandler): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const lf = chunk.indexOf(LF, i);
      const segmentEnd = lf < 0 ? n : lf;
      if (lf >= 0 && this.pendingLength === 0 && segmentEnd - i <= this.maxLineBytes) {
        // Fast path: the whole line is inside this chunk.
        const textEnd = segmentEnd > i && chunk[segmentEnd - 1] === CR ? segmentEnd - 1 : segmentEnd;
        onLine(chunk, i, textEnd, 'newline');
        i = lf + 1;
        continue;
      }
      this.append(chunk, i, segmentEnd, onLine);
      if (lf < 0) break;
      let length = this.pendingLength;
      if (length > 0 && this.pending[length - 1] === CR) length--;
      onLine(this.pending, 0, length, 'newline');
      this.pendingLength = 0;
      i = lf + 1;
    }
  }

  /** Hands the partial last line, if any, to `onLine` (ended `flush`, a trailing CR kept). */
  flush(onLine: LineHandler): void {
    if (this.pendingLength === 0) return;
    const length = this.pendingLength;
    this.pendingLength = 0;
    onLine(this.pending, 0, length, 'flush');
  }

  /** Adds `chunk[start..end)` (no LF in it) to the pending line, emitting `cap` pieces as needed. */
  private append(chunk: Uint8Array, start: number, end: number, onLine: LineHandler): void {
    const cap = this.maxLineBytes;
    while (start < end) {
      if (this.pendingLength >= cap) {
        // A full line is cut only once a byte follows that cannot end it: a CR may be the CR
        // of its CRLF, so it waits one byte past the cap for what comes after it.
        if (this.pendingLength === cap && chunk[start] === CR) {
          this.reserve(cap + 1);
          this.pending[this.pendingLength++] = CR;
          start++;
          continue;
        }
        this.emitCapPiece(onLine);
      }
      const take = Math.min(end - start, cap - this.pendingLength);
      this.reserve(this.pendingLength + take);
      this.pending.set(chunk.subarray(start, start + take), this.pendingLength);
      this.pendingLength += take;
      start += take;
    }
  }

  private emitCapPiece(onLine: LineHandler): void {
    const cut = utf8SafeCut(this.pending, Math.min(this.pendingLength, this.maxLineBytes));
    onLine(this.pending, 0, cut, 'cap');
    this.pending.copyWithin(0, cut, this.pendingLength);
    this.pendingLength -= cut;
  }

  /** Grows the pending buffer (doubling, at most to the cap) so idle assemblers stay small. */
  private reserve(size: number): void {
    if (size <= this.pending.length) return;
    let capacity = Math.max(256, this.pending.length * 2);
    while (capacity < size) capacity *= 2;
    const grown = new Uint8Array(Math.min(capacity, this.maxLineBytes + 1));
    grown.set(this.pending.subarray(0, this.pendingLength));
    this.pending = grown;
  }
}

/**
 * Where to cut `buf[0..length)` so that a UTF-8 sequence that starts in the last 3 bytes but is
 * not complete stays whole for the next piece. Returns `length` when nothing needs to move
 * (or when moving would leave an empty piece).
 */
function utf8SafeCut(buf: Uint8Array, length: number): number {
  for (let k = 1; k <= 3 && k <= length; k++) {
    const b = buf[length - k];
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc2 && b <= 0xf4) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (need > k && length - k > 0) return length - k;
    }
    break;
  }
  return length;
}

/**
 * Renders a whole buffer as display lines (via a `LineAssembler`, escaped by `escapeLine`): one
 * string per line, with `LINE_CONTINUES_MARK` on pieces cut at `maxLineBytes`. A final LF does
 * not produce an extra empty line; bytes after the last LF form a last line.
 */
export function renderTextLines(bytes: Uint8Array, maxLineBytes: number = DEFAULT_MAX_LINE_BYTES): string[] {
  const lines: string[] = [];
  const onLine: LineHandler = (line, start, end, ended) => void lines.push(ended === 'cap' ? escapeLine(line, start, end) + LINE_CONTINUES_MARK : escapeLine(line, start, end));
  const assembler = new LineAssembler(maxLineBytes);
  assembler.push(bytes, onLine);
  assembler.flush(onLine);
  return lines;
}
