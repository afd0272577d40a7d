/**
 * The messages display mode's lines: a flow's parsed messages (see `messages/`) as blocks. HTTP:
 * per exchange a timing line, the request (start line, headers, body), the response, and an
 * alert line for a flagged exchange; bodies decoded (transfer and content codings) and shown
 * as bodyLines.ts shows them, a body still arriving by its newest lines (bodyTail.ts). Line protocols: command and reply lines,
 * SMTP's DATA body and a POP3 mail as its size and its first lines (all of them when expanded). WebSocket
 * frames (websocketLines.ts). TLS: the hellos. After them, the bytes a parser gave up on
 * (rawLines.ts). Every string from the network goes through `render/` escaping. Pure, apart from reading body bytes through `read`.
 */
import type { Direction, Micros } from '../../core/types.js';
import type { BodyRole } from './bodyInView.js';
import type { FlowMessages } from '../../messages/flowMessages.js';
import { exchangeTimings } from '../../messages/http.js';
import { decodeBody } from '../../messages/httpBody.js';
import { framingOf, headerValue } from '../../messages/httpHead.js';
import { messageEnd } from '../../messages/httpMessage.js';
import { mailLength, type LineItem } from '../../messages/lineItem.js';
import { clientOffer, serverChoice } from '../../messages/tlsText.js';
import type { UpstreamFailure } from '../../messages/upstreamText.js';
import type { ExchangeFlag, HttpExchange, HttpMessage, HttpResponse, StreamNote } from '../../messages/types.js';
import { escapeLine, escapeText, withPlainBackslashes } from '../../render/escape.js';
import { expandTabs } from './tabStops.js';
import { BODY_LINES, BODY_READ_BYTES, BodyCache, bodyDisplay, decodeText, endsInLine, firstLines, PREVIEW_READ_BYTES, pushBody, splitLines, type BodyReader } from './bodyLines.js';
import { countOf, formatCount } from '../../core/count.js';
import type { HexRow } from '../../render/hex.js';
import { undoDotStuffing } from '../../messages/dotStuffing.js';
import { type LineKind, type Side, type WrapBreaks } from './lineText.js';
import { frameEnd, frameLines, frameVersion } from './websocketLines.js';
import { NotePlacer, noteLine, UnitNotes } from './messageNotes.js';
import { RawSection, type FlowChunks } from './rawLines.js';
import { bodyTail, type BodyTail } from './bodyTail.js';
import { pushStrayLines } from './strayLines.js';

/** One line of the messages mode, before wrapping. `expand` names a cut body (Enter shows it all). */
export interface MessageLine {
  readonly side: Side;
  readonly kind: LineKind;
  readonly text: string;
  readonly expand?: string;
  /** The HTTP exchange (its index) the line belongs to. */
  readonly exchange?: number;
  /** The message of that exchange the line shows (its start line, headers, body and notes). */
  readonly role?: BodyRole;
  /** The unit (its index: see {@link MessageUnits}) a line protocol item's line (a command, a DATA block) or a WebSocket frame's line belongs to. */
  readonly item?: number;
  /** When what the line starts arrived (a message's first byte, a body's last), for the `t` prefix. */
  readonly ts?: Micros;
  /** For an event line about one side's message (its body's size, a cut): that side (`d` hides it with the message). */
  readonly of?: Side;
  /** A line of a hex dump (a binary body or frame): the bytes it shows, which a narrow pane shows in narrower rows rather than wrapped. */
  readonly hex?: HexRow;
  /** Where the line may wrap, when not as its side says (event lines `prose`, the sides' decoded text `words`): see {@link WrapBreaks}. */
  readonly breaks?: WrapBreaks;
  /** Where the line's first byte is in its direction's stream, when it shows the bytes as sent (a body with no coding undone): `m` and `x` keep that line in place. */
  readonly at?: Pick<MessageStart, 'dir' | 'offset'>;
  /** The line's number among its body's lines (0: the first). */
  readonly bodyLine?: number;
  /** A line of a body still arriving shown as its newest lines (tail -f): the body's `expand` name (its `bodyLine` counts from the body's start). */
  readonly tail?: string;
}

/** Most lines built for one flow (a flow of thousands of exchanges ends with a line saying so). */
export const MAX_MESSAGE_LINES = 50_000;

/** An unanswered request whose server sent bytes that are not HTTP (an SSH banner, a TLS alert). */
const NOT_HTTP_ANSWER = 'no HTTP response: the server answered with bytes that are not HTTP (shown after the messages)';

const FLAG_TEXT: Record<ExchangeFlag, string> = {
  'after-close': 'sent after the server closed or said it would (Connection: close): no answer',
  unanswered: 'no response: never answered, or its bytes were not captured',
  'no-request': 'response without a request',
  lost: 'lost in a capture gap',
  'cut-short': 'cut short: the connection ended before the whole message was sent',
  'head-lost': 'head lost in a capture gap: headers, body framing and size not all seen',
  // Told per message, by the line that names it (see exchangeLines).
  'both-lengths': '',
};

/** Why an exchange is flagged: for an unanswered request, the server's bytes that are not HTTP or the upstream the proxy could not reach, when so. */
function flagText(flag: ExchangeFlag, notHttp: boolean, upstream: UpstreamFailure | undefined): string {
  if (flag !== 'unanswered') return FLAG_TEXT[flag];
  if (upstream) return `no response: ${escapeText(upstream.detail)} (flowspy reset the client)`;
  return notHttp ? NOT_HTTP_ANSWER : FLAG_TEXT[flag];
}

/**
 * A line item as shown (and summed up in the flow list): bytes that are not UTF-8 as `\xNN`, as
 * the raw text mode shows them (not as Latin-1 letters); tabs expanded. A line of a login says
 * what its base64 decodes to (`334 VXNlcm5hbWU6  (Username:)`), and a password only by its size
 * (`PASS (password: 8 bytes)`, `AUTH PLAIN (user: bob, password: 8 bytes)`): the text mode shows the bytes sent.
 */
export function lineText(item: LineItem): string {
  const auth = item.auth;
  const shown = (text: string): string => expandTabs(text, (piece) => withPlainBackslashes(item.notUtf8 ? escapeLine(Buffer.from(piece, 'latin1')) : escapeText(piece)));
  if (auth === undefined) return shown(item.text);
  if (auth.kind === 'decoded') return `${shown(item.text)}  (${decodedText(auth.bytes)})`;
  const parts = [
    ...(auth.user ? [`user: ${decodedText(auth.user)}`] : []),
    ...(auth.authzid ? [`authzid: ${decodedText(auth.authzid)}`] : []),
    `${auth.secret}: ${countOf(auth.secretBytes, 'byte')}`,
  ];
  return `${auth.shown === '' ? '' : `${shown(auth.shown)} `}(${parts.join(', ')})`;
}

/** Bytes a login's base64 decoded to, display-safe on one row (tabs and line ends escaped). */
function decodedText(bytes: Uint8Array): string {
  return withPlainBackslashes(escapeLine(bytes));
}

/**
 * A flow's messages as units in order, each making its own lines: the HTTP exchanges (then the
 * WebSocket frames after a switch to WebSocket), or the items of a line protocol (none for TLS
 * alone). Units are only ever appended. A parser's note
 * is shown with its unit (see messageNotes.ts), where it fits in the unit's lines.
 */
export interface MessageUnits {
  /** Units so far. */
  readonly count: number;
  /** What unit `index`'s lines depend on, expanded bodies aside (its notes included): the same version, the same lines. */
  version(index: number): string;
  /**
   * True once unit `index` can no longer change (then only expanding one of its bodies changes its
   * lines). No note can come to a settled unit: a parser notes only at or after the start of the
   * message it reads, and a settled unit's messages are all read.
   */
  settled(index: number): boolean;
  /**
   * True when unit `index` is where `]` and `[` stop: every HTTP exchange and WebSocket frame; in a
   * line protocol the first item and each client item after a server one, so a command and its
   * reply (commands sent together and their replies, a 40-line reply) are one step.
   */
  stop(index: number): boolean;
  /** Unit `index`'s lines, new objects at each call. */
  lines(index: number): MessageLine[];
  /** Where unit `index`'s messages start in the streams, in order: an exchange's request, then its response; else its one message. */
  starts(index: number): readonly MessageStart[];
  /** The notes of no unit before `count` (shown after the units). */
  notesAfter(count: number): readonly StreamNote[];
}

/** Where a message starts: its direction and stream offset, and for an HTTP message its role in its exchange. */
export interface MessageStart {
  readonly dir: Direction;
  readonly offset: number;
  readonly role?: BodyRole;
}

/**
 * The units of `messages`; bodies in `expanded` (by `expand` name) are shown whole, taken from
 * `bodies` when they can be; `arrow` between a request and its answer (the glyph set's `right`);
 * `chunks` shows the gaps among an exchange's stray bytes (see strayLines.ts).
 */
export function messageUnits(messages: FlowMessages, read: BodyReader, expanded: ReadonlySet<string>, bodies: BodyCache, arrow = '→', chunks?: FlowChunks): MessageUnits {
  const side = (dir: Direction): Side => (dir === messages.clientDir ? 'client' : 'server');
  const http = messages.http;
  if (http) {
    // The exchanges, then the WebSocket frames after a switch to WebSocket.
    const exchanges = http.exchanges.length;
    // The server's bytes became raw (not HTTP): a request it never answered in HTTP was answered so.
    const serverRaw = http.rawFrom(http.requestDir === 'c2s' ? 's2c' : 'c2s') !== undefined;
    const frames = messages.websocket?.frames ?? [];
    const end = (index: number, dir: Direction): number | undefined => {
      if (index < exchanges) return exchangeEnd(http.exchanges[index], dir);
      const frame = frames[index - exchanges];
      return frame.dir === dir ? frameEnd(frame) : undefined;
    };
    const notes = new UnitNotes(messages.notes(), end);
    return {
      count: exchanges + frames.length,
      version: (index) => withNotes(index < exchanges ? exchangeVersion(http.exchanges[index]) : frameVersion(frames[index - exchanges]), notes.of(index)),
      settled: (index) => (index < exchanges ? exchangeComplete(http.exchanges[index]) : frames[index - exchanges].complete),
      stop: () => true,
      lines: (index) => {
        const lines: MessageLine[] = [];
        if (index < exchanges) {
          exchangeLines(http.exchanges[index], notes.of(index), side, { read, chunks }, expanded, bodies, lines, serverRaw, arrow, messages.upstreamFailure);
          return lines.map((line) => ({ ...line, exchange: index }));
        }
        const frame = frames[index - exchanges];
        const placed = new NotePlacer(notes.of(index), side);
        placed.before(frame.dir, frame.offset, lines);
        frameLines(frame, `w${index}`, side(frame.dir), read, expanded, bodies, lines);
        placed.rest(lines);
        return lines.map((line) => ({ ...line, item: index }));
      },
      notesAfter: (count) => notes.after(count),
      starts: (index) => {
        if (index >= exchanges) return [frames[index - exchanges]];
        const { request, response } = http.exchanges[index];
        const starts: MessageStart[] = [];
        if (request) starts.push({ dir: request.dir, offset: request.offset, role: 'request' });
        if (response) starts.push({ dir: response.dir, offset: response.offset, role: 'response' });
        return starts;
      },
    };
  }
  const items = messages.lines?.items ?? [];
  const notes = new UnitNotes(messages.notes(), (index, dir) => (items[index].dir === dir ? items[index].offset + items[index].length : undefined));
  // An FTP control connection's announcements, by item: the data connection each one opened.
  const links = new Map(messages.announced.map((channel) => [channel.announcement, channel]));
  return {
    count: items.length,
    version: (index) => withNotes(`${items[index].length}|${items[index].complete}|${items[index].text.length}|${links.get(index)?.dataFlowId ?? ''}`, notes.of(index)),
    // An announcement whose data connection has not opened yet may still get its link.
    settled: (index) => items[index].complete && !(links.has(index) && links.get(index)!.dataFlowId === undefined),
    stop: (index) => index === 0 || (items[index].dir === messages.clientDir && items[index - 1].dir !== messages.clientDir),
    lines: (index) => {
      const item = items[index];
      const lines: MessageLine[] = [];
      const placed = new NotePlacer(notes.of(index), side);
      placed.before(item.dir, item.offset, lines);
      if (item.kind === 'line') lines.push({ side: side(item.dir), kind: 'data', text: lineText(item), ts: item.firstTs });
      else if (item.kind === 'telnet') lines.push({ side: side(item.dir), kind: 'note', text: `telnet ${item.text === '' ? '(a command cut by a gap)' : escapeText(item.text)}`, ts: item.firstTs, breaks: 'prose' });
      else blockLines(item, side(item.dir), read, expanded, bodies, `b${index}`, lines);
      const dataFlow = links.get(index)?.dataFlowId;
      if (dataFlow !== undefined) lines.push({ side: 'event', kind: 'event', text: `data connection: #${dataFlow}` });
      placed.rest(lines);
      return lines.map((line) => ({ ...line, item: index }));
    },
    notesAfter: (count) => notes.after(count),
    starts: (index) => [items[index]],
  };
}

/** A unit's version with its notes: the notes of a unit are only ever added to, so their number tells. */
function withNotes(version: string, notes: readonly StreamNote[]): string {
  return notes.length === 0 ? version : `${version}|n${notes.length}`;
}

/**
 * The lines after the units (`shown` of them): TLS hellos, a line saying units were left out, the
 * notes of no unit shown, then the raw bytes after a parser stopped (`raw`; all of them when
 * expanded).
 */
export function trailerLines(messages: FlowMessages, units: MessageUnits, shown: number, raw: RawSection, expanded: ReadonlySet<string>): MessageLine[] {
  const out: MessageLine[] = [];
  const side = (dir: Direction): Side => (dir === messages.clientDir ? 'client' : 'server');
  const tls = messages.tls;
  if (tls?.client) {
    out.push({ side: side(tls.clientDir), kind: 'data', text: `TLS ClientHello  ${escapeText(clientOffer(tls.client))}`, ts: tls.client.ts, breaks: 'prose' });
  }
  if (tls?.server) out.push({ side: side(tls.clientDir === 'c2s' ? 's2c' : 'c2s'), kind: 'data', text: `TLS ServerHello  ${escapeText(serverChoice(tls.server, tls.client))}`, ts: tls.server.ts, breaks: 'prose' });
  if (shown < units.count) out.push({ side: 'event', kind: 'note', text: 'more messages than shown here: m shows the raw bytes' });
  for (const note of units.notesAfter(shown)) out.push(noteLine(note, side));
  raw.push(messages, expanded, out);
  return out;
}

/**
 * Every line of `messages` at once: the units' lines, up to {@link MAX_MESSAGE_LINES}, then the
 * trailer's (what the view shows between the connection's head and tail lines). `chunks` orders
 * the raw bytes of two directions (see {@link RawSection}).
 */
export function messageLines(messages: FlowMessages, read: BodyReader, expanded: ReadonlySet<string>, bodies = new BodyCache(), chunks?: FlowChunks): MessageLine[] {
  const units = messageUnits(messages, read, expanded, bodies, '→', chunks);
  const out: MessageLine[] = [];
  let index = 0;
  for (; index < units.count && out.length < MAX_MESSAGE_LINES; index++) for (const line of units.lines(index)) out.push(line);
  return [...out, ...trailerLines(messages, units, index, new RawSection(read, chunks), expanded)];
}

/** Where the last message in `dir` of `exchange` ends, undefined when it has none in `dir`. */
function exchangeEnd(exchange: HttpExchange, dir: Direction): number | undefined {
  const { request, response, interim } = exchange;
  const stray = exchange.stray?.find((s) => s.dir === dir);
  // Stray bytes come after the message they are the rest of.
  if (stray) return stray.offset + stray.length;
  if (response?.dir === dir) return messageEnd(response);
  if (interim.length > 0 && interim[0].dir === dir) return messageEnd(interim[interim.length - 1]);
  return request?.dir === dir ? messageEnd(request) : undefined;
}

/** What an exchange's lines depend on: its messages' sizes and states, its flags. */
function exchangeVersion(exchange: HttpExchange): string {
  const state = (m: HttpMessage | undefined): string => (m ? `${m.headLength},${m.body.length},${m.complete},${m.incomplete?.offset ?? ''}` : '-');
  return `${state(exchange.request)}|${state(exchange.response)}|${exchange.interim.map(state).join(';')}|${exchange.flags.join(',')}|${exchange.stray?.length ?? 0}`;
}

/**
 * Whether the exchange is complete: its final response and every message of it complete (the
 * list's `exchangeSettled` also counts one given up as settled). It then can no longer change:
 * the parser changes an exchange only while it waits for its response (the response, interim
 * responses, flags) and while one of its messages is in progress. (A message cut by a gap is
 * never complete: nor is its exchange.)
 */
function exchangeComplete(exchange: HttpExchange): boolean {
  const { request, response } = exchange;
  return response !== undefined && response.complete && (request === undefined || request.complete) && exchange.interim.every((m) => m.complete);
}

/** An exchange's lines, each of its `notes` before the message it comes before, or after the one it is in. */
function exchangeLines(exchange: HttpExchange, notes: readonly StreamNote[], side: (dir: Direction) => Side, bytes: { read: BodyReader; chunks: FlowChunks | undefined }, expanded: ReadonlySet<string>, cache: BodyCache, out: MessageLine[], serverRaw: boolean, arrow: string, upstream?: UpstreamFailure): void {
  const { request, response } = exchange;
  const read = bytes.read;
  const t = exchangeTimings(exchange);
  // What arrived of a message whose start a gap took: its request's or response's stray bytes.
  const strayOf = (of: Side) => exchange.stray?.find((s) => side(s.dir) === of);
  const clientStray = request ? undefined : strayOf('client');
  const serverStray = response ? undefined : strayOf('server');
  const head = request ? `${escapeText(request.method)} ${escapeText(request.target)}` : clientStray ? `(request head lost, ${formatCount(clientStray.received)} B received)` : '(no request)';
  const notHttp = !response && serverRaw && exchange.flags.includes('unanswered');
  // A request not yet answered on a connection still open is waited for, as the list's `→ …` says.
  const given = exchange.flags.some((f) => f === 'unanswered' || f === 'after-close' || f === 'lost');
  // Through the proxy, to an upstream it could not reach: the request went nowhere.
  const nowhere = !response && upstream !== undefined;
  const status = response ? `${response.status} ${escapeText(response.reason)}` : nowhere ? `upstream ${escapeText(upstream.what)}` : serverStray ? `head lost, ${formatCount(serverStray.received)} B of the response received` : notHttp ? 'bytes that are not HTTP' : given ? 'no response' : 'no response yet';
  const sizes = [request, response].map((m) => (m ? `${formatCount(m.headLength + m.body.length)} B` : '-')).join(' / ');
  const timing = [t.send >= 0 ? `send ${ms(t.send)}` : '', t.wait >= 0 ? `wait ${ms(t.wait)}` : '', t.receive >= 0 ? `receive ${ms(t.receive)}` : ''].filter(Boolean).join(', ');
  out.push({ side: 'event', kind: 'event', text: `#${exchange.index + 1} ${head} ${arrow} ${status}, ${sizes}${timing ? `, ${timing}` : ''}`, ts: (request ?? response)?.firstTs });
  const flags = exchange.flags.includes('after-close') ? exchange.flags.filter((f) => f !== 'unanswered') : exchange.flags;
  const lostHead = clientStray ? 'request' : serverStray ? 'response' : undefined;
  const alert = (flag: ExchangeFlag): string =>
    flag === 'lost' && lostHead ? `${lostHead} head lost in a capture gap: the bytes that came of it are shown` : flagText(flag, notHttp, nowhere ? upstream : undefined);
  for (const flag of flags) if (flag !== 'both-lengths') out.push({ side: 'event', kind: 'alert', text: `! ${alert(flag)}` });
  for (const message of [request, response]) if (message && bothLengths(message)) out.push({ side: 'event', kind: 'alert', text: `! ${message.kind} has both Content-Length and Transfer-Encoding: a request-smuggling sign (RFC 9112 6.3: Transfer-Encoding wins)`, of: side(message.dir) });
  const placed = notes.length > 0 ? new NotePlacer(notes, side) : undefined;
  const block = (message: HttpMessage, key: string): void => {
    placed?.before(message.dir, message.offset, out);
    messageBlock(message, side(message.dir), read, expanded, cache, key, out);
    placed?.upTo(message.dir, messageEnd(message), out);
  };
  const strayLines = (of: Side): void => {
    const stray = strayOf(of);
    if (!stray) return;
    placed?.before(stray.dir, stray.offset, out);
    // The gap the bytes follow is said by the parser's note about it (placed before them).
    const gapSaid = notes.some((n) => n.gap !== undefined && n.dir === stray.dir && n.offset <= stray.offset && stray.offset < n.offset + n.gap);
    pushStrayLines(stray, of, read, bytes.chunks, gapSaid, expanded, `${exchange.index}${of === 'client' ? 'qs' : 'rs'}`, out);
  };
  const from = out.length;
  // An interim response (100 Continue) that came before the request's body was over goes between
  // the request's head and body, where it happened.
  const early = request && request.body.length > 0 ? exchange.interim.filter((m) => m.firstTs < request.lastTs) : [];
  const interimBlock = (interim: HttpResponse): void => block(interim, `${exchange.index}i${exchange.interim.indexOf(interim)}`);
  if (request && early.length > 0) {
    placed?.before(request.dir, request.offset, out);
    headBlock(request, side(request.dir), out);
    tagRole(out, from, 'request');
    early.forEach(interimBlock);
    const bodyFrom = out.length;
    restBlock(request, side(request.dir), read, expanded, cache, `${exchange.index}q`, out);
    placed?.upTo(request.dir, messageEnd(request), out);
    strayLines('client');
    tagRole(out, bodyFrom, 'request');
  } else {
    if (request) block(request, `${exchange.index}q`);
    strayLines('client');
    tagRole(out, from, 'request');
  }
  exchange.interim.filter((m) => !early.includes(m)).forEach(interimBlock);
  const responseFrom = out.length;
  if (response) block(response, `${exchange.index}r`);
  strayLines('server');
  placed?.rest(out);
  tagRole(out, responseFrom, 'response');
}

/** True when `message` has both a Content-Length and a Transfer-Encoding field (the parser follows the latter, as RFC 9112 6.3 says). */
function bothLengths(message: HttpMessage): boolean {
  const framing = framingOf(message.headers);
  return framing.transferEncoding !== undefined && framing.contentLengthFields !== undefined;
}

/** Marks the lines of `out` from `from` on as showing the exchange's `role` message. */
function tagRole(out: MessageLine[], from: number, role: BodyRole): void {
  for (let i = from; i < out.length; i++) out[i] = { ...out[i], role };
}

/** A header line as shown: escaped, tabs expanded, a `\` single. */
const shownField = (text: string): string => expandTabs(text, (piece) => withPlainBackslashes(escapeText(piece)));

/** A message's start line, headers, body and trailer fields, then where it was cut when it was. */
function messageBlock(message: HttpMessage, side: Side, read: BodyReader, expanded: ReadonlySet<string>, cache: BodyCache, key: string, out: MessageLine[]): void {
  headBlock(message, side, out);
  restBlock(message, side, read, expanded, cache, key, out);
}

/** A message's start line and header fields. */
function headBlock(message: HttpMessage, side: Side, out: MessageLine[]): void {
  const start = message.kind === 'request' ? `${message.method} ${message.target} HTTP/${message.version}` : `HTTP/${message.version} ${message.status} ${message.reason}`;
  out.push({ side, kind: 'data', text: shownField(start), ts: message.firstTs, at: { dir: message.dir, offset: message.offset } });
  for (const header of message.headers) out.push({ side, kind: 'data', text: shownField(`${header.name}: ${header.value}`) });
}

/** What follows a message's head: its body and trailer fields, then where it was cut when it was. */
function restBlock(message: HttpMessage, side: Side, read: BodyReader, expanded: ReadonlySet<string>, cache: BodyCache, key: string, out: MessageLine[]): void {
  const cut = message.incomplete && { side: 'event' as const, kind: 'note' as const, text: `message cut at ${formatCount(message.incomplete.offset)}: ${escapeText(message.incomplete.why)}`, of: side };
  if (message.body.length > 0) bodyBlock(message, side, read, expanded, cache, key, out);
  // A chunked body's trailer fields, after it, as its header fields are shown.
  for (const field of message.body.trailers) out.push({ side, kind: 'data', text: shownField(`${field.name}: ${field.value}`) });
  if (cut) out.push(cut);
}

/**
 * A message's body: a blank line, its first lines (all when expanded), its about line: its size
 * (`so far` while it is still arriving), what was decoded, `cut` when some of it was lost (a gap,
 * the stream's end), `not all shown` when the read's or the decoding's budget stopped before its end.
 */
function bodyBlock(message: HttpMessage, side: Side, read: BodyReader, expanded: ReadonlySet<string>, cache: BodyCache, key: string, out: MessageLine[]): void {
  out.push({ side, kind: 'data', text: '' });
  // Over once whole or cut (a gap, the stream's end): a body made while it arrived is made again then.
  const arriving = !message.complete && message.incomplete === undefined;
  if (!arriving || expanded.has(key)) cache.tails.delete(key);
  else if (tailBlock(message, side, read, cache, key, out)) return;
  const part = { dir: message.dir, offset: message.body.offset, length: message.body.length, complete: !arriving };
  // Not all shown for a display's budget (not a loss): Enter reads up to BODY_READ_BYTES.
  const notAll = `not all shown: Enter reads ${message.body.length <= BODY_READ_BYTES ? 'the rest' : 'more'}`;
  const { body, unread, wireRead } = pushBody(part, side, key, read, expanded, cache, out, (wire, whole, asked) => {
    const budget = whole ? BODY_READ_BYTES : PREVIEW_READ_BYTES;
    const decoded = decodeBody(message, wire, budget, asked);
    // "cut" is for what was lost (a gap, the stream's end inside the message), never for a read's budget.
    const done = [...decoded.decoded.map((c) => `${c} decoded to ${formatCount(decoded.bytes.length)}`), ...(message.incomplete || wire.length < asked ? ['cut'] : [])];
    const capped = decoded.limits.length > 0;
    const limit = capped ? [whole ? `decoded only up to ${formatCount(budget)} bytes: b saves it all` : notAll] : [];
    // Of a body not all read, the size is the payload's when it is not content coded, else unknown.
    const total = decoded.decoded.length === 0 ? Math.max(message.body.dataLength, decoded.bytes.length) : capped || wire.length < message.body.length ? 'more' : decoded.bytes.length;
    const shown = bodyDisplay(decoded.bytes, headerValue(message.headers, 'content-type') ?? '', whole ? Infinity : BODY_LINES, total);
    const notes = [...decoded.notes.slice(0, decoded.notes.length - decoded.limits.length).map(escapeText), ...limit];
    // The lines are the wire bytes when no framing or coding was undone: they keep their place across a mode change.
    const asSent = message.body.framing !== 'chunked' && decoded.decoded.length === 0;
    return { all: shown.lines, unmade: shown.unmade, done: shown.pretty ? [...done, 'JSON pretty-printed'] : done, notes, lastLineCut: endsInLine(decoded.bytes), hex: shown.hex, starts: asSent ? shown.starts : undefined };
  });
  const about = [`${formatCount(message.body.dataLength)} bytes${arriving ? ' so far' : ''}`, ...body.done].join(', ');
  // Shown in full (Enter), a body stops at BODY_READ_BYTES: `b` writes all of it.
  const unreadNote = body.whole ? `only the first ${formatCount(wireRead)} of ${formatCount(message.body.length)} wire bytes shown: b saves them all` : notAll;
  const notes = [...new Set([...body.notes, ...(unread ? [unreadNote] : [])])];
  out.push({ side: 'event', kind: 'event', text: body.error !== undefined ? `body unreadable: ${body.error}` : `body: ${about}${notes.length ? ` (${notes.join('; ')})` : ''}`, ts: message.lastTs, of: side });
}

/**
 * A body still arriving, as tail -f shows a file: a row saying how many lines came before (Enter
 * shows the body from its start), its newest lines, its size so far. False when it has no such
 * lines to show (see bodyTail.ts): then it is shown from its start.
 */
function tailBlock(message: HttpMessage, side: Side, read: BodyReader, cache: BodyCache, key: string, out: MessageLine[]): boolean {
  let tail: BodyTail | undefined;
  try {
    tail = bodyTail(message, read, cache.tails, key);
  } catch {
    return false;
  }
  if (tail === undefined) return false;
  const plus = tail.fromStart ? '' : '+';
  if (tail.earlier > 0) out.push({ side: 'event', kind: 'note', expand: key, text: `... ${formatCount(tail.earlier)}${plus} earlier lines (Enter shows them)`, of: side });
  else if (!tail.fromStart) out.push({ side: 'event', kind: 'note', expand: key, text: '... the start of the body is not shown (Enter shows it)', of: side });
  // Numbered in the whole body when the tail was taken from the body's start (see MessageView.holdTail).
  tail.lines.forEach((text, i) => out.push({ side, kind: 'data', text, ...(tail.fromStart ? { bodyLine: tail.earlier + i, tail: key } : {}) }));
  const about = [`${formatCount(message.body.dataLength)} bytes so far`, ...tail.decoded.map((c) => `${c} decoded`)].join(', ');
  out.push({ side: 'event', kind: 'event', text: `body: ${about}`, ts: message.lastTs, of: side });
  return true;
}

/**
 * A block: an SMTP DATA body (`DATA body: N bytes`), the mail a POP3 server sent for RETR or
 * TOP (`mail: N bytes`) or an IMAP literal (`literal: N bytes`), the size being what `b` saves
 * (see {@link mailLength}), then its first lines (all when expanded), as a mail client would read
 * them: UTF-8, else Latin-1, escaped; the dot-stuffing undone (RFC 5321 4.5.2) and the final `.`
 * line left out (a literal has neither).
 */
function blockLines(block: LineItem, side: Side, read: BodyReader, expanded: ReadonlySet<string>, cache: BodyCache, key: string, out: MessageLine[]): void {
  const what = block.literal ? 'literal' : side === 'client' ? 'DATA body' : 'mail';
  out.push({ side: 'event', kind: 'event', text: `${what}: ${formatCount(mailLength(block))} bytes${block.complete ? '' : ' (unfinished)'}`, ts: block.firstTs, of: side });
  const { body, unread, wireRead } = pushBody(block, side, key, read, expanded, cache, out, (bytes, whole, asked) => {
    const mail = block.literal ? bytes : undoDotStuffing(bytes, true);
    const ranges = splitLines(mail, 'utf-8');
    // The final "." line is left out; a read a capture gap stopped has not reached it.
    if (!block.literal && block.complete && asked === block.length && bytes.length === asked && ranges.length > 0) ranges.pop();
    const cut = bytes.length < asked ? [`${formatCount(asked - bytes.length)} bytes from a capture gap on not shown: m shows the raw bytes`] : [];
    const { lines, unmade } = firstLines(ranges, whole ? Infinity : BODY_LINES, ([from, to]) => decodeText(mail, 'utf-8', from, to));
    return { all: lines, unmade, notes: cut, lastLineCut: endsInLine(bytes) };
  });
  for (const note of body.notes) out.push({ side: 'event', kind: 'note', text: note, of: side });
  if (body.error !== undefined) out.push({ side: 'event', kind: 'event', text: `body unreadable: ${body.error}`, of: side });
  else if (unread && body.whole) out.push({ side: 'event', kind: 'event', text: `only the first ${formatCount(wireRead)} of ${formatCount(block.length)} bytes read`, of: side });
}


/** A timing of `value` milliseconds: `0.3 ms`, `25 ms`, from a second on in seconds (`2.16 s`, `12.3 s`, `3,600 s`), as the list's `2.2s` reads. */
function ms(value: number): string {
  if (value < 10) return `${value.toFixed(1)} ms`;
  if (value < 999.5) return `${Math.round(value)} ms`;
  const seconds = value / 1000;
  return seconds < 9.995 ? `${seconds.toFixed(2)} s` : seconds < 99.95 ? `${seconds.toFixed(1)} s` : `${formatCount(Math.round(seconds))} s`;
}
