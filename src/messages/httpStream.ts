/**
 * The incremental HTTP/1.x parser of one direction of a flow: bytes in as they arrive (any
 * split), messages out through hooks. Bounded memory (a head of at most {@link MAX_HEAD_BYTES};
 * bodies are only counted), never throws on input: a gap cuts the message it falls in and the
 * parser looks for the next start line; anything else it cannot parse turns the rest of the
 * direction into raw bytes, with a note saying where and why.
 */
import type { Direction, Micros } from '../core/types.js';
import { DOUBLE_ZERO } from '../core/fields.js';
import { headText, parseHeaderLines, parseRequestLine, parseStatusLine, startLinePrefixValid, type BodyPlan, type RequestLine, type StatusLine } from './httpHead.js';
import type { HttpBody, HttpMessage, StreamNote } from './types.js';

/** Cap on a message head (start line, header fields) and on a chunked body's trailers. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Cap on a start line, and on a chunk-size line. */
export const MAX_LINE_BYTES = 8 * 1024;

/** What a direction's parser tells its conversation. */
export interface HttpStreamHooks {
  /** A message head was parsed: returns how its body is delimited (for a response this depends on the request). */
  onHead(message: HttpMessage): BodyPlan;
  /**
   * At least one whole message start fell in a gap: the gap began between messages and the
   * next message start came only after skipping bytes (the rest of a lost message).
   */
  onLost(offset: number): void;
  /** The message is over: complete, or cut (`message.incomplete` says where). */
  onEnd(message: HttpMessage): void;
  onNote(note: StreamNote): void;
}

const enum State { Head, BodyLength, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Close, SkipLine, Raw, Ended }

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);
const HTTP_SLASH_1_DOT = new TextEncoder().encode('HTTP/1.');

/** One direction's parser. `requests`: this direction carries requests (else responses). */
export class HttpStreamParser {
  private state = State.Head;
  /** The next stream offset expected. */
  private expected = 0;
  private buf = EMPTY;
  private bufLength = 0;
  /** Start of the current line in `buf`. */
  private lineStart = 0;
  private firstLineDone = false;
  /** Looking for a message start after a gap: a line that is not one is skipped, not fatal. */
  private tentative = false;
  /** Where the search for a message start began, and whether a message may have been lost there. */
  private resyncFrom = 0;
  private lostCandidate = false;
  /** Bytes of `HTTP/1.` matched so far while skipping (responses). */
  private matched = 0;
  private headOffset = 0;
  private headTs: Micros = DOUBLE_ZERO;
  private message: HttpMessage | undefined = undefined;
  /** The start line of the head being read, once its line is whole. */
  private startLine: RequestLine | StatusLine | undefined = undefined;
  private remaining = 0;
  private crSeen = false;
  private rawAfterMessage: string | undefined = undefined;

  /**
   * `requests`: this direction carries requests (else responses). `midStream`: the capture began
   * after the connection did, so the stream may start inside a message: bytes up to the first
   * start line are skipped rather than fatal.
   */
  constructor(readonly dir: Direction, readonly requests: boolean, private readonly hooks: HttpStreamHooks, midStream = false) {
    if (midStream) this.resync(0, false);
  }

  /** Stream offset from which the direction is raw bytes (a tunnel, or after something unparseable), if it is. */
  rawFrom: number | undefined = undefined;

  /** True once the direction is raw bytes (a tunnel, or after something unparseable) or ended. */
  get done(): boolean {
    return this.state === State.Raw || this.state === State.Ended;
  }

  /** The bytes at stream offset `offset`, arrived at `ts`. Valid only during the call (copied when kept). */
  feed(offset: number, bytes: Uint8Array, ts: Micros): void {
    if (this.state === State.Ended) return;
    if (offset > this.expected) this.gap(this.expected, offset - this.expected, ts);
    let i = Math.max(0, this.expected - offset);
    const n = bytes.length;
    if (i >= n) return;
    this.expected = offset + n;
    while (i < n) {
      switch (this.state) {
        case State.Head: i = this.head(bytes, i, offset, ts); break;
        case State.BodyLength:
        case State.ChunkData: {
          const take = Math.min(this.remaining, n - i);
          this.extendBody(take, ts);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) {
            if (this.state === State.BodyLength) this.finish(undefined);
            else { this.state = State.ChunkDataEnd; this.crSeen = false; }
          }
          break;
        }
        case State.ChunkDataEnd: {
          const b = bytes[i++];
          this.extendBody(0, ts, 1);
          if (b === CR && !this.crSeen) this.crSeen = true;
          else if (b === LF) { this.state = State.ChunkSize; this.bufLength = 0; }
          else this.fail(offset + i - 1, 'no line end after chunk data');
          break;
        }
        case State.ChunkSize:
        case State.Trailers: i = this.chunkLine(bytes, i, offset, ts); break;
        case State.Close: this.extendBody(n - i, ts); i = n; break;
        case State.SkipLine: i = this.requests ? this.skipLine(bytes, i) : this.skipToStatusLine(bytes, i, offset, ts); break;
        default: i = n;
      }
    }
  }

  /**
   * Takes `length` bytes at `offset` without reading them when the parser does not need them:
   * inside a body of known length (short of its end), a body read until close, or raw bytes.
   * Returns false when it must see them: then call {@link feed}. (A data event makes its bytes
   * only when read; a model load of mostly body bytes then never makes them.)
   */
  skip(offset: number, length: number, ts: Micros): boolean {
    if (this.state === State.Raw || this.state === State.Ended) return true;
    if (offset !== this.expected) return false;
    if (this.state === State.Close || ((this.state === State.BodyLength || this.state === State.ChunkData) && this.remaining > length)) {
      this.extendBody(length, ts);
      this.remaining -= length;
      this.expected += length;
      return true;
    }
    return false;
  }

  /** `length` bytes at `offset` were never seen. */
  gap(offset: number, length: number, ts: Micros): void {
    const end = offset + length;
    if (this.state === State.Ended || end <= this.expected) return;
    const start = this.expected;
    this.expected = end;
    let rest = end - start;
    /** The gap began between messages: a message may have started in it. */
    let boundary = this.state === State.Head && this.bufLength === 0 && !this.tentative;
    switch (this.state) {
      case State.Head:
        if (this.bufLength > 0 && this.firstLineDone) this.emitPartialHead(start, 'gap in the header', ts);
        else if (this.bufLength > 0 && !this.tentative) this.note(this.headOffset, `gap at ${start} inside a start line`);
        break;
      case State.BodyLength:
      case State.Close: {
        const take = this.state === State.Close ? rest : Math.min(rest, this.remaining);
        this.markIncomplete(start, 'gap in the body');
        this.extendBody(take, ts);
        this.remaining -= take;
        rest -= take;
        if (this.state === State.Close || this.remaining > 0) return;
        this.finish(this.message?.incomplete);
        if (rest === 0) return;
        boundary = true;
        break;
      }
      case State.ChunkSize:
      case State.ChunkData:
      case State.ChunkDataEnd:
      case State.Trailers:
        this.markIncomplete(start, 'gap in the chunked body');
        this.finish(this.message?.incomplete);
        break;
      case State.SkipLine:
        break;
      default:
        return;
    }
    if (this.done) return;
    if (!this.tentative) this.note(start, `gap of ${end - start} bytes: looking for the next message start`);
    this.resync(end, boundary || (this.tentative && this.lostCandidate));
  }

  /** The sender finished (FIN, or the flow ended): a message in progress is over. */
  end(ts: Micros): void {
    switch (this.state) {
      case State.Head:
        if (this.bufLength > 0 && this.firstLineDone) this.emitPartialHead(this.expected, 'stream ended in the header', ts);
        else if (this.bufLength > 0 && !this.tentative) this.note(this.headOffset, 'stream ended inside a start line');
        break;
      case State.BodyLength:
        this.finish({ offset: this.expected, why: `stream ended ${this.remaining} bytes before the end of the body` });
        break;
      case State.ChunkSize:
      case State.ChunkData:
      case State.ChunkDataEnd:
      case State.Trailers:
        this.finish({ offset: this.expected, why: 'stream ended inside the chunked body' });
        break;
      case State.Close:
        this.finish(this.message?.incomplete);
        break;
      default:
    }
    this.state = State.Ended;
  }

  /**
   * The rest of the direction is another protocol (an upgrade, a CONNECT tunnel): from the
   * next message start on (at once when between messages), bytes are raw, with a note `why`.
   */
  switchToRaw(why: string): void {
    if (this.done) return;
    if (this.state === State.Head || this.state === State.SkipLine) this.toRaw(this.bufLength > 0 ? this.headOffset : this.expected, why);
    else this.rawAfterMessage = why;
  }

  /** Head bytes from `bytes[i]`: appends up to the next LF and handles a completed line. Returns the new index. */
  private head(bytes: Uint8Array, i: number, offset: number, ts: Micros): number {
    const n = bytes.length;
    if (this.bufLength === 0) {
      while (i < n && (bytes[i] === CR || bytes[i] === LF)) i++;
      if (i === n) return n;
      this.headOffset = offset + i;
      this.headTs = ts;
      this.lineStart = 0;
      this.firstLineDone = false;
    }
    if (this.firstLineDone) return this.headerLines(bytes, i, ts);
    const lf = bytes.indexOf(LF, i);
    const end = lf < 0 ? n : lf + 1;
    if (this.bufLength + (end - i) > MAX_LINE_BYTES + 1) {
      this.rejectStartLine();
      return this.state === State.Raw ? n : end;
    }
    this.append(bytes, i, end);
    if (lf < 0) {
      // An unfinished start line: rejected as soon as it cannot become one (binary data).
      if (!startLinePrefixValid(this.buf, this.bufLength, this.requests)) this.rejectStartLine();
      return this.state === State.Raw ? n : end;
    }
    const line = headText(this.buf.subarray(0, this.bufLength - 1));
    this.startLine = this.requests ? parseRequestLine(line) : parseStatusLine(line);
    if (!this.startLine) {
      this.rejectStartLine();
      return this.state === State.Raw ? n : end;
    }
    if (this.tentative && this.headOffset > this.resyncFrom) {
      this.note(this.headOffset, 'resumed at this message start');
      if (this.lostCandidate && this.headOffset > this.resyncFrom + 2) this.hooks.onLost(this.resyncFrom);
    }
    this.firstLineDone = true;
    this.tentative = false;
    this.lineStart = this.bufLength;
    return end;
  }

  /**
   * Header lines from `bytes[i]`: looks for the blank line that ends the head, copying the bytes
   * into the head buffer once per segment. Returns the new index.
   */
  private headerLines(bytes: Uint8Array, i: number, ts: Micros): number {
    const n = bytes.length;
    // Head position k of bytes[p] is bufLength + (p - i) until the bytes are copied.
    let p = i;
    for (;;) {
      const lf = bytes.indexOf(LF, p);
      if (lf < 0) break;
      const lineEnd = this.bufLength + (lf - i);
      const length = lineEnd - this.lineStart;
      const first = this.lineStart < this.bufLength ? this.buf[this.lineStart] : bytes[i + this.lineStart - this.bufLength];
      this.lineStart = lineEnd + 1;
      p = lf + 1;
      if (length === 0 || (length === 1 && first === CR)) {
        if (!this.appendHead(bytes, i, p)) return n;
        this.completeHead(ts, undefined);
        return p;
      }
    }
    this.appendHead(bytes, i, n);
    return n;
  }

  /** Appends head bytes, or fails the direction when the head would pass the cap. */
  private appendHead(bytes: Uint8Array, from: number, to: number): boolean {
    if (this.bufLength + (to - from) > MAX_HEAD_BYTES) {
      this.fail(this.headOffset, `header section over ${MAX_HEAD_BYTES} bytes`);
      return false;
    }
    this.append(bytes, from, to);
    return true;
  }

  /** Skips to the next line start. Returns the new index. */
  private skipLine(bytes: Uint8Array, i: number): number {
    const lf = bytes.indexOf(LF, i);
    if (lf < 0) return bytes.length;
    this.state = State.Head;
    this.bufLength = 0;
    return lf + 1;
  }

  /**
   * Skips to the next `HTTP/1.`, at a line start or not (a response may follow a body whose end
   * was lost), matching across segments. Returns the new index.
   */
  private skipToStatusLine(bytes: Uint8Array, i: number, offset: number, ts: Micros): number {
    for (; i < bytes.length; i++) {
      const b = bytes[i];
      this.matched = b === HTTP_SLASH_1_DOT[this.matched] ? this.matched + 1 : b === HTTP_SLASH_1_DOT[0] ? 1 : 0;
      if (this.matched === HTTP_SLASH_1_DOT.length) {
        this.matched = 0;
        this.state = State.Head;
        this.bufLength = 0;
        this.append(HTTP_SLASH_1_DOT, 0, HTTP_SLASH_1_DOT.length);
        this.headOffset = offset + i + 1 - HTTP_SLASH_1_DOT.length;
        this.headTs = ts;
        this.lineStart = 0;
        this.firstLineDone = false;
        return i + 1;
      }
    }
    return i;
  }

  /** A start line that is not one: skipped while resynchronising, else the direction becomes raw. */
  private rejectStartLine(): void {
    if (!this.tentative) {
      this.fail(this.headOffset, this.requests ? 'not an HTTP request line' : 'not an HTTP status line');
      return;
    }
    const lineEnded = this.buf[this.bufLength - 1] === LF;
    this.bufLength = 0;
    this.matched = 0;
    this.state = lineEnded && this.requests ? State.Head : State.SkipLine;
  }

  /** The head in `buf` is over (or cut at `cut`): makes the message and enters its body. */
  private completeHead(ts: Micros, cut: { offset: number; why: string } | undefined): void {
    const lines = headText(this.buf.subarray(0, this.bufLength)).split('\n');
    const { headers, malformed } = parseHeaderLines(lines, 1);
    const body: HttpBody = { framing: 'none', offset: this.headOffset + this.bufLength, length: 0, dataLength: 0, chunks: 0, trailers: [] };
    // One literal per kind, every field in the same order: messages keep one shape each, so
    // updating a body as its bytes arrive stays cheap.
    let message: HttpMessage;
    if (this.requests) {
      const line = this.startLine as RequestLine | undefined;
      message = {
        kind: 'request', dir: this.dir, version: line?.version ?? '', headers, offset: this.headOffset, headLength: this.bufLength, body,
        firstTs: this.headTs, lastTs: ts, complete: false, incomplete: cut, malformedHeaderLines: malformed, method: line?.method ?? '', target: line?.target ?? '',
      };
    } else {
      const line = this.startLine as StatusLine | undefined;
      message = {
        kind: 'response', dir: this.dir, version: line?.version ?? '', headers, offset: this.headOffset, headLength: this.bufLength, body,
        firstTs: this.headTs, lastTs: ts, complete: false, incomplete: cut, malformedHeaderLines: malformed, status: line?.status ?? 0, reason: line?.reason ?? '',
      };
    }
    this.startLine = undefined;
    this.releaseBuffer();
    this.message = message;
    const plan = this.hooks.onHead(message);
    if (cut) {
      this.finish(cut);
      return;
    }
    switch (plan.kind) {
      case 'none': this.finish(undefined); break;
      case 'length': body.framing = 'length'; this.remaining = plan.length; this.state = State.BodyLength; break;
      case 'chunked': body.framing = 'chunked'; this.state = State.ChunkSize; break;
      case 'close': body.framing = 'close'; this.state = State.Close; break;
      case 'tunnel': this.finish(undefined); this.toRaw(body.offset, plan.why); break;
      case 'invalid': this.fail(body.offset, plan.why); break;
    }
  }

  /** A chunk-size line or a trailer line from `bytes[i]`. Returns the new index. */
  private chunkLine(bytes: Uint8Array, i: number, offset: number, ts: Micros): number {
    const n = bytes.length;
    const lf = bytes.indexOf(LF, i);
    const end = lf < 0 ? n : lf + 1;
    const cap = this.state === State.ChunkSize ? MAX_LINE_BYTES : MAX_HEAD_BYTES;
    if (this.bufLength + (end - i) > cap) {
      this.fail(offset + i, this.state === State.ChunkSize ? 'chunk-size line too long' : 'trailer section too long');
      return n;
    }
    this.append(bytes, i, end);
    this.extendBody(0, ts, end - i);
    if (lf < 0) return n;
    if (this.state === State.ChunkSize) {
      const line = headText(this.buf.subarray(0, this.bufLength - 1));
      const m = /^([0-9a-fA-F]{1,13})[ \t]*(;[^\r]*)?\r?$/.exec(line);
      const lineOffset = offset + end - this.bufLength;
      this.bufLength = 0;
      if (!m) {
        this.fail(lineOffset, 'bad chunk-size line');
        return n;
      }
      const size = parseInt(m[1], 16);
      if (size === 0) { this.state = State.Trailers; this.lineStart = 0; }
      else { this.state = State.ChunkData; this.remaining = size; if (this.message) this.message.body.chunks++; }
      return end;
    }
    const lineLength = this.bufLength - 1 - this.lineStart;
    const blank = lineLength === 0 || (lineLength === 1 && this.buf[this.lineStart] === CR);
    this.lineStart = this.bufLength;
    if (blank) {
      if (this.message) this.message.body.trailers = parseHeaderLines(headText(this.buf.subarray(0, this.bufLength)).split('\n')).headers;
      this.releaseBuffer();
      this.finish(undefined);
    }
    return end;
  }

  /** Counts `length` wire bytes into the current body (`payload` of them body data). */
  private extendBody(payload: number, ts: Micros, framing = 0): void {
    const message = this.message;
    if (!message) return;
    message.body.length += payload + framing;
    message.body.dataLength += payload;
    if (payload + framing > 0) message.lastTs = ts;
  }

  private markIncomplete(offset: number, why: string): void {
    if (this.message && !this.message.incomplete) this.message.incomplete = { offset, why };
  }

  /** The current message is over; the parser waits for the next head (or goes raw when asked to). */
  private finish(cut: { offset: number; why: string } | undefined): void {
    const message = this.message;
    this.message = undefined;
    this.state = State.Head;
    this.bufLength = 0;
    this.tentative = false;
    if (message) {
      message.incomplete = cut ?? message.incomplete;
      message.complete = message.incomplete === undefined;
      this.hooks.onEnd(message);
    }
    if (this.rawAfterMessage !== undefined && message) this.toRaw(message.body.offset + message.body.length, this.rawAfterMessage);
  }

  /** A head cut at `offset` (by a gap or the end) whose start line was whole: the message, marked incomplete. */
  private emitPartialHead(offset: number, why: string, ts: Micros): void {
    this.completeHead(ts, { offset, why });
  }

  /** Looks for the next message start from `from`: the next bytes, or the start of any later line. */
  private resync(from: number, lostCandidate: boolean): void {
    this.state = this.requests ? State.Head : State.SkipLine;
    this.matched = 0;
    this.bufLength = 0;
    this.tentative = true;
    this.resyncFrom = from;
    this.lostCandidate = lostCandidate;
  }

  /** Something unparseable at `offset`: the message in progress is cut there, and the direction is raw. */
  private fail(offset: number, why: string): void {
    if (this.message) {
      this.rawAfterMessage = undefined;
      this.finish({ offset, why });
    }
    this.toRaw(offset, `${why}: raw bytes from here`);
  }

  private toRaw(offset: number, why: string): void {
    this.rawFrom = offset;
    this.note(offset, why);
    this.state = State.Raw;
    this.releaseBuffer();
  }

  private note(offset: number, text: string): void {
    this.hooks.onNote({ dir: this.dir, offset, text });
  }

  private append(bytes: Uint8Array, from: number, to: number): void {
    const need = this.bufLength + (to - from);
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.min(MAX_HEAD_BYTES, Math.max(need, this.buf.length * 2, 512)));
      grown.set(this.buf.subarray(0, this.bufLength));
      this.buf = grown;
    }
    this.buf.set(bytes.subarray(from, to), this.bufLength);
    this.bufLength = need;
  }

  /** Empties the buffer, giving back memory a large head took. */
  private releaseBuffer(): void {
    this.bufLength = 0;
    if (this.buf.length > 4096) this.buf = EMPTY;
  }
}
