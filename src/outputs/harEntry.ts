/**
 * One HTTP exchange as a HAR 1.2 entry (http://www.softwareishard.com/blog/har-12-spec/), from
 * the message layer's exchange and the bodies decoded for it. Pure.
 */
import { formatCount } from '../core/count.js';
import { otherDirection, type Direction, type Endpoint, type Micros } from '../core/types.js';
import { exchangeTimings } from '../messages/http.js';
import { HEAD_IN_GAP } from '../messages/httpStream.js';
import type { DecodedBody } from '../messages/httpBody.js';
import type { ExchangeFlag, HttpExchange, HttpMessageBase, HttpRequest, HttpResponse, StrayBytes } from '../messages/types.js';
import { bodyText, formPairs, queryString, requestCookies, requestUrl, responseCookies, type HarCookie, type HarNameValue } from './harFields.js';
import { headerValue } from '../messages/httpHead.js';
import type { HarWebSocketMessage } from './harWebSocket.js';

/** Where an exchange took place. */
export interface HarFlowInfo {
  readonly flowId: number;
  readonly server: Endpoint;
  /** What cut the connection under this exchange before it was over (`proxy closed`): its `_error`. */
  readonly cutBy?: string;
}

/** The bodies of an exchange as decoded (undefined: a message without a body, or none kept). */
export interface HarBodies {
  request?: DecodedBody;
  response?: DecodedBody;
  /** After a switch to WebSocket: its messages, and why they are not all there whole. */
  webSocket?: { readonly messages: readonly HarWebSocketMessage[]; readonly charged: number; notes(): string[] };
}

/** HAR's content object (response bodies). */
export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
  /** Why the body is not all there, and how many of its bytes came (see {@link incompleteComment}). */
  comment?: string;
}

/** The flowspy part of an entry: which flow and exchange, what went wrong. */
export interface HarFlowspyField {
  flowId: number;
  /** The exchange's number in its flow, from 1 (as the TUI shows `3#2`). */
  exchange: number;
  flags: ExchangeFlag[];
  /** A body is not whole in the entry (cut by a cap, the budget, a gap, or the end of the capture). */
  truncated?: true;
  /** Interim (1xx) statuses before the final response. */
  interim?: number[];
  notes?: string[];
}

/** A HAR entry as flowspy writes it (page-less). */
export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarCookie[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: { mimeType: string; text: string; params?: HarNameValue[]; _encoding?: 'base64'; comment?: string };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarCookie[];
    headers: HarNameValue[];
    content: HarContent;
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { blocked: number; dns: number; connect: number; send: number; wait: number; receive: number; ssl: number };
  serverIPAddress?: string;
  connection: string;
  _flowspy: HarFlowspyField;
  /** Why the request got no (whole) response, in Chrome's field for a failed request: `upstream refused`, `proxy closed` (through the proxy). */
  _error?: string;
  /** Chrome's field for the messages of a WebSocket connection. */
  _webSocketMessages?: HarWebSocketMessage[];
}

/** Content type of a message, `x-unknown` when it has none (as browsers write it). */
function mimeTypeOf(message: HttpMessageBase): string {
  return headerValue(message.headers, 'content-type') ?? 'x-unknown';
}

/** ISO 8601 UTC with milliseconds, as browsers write `startedDateTime`. */
function harDate(micros: Micros): string {
  const date = new Date(Math.floor(micros / 1000));
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}

const round = (ms: number): number => (ms < 0 ? -1 : Math.round(ms * 1000) / 1000);

/**
 * The entry of `exchange`, or undefined when it has no request (a response without one, or a
 * request lost in a capture gap: a HAR entry needs a method and a URL). `isIp` tells whether
 * the server's address is an IP address (a proxy target may be a host name).
 */
export function harEntry(flow: HarFlowInfo, exchange: HttpExchange, bodies: HarBodies, isIp: (addr: string) => boolean): HarEntry | undefined {
  const { request, response } = exchange;
  if (!request) return undefined;
  const notes: string[] = [];
  const field: HarFlowspyField = { flowId: flow.flowId, exchange: exchange.index + 1, flags: [...exchange.flags] };
  const t = exchangeTimings(exchange);
  // HAR 1.2 gives -1 to blocked, dns, connect and ssl alone: send, wait and receive not seen (no response) are 0.
  const seen = (ms: number): number => Math.max(0, round(ms));
  const timings = { blocked: -1, dns: -1, connect: -1, send: seen(t.send), wait: seen(t.wait), receive: seen(t.receive), ssl: -1 };
  const entry: HarEntry = {
    startedDateTime: harDate(request.firstTs),
    time: round(timings.send + timings.wait + timings.receive),
    request: harRequest(request, strayOf(exchange, request.dir), flow.server, bodies.request, field, notes),
    response: response ? harResponse(response, strayOf(exchange, response.dir), bodies.response, field, notes) : noResponse(strayOf(exchange, otherDirection(request.dir)), field),
    cache: {},
    timings,
    ...(isIp(flow.server.addr) ? { serverIPAddress: flow.server.addr } : {}),
    connection: String(flow.flowId),
    _flowspy: field,
  };
  if (exchange.interim.length > 0) field.interim = exchange.interim.map((r) => r.status);
  if (exchange.upstream !== undefined) entry._error = `upstream ${exchange.upstream}`;
  else if (flow.cutBy !== undefined) entry._error = flow.cutBy;
  if (request.incomplete) notes.push(`request cut at ${formatCount(request.incomplete.offset)}: ${request.incomplete.why}`);
  if (response?.incomplete) notes.push(`response cut at ${formatCount(response.incomplete.offset)}: ${response.incomplete.why}`);
  if (bodies.webSocket) {
    entry._webSocketMessages = [...bodies.webSocket.messages];
    const wsNotes = bodies.webSocket.notes();
    if (wsNotes.length > 0) field.truncated = true;
    notes.push(...wsNotes);
  }
  if (notes.length > 0) field.notes = notes;
  return entry;
}

/** What came of `exchange`'s message in `dir` that no message holds (after a gap cut its head or body, or took its start). */
function strayOf(exchange: HttpExchange, dir: Direction): StrayBytes | undefined {
  return exchange.stray?.find((s) => s.dir === dir);
}

/** Whether a capture gap cut `message`'s head: what came after it (its stray bytes) is head and body, the body's size unknown. */
function headCut(message: HttpMessageBase): boolean {
  return message.incomplete?.why === HEAD_IN_GAP;
}

/**
 * The body bytes of `message` that came, as `bodySize` counts them: its body's on the wire less
 * those that fell in capture gaps, and those that came after a gap cut its body (`stray`); -1
 * (unknown, as HAR says it) when a gap cut its head.
 */
function bodyBytesCame(message: HttpMessageBase, stray: StrayBytes | undefined): number {
  if (headCut(message)) return -1;
  return message.body.length - message.body.gapBytes + (stray?.received ?? 0);
}

/** HAR's comment on a message a capture gap cut: `body incomplete (gap in the body): 3,000 bytes came`; for a head, the bytes after the gap. */
function cutComment(message: HttpMessageBase, stray: StrayBytes | undefined): string {
  if (headCut(message)) return `head cut by a capture gap: ${formatCount(stray?.received ?? 0)} bytes came after it, head and body`;
  return incompleteComment(message.incomplete!.why, bodyBytesCame(message, stray));
}

/** HAR's comment on a body not all seen: `body incomplete (gap in the body): 3,000 bytes came`. */
function incompleteComment(why: string, came: number): string {
  return `body incomplete (${why}): ${formatCount(came)} bytes came`;
}

function harRequest(request: HttpRequest, stray: StrayBytes | undefined, server: Endpoint, body: DecodedBody | undefined, field: HarFlowspyField, notes: string[]): HarEntry['request'] {
  const out: HarEntry['request'] = {
    method: request.method,
    url: requestUrl(request.method, request.target, request.headers, server),
    httpVersion: `HTTP/${request.version}`,
    cookies: requestCookies(request.headers),
    headers: harHeaders(request),
    queryString: queryString(request.target),
    headersSize: request.headLength,
    bodySize: bodyBytesCame(request, stray),
  };
  // A cut request with a body says so in its postData (bodyContent); without one, in the notes.
  if (request.incomplete && request.body.length === 0) {
    field.truncated = true;
    notes.push(`request: ${cutComment(request, stray)}`);
  }
  if (request.body.length > 0) {
    const mimeType = mimeTypeOf(request);
    const content = bodyContent(request, stray, body, mimeType, field, notes, 'request');
    const postData: NonNullable<HarEntry['request']['postData']> = { mimeType, text: content.text ?? '' };
    if (content.comment) postData.comment = content.comment;
    if (content.encoding) postData._encoding = content.encoding;
    else if (/^application\/x-www-form-urlencoded/i.test(mimeType) && content.text !== undefined) postData.params = formPairs(content.text);
    out.postData = postData;
  }
  return out;
}

function harResponse(response: HttpResponse, stray: StrayBytes | undefined, body: DecodedBody | undefined, field: HarFlowspyField, notes: string[]): HarEntry['response'] {
  return {
    status: response.status,
    statusText: response.reason,
    httpVersion: `HTTP/${response.version}`,
    cookies: responseCookies(response.headers, response.firstTs),
    headers: harHeaders(response),
    content: bodyContent(response, stray, body, mimeTypeOf(response), field, notes, 'response'),
    redirectURL: headerValue(response.headers, 'location') ?? '',
    headersSize: response.headLength,
    bodySize: bodyBytesCame(response, stray),
  };
}

/**
 * A message's header fields, then its chunked body's trailer fields, each with the comment
 * `trailer`: HAR 1.2 has no field for trailers, and `headers` is where analysers look for a field
 * (HAR's header object has an optional `comment`, which keeps the two apart).
 */
function harHeaders(message: HttpMessageBase): HarNameValue[] {
  const headers: HarNameValue[] = message.headers.map((h) => ({ name: h.name, value: h.value }));
  for (const t of message.body.trailers) headers.push({ name: t.name, value: t.value, comment: 'trailer' });
  return headers;
}

/**
 * The response of a request never answered, or whose response's head a capture gap took: status
 * 0, as HAR writers do; in the latter case the bytes of it that came (`stray`) as its body.
 */
function noResponse(stray: StrayBytes | undefined, field: HarFlowspyField): HarEntry['response'] {
  const response: HarEntry['response'] = { status: 0, statusText: '', httpVersion: '', cookies: [], headers: [], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: -1 };
  if (!stray) return response;
  field.truncated = true;
  response.bodySize = stray.received;
  response.content = { size: stray.received, mimeType: 'x-unknown', comment: incompleteComment('head lost in a capture gap', stray.received) };
  return response;
}

/**
 * A message's body as HAR content: decoded size (of the bytes that came, when a gap cut it:
 * see {@link bodyBytesCame}), bytes saved by the content coding, and the text (or base64) of
 * what was kept; `field.truncated` and a comment when it is not whole.
 */
function bodyContent(message: HttpMessageBase, stray: StrayBytes | undefined, body: DecodedBody | undefined, mimeType: string, field: HarFlowspyField, notes: string[], side: string): HarContent {
  // Bytes after a gap in a chunked body are wire bytes, chunk sizes and all: not counted as payload.
  const strayPayload = headCut(message) || message.body.framing === 'chunked' ? 0 : (stray?.received ?? 0);
  const payload = message.body.dataLength - message.body.gapBytes + strayPayload;
  const content: HarContent = { size: payload, mimeType };
  if (message.incomplete) {
    field.truncated = true;
    content.comment = cutComment(message, stray);
  }
  if (!body || payload === 0) return content;
  const coded = body.decoded.length > 0;
  if (coded) content.size = body.bytes.length;
  if (coded && body.bytes.length >= payload) content.compression = body.bytes.length - payload;
  if (body.cut) {
    field.truncated = true;
    notes.push(...body.notes.map((n) => `${side} body: ${n}`));
  }
  if (body.bytes.length === 0) {
    notes.push(`${side} body not kept (the budget for bodies in flight was spent, or it began in a gap)`);
    return content;
  }
  const { text, encoding } = bodyText(body.bytes, mimeType);
  content.text = text;
  if (encoding) content.encoding = encoding;
  return content;
}
