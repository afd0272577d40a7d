/**
 * Reads one HTTP/1.x message head incrementally: the start line (rejected as soon as its first
 * bytes cannot begin one, so binary data fails fast), then header lines up to the blank line,
 * held in a buffer of at most {@link MAX_HEAD_BYTES}. Never throws; `step` says where it stands.
 */
import { isAscii } from 'node:buffer';
import { DOUBLE_ZERO } from '../core/fields.js';
import type { Micros } from '../core/types.js';
import { ByteBuffer } from './byteBuffer.js';
import { headText, parseRequestLine, parseStatusLine, startLinePrefixValid, type RequestLine, type StatusLine } from './httpHead.js';

/** Cap on a message head (start line and header fields). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Cap on a start line. */
export const MAX_LINE_BYTES = 8 * 1024;

/** Where the reader stands after {@link HeadReader.read}. */
export const enum HeadStep {
  /** More bytes needed. */
  More,
  /** The start line is whole and valid (`startLine`). */
  StartLine,
  /** The blank line after the header fields came: the head is whole. */
  Done,
  /** The start line is not one (`lineEnded`: its LF was taken). */
  BadStartLine,
  /** The head would pass {@link MAX_HEAD_BYTES}. */
  TooLong,
}

const LF = 0x0a;
const CR = 0x0d;

/** The head being read: its bytes, where it began, and its start line once whole. */
export class HeadReader {
  readonly buf = new ByteBuffer(MAX_HEAD_BYTES);
  /** Stream offset of the head's first byte, and the time it arrived. */
  offset = 0;
  ts: Micros = DOUBLE_ZERO;
  startLine: RequestLine | StatusLine | undefined = undefined;
  step = HeadStep.More;
  /** After a BadStartLine: whether the rejected line's LF was taken (the next byte starts a line). */
  lineEnded = false;
  private firstLineDone = false;
  /** Start of the current header line, as a position in the head. */
  private lineStart = 0;
  /** The text of a head read whole from one segment; else the head is in `buf`. */
  private inPlaceText: string | undefined = undefined;
  private inPlaceLength = 0;

  /** `requests`: heads start with a request line (else a status line). */
  constructor(readonly requests: boolean) {}

  /** True once some bytes of a head are held. */
  get started(): boolean {
    return this.buf.length > 0 || this.inPlaceText !== undefined;
  }

  /** Bytes of the head held (all of it once `step` is Done). */
  get length(): number {
    return this.inPlaceText !== undefined ? this.inPlaceLength : this.buf.length;
  }

  /** True once the start line was read. */
  get hasStartLine(): boolean {
    return this.firstLineDone;
  }

  /** Starts a head at stream offset `offset`, with `prefix` (bytes already known to begin it) held. */
  begin(offset: number, ts: Micros, prefix?: Uint8Array): void {
    this.clear();
    this.offset = offset;
    this.ts = ts;
    if (prefix) this.buf.append(prefix, 0, prefix.length);
  }

  /** Forgets the head. */
  clear(): void {
    this.buf.clear();
    this.inPlaceText = undefined;
    this.firstLineDone = false;
    this.startLine = undefined;
    this.lineStart = 0;
    this.step = HeadStep.More;
  }

  /**
   * The start line was cut before its line end (by a gap): takes the bytes held as the whole
   * start line when they parse as one (a status line's reason may then be short). Returns true
   * when it did; the head then holds only its start line.
   */
  cutStartLine(): boolean {
    if (this.firstLineDone || this.buf.length === 0) return this.firstLineDone;
    const line = headText(this.buf.bytes.subarray(0, this.buf.length));
    this.startLine = this.requests ? parseRequestLine(line) : parseStatusLine(line);
    if (!this.startLine) return false;
    this.firstLineDone = true;
    this.lineStart = this.buf.length;
    return true;
  }

  /** Reads head bytes from `bytes[i]` (at most up to the end of a line or of the head); sets `step`; returns the index reached. */
  read(bytes: Uint8Array, i: number): number {
    if (this.firstLineDone) return this.headerLines(bytes, i);
    if (this.buf.length === 0) {
      const end = this.whole(bytes, i);
      if (end >= 0) return end;
    }
    return this.firstLine(bytes, i);
  }

  /** The text of the head held (all of it, or the part seen), start line first. */
  text(): string {
    return this.inPlaceText ?? headText(this.buf.bytes.subarray(0, this.buf.length));
  }

  /**
   * The usual case, a whole head within one segment from `bytes[i]`: read without copying the
   * bytes, and decoded once (the start line decoded on its own only when it is not ASCII, as
   * when the head comes in pieces). Returns the index after it (`step` Done), or -1 to take the
   * general path.
   */
  private whole(bytes: Uint8Array, i: number): number {
    const lf = bytes.indexOf(LF, i);
    if (lf < 0 || lf - i > MAX_LINE_BYTES) return -1;
    let p = lf + 1;
    let end = -1;
    while (end < 0) {
      const next = bytes.indexOf(LF, p);
      if (next < 0 || next - i >= MAX_HEAD_BYTES) return -1;
      if (next === p || (next === p + 1 && bytes[p] === CR)) end = next + 1;
      p = next + 1;
    }
    const text = headText(bytes.subarray(i, end));
    // An ASCII start line is the text's beginning however the rest decoded.
    const line = isAscii(bytes.subarray(i, lf)) ? text.slice(0, lf - i) : headText(bytes.subarray(i, lf));
    const startLine = this.requests ? parseRequestLine(line) : parseStatusLine(line);
    if (!startLine) return -1;
    this.startLine = startLine;
    this.inPlaceText = text;
    this.inPlaceLength = end - i;
    this.firstLineDone = true;
    this.step = HeadStep.Done;
    return end;
  }

  private firstLine(bytes: Uint8Array, i: number): number {
    const lf = bytes.indexOf(LF, i);
    const end = lf < 0 ? bytes.length : lf + 1;
    if (this.buf.length + (end - i) > MAX_LINE_BYTES + 1 || !this.buf.append(bytes, i, end)) return this.bad(end, false);
    if (lf < 0) {
      // An unfinished start line is rejected as soon as it cannot become one (binary data).
      this.step = startLinePrefixValid(this.buf.bytes, this.buf.length, this.requests) ? HeadStep.More : HeadStep.BadStartLine;
      this.lineEnded = false;
      return end;
    }
    const line = headText(this.buf.bytes.subarray(0, this.buf.length - 1));
    this.startLine = this.requests ? parseRequestLine(line) : parseStatusLine(line);
    if (!this.startLine) return this.bad(end, true);
    this.firstLineDone = true;
    this.lineStart = this.buf.length;
    this.step = HeadStep.StartLine;
    return end;
  }

  /** Looks for the blank line that ends the head, copying the bytes into the buffer once per call. */
  private headerLines(bytes: Uint8Array, i: number): number {
    const n = bytes.length;
    const held = this.buf.length;
    // Until they are copied, bytes[p] is at head position held + (p - i).
    let p = i;
    for (;;) {
      const lf = bytes.indexOf(LF, p);
      if (lf < 0) break;
      const lineEnd = held + (lf - i);
      const length = lineEnd - this.lineStart;
      const first = this.lineStart < held ? this.buf.bytes[this.lineStart] : bytes[i + this.lineStart - held];
      this.lineStart = lineEnd + 1;
      p = lf + 1;
      if (length === 0 || (length === 1 && first === CR)) {
        this.step = this.buf.append(bytes, i, p) ? HeadStep.Done : HeadStep.TooLong;
        return p;
      }
    }
    this.step = this.buf.append(bytes, i, n) ? HeadStep.More : HeadStep.TooLong;
    return n;
  }

  private bad(end: number, lineEnded: boolean): number {
    this.step = HeadStep.BadStartLine;
    this.lineEnded = lineEnded;
    return end;
  }
}
