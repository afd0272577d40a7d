/**
 * An HTTP/1.x conversation: both directions of one flow parsed incrementally (httpStream.ts),
 * requests paired with responses in order (pipelining included), the interim 1xx responses kept
 * with their request, and the exchanges that went wrong flagged. Never throws on input.
 */
import type { DataEvent, Direction, Micros } from '../core/types.js';
import { otherDirection } from '../core/types.js';
import { announcesClose, framingOfHead, requestBodyPlan, responseBodyPlan, type BodyPlan, type Framing } from './httpHead.js';
import { HEAD_IN_GAP, HttpStreamParser, type HttpStreamHooks } from './httpStream.js';
import { keepNote } from './notes.js';
import type { ArrivingHead, ExchangeFlag, HttpExchange, HttpMessage, HttpRequest, HttpResponse, StrayBytes, StreamNote } from './types.js';

/** Exchanges kept per conversation (about a kilobyte each); later ones are parsed and counted, not kept. */
export const MAX_EXCHANGES = 10_000;
/** Requests waiting for a response, at most: a client this far ahead is not waiting for answers. */
export const MAX_PENDING = 1_000;

/** What an exchange starts with (most keep them): arrays shared by all, replaced when something is added. */
const NO_INTERIM: readonly HttpResponse[] = Object.freeze([]);
const NO_FLAGS: readonly ExchangeFlag[] = Object.freeze([]);

/**
 * Feed it a flow's bytes as they arrive, per direction, with gaps and ends; read `exchanges`.
 * `requestDir` is the direction carrying requests (c2s, unless the flow's direction was guessed
 * wrong: detect.ts tells). The exchange objects are updated in place as their messages grow.
 */
export class HttpConversation implements HttpStreamHooks {
  /** The exchanges, in the order requests (or unrequested responses) appeared: the first {@link MAX_EXCHANGES}. */
  readonly exchanges: HttpExchange[] = [];
  /** Notes of both directions (gaps, resynchronisation, fallback to raw): the first ones (see {@link keepNote}). */
  readonly notes: StreamNote[] = [];
  requestCount = 0;
  responseCount = 0;
  /** Exchanges seen (kept or not: see {@link MAX_EXCHANGES}). */
  exchangeCount = 0;
  /** Goes up whenever an exchange is kept, answered, or its flags change: a scan of `exchanges` stays true while it stands still. */
  changes = 0;
  /** The connection became a tunnel (a 2xx to CONNECT, a 101): the bytes from {@link rawFrom} on are another protocol's. */
  tunnel = false;
  /** The tunnel is WebSocket (101 with `Upgrade: websocket`): its bytes are frames. */
  websocket = false;
  /** Each direction's parser, until the flow is over: then what a view still asks of it (see {@link EndedParser}). */
  private parsers: Record<Direction, DirectionParser>;
  /** Exchanges whose request has no final response yet, oldest first (from `pendingHead`). */
  private readonly pending: HttpExchange[] = [];
  private pendingHead = 0;
  /** The server said it would close (Connection: close, HTTP/1.0) or sent its FIN. */
  private serverClosing = false;
  private finished = false;

  /** The exchange of the message in progress in each direction. */
  private readonly current: Record<Direction, HttpExchange | undefined> = { c2s: undefined, s2c: undefined };
  /** The exchange of the last message over in each direction (a gap's stray bytes after it are its). */
  private readonly previous: Record<Direction, HttpExchange | undefined> = { c2s: undefined, s2c: undefined };
  /** The exchange the last {@link onLost} gave up on (its stray bytes come next). */
  private lost: HttpExchange | undefined = undefined;

  /**
   * `onMessageEnd`, when given, is told of every message once it is over (complete or cut), with
   * its exchange. `midStream`: the capture missed the connection's start, so each direction may
   * begin inside a message (bytes before the first start line are skipped).
   */
  constructor(
    readonly requestDir: Direction = 'c2s',
    private readonly onMessageEnd?: (message: HttpMessage, exchange: HttpExchange) => void,
    midStream = false,
    /** Told of each exchange kept (pushed on {@link exchanges}). */
    private readonly onKept?: () => void,
  ) {
    const requests = new HttpStreamParser(requestDir, true, this, midStream);
    const responses = new HttpStreamParser(otherDirection(requestDir), false, this, midStream);
    this.parsers = requestDir === 'c2s' ? { c2s: requests, s2c: responses } : { c2s: responses, s2c: requests };
  }

  /** Bytes of direction `dir` at stream offset `offset` (valid only during the call). */
  feed(dir: Direction, offset: number, bytes: Uint8Array, ts: Micros): void {
    this.parsers[dir].feed(offset, bytes, ts);
  }

  /**
   * A data event's bytes (or anything shaped like one), read only when the parser needs them:
   * the bytes of a body are counted, not read.
   */
  feedData(data: Pick<DataEvent, 'dir' | 'offset' | 'length' | 'ts' | 'bytes'>): void {
    const parser = data.dir === 'c2s' ? this.parsers.c2s : this.parsers.s2c;
    if (!parser.skip(data.offset, data.length, data.ts)) parser.feed(data.offset, data.bytes, data.ts);
  }

  /** How many bytes of direction `dir`, from its next offset, {@link feedData} takes without reading them (Infinity: all). */
  skippable(dir: Direction): number {
    return this.parsers[dir].skippable;
  }

  /** `length` bytes of direction `dir` at `offset` were never seen. */
  gap(dir: Direction, offset: number, length: number, ts: Micros): void {
    this.parsers[dir].gap(offset, length, ts);
  }

  /** Direction `dir` finished sending (its FIN). After the server's, a new request cannot be answered. */
  end(dir: Direction, ts: Micros): void {
    if (dir !== this.requestDir) this.serverClosing = true;
    this.parsers[dir].end(ts);
  }

  /**
   * The flow is over: both directions end, and requests still without a response are flagged
   * `unanswered`, unless `stillOpen` (the capture stopped with the connection open: an answer
   * may have come after). `byConnection`: the connection ended (FIN, reset), not the capture or
   * an idle timeout: a message it cut is flagged `cut-short`.
   */
  finish(ts: Micros, byConnection = true, stillOpen = false): void {
    if (this.finished) return;
    this.parsers.c2s.end(ts, byConnection);
    this.parsers.s2c.end(ts, byConnection);
    this.finished = true;
    // Nothing more is parsed: the parsers (and their head buffers) go, a flow held for hours costs its messages only.
    this.parsers = { c2s: new EndedParser(this.parsers.c2s), s2c: new EndedParser(this.parsers.s2c) };
    if (!stillOpen) for (let i = this.pendingHead; i < this.pending.length; i++) this.flag(this.pending[i], 'unanswered');
    this.pending.length = 0;
    this.pendingHead = 0;
  }

  /**
   * The stream offset from which direction `dir` is raw bytes (after an upgrade, a CONNECT tunnel,
   * or something unparseable: a note at that offset says which), or undefined while it is HTTP.
   * A view shows messages before it and the bytes themselves after it.
   */
  rawFrom(dir: Direction): number | undefined {
    return this.parsers[dir].rawFrom;
  }

  /** Direction `dir` ended inside a start line (its bytes from {@link rawFrom} are that line's). */
  startLineCut(dir: Direction): boolean {
    return this.parsers[dir].startLineCut;
  }

  /**
   * The head of direction `dir` still arriving (see {@link HttpStreamParser.arriving}), and for
   * a response the exchange it will answer (the oldest waiting; none: a new one), else undefined.
   */
  arriving(dir: Direction): (ArrivingHead & { readonly exchange: HttpExchange | undefined }) | undefined {
    const head = this.parsers[dir].arriving;
    if (head === undefined) return undefined;
    const waiting = dir !== this.requestDir && this.pendingHead < this.pending.length ? this.pending[this.pendingHead] : undefined;
    return { ...head, exchange: waiting };
  }

  /** The parsers' hook: a head was parsed; returns its body's framing. */
  onHead(message: HttpMessage, headText: string): BodyPlan {
    const plan = message.kind === 'request' ? this.onRequest(message, headText) : this.onResponse(message, headText);
    const exchange = this.current[message.dir];
    if (exchange && message.incomplete?.why === HEAD_IN_GAP) this.flag(exchange, 'head-lost');
    return plan;
  }

  /** The parsers' hook: a message is over. */
  onEnd(message: HttpMessage, cutByConnection: boolean): void {
    const exchange = this.current[message.dir];
    this.current[message.dir] = undefined;
    this.previous[message.dir] = exchange;
    if (exchange && cutByConnection && !exchange.flags.includes('cut-short')) this.flag(exchange, 'cut-short');
    if (exchange) this.onMessageEnd?.(message, exchange);
  }

  /** The parsers' hook: a whole message fell in a gap. */
  onLost(requests: boolean): void {
    this.lost = undefined;
    if (requests) this.requestLost();
    else this.responseLost();
  }

  /** The parsers' hook: bytes no message holds, kept with the exchange whose message they are the rest of. */
  onStray(stray: StrayBytes, lost: boolean): boolean {
    const exchange = lost ? this.lost : this.previous[stray.dir];
    if (!exchange || exchange.stray?.some((s) => s.dir === stray.dir)) return false;
    (exchange.stray ??= []).push(stray);
    return true;
  }

  /** The parsers' hook: a note (the first ones kept: see {@link keepNote}). */
  onNote(note: StreamNote): void {
    keepNote(this.notes, note);
  }

  private onRequest(message: HttpMessage, headText: string): BodyPlan {
    const request = message as HttpRequest;
    this.requestCount++;
    const exchange = this.keep({ index: this.exchangeCount, request, response: undefined, interim: NO_INTERIM, flags: NO_FLAGS });
    if (this.serverClosing) this.flag(exchange, 'after-close');
    this.wait(exchange);
    this.current[request.dir] = exchange;
    const framing = framingOfHead(headText);
    this.flagBothLengths(exchange, framing);
    return requestBodyPlan(framing);
  }

  private onResponse(message: HttpMessage, headText: string): BodyPlan {
    const response = message as HttpResponse;
    this.responseCount++;
    const waiting = this.pendingHead < this.pending.length ? this.pending[this.pendingHead] : undefined;
    if (response.status >= 100 && response.status < 200 && response.status !== 101) {
      let exchange = waiting;
      if (exchange) exchange.interim = [...exchange.interim, response];
      else exchange = this.keep({ index: this.exchangeCount, request: undefined, response, interim: NO_INTERIM, flags: ['no-request'] });
      this.current[response.dir] = exchange;
      return { kind: 'none' };
    }
    let exchange = waiting;
    if (exchange) {
      this.advance();
      exchange.response = response;
      this.changes++;
      if (exchange.flags.includes('after-close')) exchange.flags = exchange.flags.filter((flag) => flag !== 'after-close');
    } else {
      exchange = this.keep({ index: this.exchangeCount, request: undefined, response, interim: NO_INTERIM, flags: ['no-request'] });
    }
    this.current[response.dir] = exchange;
    const framing = framingOfHead(headText);
    this.flagBothLengths(exchange, framing);
    if (announcesClose(response.version, framing)) this.serverClosing = true;
    const plan = responseBodyPlan(response.status, framing, exchange.request?.method);
    if (plan.kind === 'tunnel') {
      this.tunnel = true;
      this.websocket = response.status === 101 && /\bwebsocket\b/i.test(framing.upgrade ?? '');
      this.parsers[this.requestDir].switchToRaw(plan.why);
    }
    return plan;
  }

  /** A request fell in a gap: an exchange without it takes its place, so the responses after it pair right. */
  private requestLost(): void {
    this.lost = this.keep({ index: this.exchangeCount, request: undefined, response: undefined, interim: NO_INTERIM, flags: ['lost'] });
    this.wait(this.lost);
  }

  /** A response fell in a gap: the oldest waiting request will not see its response. */
  private responseLost(): void {
    if (this.pendingHead >= this.pending.length) return;
    this.lost = this.pending[this.pendingHead];
    this.flag(this.lost, 'lost');
    this.advance();
  }

  /** Counts a new exchange and keeps it while fewer than {@link MAX_EXCHANGES} are kept. */
  private keep(exchange: HttpExchange): HttpExchange {
    this.exchangeCount++;
    this.changes++;
    if (this.exchanges.length < MAX_EXCHANGES) {
      this.exchanges.push(exchange);
      this.onKept?.();
    }
    return exchange;
  }

  /** A message with both Content-Length and Transfer-Encoding: a request-smuggling sign (RFC 9112 6.3), flagged once per exchange. */
  private flagBothLengths(exchange: HttpExchange, framing: Framing): void {
    if (framing.transferEncoding !== undefined && framing.contentLengthFields !== undefined && !exchange.flags.includes('both-lengths')) this.flag(exchange, 'both-lengths');
  }

  /** Adds `flag` to `exchange`'s flags. */
  private flag(exchange: HttpExchange, flag: ExchangeFlag): void {
    exchange.flags = [...exchange.flags, flag];
    this.changes++;
  }

  /** Queues an exchange for the next response; past {@link MAX_PENDING} waiting, the oldest is given up (unanswered). */
  private wait(exchange: HttpExchange): void {
    this.pending.push(exchange);
    if (this.pending.length - this.pendingHead > MAX_PENDING) {
      this.flag(this.pending[this.pendingHead], 'unanswered');
      this.advance();
    }
  }

  /** Drops the oldest waiting exchange from the queue (compacting the queue now and then). */
  private advance(): void {
    this.pendingHead++;
    if (this.pendingHead > 64 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
  }
}

/** An exchange's phases in milliseconds, as HAR's `timings` wants them (-1: not known). */
export interface ExchangeTimings {
  /** From the request's first byte to its last. */
  readonly send: number;
  /** From the request's last byte to the response's first. */
  readonly wait: number;
  /** From the response's first byte to its last. */
  readonly receive: number;
}

/** The timings of `exchange` from its messages' first and last byte times (-1 where a side is missing). */
export function exchangeTimings(exchange: HttpExchange): ExchangeTimings {
  const { request, response } = exchange;
  const ms = (from: number, to: number): number => Math.max(0, (to - from) / 1000);
  return {
    send: request ? ms(request.firstTs, request.lastTs) : -1,
    wait: request && response ? ms(request.lastTs, response.firstTs) : -1,
    receive: response ? ms(response.firstTs, response.lastTs) : -1,
  };
}

/** What the conversation asks of a direction's parser. */
type DirectionParser = Pick<HttpStreamParser, 'feed' | 'skip' | 'skippable' | 'gap' | 'end' | 'switchToRaw' | 'rawFrom' | 'startLineCut' | 'arriving'>;

/** A direction's parser once the flow is over: where it went raw and whether it ended in a start line; it takes nothing more. */
class EndedParser implements DirectionParser {
  readonly rawFrom: number | undefined;
  readonly startLineCut: boolean;
  readonly arriving = undefined;

  constructor(parser: DirectionParser) {
    this.rawFrom = parser.rawFrom;
    this.startLineCut = parser.startLineCut;
  }

  /** Every byte: nothing is parsed any more (a getter, not a field: a field would box Infinity in every parser). */
  get skippable(): number {
    return Infinity;
  }

  feed(): void {}
  skip(): boolean {
    return true;
  }
  gap(): void {}
  end(): void {}
  switchToRaw(): void {}
}
