/**
 * The messages of a flow, as the message layer hands them to views and outputs. Objects are
 * owned and updated by the parser that made them (a message in progress grows as bytes arrive);
 * readers must not modify them. Strings come from the network as they were: a view escapes them
 * (render/) before showing them. Offsets are stream offsets of the message's direction, so the
 * bytes themselves are read from the store by position.
 */
import type { Direction, Micros } from '../core/types.js';
import type { HttpHeader } from './httpHead.js';

export type { HttpHeader } from './httpHead.js';

/**
 * Something the parser of a direction wants a reader to know, at a stream offset. With `gap`, it
 * is about a capture gap of that many bytes at `offset` (a view words it as it words any gap),
 * and `text` says what the parser did about it ('' when nothing to say).
 */
export interface StreamNote {
  readonly dir: Direction;
  readonly offset: number;
  readonly text: string;
  readonly gap?: number;
}

/** Where and why a message stopped being complete (a gap in it, or the stream ending inside it). */
export interface Incompleteness {
  readonly offset: number;
  readonly why: string;
}

/** How a body is delimited on the wire (see httpHead.ts `BodyPlan`). */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'close';

/** A message body as stream ranges: the bytes are not kept. */
export interface HttpBody {
  framing: BodyFraming;
  /** Stream offset of the body's first byte on the wire (right after the head). */
  offset: number;
  /** Wire bytes of the body so far (chunk framing and trailers included, gaps included). */
  length: number;
  /** Payload bytes so far (chunk data only for chunked bodies; gaps included). */
  dataLength: number;
  /** Bytes of `length` (and `dataLength`) that fell in capture gaps: a body of known length, or read until close, goes on after a gap. */
  gapBytes: number;
  /** Number of chunks (chunked bodies; the last, empty chunk not counted). */
  chunks: number;
  /** Trailer fields of a chunked body. */
  trailers: readonly HttpHeader[];
}

/** What requests and responses share. */
export interface HttpMessageBase {
  readonly dir: Direction;
  /** HTTP version digits, `1.1`. */
  readonly version: string;
  readonly headers: readonly HttpHeader[];
  /** Stream offset of the start line's first byte. */
  readonly offset: number;
  /** Bytes of the start line, header fields and blank line (as much as was seen when incomplete). */
  headLength: number;
  readonly body: HttpBody;
  /** Time of the first and the last byte seen of the message. */
  readonly firstTs: Micros;
  lastTs: Micros;
  /** True once the whole message went by (false while it is in progress or when it was cut). */
  complete: boolean;
  /** Set when a gap or the stream's end cut the message. */
  incomplete: Incompleteness | undefined;
  /** Header lines that were not `name: value` and were skipped. */
  readonly malformedHeaderLines: number;
}

/** An HTTP request. */
export interface HttpRequest extends HttpMessageBase {
  readonly kind: 'request';
  readonly method: string;
  readonly target: string;
}

/** An HTTP response (final or interim 1xx). */
export interface HttpResponse extends HttpMessageBase {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
}

/** Either kind of HTTP message. */
export type HttpMessage = HttpRequest | HttpResponse;

/**
 * What is wrong with an exchange: `after-close`, a request sent after the server announced it
 * would close (Connection: close, HTTP/1.0 without keep-alive) or after the server's FIN, and not
 * answered; `no-request`, a response without a request; `unanswered`, a request the server never
 * answered (known once the flow ended); `lost`, the request or the response fell in a capture gap
 * (the parser skipped the rest of a message it did not see start), so the other side is paired
 * with this placeholder rather than with the wrong message; `cut-short`, the connection ended
 * (FIN, reset) inside the request or the response: its head or body was not all sent;
 * `head-lost`, the end of the request's or the response's head fell in a capture gap (its start
 * line was seen; its headers, so its body's framing and size, were not all seen).
 */
export type ExchangeFlag = 'after-close' | 'no-request' | 'unanswered' | 'lost' | 'cut-short' | 'head-lost' | 'both-lengths';

/**
 * Bytes that arrived but that no parsed message holds: after a capture gap took a message's
 * start (or cut its head or chunked body), the parser skipped what followed, up to the next
 * message start. `[offset, offset + length)` of `dir` spans the gap(s) and those bytes;
 * `received` of them arrived, the last at `lastTs`.
 */
export interface StrayBytes {
  readonly dir: Direction;
  readonly offset: number;
  readonly length: number;
  readonly received: number;
  readonly lastTs: Micros;
}

/**
 * A message head still arriving on a connection still open: `length` bytes of `dir` from stream
 * offset `offset` so far (the first at `ts`), not yet a whole head (no blank line after them).
 */
export interface ArrivingHead {
  readonly dir: Direction;
  readonly offset: number;
  readonly length: number;
  readonly ts: Micros;
}

/** A request and its response, paired in order. Either side may be missing (see `flags`). */
export interface HttpExchange {
  /** Position in the flow's list of exchanges. */
  readonly index: number;
  request: HttpRequest | undefined;
  /** The final response (not 1xx, except 101). */
  response: HttpResponse | undefined;
  /** Interim responses (100 Continue, 103 Early Hints...) before the final one. */
  interim: readonly HttpResponse[];
  flags: readonly ExchangeFlag[];
  /**
   * What arrived of its messages that no message holds (see {@link StrayBytes}): of a message
   * lost in a gap (`lost`: a response whose head was lost, its body received), or the rest of
   * one a gap cut. At most one per direction.
   */
  stray?: StrayBytes[];
  /**
   * Through the proxy, a request it could not pass on: what happened to the upstream (`refused`,
   * `not resolved`, `unreachable`, `timed out`: see upstreamText.ts), set when the flow ends.
   */
  upstream?: string;
}
