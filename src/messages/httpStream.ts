/**
 * The incremental HTTP/1.x parser of one direction of a flow: bytes in as they arrive (any
 * split), messages out through hooks. Bounded memory (a head of at most {@link MAX_HEAD_BYTES};
 * bodies are only counted), never throws on input: a gap cuts the message it falls in and the
 * parser looks for the next start line; anything else it cannot parse turns the rest of the
 * direction into raw bytes, with a note saying where and why.
 */
import type { Direction, Micros } from '../core/types.js';
import type { BodyPlan, HttpHeader, RequestLine, StatusLine } from './httpHead.js';
import { ChunkedReader, ChunkStep } from './httpChunked.js';
import { HeadReader, HeadStep, MAX_HEAD_BYTES } from './httpHeadReader.js';
import { messageEnd, RequestMessage, ResponseMessage } from './httpMessage.js';
import type { ArrivingHead, HttpBody, HttpMessage, StrayBytes, StreamNote } from './types.js';
import { formatCount } from '../core/count.js';

/** The trailers of a body that has none (most): one array shared by them all. */
const NO_TRAILERS: readonly HttpHeader[] = Object.freeze([]);

export { MAX_HEAD_BYTES } from './httpHeadReader.js';

/** What a direction's parser tells its conversation (the conversation itself, shared by its two parsers). */
export interface HttpStreamHooks {
  /**
   * A message head was parsed (`headText`: its text, for framingOfHead): returns how its body is
   * delimited (for a response this depends on the request).
   */
  onHead(message: HttpMessage, headText: string): BodyPlan;
  /**
   * At least one whole message start fell in a gap (`requests`: in the direction carrying
   * requests): the gap began between messages and the next message start came only after
   * skipping bytes (the rest of a lost message).
   */
  onLost(requests: boolean): void;
  /**
   * A message start was found (or the stream ended) after skipping bytes that arrived (`stray`):
   * the rest of the message a gap took the start of (`lost`: told right after {@link onLost}), or
   * of the one it cut. Returns false when no exchange keeps them (then the parser shows them raw).
   */
  onStray(stray: StrayBytes, lost: boolean): boolean;
  /**
   * The message is over: complete, or cut (`message.incomplete` says where). `cutByConnection`:
   * the connection's end (FIN, reset; not the capture's) cut it, so it was sent short.
   */
  onEnd(message: HttpMessage, cutByConnection: boolean): void;
  onNote(note: StreamNote): void;
}

/** The `incomplete.why` of a message whose head a capture gap cut (see {@link HttpStreamParser.gap}). */
export const HEAD_IN_GAP = 'gap in the header';
/** The `incomplete.why` of a message with a capture gap in its body of known length (or read until close): the parse goes on after it. */
export const BODY_GAP = 'gap in the body';

const enum State { Head, BodyLength, Chunked, Close, SkipLine, Raw, Ended }

const LF = 0x0a;
const CR = 0x0d;
const HTTP_SLASH_1_DOT = new TextEncoder().encode('HTTP/1.');

/** One direction's parser. `requests`: this direction carries requests (else responses). */
export class HttpStreamParser {
  private state = State.Head;
  /** The next stream offset expected. */
  private expected = 0;
  private readonly head: HeadReader;
  /** Looking for a message start after a gap: a line that is not one is skipped, not fatal. */
  private tentative = false;
  /** Where the search for a message start began, and whether a message may have been lost there. */
  private resyncFrom = 0;
  private lostCandidate = false;
  /** Where the bytes skipped since the last message (or its cut) begin, the gap bytes among them, and when the last arrived. */
  private strayFrom = 0;
  private strayGaps = 0;
  private strayLastTs: Micros = 0;
  /** Bytes of `HTTP/1.` matched so far while skipping (responses). */
  private matched = 0;
  private message: HttpMessage | undefined = undefined;
  private chunked: ChunkedReader | undefined = undefined;
  private remaining = 0;
  private rawAfterMessage: string | undefined = undefined;

  /**
   * `requests`: this direction carries requests (else responses). `midStream`: the capture began
   * after the connection did, so the stream may start inside a message: bytes up to the first
   * start line are skipped rather than fatal.
   */
  constructor(readonly dir: Direction, readonly requests: boolean, private readonly hooks: HttpStreamHooks, midStream = false) {
    this.head = new HeadReader(requests);
    if (midStream) this.resync(0, false);
  }

  /** Stream offset from which the direction is raw bytes (a tunnel, or after something unparseable), if it is. */
  rawFrom: number | undefined = undefined;

  /** The direction ended inside a start line: its bytes, raw from {@link rawFrom}, are no message. */
  startLineCut = false;

  /** True once the direction is raw bytes (a tunnel, or after something unparseable) or ended. */
  get done(): boolean {
    return this.state === State.Raw || this.state === State.Ended;
  }

  /**
   * The head being read, when some of its bytes came but not its end (not while looking for a
   * message start after a gap, nor once the direction ended); else undefined.
   */
  get arriving(): ArrivingHead | undefined {
    const head = this.head;
    if (this.state !== State.Head || this.tentative || !head.started) return undefined;
    return { dir: this.dir, offset: head.offset, length: head.length, ts: head.ts };
  }

  /** The bytes at stream offset `offset`, arrived at `ts`. Valid only during the call (copied when kept). */
  feed(offset: number, bytes: Uint8Array, ts: Micros): void {
    if (this.state === State.Ended) return;
    if (offset > this.expected) this.gap(this.expected, offset - this.expected, ts);
    let i = Math.max(0, this.expected - offset);
    const n = bytes.length;
    if (i >= n) return;
    this.expected = offset + n;
    if (this.tentative) this.strayLastTs = ts;
    while (i < n) {
      switch (this.state) {
        case State.Head: i = this.readHead(bytes, i, offset, ts); break;
        case State.BodyLength: {
          const take = Math.min(this.remaining, n - i);
          this.takeBody(take, ts);
          i += take;
          break;
        }
        case State.Chunked: i = this.readChunked(bytes, i, offset, ts); break;
        case State.Close: this.takeBody(n - i, ts); i = n; break;
        case State.SkipLine: i = this.requests ? this.skipLine(bytes, i) : this.skipToStatusLine(bytes, i, offset, ts); break;
        default: i = n;
      }
    }
  }

  /**
   * Takes `length` bytes at `offset` without reading them when the parser does not need them:
   * inside a body of known length (up to its end), a body read until close, or raw bytes.
   * Returns false when it must see them: then call {@link feed}. (A data event makes its bytes
   * only when read; a model load of mostly body bytes then never makes them.)
   */
  skip(offset: number, length: number, ts: Micros): boolean {
    if (this.state === State.Raw || this.state === State.Ended) return true;
    if (offset !== this.expected) return false;
    if (this.state === State.Close || (this.state === State.BodyLength && this.remaining >= length)) {
      this.expected += length;
      this.takeBody(length, ts);
      return true;
    }
    if (this.state !== State.Chunked || !this.chunked!.skip(length)) return false;
    if (this.message) this.message.lastTs = ts;
    this.expected += length;
    return true;
  }

  /**
   * How many bytes from the next offset {@link skip} would take unread (Infinity: all of them):
   * the rest of a body of known length, of a chunk's data, of a body read until close, or raw bytes.
   */
  get skippable(): number {
    switch (this.state) {
      case State.Raw:
      case State.Ended:
      case State.Close:
        return Infinity;
      case State.BodyLength:
        return this.remaining;
      case State.Chunked:
        return this.chunked!.skippable;
      default:
        return 0;
    }
  }

  /** `length` bytes at `offset` were never seen. */
  gap(offset: number, length: number, ts: Micros): void {
    const end = offset + length;
    if (this.state === State.Ended || end <= this.expected) return;
    const start = this.expected;
    this.expected = end;
    let rest = end - start;
    /** The gap began between messages: a message may have started in it. */
    let boundary = this.state === State.Head && !this.head.started && !this.tentative;
    switch (this.state) {
      case State.Head:
        if (this.head.hasStartLine || (!this.tentative && this.head.cutStartLine())) this.completeHead(ts, { offset: start, why: HEAD_IN_GAP });
        else if (this.head.started && !this.tentative) {
          this.note(this.head.offset, `gap at ${formatCount(start)} inside a start line`);
          boundary = true;
        }
        break;
      case State.BodyLength:
      case State.Close: {
        const take = this.state === State.Close ? rest : Math.min(rest, this.remaining);
        this.markIncomplete(start, BODY_GAP);
        if (this.message) this.message.body.gapBytes += take;
        rest -= take;
        if (!this.takeBody(take, ts) || rest === 0) return;
        boundary = true;
        break;
      }
      case State.Chunked:
        this.markIncomplete(start, 'gap in the chunked body');
        this.finish(this.message?.incomplete);
        break;
      case State.SkipLine:
        break;
      default:
        return;
    }
    if (this.done) return;
    // The bytes after the gap belong to the message it cut or took the start of: from the gap on.
    if (this.tentative) this.strayGaps += end - start;
    else {
      this.strayFrom = end - rest;
      this.strayGaps = rest;
    }
    const tentative = this.tentative;
    if (!tentative) this.hooks.onNote({ dir: this.dir, offset: start, text: 'looking for the next message start', gap: end - start });
    this.resync(end, boundary || (tentative && this.lostCandidate));
  }

  /**
   * The sender finished (FIN, or the flow ended): a message in progress is over. Still looking
   * for a message start after a gap between messages: the gap held (the start of) a message.
   * `byConnection`: the connection ended (FIN, reset), not the capture: a message it cuts was sent short.
   */
  end(ts: Micros, byConnection = true): void {
    const short = byConnection && !this.tentative;
    const lost = this.tentative && this.lostCandidate && this.state !== State.Ended;
    if (lost) this.hooks.onLost(this.requests);
    // No message start came after a gap: the bytes skipped looking for one go with the exchange
    // whose message they are the rest of, else they are shown raw.
    if (this.tentative && !this.done && this.expected > this.resyncFrom && !this.stray(this.expected, lost)) {
      this.toRaw(this.resyncFrom, 'no message start after the gap: raw bytes from here');
    }
    switch (this.state) {
      case State.Head:
        if (this.head.hasStartLine) this.completeHead(ts, { offset: this.expected, why: 'stream ended in the header' }, short);
        else if (this.head.started && !this.tentative) {
          this.startLineCut = true;
          this.toRaw(this.head.offset, `the stream ended inside this ${this.requests ? 'request' : 'status'} line: raw bytes from here`);
        }
        break;
      case State.BodyLength:
        this.finish({ offset: this.expected, why: `stream ended ${formatCount(this.remaining)} bytes before the end of the body` }, short);
        break;
      case State.Chunked:
        this.finish({ offset: this.expected, why: 'stream ended inside the chunked body' }, short);
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
    if (this.state === State.Head || this.state === State.SkipLine) this.toRaw(this.head.started ? this.head.offset : this.expected, why);
    else this.rawAfterMessage = why;
  }

  /** Head bytes from `bytes[i]`, through the head reader. Returns the new index. */
  private readHead(bytes: Uint8Array, i: number, offset: number, ts: Micros): number {
    const n = bytes.length;
    const head = this.head;
    if (!head.started) {
      while (i < n && (bytes[i] === CR || bytes[i] === LF)) i++;
      if (i === n) return n;
      head.begin(offset + i, ts);
    }
    const end = head.read(bytes, i);
    if ((head.step === HeadStep.StartLine || head.step === HeadStep.Done) && this.tentative) this.resumed(head.offset);
    switch (head.step) {
      case HeadStep.StartLine:
        return end;
      case HeadStep.BadStartLine:
        this.rejectStartLine(head.lineEnded);
        return this.state === State.Raw ? n : end;
      case HeadStep.TooLong:
        this.fail(head.offset, `header section over ${formatCount(MAX_HEAD_BYTES)} bytes`);
        return n;
      case HeadStep.Done:
        this.completeHead(ts, undefined);
        return end;
      default:
        return end;
    }
  }

  /** A message start found while resynchronising, at `offset`: notes how far it was, and whether a message was lost. */
  private resumed(offset: number): void {
    if (offset > this.resyncFrom) {
      this.note(offset, 'resumed at this message start');
      const lost = this.lostCandidate && offset > this.resyncFrom + 2;
      if (lost) this.hooks.onLost(this.requests);
      this.stray(offset, lost);
    }
    this.tentative = false;
  }

  /** The bytes skipped up to `end` (after the gap that began the search) told as stray; false when not kept. */
  private stray(end: number, lost: boolean): boolean {
    const received = end - this.strayFrom - this.strayGaps;
    // More than the line end left after a message: bytes a view would otherwise never show.
    if (received <= 2) return false;
    return this.hooks.onStray({ dir: this.dir, offset: this.strayFrom, length: end - this.strayFrom, received, lastTs: this.strayLastTs }, lost);
  }

  /** Chunked body bytes from `bytes[i]`. Returns the new index. */
  private readChunked(bytes: Uint8Array, i: number, offset: number, ts: Micros): number {
    const reader = this.chunked!;
    const end = reader.read(bytes, i, offset);
    if (this.message && end > i) this.message.lastTs = ts;
    if (reader.step === ChunkStep.Done) this.finish(undefined);
    else if (reader.step === ChunkStep.Bad) this.fail(reader.badOffset, reader.why);
    return end;
  }

  /** Skips to the next line start. Returns the new index. */
  private skipLine(bytes: Uint8Array, i: number): number {
    const lf = bytes.indexOf(LF, i);
    if (lf < 0) return bytes.length;
    this.state = State.Head;
    this.head.clear();
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
        this.head.begin(offset + i + 1 - HTTP_SLASH_1_DOT.length, ts, HTTP_SLASH_1_DOT);
        return i + 1;
      }
    }
    return i;
  }

  /**
   * A start line that is not one: skipped while resynchronising (from the next line start when
   * `lineEnded`), else the direction becomes raw.
   */
  private rejectStartLine(lineEnded: boolean): void {
    if (!this.tentative) {
      this.fail(this.head.offset, this.requests ? 'not an HTTP request line' : 'not an HTTP status line');
      return;
    }
    this.head.clear();
    this.matched = 0;
    this.state = lineEnded && this.requests ? State.Head : State.SkipLine;
  }

  /** The head in `buf` is over (or cut at `cut`): makes the message and enters its body. */
  private completeHead(ts: Micros, cut: { offset: number; why: string } | undefined, cutByConnection = false): void {
    const head = this.head;
    const text = head.text();
    const headLength = head.length;
    const body: HttpBody = { framing: 'none', offset: head.offset + headLength, length: 0, dataLength: 0, gapBytes: 0, chunks: 0, trailers: NO_TRAILERS };
    let message: HttpMessage;
    if (this.requests) {
      const line = head.startLine as RequestLine | undefined;
      message = new RequestMessage(line?.method ?? '', line?.target ?? '', this.dir, line?.version ?? '', text, head.offset, headLength, body, head.ts, ts, cut);
    } else {
      const line = head.startLine as StatusLine | undefined;
      message = new ResponseMessage(line?.status ?? 0, line?.reason ?? '', this.dir, line?.version ?? '', text, head.offset, headLength, body, head.ts, ts, cut);
    }
    head.clear();
    this.message = message;
    const plan = this.hooks.onHead(message, text);
    if (cut) {
      this.finish(cut, cutByConnection);
      return;
    }
    switch (plan.kind) {
      case 'none': this.finish(undefined); break;
      case 'length': body.framing = 'length'; this.remaining = plan.length; this.state = State.BodyLength; break;
      case 'chunked': body.framing = 'chunked'; this.chunked = new ChunkedReader(body); this.state = State.Chunked; break;
      case 'close': body.framing = 'close'; this.state = State.Close; break;
      case 'tunnel': this.finish(undefined); this.toRaw(body.offset, plan.why); break;
      case 'invalid': this.fail(body.offset, plan.why); break;
    }
  }

  /**
   * Counts `take` bytes, arrived at `ts`, into the body being read (of known length, or until
   * close); finishes the message when a body of known length is whole. Returns true when it did.
   */
  private takeBody(take: number, ts: Micros): boolean {
    this.extendBody(take, ts);
    this.remaining -= take;
    if (this.state !== State.BodyLength || this.remaining > 0) return false;
    this.finish(undefined);
    return true;
  }

  /** Counts `payload` body bytes, arrived at `ts`, into the current message. */
  private extendBody(payload: number, ts: Micros): void {
    const message = this.message;
    if (!message) return;
    message.body.length += payload;
    message.body.dataLength += payload;
    if (payload > 0) message.lastTs = ts;
  }

  private markIncomplete(offset: number, why: string): void {
    if (this.message && !this.message.incomplete) this.message.incomplete = { offset, why };
  }

  /** The current message is over (`cutByConnection`: see {@link HttpStreamHooks.onEnd}); the parser waits for the next head (or goes raw when asked to). */
  private finish(cut: { offset: number; why: string } | undefined, cutByConnection = false): void {
    const message = this.message;
    this.message = undefined;
    this.chunked = undefined;
    this.state = State.Head;
    this.head.clear();
    this.tentative = false;
    if (message) {
      message.incomplete = cut ?? message.incomplete;
      message.complete = message.incomplete === undefined;
      this.hooks.onEnd(message, cutByConnection);
    }
    if (this.rawAfterMessage !== undefined && message) this.toRaw(messageEnd(message), this.rawAfterMessage);
  }

  /** Looks for the next message start from `from`: the next bytes, or the start of any later line. */
  private resync(from: number, lostCandidate: boolean): void {
    this.state = this.requests ? State.Head : State.SkipLine;
    this.matched = 0;
    this.head.clear();
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
    this.head.clear();
  }

  private note(offset: number, text: string): void {
    this.hooks.onNote({ dir: this.dir, offset, text });
  }
}
