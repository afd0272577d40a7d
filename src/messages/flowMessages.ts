/**
 * The messages of one flow, from its FlowEvents: the protocol is chosen from the first bytes
 * (detect.ts; until then at most {@link DETECT_BYTES} per direction are held), then every event
 * goes to that protocol's parser. A line protocol that meets a TLS record (after STARTTLS) hands
 * that direction to a TLS reader; so does an HTTP tunnel (CONNECT) whose bytes are TLS, and an
 * HTTP switch to WebSocket hands both directions to a frame reader. An FTP data connection is
 * linked to the control connection that announced it (ftpData.ts). `summary()` is the flow
 * list's one-line preview.
 */
import { countOf } from '../core/count.js';
import { endedWithCapture, otherDirection, type DataEvent, type Direction, type FlowEvent, type FlowKey, type Micros } from '../core/types.js';
import { DETECT_BYTES, detectProtocol, type Detection, type Protocol } from './detect.js';
import { HttpConversation } from './http.js';
import { channelCommand, type DataChannel, type DataChannels } from './ftpData.js';
import type { LineItem } from './lineItem.js';
import { LineConversation, type OnBinary } from './lines.js';
import { firstCommandAt, lineSummary, replyFollows } from './lineSummary.js';
import { TlsHellos, tlsRecordStart, type ClientHello, type ServerHello } from './tls.js';
import { tlsSummary } from './tlsText.js';
import { connectingSummary, upstreamFailureOf, upstreamSummary, type UpstreamFailure } from './upstreamText.js';
import { WebSocketConversation, type WebSocketFrame } from './websocket.js';
import type { ExchangeFlag, HttpExchange, HttpMessage, StreamNote } from './types.js';

/** What a flow's messages tell a listener (the --json output), as each message is over. */
export interface MessageListener {
  /** An HTTP request or response went by (complete, or cut: see `message.incomplete`). */
  onHttpMessage?(flowId: number, message: HttpMessage, exchange: HttpExchange): void;
  /** A TLS hello was read. */
  onTlsHello?(flowId: number, hello: ClientHello | ServerHello, dir: Direction): void;
  /** A WebSocket frame went by (whole, or cut: see `frame.complete`). */
  onWebSocketFrame?(flowId: number, frame: WebSocketFrame): void;
  /** An HTTP exchange was kept (one more in `http.exchanges`). */
  onExchangeKept?(): void;
}

const NO_BYTES = new Uint8Array(0);
/** No prompt told yet (shared: most flows never ask). */
const NO_PROMPT = Object.freeze({ of: NO_BYTES, prompts: false });

/** Data connections an FTP control connection keeps track of; later ones are still linked from their side. */
const MAX_ANNOUNCED = 1000;

/** Bytes held, both directions together, while undecided: past this the decision is forced. */
const MAX_HELD_BYTES = 64 * 1024;

/** A data event's fields (its bytes read only when needed). */
type Data = Pick<DataEvent, 'dir' | 'offset' | 'length' | 'ts' | 'bytes'>;

type Held = ({ kind: 'data' } & Data) | { kind: 'gap'; dir: Direction; offset: number; length: number; ts: Micros } | { kind: 'end'; dir: Direction; ts: Micros };

/** A flow's messages. Owned by whoever feeds it events; its parsers' objects are read-only to others. */
export class FlowMessages {
  /** `undecided` until the first bytes tell. */
  protocol: Protocol | 'undecided' = 'undecided';
  /** The direction playing the client for the chosen protocol. */
  clientDir: Direction = 'c2s';
  http: HttpConversation | undefined = undefined;
  /** The WebSocket frames after an HTTP switch to WebSocket. */
  websocket: WebSocketConversation | undefined = undefined;
  lines: LineConversation | undefined = undefined;
  tls: TlsHellos | undefined = undefined;
  /** Where a direction of a line protocol, or of a tunnel after CONNECT, turned into TLS (-1: not yet; -2: a tunnel that is not TLS). */
  private readonly tlsFrom: Record<Direction, number> = { c2s: -1, s2c: -1 };
  private held: Held[] = [];
  /** The flow started without a handshake (told by its flow-start): streams may begin inside a message. */
  private midStream = false;
  /** Its server (a proxy's upstream) has not accepted yet: the summary says so. */
  private connecting = false;
  private firstDir: Direction | undefined = undefined;
  private firstOffset = 0;
  private firstBytes = NO_BYTES;
  /** Whether `firstBytes` end like a prompt (`login: `), told for the `firstBytes` it names (read again only when they grow). */
  private prompt: { readonly of: Uint8Array; readonly prompts: boolean } = NO_PROMPT;
  private heldBytes = 0;
  private ended = false;
  private key: FlowKey | undefined = undefined;
  /** The FTP control connection this flow is the data connection of, if it is one (set by the table at the flow's start). */
  dataChannel: DataChannel | undefined = undefined;
  /** The data connections this flow (an FTP control connection) announced, in order (at most {@link MAX_ANNOUNCED}). */
  readonly announced: DataChannel[] = [];
  /** Set at the end of a proxied flow whose upstream could not be reached: nothing it sent went anywhere. */
  upstreamFailure: UpstreamFailure | undefined = undefined;
  /** {@link firstTrouble} of `http` as of its `changes` count `at`. */
  private trouble: Trouble & { at: number } = { flagged: -1, failed: -1, at: -1 };
  /** {@link failedItem}'s item and its position, as last looked up. */
  private failedAt: { item: LineItem; index: number } | undefined = undefined;

  /**
   * `listener` hears each message as it is over; `channels`, shared by the flows of a table, links
   * an FTP control connection to the data connections it announces.
   */
  constructor(readonly flowId: number, private readonly listener: MessageListener = {}, private readonly channels?: DataChannels) {}

  /** True while a proxied flow's upstream has not accepted (from a `connecting` start to `connected` or the end). */
  get awaitingUpstream(): boolean {
    return this.connecting;
  }

  /** True once the flow's end was applied: its messages change no more. */
  get isOver(): boolean {
    return this.ended;
  }

  /**
   * The flow's start (what its `flow-start` tells): `midStream` when no handshake was seen,
   * `connecting` while its server (a proxy's upstream) has not accepted.
   */
  start(key: FlowKey, midStream: boolean, connecting = false): void {
    this.key = key;
    this.midStream = midStream;
    this.connecting = connecting;
  }

  /** Applies one event of this flow (events of other flows are the caller's mistake and are ignored). */
  apply(event: FlowEvent): void {
    if (event.flowId !== this.flowId || this.ended) return;
    switch (event.type) {
      case 'flow-start':
        this.start(event.key, !event.sawHandshake, event.connecting === true);
        break;
      case 'connected':
        this.connecting = false;
        break;
      case 'data':
        this.applyData(event);
        break;
      case 'gap':
        if (this.protocol === 'undecided') this.hold({ kind: 'gap', dir: event.dir, offset: event.offset, length: event.length, ts: event.ts });
        else this.gap(event.dir, event.offset, event.length, event.ts);
        break;
      case 'half-close':
        if (this.protocol === 'undecided') this.hold({ kind: 'end', dir: event.dir, ts: event.ts });
        else this.end(event.dir, event.ts);
        break;
      case 'flow-end':
        if (this.protocol === 'undecided') this.decide(true);
        // A flow still open when the capture stopped (or evicted) was not cut by its connection.
        this.http?.finish(event.ts, event.reason === 'fin' || event.reason === 'rst' || event.reason === 'error', endedWithCapture(event));
        this.websocket?.end('c2s');
        this.websocket?.end('s2c');
        this.lines?.end('c2s');
        this.lines?.end('s2c');
        this.tls?.end('c2s');
        this.tls?.end('s2c');
        this.upstreamFailure = upstreamFailureOf(event);
        this.connecting = false;
        // A request the proxy could not pass on was answered by no one: its outcome is the upstream's.
        for (const exchange of this.http?.exchanges ?? []) if (this.upstreamFailure && !exchange.response) exchange.upstream = this.upstreamFailure.what;
        this.ended = true;
        break;
      default:
    }
  }

  /**
   * How many bytes of direction `dir`, from its next offset, {@link applyData} takes without reading
   * them (Infinity: all; 0: it reads every byte). A replay may hand such bytes over as one event.
   */
  skippable(dir: Direction): number {
    if (this.ended) return Infinity;
    if (this.http !== undefined) return this.http.websocket || this.http.tunnel ? 0 : this.http.skippable(dir);
    if (this.protocol === 'undecided' || (this.lines !== undefined && this.tlsFrom[dir] < 0)) return 0;
    return this.tls !== undefined && !this.tls.isDone(dir) ? 0 : Infinity;
  }

  /** Applies a data event of this flow (what {@link apply} does with one, without looking at its type). */
  applyData(event: DataEvent): void {
    if (this.ended) return;
    if (this.http !== undefined) this.httpData(event);
    else if (this.protocol !== 'undecided') this.data(event);
    else if (this.held.length === 0 && !this.midStream) this.first(event);
    else if (this.midStream && event.offset === 0 && event.length === 1) {
      // A capture that missed the handshake often starts with a TCP keep-alive probe: one
      // byte (the last one already acknowledged) that is not part of any message.
      this.hold({ kind: 'gap', dir: event.dir, offset: 0, length: 1, ts: event.ts });
    } else {
      // A copy (Buffer#slice would share the source's bytes, which it may reuse after the call).
      const bytes = new Uint8Array(event.bytes);
      this.hold({ kind: 'data', dir: event.dir, offset: event.offset, length: bytes.length, bytes, ts: event.ts });
    }
  }

  /** Every parser's notes (where a direction went raw, gaps, resynchronisation), by stream offset within each direction. */
  notes(): StreamNote[] {
    const all = [...(this.http?.notes ?? []), ...(this.websocket?.notes ?? []), ...(this.lines?.notes ?? []), ...(this.tls?.notes ?? [])];
    return all.sort((a, b) => (a.dir === b.dir ? a.offset - b.offset : a.dir === 'c2s' ? -1 : 1));
  }

  /** The flags of the flow's exchanges (each once), empty when nothing is wrong. */
  get flags(): ExchangeFlag[] {
    if (!this.http) return [];
    const out = new Set<ExchangeFlag>();
    for (const e of this.http.exchanges) for (const f of e.flags) out.add(f);
    return [...out];
  }

  /**
   * One line for the flow list: `GET /api/v2/chickens.json → 301 (3 req)`, `SMTP EHLO
   * laptop.example.com → 250`, `TLS api.example.com h2` (or `(offers h2,http/1.1)`), `FTP data
   * of #1: RETR a.bin`; '' while undecided or raw. When an exchange is flagged (see
   * {@link flags}), `! ` before it, and the first flagged exchange is the one summed up, numbered
   * past the first: `! #2 GET /again → after-close (2 req)`; when none is, the first with an error
   * status (400 or more), numbered too: `#3 GET /y → 500 (3 req)`. A proxied flow whose upstream
   * could not be reached: `! upstream nohost.invalid:80 not resolved (GET /data.json)`; one whose
   * upstream has not accepted yet: `upstream 10.0.0.2:80 connecting (GET /x)`. With `exchange` (a position in
   * `http.exchanges`: a filter's match), that exchange instead: `#2 GET /nope → 404 (2 req)`.
   * `lineText`: a line's text as the view shows it (see `lineSummary`).
   */
  summary(exchange?: number, lineText?: (item: LineItem) => string): string {
    if (this.dataChannel) return ftpDataSummary(this.dataChannel);
    if (this.upstreamFailure || this.connecting) {
      // The upstream was not reached (yet): that is the story, not the request's missing answer.
      const request = this.http?.exchanges[0]?.request;
      const what = request && `${request.method} ${request.target.slice(0, 200)}`;
      return this.upstreamFailure ? upstreamSummary(this.upstreamFailure, what) : connectingSummary(this.key!.server, what);
    }
    const { flagged } = this.firstTrouble();
    let text = '';
    if (this.http || this.lines) {
      const at = exchange ?? this.summedExchange() ?? 0;
      // TLS after STARTTLS or inside a CONNECT tunnel follows what came before it.
      text = (this.http ? httpSummary(this.http, this.websocket, at) : lineSummary(this.lines!, lineText)) + (this.tls?.client ? ` | ${tlsSummary(this.tls)}` : '');
    } else if (this.tls) text = tlsSummary(this.tls);
    return flagged >= 0 ? `! ${text}` : text;
  }

  /**
   * Whether {@link summary} ends its story with an outcome flowspy put after its own arrow (an
   * HTTP response or its absence, a command's reply), so the word after the last ` → ` is that
   * outcome, not captured text: false for a line command with no reply yet, whose text may hold
   * an arrow of its own, for a protocol not recognised (`lines:`), whose reply's first word is
   * no status, and for a summary with no arrow of flowspy's.
   */
  summaryReplied(): boolean {
    if (this.dataChannel || this.upstreamFailure) return false;
    if (this.http) return this.http.exchanges.length > 0;
    if (!this.lines || this.lines.telnet || this.lines.protocol === 'text') return false;
    if (this.lines.failure) return true;
    return replyFollows(this.lines, firstCommandAt(this.lines)) || this.lines.firstReply !== undefined;
  }

  /** The position in `http.exchanges` of the exchange {@link summary} names when it is not the first (the first flagged, else failed one), else undefined. */
  summedExchange(): number | undefined {
    const { flagged, failed } = this.firstTrouble();
    const at = flagged >= 0 ? flagged : failed;
    return at > 0 ? at : undefined;
  }

  /**
   * The position in `lines.items` of the command whose error reply a line protocol's summary
   * names (`! SMTP RCPT TO:<x@y.test> → 554`; the reply itself when no command came before it),
   * when not the first item; else undefined.
   */
  failedItem(): number | undefined {
    const failure = this.lines?.failure;
    if (!failure) return undefined;
    const item = failure.command ?? failure.reply;
    // Looked up once per failure: the list asks for it every frame.
    if (this.failedAt?.item !== item) this.failedAt = { item, index: this.lines!.items.indexOf(item) };
    return this.failedAt.index > 0 ? this.failedAt.index : undefined;
  }

  /** The first flagged and first failed exchange, scanned again only after the exchanges changed (summary runs per visible row and frame). */
  private firstTrouble(): Trouble {
    if (!this.http) return NO_TROUBLE;
    if (this.trouble.at !== this.http.changes) this.trouble = { ...firstTrouble(this.http.exchanges), at: this.http.changes };
    return this.trouble;
  }

  /** Holds an event until the protocol is known, deciding as soon as the first direction's bytes tell. */
  private hold(item: Held): void {
    this.held.push(item);
    if (item.kind === 'data') this.heldBytes += item.bytes.length;
    if (item.kind === 'data' && this.firstDir === undefined) {
      this.firstDir = item.dir;
      this.firstOffset = item.offset;
    }
    if (item.dir !== this.firstDir) {
      // The other side answered text with no line end: a prompt (`login: `), told now, or its lines run together.
      const answered = item.kind === 'data' && this.endsLikePrompt();
      if (answered || this.heldBytes > MAX_HELD_BYTES) this.decide(true);
      return;
    }
    if (item.kind !== 'data' || item.offset !== this.firstOffset + this.firstBytes.length) return this.decide(true);
    const joined = new Uint8Array(Math.min(DETECT_BYTES, this.firstBytes.length + item.bytes.length));
    joined.set(this.firstBytes);
    joined.set(item.bytes.subarray(0, joined.length - this.firstBytes.length), this.firstBytes.length);
    this.firstBytes = joined;
    this.decide(joined.length >= DETECT_BYTES || this.heldBytes > MAX_HELD_BYTES);
  }

  /** Whether the first direction's bytes so far, taken as all there is, open a prompt: detected once per `firstBytes`. */
  private endsLikePrompt(): boolean {
    if (this.prompt.of !== this.firstBytes) this.prompt = { of: this.firstBytes, prompts: detectProtocol(this.firstBytes, this.firstDir!, true)?.prompts === true };
    return this.prompt.prompts;
  }

  /** The flow's first data, nothing held: decided at once when its bytes tell (the usual case), else held. */
  private first(event: Data): void {
    const bytes = event.bytes;
    const detection = detectProtocol(bytes, event.dir, false);
    if (!detection) {
      const copy = new Uint8Array(bytes);
      this.hold({ kind: 'data', dir: event.dir, offset: event.offset, length: copy.length, bytes: copy, ts: event.ts });
      return;
    }
    this.choose(detection);
    this.data({ dir: event.dir, offset: event.offset, length: bytes.length, bytes, ts: event.ts });
  }

  private decide(final: boolean): void {
    if (this.protocol !== 'undecided') return;
    const detection = this.firstDir ? detectProtocol(this.firstBytes, this.firstDir, final) : { protocol: 'raw' as const, clientDir: 'c2s' as const };
    if (!detection) return;
    this.choose(detection);
    const held = this.held;
    this.held = [];
    this.firstBytes = NO_BYTES;
    for (const h of held) {
      if (h.kind === 'data') this.data(h);
      else if (h.kind === 'gap') this.gap(h.dir, h.offset, h.length, h.ts);
      else this.end(h.dir, h.ts);
    }
  }

  /** Sets the protocol and makes its parser. */
  private choose(detection: Detection): void {
    this.protocol = detection.protocol;
    this.clientDir = detection.clientDir;
    const { onHttpMessage } = this.listener;
    if (this.protocol === 'http') this.http = new HttpConversation(this.clientDir, onHttpMessage && ((m, e) => onHttpMessage(this.flowId, m, e)), this.midStream, this.listener.onExchangeKept);
    else if (this.protocol === 'tls') this.tls = new TlsHellos(this.clientDir, detection.midStream);
    else if (this.protocol === 'lines') {
      const onBinary: OnBinary = (dir, offset, tls, held, heldTs) => { if (tls) this.startTls(dir, offset, held, heldTs); };
      const { channels, key } = this;
      const onLine = channels && key && ((line: LineItem): void => {
        const channel = channels.heard(this.flowId, key, lines, line);
        if (channel && this.announced.length < MAX_ANNOUNCED) this.announced.push(channel);
      });
      const lines = new LineConversation(this.clientDir, { onBinary, telnet: detection.telnet, prompts: detection.prompts, onLine });
      this.lines = lines;
    }
  }

  /** Where TLS began in direction `dir` after a line protocol's STARTTLS (its bytes from there on are TLS records); undefined when it did not. */
  startTlsAt(dir: Direction): number | undefined {
    return this.lines && this.tlsFrom[dir] >= 0 ? this.tlsFrom[dir] : undefined;
  }

  /**
   * Where direction `dir` of a CONNECT tunnel turned into TLS whose hello was read (its bytes from
   * there on are TLS records: ciphertext after the hello); undefined when it did not.
   */
  tunnelTlsAt(dir: Direction): number | undefined {
    const tls = this.tls;
    if (!this.http?.tunnel || this.http.websocket || !tls || this.tlsFrom[dir] < 0) return undefined;
    return (dir === tls.clientDir ? tls.client : tls.server) ? this.tlsFrom[dir] : undefined;
  }

  /** Where direction `dir` turned to TLS, after STARTTLS ({@link startTlsAt}) or in a CONNECT tunnel ({@link tunnelTlsAt}); undefined when it did not. */
  tlsAfterAt(dir: Direction): number | undefined {
    return this.startTlsAt(dir) ?? this.tunnelTlsAt(dir);
  }

  /** TLS from `offset` of `dir`; `held` are its first bytes, fed before the segment being fed (see OnBinary). */
  private startTls(dir: Direction, offset: number, held: Uint8Array, heldTs: Micros): void {
    this.tls ??= new TlsHellos(this.clientDir);
    this.tlsFrom[dir] = offset;
    if (held.length > 0) this.tls.feed(dir, offset, held, heldTs);
  }

  /** The part of an HTTP flow's data past the switch to WebSocket, to its frames. */
  private feedWebSocket(data: Data): void {
    const { dir, offset, length, ts } = data;
    const from = this.http!.rawFrom(dir);
    if (from === undefined || offset + length <= from) return;
    const { onWebSocketFrame } = this.listener;
    const websocket = (this.websocket ??= new WebSocketConversation(onWebSocketFrame && ((frame) => onWebSocketFrame(this.flowId, frame))));
    websocket.startAt(dir, from);
    const skip = Math.max(0, from - offset);
    if (!websocket.skip(dir, offset + skip, length - skip, ts)) websocket.feed(dir, offset + skip, data.bytes.subarray(skip), ts);
  }

  /** An HTTP flow's data: to its parser, then what follows a switch (WebSocket frames, a tunnel's TLS hellos). */
  private httpData(data: Data): void {
    const http = this.http!;
    http.feedData(data);
    if (http.websocket) this.feedWebSocket(data);
    else if (http.tunnel) this.feedTunnel(data);
  }

  /**
   * A tunnel's bytes (after CONNECT): its TLS hellos, when a direction's first tunnelled bytes
   * start a TLS handshake record (`tlsRecordStart`; decided once per direction: `tlsFrom` -2 when
   * they do not).
   */
  private feedTunnel(data: Data): void {
    const { dir, offset, length, ts } = data;
    const from = this.http!.rawFrom(dir);
    if (from === undefined || offset + length <= from) return;
    // The bytes are read only while a hello may still be in them (a long tunnel costs no reads).
    let bytes: Uint8Array | undefined;
    if (this.tlsFrom[dir] === -1) {
      // A record header cut by the segment's end counts as TLS: the hello reader says so if it is not.
      const isTls = offset <= from && tlsRecordStart((bytes = data.bytes), from - offset) !== false;
      this.tlsFrom[dir] = isTls ? from : -2;
      if (isTls) this.tls ??= new TlsHellos(this.clientDir);
    }
    if (this.tlsFrom[dir] < 0 || !this.tls || this.tls.isDone(dir)) return;
    const skip = Math.max(0, from - offset);
    this.tls.feed(dir, offset + skip, (bytes ?? data.bytes).subarray(skip), ts);
    this.reportHello(dir);
  }

  private data(data: Data): void {
    if (this.http) return this.httpData(data);
    const { dir, offset, ts } = data;
    let bytes: Uint8Array | undefined;
    if (this.lines && this.tlsFrom[dir] < 0) {
      this.lines.feed(dir, offset, (bytes = data.bytes), ts);
      if (this.tlsFrom[dir] < 0) return;
    }
    const from = this.tlsFrom[dir];
    if (this.tls && !this.tls.isDone(dir) && offset + data.length > from) {
      bytes ??= data.bytes;
      const skip = Math.max(0, from - offset);
      this.tls.feed(dir, offset + skip, bytes.subarray(skip), ts);
      this.reportHello(dir);
    }
  }

  private reportHello(dir: Direction): void {
    const tls = this.tls;
    const onTlsHello = this.listener.onTlsHello;
    if (!tls || !onTlsHello || !tls.isDone(dir)) return;
    const hello = dir === tls.clientDir ? tls.client : tls.server;
    if (hello) onTlsHello(this.flowId, hello, dir);
  }

  private gap(dir: Direction, offset: number, length: number, ts: Micros): void {
    this.websocket?.gap(dir, offset, length, ts);
    if (this.http) {
      this.http.gap(dir, offset, length, ts);
      if (this.tls && this.tlsFrom[dir] >= 0) this.tls.gap(dir, offset, length, ts);
    } else if (this.lines && this.tlsFrom[dir] < 0) this.lines.gap(dir, offset, length, ts);
    else if (this.tls && !this.tls.isDone(dir) && (this.tlsFrom[dir] >= 0 || this.protocol === 'tls')) this.tls.gap(dir, offset, length, ts);
  }

  private end(dir: Direction, ts: Micros): void {
    this.websocket?.end(dir);
    this.http?.end(dir, ts);
    this.lines?.end(dir);
    this.tls?.end(dir);
  }
}

/** What went wrong with an answered exchange, after its status: ` (cut short)`, ` (head lost)`, ` (CL+TE)` (both Content-Length and Transfer-Encoding), or ''. */
function responseTrouble(flags: readonly ExchangeFlag[]): string {
  const words = [flags.includes('cut-short') ? 'cut short' : '', flags.includes('head-lost') ? 'head lost' : '', flags.includes('both-lengths') ? 'CL+TE' : ''].filter(Boolean);
  return words.length > 0 ? ` (${words.join(', ')})` : '';
}

/** `GET /api/v2/chickens.json → 301 (3 req)`: exchange `at` (the first, else `#n ` before it), and the number of requests when more than one. */
function httpSummary(http: HttpConversation, websocket: WebSocketConversation | undefined, at: number): string {
  const first = http.exchanges[at] ?? http.exchanges[0];
  if (!first) {
    if (http.startLineCut(http.requestDir)) return 'HTTP: request line cut';
    return http.arriving(http.requestDir) ? 'HTTP: request head arriving' : `HTTP${stoppedWhy(http)}`;
  }
  const responseDir = otherDirection(http.requestDir);
  const request = first.request ? `${first.request.method} ${first.request.target.slice(0, 200)}` : '(no request)';
  const response = first.response
    ? `${first.response.status}${responseTrouble(first.flags)}`
    // `lost`, as the exchange list's status says it (the messages mode says what came of it).
    : first.flags.includes('lost') ? 'lost'
    : http.startLineCut(responseDir) ? '(status line cut)'
    : first.flags.includes('unanswered') && http.rawFrom(responseDir) !== undefined ? '(not HTTP)'
    : first.flags.includes('after-close') ? 'after-close'
    // No response yet, on a connection still open (or open when the capture ended).
    : first.flags.includes('unanswered') ? '(no response)' : 'pending';
  const count = http.requestCount > 1 ? ` (${http.requestCount} req)` : '';
  const frames = websocket ? ` (WebSocket, ${countOf(websocket.frameCount, 'frame')})` : '';
  const number = first.index > 0 ? `#${first.index + 1} ` : '';
  return `${number}${request} → ${response}${count}${frames}`;
}

/** Positions in `exchanges` of the first flagged one and, before it, the first answered with an error status (400 or more); -1 for none. */
interface Trouble {
  readonly flagged: number;
  readonly failed: number;
}

const NO_TROUBLE: Trouble = { flagged: -1, failed: -1 };

/** The {@link Trouble} of `exchanges`: a scan that stops at the first flag. */
function firstTrouble(exchanges: readonly HttpExchange[]): Trouble {
  let failed = -1;
  for (let i = 0; i < exchanges.length; i++) {
    const e = exchanges[i];
    if (e.flags.length > 0) return { flagged: i, failed };
    if (failed < 0 && (e.response?.status ?? 0) >= 400) failed = i;
  }
  return { flagged: -1, failed };
}

/**
 * Why the requests' parse stopped before a first request (`? not a request line`, the note the
 * conversation shows at that offset, shortened), or '' when it did not stop.
 */
function stoppedWhy(http: HttpConversation): string {
  const at = http.rawFrom(http.requestDir);
  if (at === undefined) return '';
  const note = http.notes.find((n) => n.dir === http.requestDir && n.offset === at);
  const why = note?.text.replace(/: raw bytes from here$/, '').replace(/^not an HTTP /, 'not a ');
  return `? ${why ?? 'not parsed'}`;
}

/** `FTP data of #1: RETR rand.txt`: the control flow, and the transfer command sent after the announcement. */
function ftpDataSummary(channel: DataChannel): string {
  const command = channelCommand(channel);
  return `FTP data of #${channel.controlFlowId}${command ? `: ${command.slice(0, 200)}` : ''}`;
}
