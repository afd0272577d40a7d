/**
 * The `--json` lines of parsed messages (`http-request`, `http-response`, `tls-hello`, `ws-frame`), written
 * beside the byte events when a message is over. Each is one ASCII JSON object with `type`,
 * `flow`, `ts`/`tsMicros` (the message's first byte), then its own fields (see README, "JSON
 * lines"). Pure functions.
 */
import type { Direction } from '../core/types.js';
import type { ClientHello, ServerHello } from '../messages/tls.js';
import { cipherSuiteName, tlsVersionName } from '../messages/tlsNames.js';
import type { HttpExchange, HttpMessage } from '../messages/types.js';
import { opcodeName, type WebSocketFrame } from '../messages/websocket.js';
import { exactMicros, formatIsoTimestamp } from '../render/time.js';

const NON_ASCII = /[^\x20-\x7e]/g;

/** JSON text with every character outside 0x20..0x7e as `\uXXXX` (still the same JSON value). */
export function asciiOnly(json: string): string {
  NON_ASCII.lastIndex = 0;
  if (!NON_ASCII.test(json)) return json;
  return json.replace(NON_ASCII, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The `http-request` or `http-response` line (no newline) of `message`, paired in `exchange`. */
export function httpMessageToJson(flowId: number, message: HttpMessage, exchange: HttpExchange): string {
  const head = { type: message.kind === 'request' ? 'http-request' : 'http-response', flow: flowId, ts: formatIsoTimestamp(message.firstTs), tsMicros: exactMicros(message.firstTs) };
  const start = message.kind === 'request'
    ? { method: message.method, target: message.target, version: message.version }
    : { status: message.status, reason: message.reason, version: message.version, interim: message !== exchange.response };
  return asciiOnly(JSON.stringify({
    ...head,
    endTsMicros: exactMicros(message.lastTs),
    dir: message.dir,
    offset: message.offset,
    exchange: exchange.index + 1,
    ...start,
    headers: message.headers.map((h) => ({ name: h.name, value: h.value })),
    trailers: message.body.trailers.map((h) => ({ name: h.name, value: h.value })),
    headBytes: message.headLength,
    framing: message.body.framing,
    bodyBytes: message.body.length,
    bodyDataBytes: message.body.dataLength,
    complete: message.complete,
    incomplete: message.incomplete ? { offset: message.incomplete.offset, why: message.incomplete.why } : null,
    flags: [...exchange.flags],
  }));
}

/** The `tls-hello` line (no newline) of a ClientHello or ServerHello read in direction `dir`. */
export function tlsHelloToJson(flowId: number, hello: ClientHello | ServerHello, dir: Direction): string {
  const head = { type: 'tls-hello', flow: flowId, ts: formatIsoTimestamp(hello.ts), tsMicros: exactMicros(hello.ts), dir, offset: hello.offset };
  if ('cipherSuites' in hello) {
    return asciiOnly(JSON.stringify({ ...head, hello: 'client', sni: hello.sni ?? null, alpn: hello.alpn, versions: hello.versions.map(tlsVersionName), cipherSuites: hello.cipherSuites.length }));
  }
  return asciiOnly(JSON.stringify({ ...head, hello: 'server', version: tlsVersionName(hello.version), cipher: cipherSuiteName(hello.cipherSuite), alpn: hello.alpn ?? null, helloRetry: hello.helloRetry }));
}

/** The `ws-frame` line (no newline) of a WebSocket frame once it is over. */
export function webSocketFrameToJson(flowId: number, frame: WebSocketFrame): string {
  return JSON.stringify({
    type: 'ws-frame', flow: flowId, ts: formatIsoTimestamp(frame.firstTs), tsMicros: exactMicros(frame.firstTs), endTsMicros: exactMicros(frame.lastTs),
    dir: frame.dir, offset: frame.offset, opcode: opcodeName(frame.opcode), fin: frame.fin, compressed: frame.compressed,
    mask: frame.mask ? Buffer.from(frame.mask).toString('hex') : null, headBytes: frame.headerLength, payloadBytes: frame.payloadLength, complete: frame.complete,
  });
}
