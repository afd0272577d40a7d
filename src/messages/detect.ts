/**
 * Which protocol a flow speaks, from its first bytes (not from its ports): HTTP/1.x when a stream
 * starts with a request line or a status line, TLS from a handshake record (or, joined
 * mid-stream, from records of any kind lined up one after the other), a line protocol when
 * the first bytes are text up to a line end or a Telnet command (or all text ending like a prompt,
 * `login: `, when nothing more came), raw otherwise. Pure; never throws.
 */
import type { Direction } from '../core/types.js';
import { otherDirection } from '../core/types.js';
import { headText, parseRequestLine, startLinePrefixValid } from './httpHead.js';
import { startsTelnet } from './telnet.js';
import { tlsRecordsLinedUp } from './tls.js';

/** The protocols the message layer parses. */
export type Protocol = 'http' | 'tls' | 'lines' | 'raw';

/**
 * A decision: the protocol, and which direction plays the client (sends requests, the ClientHello,
 * commands); `telnet` for a line protocol that opened with a Telnet command.
 */
export interface Detection {
  readonly protocol: Protocol;
  readonly clientDir: Direction;
  readonly telnet?: boolean;
  /** TLS joined after its hellos: the stream starts with records of another kind (application data...). */
  readonly midStream?: boolean;
  /** A line protocol that opened with prompts (`login: `), whose lines may end where the other side answers. */
  readonly prompts?: boolean;
}

/** Bytes looked at, at most: with no decision by then, the flow is raw. */
export const DETECT_BYTES = 1024;

/** Methods that make a request line certain from its first word. */
const METHODS = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE|PROPFIND|PROPPATCH|MKCOL|COPY|MOVE|LOCK|UNLOCK|REPORT|SEARCH) /;

const LF = 0x0a;
/** How a prompt waiting for its answer ends (`login: `, `Password:`, `$ `, `> `, `# `, `? `). */
const PROMPT_END = /[:>$#%?] ?$/;

/**
 * Bytes of text lines: printable ASCII, tab, CR, LF, anything from 0x80 on (UTF-8), and the
 * controls terminals take in text: ESC, BEL (which ends an OSC sequence), backspace, form feed.
 */
export function isTextByte(b: number): boolean {
  return (b >= 0x20 && b !== 0x7f) || b === 0x09 || b === 0x0d || b === LF || b === 0x1b || b === 0x07 || b === 0x08 || b === 0x0c;
}

/**
 * The protocol of a flow whose first data came in direction `dir` and began with `first` (the
 * stream's first bytes, contiguous). Undefined when more bytes are needed to decide; `final`
 * (no more bytes will come before a decision: a gap, the end, or {@link DETECT_BYTES} reached)
 * forces a decision.
 */
export function detectProtocol(first: Uint8Array, dir: Direction, final: boolean): Detection | undefined {
  const n = Math.min(first.length, DETECT_BYTES);
  const head = first.subarray(0, n);
  const lf = head.indexOf(LF);
  const lineLength = lf < 0 ? n : lf;
  const last = final || n >= DETECT_BYTES;
  // HTTP: a request line (certain at a known method), or a status line (certain at "HTTP/1.").
  if (startLinePrefixValid(head, lineLength, true)) {
    const text = headText(head.subarray(0, lineLength));
    if (METHODS.test(text) || (lf >= 0 && parseRequestLine(text))) return { protocol: 'http', clientDir: dir };
    if (lf < 0 && !last) return undefined;
  }
  if (startLinePrefixValid(head, lineLength, false)) {
    if (lineLength >= 7) return { protocol: 'http', clientDir: otherDirection(dir) };
    if (lf < 0 && !last) return undefined;
  }
  // TLS: a handshake record (content type 22, version 3.x) holding a ClientHello (1) or ServerHello (2).
  if (n >= 1 && head[0] === 0x16) {
    if (n < 6 && !last) return undefined;
    if (n >= 6 && head[1] === 3 && head[2] <= 4 && (head[5] === 1 || head[5] === 2)) {
      return { protocol: 'tls', clientDir: head[5] === 1 ? dir : otherDirection(dir) };
    }
  }
  // TLS joined mid-stream: well-formed records lined up (the flow's client taken as the client).
  const records = tlsRecordsLinedUp(head, n, last);
  if (records === undefined) return undefined;
  if (records) return { protocol: 'tls', clientDir: 'c2s', midStream: true };
  // Telnet: a line protocol whose first bytes are a negotiation (the client is the flow's client).
  if (startsTelnet(head)) return { protocol: 'lines', clientDir: 'c2s', telnet: true };
  // A line protocol: text up to a line end.
  let text = 0;
  while (text < n && isTextByte(head[text])) text++;
  if (text === n && lf < 0 && !last) return undefined;
  if (lf >= 0 && text > lf) return { protocol: 'lines', clientDir: 'c2s' };
  // Or prompts with no line end (`login: `, `Password: `, `$ `), all the text there is.
  if (lf < 0 && n > 0 && text === n && PROMPT_END.test(headText(head))) return { protocol: 'lines', clientDir: 'c2s', prompts: true };
  return { protocol: 'raw', clientDir: 'c2s' };
}
