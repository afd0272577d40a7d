/**
 * The messages mode's lines of an HTTP exchange: a timing line, alert lines for its flags and for
 * heads that break HTTP's syntax, then the request and the response (start line and header
 * fields as sent, body decoded as bodyLines.ts shows it, trailer fields), interim responses where
 * they came, a response head still arriving (its bytes so far), stray bytes after a capture gap,
 * and the parser's notes where they fall. Every string from the network goes through `render/`
 * escaping. Pure, apart from reading bytes through `read`.
 */
import type { Direction } from '../../core/types.js';
import type { BodyRole } from './bodyInView.js';
import { exchangeTimings } from '../../messages/http.js';
import { decodeBody } from '../../messages/httpBody.js';
import { framingOf, headerValue, headLines, headSyntaxProblems, headText } from '../../messages/httpHead.js';
import { messageEnd } from '../../messages/httpMessage.js';
import { BODY_GAP } from '../../messages/httpStream.js';
import type { UpstreamFailure } from '../../messages/upstreamText.js';
import type { ArrivingHead, ExchangeFlag, HttpExchange, HttpMessage, HttpResponse, StrayBytes, StreamNote } from '../../messages/types.js';
import { escapeText, withPlainBackslashes } from '../../render/escape.js';
import { expandTabs } from './tabStops.js';
import { BODY_READ_BYTES, BodyCache, bodyDisplay, endsInLine, PREVIEW_READ_BYTES, pushBody, type BodyReader, type HeadAsSent } from './bodyLines.js';
import { formatCount } from '../../core/count.js';
import { formatSpan } from '../../core/clock.js';
import type { Side } from './lineText.js';
import type { MessageLine } from './messageLines.js';
import { NotePlacer } from './messageNotes.js';
import type { FlowChunks } from './rawLines.js';
import { bodyTail, type BodyTail } from './bodyTail.js';
import { pushStrayLines } from './strayLines.js';

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

/** Where the last message in `dir` of `exchange` ends, undefined when it has none in `dir`. */
export function exchangeEnd(exchange: HttpExchange, dir: Direction): number | undefined {
  const { request, response, interim } = exchange;
  const stray = exchange.stray?.find((s) => s.dir === dir);
  // Stray bytes come after the message they are the rest of.
  if (stray) return stray.offset + stray.length;
  if (response?.dir === dir) return messageEnd(response);
  if (interim.length > 0 && interim[0].dir === dir) return messageEnd(interim[interim.length - 1]);
  return request?.dir === dir ? messageEnd(request) : undefined;
}

/** What an exchange's lines depend on: its messages' sizes and states, its flags. */
export function exchangeVersion(exchange: HttpExchange): string {
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
export function exchangeComplete(exchange: HttpExchange): boolean {
  const { request, response } = exchange;
  return response !== undefined && response.complete && (request === undefined || request.complete) && exchange.interim.every((m) => m.complete);
}

/** How an exchange's lines read the flow's bytes: a reader that stops at a gap, and the chunks (gaps among them) when the store has them. */
export interface FlowBytes {
  readonly read: BodyReader;
  readonly chunks: FlowChunks | undefined;
}

/**
 * An exchange's lines, each of its `notes` before the message it comes before, or after the one it
 * is in; `arriving`, the head of its response still arriving, where the response will be;
 * `upstream`, through the proxy, the upstream it could not reach, or `connecting` while it waits for it.
 */
export function exchangeLines(exchange: HttpExchange, notes: readonly StreamNote[], side: (dir: Direction) => Side, bytes: FlowBytes, expanded: ReadonlySet<string>, cache: BodyCache, out: MessageLine[], serverRaw: boolean, arrow: string, upstream?: UpstreamFailure | 'connecting', arriving?: ArrivingHead): void {
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
  const nowhere = !response && upstream !== undefined && upstream !== 'connecting';
  const status = response ? `${response.status} ${escapeText(response.reason)}` : nowhere ? `upstream ${escapeText(upstream.what)}` : upstream === 'connecting' ? 'upstream connecting' : serverStray ? `head lost, ${formatCount(serverStray.received)} B of the response received` : notHttp ? 'bytes that are not HTTP' : given ? 'no response' : arriving ? 'response arriving' : 'no response yet';
  const sizes = [request, response].map((m) => (m ? `${formatCount(m.headLength + m.body.length)} B` : '-')).join(' / ');
  const timing = [t.send >= 0 ? `send ${formatSpan(t.send)}` : '', t.wait >= 0 ? `wait ${formatSpan(t.wait)}` : '', t.receive >= 0 ? `receive ${formatSpan(t.receive)}` : ''].filter(Boolean).join(', ');
  out.push({ side: 'event', kind: 'event', text: `#${exchange.index + 1} ${head} ${arrow} ${status}, ${sizes}${timing ? `, ${timing}` : ''}`, ts: (request ?? response)?.firstTs });
  const flags = exchange.flags.includes('after-close') ? exchange.flags.filter((f) => f !== 'unanswered') : exchange.flags;
  const lostHead = clientStray ? 'request' : serverStray ? 'response' : undefined;
  const alert = (flag: ExchangeFlag): string =>
    flag === 'lost' && lostHead ? `${lostHead} head lost in a capture gap: the bytes that came of it are shown` : flagText(flag, notHttp, nowhere ? upstream : undefined);
  for (const flag of flags) if (flag !== 'both-lengths') out.push({ side: 'event', kind: 'alert', text: `! ${alert(flag)}` });
  for (const message of [request, response]) if (message && bothLengths(message)) out.push({ side: 'event', kind: 'alert', text: `! ${message.kind} has both Content-Length and Transfer-Encoding: a request-smuggling sign (RFC 9112 6.3: Transfer-Encoding wins)`, of: side(message.dir) });
  // Read once per message and view (the cache), as its body is.
  const headOf = (message: HttpMessage, key: string): HeadAsSent | undefined => {
    if (!cache.heads.has(key)) cache.heads.set(key, headAsSent(message, read));
    return cache.heads.get(key);
  };
  for (const [message, key] of [[request, `${exchange.index}q`], [response, `${exchange.index}r`]] as const) {
    for (const problem of (message && headOf(message, key)?.problems) || []) out.push({ side: 'event', kind: 'alert', text: `! ${message!.kind} head: ${escapeText(problem)}`, of: side(message!.dir) });
  }
  const placed = notes.length > 0 ? new NotePlacer(notes, side) : undefined;
  const block = (message: HttpMessage, key: string): void => {
    placed?.before(message.dir, message.offset, out);
    messageBlock(message, headOf(message, key), side(message.dir), bytes, expanded, cache, key, out);
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
    headBlock(request, headOf(request, `${exchange.index}q`), side(request.dir), out);
    // The blank line that ends the head was sent before the interim response came.
    out.push({ side: side(request.dir), kind: 'data', text: '' });
    tagRole(out, from, 'request');
    early.forEach(interimBlock);
    const bodyFrom = out.length;
    restBlock(request, side(request.dir), bytes, expanded, cache, `${exchange.index}q`, out, true);
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
  else if (arriving) {
    placed?.before(arriving.dir, arriving.offset, out);
    arrivingHeadLines(arriving, 'response', side(arriving.dir), read, out);
  }
  strayLines('server');
  placed?.rest(out);
  tagRole(out, responseFrom, 'response');
}

/**
 * A `kind` message's head still arriving on an open connection: a line saying so
 * (`request head arriving: 41 bytes so far`), then its bytes so far as its head's lines are shown
 * (escaped); nothing more when they cannot be read. Once whole, the head is the message's.
 */
export function arrivingHeadLines(head: ArrivingHead, kind: 'request' | 'response', side: Side, read: BodyReader, out: MessageLine[]): void {
  out.push({ side: 'event', kind: 'event', text: `${kind} head arriving: ${formatCount(head.length)} bytes so far`, ts: head.ts, of: side });
  let bytes: Uint8Array;
  try {
    bytes = read(head.dir, head.offset, head.length);
  } catch {
    return;
  }
  headLines(headText(bytes)).forEach((line, i) => out.push({ side, kind: 'data', text: shownField(line), ...(i === 0 ? { at: { dir: head.dir, offset: head.offset } } : {}) }));
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
function messageBlock(message: HttpMessage, head: HeadAsSent | undefined, side: Side, bytes: FlowBytes, expanded: ReadonlySet<string>, cache: BodyCache, key: string, out: MessageLine[]): void {
  headBlock(message, head, side, out);
  restBlock(message, side, bytes, expanded, cache, key, out);
}

/** `message`'s head read as sent; undefined when its bytes cannot all be read (its parsed fields are shown then). */
export function headAsSent(message: HttpMessage, read: BodyReader): HeadAsSent | undefined {
  let bytes: Uint8Array;
  try {
    bytes = read(message.dir, message.offset, message.headLength);
  } catch {
    return undefined;
  }
  if (bytes.length < message.headLength) return undefined;
  const text = headText(bytes);
  return { lines: headLines(text), problems: headSyntaxProblems(text, message.kind) };
}

/**
 * A message's start line and header fields: its `head` lines as sent (a space before a colon, a
 * folded line, a value's padding as they went), else as parsed.
 */
function headBlock(message: HttpMessage, head: HeadAsSent | undefined, side: Side, out: MessageLine[]): void {
  const start = message.kind === 'request' ? `${message.method} ${message.target} HTTP/${message.version}` : `HTTP/${message.version} ${message.status} ${message.reason}`;
  const lines = head?.lines ?? [start, ...message.headers.map((header) => `${header.name}: ${header.value}`)];
  out.push({ side, kind: 'data', text: shownField(lines[0]), ts: message.firstTs, at: { dir: message.dir, offset: message.offset } });
  for (let i = 1; i < lines.length; i++) out.push({ side, kind: 'data', text: shownField(lines[i]) });
}

/**
 * What follows a message's head: its body and trailer fields, then where it was cut when it was.
 * `separated`: the blank line before the body is shown already.
 */
function restBlock(message: HttpMessage, side: Side, bytes: FlowBytes, expanded: ReadonlySet<string>, cache: BodyCache, key: string, out: MessageLine[], separated = false): void {
  const cut = message.incomplete && { side: 'event' as const, kind: 'note' as const, text: `message cut at ${formatCount(message.incomplete.offset)}: ${escapeText(message.incomplete.why)}`, of: side };
  if (message.body.length > 0) bodyBlock(message, side, bytes.read, expanded, cache, key, out, separated);
  // The body's lines stop at a capture gap in it; what came after the gap is shown as the raw modes show it.
  if (message.incomplete?.why === BODY_GAP && bytes.chunks) afterGapLines(message, message.incomplete.offset, side, bytes, expanded, key, out);
  // A chunked body's trailer fields, after it, as its header fields are shown.
  for (const field of message.body.trailers) out.push({ side, kind: 'data', text: shownField(`${field.name}: ${field.value}`) });
  if (cut) out.push(cut);
}

/**
 * What came of a body after the capture gap at stream offset `gapAt` in it, when something did:
 * the gap's row, then the bytes (and any later gap) as the raw modes show them.
 */
function afterGapLines(message: HttpMessage, gapAt: number, side: Side, bytes: FlowBytes, expanded: ReadonlySet<string>, key: string, out: MessageLine[]): void {
  const chunks = bytes.chunks!;
  const end = messageEnd(message);
  const gap = chunks.chunk(chunks.chunkAt(message.dir, gapAt));
  if (gap === undefined || gap.kind !== 'gap' || gap.offset + gap.length >= end) return;
  const after: StrayBytes = { dir: message.dir, offset: gapAt, length: end - gapAt, received: 0, lastTs: message.lastTs };
  pushStrayLines(after, side, bytes.read, chunks, false, expanded, `${key}g`, out);
}

/**
 * A message's body: a blank line (unless `separated`), its first lines (all when expanded), its about line: its size
 * (`so far` while it is still arriving), what was decoded, `cut` when some of it was lost (a gap,
 * the stream's end), `not all shown` when the read's or the decoding's budget stopped before its end.
 */
function bodyBlock(message: HttpMessage, side: Side, read: BodyReader, expanded: ReadonlySet<string>, cache: BodyCache, key: string, out: MessageLine[], separated = false): void {
  if (!separated) out.push({ side, kind: 'data', text: '' });
  // Over once whole or cut (a gap, the stream's end): a body made while it arrived is made again then.
  const arriving = !message.complete && message.incomplete === undefined;
  if (!arriving || expanded.has(key)) cache.tails.delete(key);
  else if (tailBlock(message, side, read, cache, key, out)) return;
  const part = { dir: message.dir, offset: message.body.offset, length: message.body.length, complete: !arriving };
  // Not all shown for a display's budget (not a loss): Enter reads up to BODY_READ_BYTES.
  const notAll = `not all shown: Enter reads ${message.body.length <= BODY_READ_BYTES ? 'the rest' : 'more'}`;
  const { body, unread, wireRead } = pushBody(part, side, key, read, expanded, cache, out, (wire, whole, asked, upTo) => {
    const budget = whole ? BODY_READ_BYTES : PREVIEW_READ_BYTES;
    const decoded = decodeBody(message, wire, budget, asked);
    // "cut" is for what was lost (a gap, the stream's end inside the message), never for a read's budget.
    const done = [...decoded.decoded.map((c) => `${c} decoded to ${formatCount(decoded.bytes.length)}`), ...(message.incomplete || wire.length < asked ? ['cut'] : [])];
    const capped = decoded.limits.length > 0;
    const limit = capped ? [whole ? `decoded only up to ${formatCount(budget)} bytes: b saves it all` : notAll] : [];
    // Of a body not all read, the size is the payload's when it is not content coded, else unknown.
    const total = decoded.decoded.length === 0 ? Math.max(message.body.dataLength, decoded.bytes.length) : capped || wire.length < message.body.length ? 'more' : decoded.bytes.length;
    const shown = bodyDisplay(decoded.bytes, headerValue(message.headers, 'content-type') ?? '', upTo, total);
    const notes = [...decoded.notes.slice(0, decoded.notes.length - decoded.limits.length).map(escapeText), ...limit];
    // The lines are the wire bytes when no framing or coding was undone: they keep their place across a mode change.
    const asSent = message.body.framing !== 'chunked' && decoded.decoded.length === 0;
    return { all: shown.lines, unmade: shown.unmade, line: shown.line, done: shown.pretty ? [...done, 'JSON pretty-printed'] : done, notes, lastLineCut: endsInLine(decoded.bytes), hex: shown.hex, starts: asSent ? shown.starts : undefined };
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

