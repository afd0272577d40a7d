/**
 * HTTP/1.x message heads: start lines, header fields, and the body framing they imply
 * (RFC 9112 sections 3, 4, 5 and 6.3). Pure functions over bytes and strings; nothing throws.
 */
import { isAscii } from 'node:buffer';

/** One header field as it appeared (name case kept, value trimmed, folded lines joined by a space). */
export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

/** A parsed request line. */
export interface RequestLine {
  readonly method: string;
  readonly target: string;
  /** `1.0`, `1.1` (the digits after `HTTP/`). */
  readonly version: string;
}

/** A parsed status line. */
export interface StatusLine {
  readonly version: string;
  readonly status: number;
  readonly reason: string;
}

/**
 * How a message's body is delimited: `none` (no body), `length` (Content-Length bytes),
 * `chunked`, `close` (until the sender closes), `tunnel` (no body, and the rest of the stream is
 * another protocol), `invalid` (the framing headers cannot be trusted: the stream stops parsing).
 */
export type BodyPlan =
  | { readonly kind: 'none' | 'chunked' | 'close' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'tunnel'; readonly why: string }
  | { readonly kind: 'invalid'; readonly why: string };

const SP = 0x20;
const HT = 0x09;
const CR = 0x0d;

const utf8 = new TextDecoder('utf-8');

/**
 * Text of header bytes: UTF-8 when they are valid UTF-8 (common in practice), else Latin-1 (RFC
 * 9110; ISO-8859-1 through Buffer, as render/ does: TextDecoder's 'latin1' is windows-1252 on
 * some Node versions).
 */
export function headText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (isAscii(bytes)) return text;
  const utf = utf8.decode(bytes);
  return utf.includes('\ufffd') ? text : utf;
}

const isUpperOrDigit = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x5f;
/**
 * A byte of a request target: anything but SP and the line's end, as tshark reads it (views
 * escape controls), and but NUL: a line with one is binary (an exploit's payload), shown raw.
 */
const isTargetByte = (b: number): boolean => b !== SP && b !== CR && b !== 0x0a && b !== 0;
const HTTP_SLASH_1_DOT = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e];

/**
 * Whether `line[0, length)` (the bytes of a start line seen so far, without its LF) can still
 * become a valid start line: a request line (`METHOD target HTTP/1.x`, the method in capitals,
 * the target any bytes but SP, CR, LF and NUL: control bytes in it are shown escaped, not hidden)
 * when `request`, else a status line (`HTTP/1.x NNN reason`). Cheap enough to call after every
 * segment, so a stream of binary data is rejected after its first bytes.
 */
export function startLinePrefixValid(line: Uint8Array, length: number, request: boolean): boolean {
  if (request) {
    let i = 0;
    while (i < length && isUpperOrDigit(line[i])) i++;
    if (i === length) return length <= 24;
    if (line[i] !== SP || i === 0 || i > 24) return false;
    i++;
    const targetStart = i;
    while (i < length && isTargetByte(line[i])) i++;
    if (i === length) return true;
    if (line[i] !== SP || i === targetStart) return false;
    return versionPrefixValid(line, i + 1, length, true);
  }
  return versionPrefixValid(line, 0, length, false);
}

function versionPrefixValid(line: Uint8Array, from: number, length: number, request: boolean): boolean {
  for (let k = 0; k < 7; k++) {
    if (from + k >= length) return true;
    if (line[from + k] !== HTTP_SLASH_1_DOT[k]) return false;
  }
  const digit = from + 7;
  if (digit >= length) return true;
  if (line[digit] < 0x30 || line[digit] > 0x39) return false;
  if (request) return digit + 1 === length || (line[digit + 1] === CR && digit + 2 === length);
  for (let i = digit + 1; i < length; i++) {
    const b = line[i];
    const k = i - digit;
    if (k === 1 && b !== SP) return false;
    if (k >= 2 && k <= 4 && (b < 0x30 || b > 0x39)) return false;
    if (k === 5 && b !== SP && b !== CR) return false;
    if (k > 5 && b < SP && b !== HT && !(b === CR && i === length - 1)) return false;
  }
  return true;
}

/** The request line of `line` (no LF; a trailing CR is ignored), or undefined when it is not one. */
export function parseRequestLine(line: string): RequestLine | undefined {
  const m = /^([A-Z0-9_-]{1,24}) ([^ \r\n\0]+) HTTP\/(1\.\d)\r?$/.exec(line);
  return m ? { method: shared(m[1]), target: m[2], version: shared(m[3]) } : undefined;
}

/** The status line of `line` (no LF; a trailing CR is ignored), or undefined when it is not one. */
export function parseStatusLine(line: string): StatusLine | undefined {
  const m = /^HTTP\/(1\.\d) (\d{3})(?:[ \t]([^\r]*))?\r?$/.exec(line);
  return m ? { version: shared(m[1]), status: Number(m[2]), reason: m[3] === undefined ? '' : shared(m[3]) } : undefined;
}

/** `text`, as one string shared by every message when it is a common version, method or reason (a message keeps it). */
function shared(text: string): string {
  switch (text) {
    case '1.1': return '1.1';
    case '1.0': return '1.0';
    case 'GET': return 'GET';
    case 'POST': return 'POST';
    case 'OK': return 'OK';
    default: return text;
  }
}

/**
 * The header fields of `lines` from index `from` (the lines after the start line, without terminators). A line
 * starting with a space or tab continues the previous field (obsolete folding); a line without a
 * colon is skipped and counted in `malformed`.
 */
export function parseHeaderLines(lines: readonly string[], from = 0): { headers: HttpHeader[]; malformed: number } {
  const headers: { name: string; value: string }[] = [];
  let malformed = 0;
  for (let i = from; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && headers.length > 0) {
      const last = headers[headers.length - 1];
      last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      malformed++;
      continue;
    }
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return { headers, malformed };
}

/**
 * The lines of a head's text as sent (`text` as {@link headText} gives it): the start line and
 * the field lines, each without its line end (LF, or CR LF), the blank line that ends the head
 * left out; lines a capture cut short are kept as they are.
 */
export function headLines(text: string): string[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * How a head's text (as {@link headText} gives it) of a `kind` message breaks HTTP/1.1's syntax
 * in ways recipients reject or read differently, one phrase each (the first field concerned
 * quoted): a space before a field's colon (RFC 9112 5.1: a server answers 400 to a request, a
 * proxy takes the space out of a response), a folded field line (5.2: rejected, or
 * read as a space), a line without a colon, bare LF line ends and a CR inside a line (2.2). Empty
 * for a well-formed head.
 */
export function headSyntaxProblems(text: string, kind: 'request' | 'response'): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  // The last piece is what follows the last LF: the end of the text (or a line cut short), not a line.
  const ended = lines.length - 1;
  let bareLf = false;
  let innerCr = false;
  let spaceBeforeColon: string | undefined;
  let folded: string | undefined;
  let noColon: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (i < ended && !raw.endsWith('\r')) bareLf = true;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.includes('\r')) innerCr = true;
    if (i === 0 || i === ended || line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      folded ??= line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) noColon ??= line;
    else if (/[ \t]$/.test(line.slice(0, colon))) spaceBeforeColon ??= line.slice(0, colon + 1);
  }
  const quoted = (text: string): string => `\`${text.length > 40 ? `${text.slice(0, 40)}…` : text}\``;
  if (spaceBeforeColon !== undefined) problems.push(`whitespace before a field's colon: ${quoted(spaceBeforeColon)} (RFC 9112 5.1: ${kind === 'request' ? 'a server answers 400' : 'a proxy takes it out'})`);
  if (folded !== undefined) problems.push(`a folded field line: ${quoted(folded)} (obsolete, RFC 9112 5.2: rejected, or read as a space)`);
  if (noColon !== undefined) problems.push(`a field line without a colon: ${quoted(noColon)} (skipped)`);
  if (bareLf) problems.push('lines ended by LF alone, not CR LF (RFC 9112 2.2)');
  if (innerCr) problems.push('a CR inside a line (RFC 9112 2.2: invalid)');
  return problems;
}

/** Whether header `h` is named `lower` (given in lower case), ignoring ASCII case. */
function isNamed(h: HttpHeader, lower: string): boolean {
  const name = h.name;
  if (name.length !== lower.length) return false;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** The value of the first header named `name` (case-insensitive), or undefined. */
export function headerValue(headers: readonly HttpHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (isNamed(h, lower)) return h.value;
  return undefined;
}

/** Every value of the headers named `name` (case-insensitive), in order. */
export function headerValues(headers: readonly HttpHeader[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter((h) => isNamed(h, lower)).map((h) => h.value);
}

/** The comma-separated tokens of every header named `name`, lower-cased. */
export function headerTokens(headers: readonly HttpHeader[], name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const h of headers) {
    if (!isNamed(h, lower)) continue;
    for (const t of h.value.split(',')) {
      const token = t.trim().toLowerCase();
      if (token) out.push(token);
    }
  }
  return out;
}

/** The header fields that frame a message and its connection, read in one pass over the headers. */
export interface Framing {
  /** Transfer-Encoding values, joined by commas (several fields), or undefined. */
  readonly transferEncoding: string | undefined;
  /** The Content-Length value, or undefined; `lengthConflict` when fields or list members differ. */
  readonly contentLength: string | undefined;
  readonly lengthConflict: boolean;
  /** The Content-Length fields as sent, joined by `, ` (for a note when they are bad). */
  readonly contentLengthFields: string | undefined;
  /** Connection tokens, lower-cased. */
  readonly connection: readonly string[];
  readonly upgrade: string | undefined;
}

/** The names of the header fields that frame a message, in lower case, in {@link FramingField} order. */
const FRAMING_NAMES = ['content-length', 'transfer-encoding', 'connection', 'upgrade'];
const enum FramingField { ContentLength, TransferEncoding, Connection, Upgrade }

/** A {@link Framing} made from its fields one at a time. */
class FramingBuilder implements Framing {
  transferEncoding: string | undefined = undefined;
  contentLength: string | undefined = undefined;
  lengthConflict = false;
  contentLengthFields: string | undefined = undefined;
  connection: string[] = NO_TOKENS;
  upgrade: string | undefined = undefined;

  /** Takes a framing field: `field` says which, `value` is its value as sent (trimmed). */
  add(field: FramingField, value: string): void {
    if (field === FramingField.TransferEncoding) this.transferEncoding = this.transferEncoding === undefined ? value : `${this.transferEncoding},${value}`;
    else if (field === FramingField.ContentLength) {
      this.contentLengthFields = this.contentLengthFields === undefined ? value : `${this.contentLengthFields}, ${value}`;
      if (!value.includes(',')) this.addLength(value.trim());
      else for (const part of value.split(',')) this.addLength(part.trim());
    } else if (field === FramingField.Connection) {
      if (this.connection === NO_TOKENS) this.connection = [];
      const tokens = value.split(',');
      for (let k = 0; k < tokens.length; k++) this.connection.push(tokens[k].trim().toLowerCase());
    } else if (this.upgrade === undefined) this.upgrade = value;
  }

  private addLength(value: string): void {
    if (this.contentLength === undefined) this.contentLength = value;
    else if (value !== this.contentLength) this.lengthConflict = true;
  }
}

/** The framing fields of `headers` (see {@link Framing}). */
export function framingOf(headers: readonly HttpHeader[]): Framing {
  const framing = new FramingBuilder();
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i];
    for (let field = 0; field < FRAMING_NAMES.length; field++) {
      if (isNamed(h, FRAMING_NAMES[field])) {
        framing.add(field, h.value);
        break;
      }
    }
  }
  return framing;
}

const NO_TOKENS: string[] = [];

/**
 * What makes the quick framing read differ from parsing every field: a folded line (obsolete
 * folding), or a character other than SP and HT that `trim()` takes off a field name (a CR not
 * before an LF, VT, FF, Unicode spaces, a BOM).
 */
const NEEDS_FULL_PARSE = /\n[ \t]|\r(?!\n)|[\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/**
 * The framing fields of a head's text (start line, header lines, as {@link headText} gives it),
 * as {@link framingOf} reads them from the parsed fields, without parsing the other fields.
 */
export function framingOfHead(text: string): Framing {
  if (NEEDS_FULL_PARSE.test(text)) return framingOf(parseHeaderLines(text.split('\n'), 1).headers);
  const framing = new FramingBuilder();
  for (let lf = text.indexOf('\n'); lf >= 0; ) {
    const start = lf + 1;
    lf = text.indexOf('\n', start);
    for (let field = 0; field < FRAMING_NAMES.length; field++) {
      const name = FRAMING_NAMES[field];
      if (!startsWithIgnoringCase(text, start, name)) continue;
      // The name, then SP or HT (as trim() takes them off a name), then the colon.
      let colon = start + name.length;
      while (text.charCodeAt(colon) === SP || text.charCodeAt(colon) === HT) colon++;
      if (text.charCodeAt(colon) === 0x3a) framing.add(field, text.slice(colon + 1, lf < 0 ? text.length : lf).trim());
      break;
    }
  }
  return framing;
}

/** Whether `text` has `lower` (given in lower case) at `start`, ignoring ASCII case. */
function startsWithIgnoringCase(text: string, start: number, lower: string): boolean {
  if (start + lower.length > text.length) return false;
  for (let k = 0; k < lower.length; k++) {
    const c = text.charCodeAt(start + k);
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Whether the sender of a message will close the connection after it: `Connection: close`, or
 * HTTP/1.0 without `Connection: keep-alive`.
 */
export function announcesClose(version: string, framing: Framing): boolean {
  if (framing.connection.includes('close')) return true;
  return version === '1.0' && !framing.connection.includes('keep-alive');
}

const NONE: BodyPlan = Object.freeze({ kind: 'none' });
const CHUNKED: BodyPlan = Object.freeze({ kind: 'chunked' });
const CLOSE: BodyPlan = Object.freeze({ kind: 'close' });

/** Framing from Transfer-Encoding and Content-Length, shared by requests and responses. */
function framedBody(framing: Framing, isRequest: boolean): BodyPlan | undefined {
  const codings = framing.transferEncoding;
  if (codings !== undefined && codings.trim() !== '') {
    if (codings.slice(codings.lastIndexOf(',') + 1).trim().toLowerCase() === 'chunked') return CHUNKED;
    return isRequest ? { kind: 'invalid', why: `request with Transfer-Encoding ${codings} but not chunked last` } : CLOSE;
  }
  const length = framing.contentLength;
  if (length === undefined) return undefined;
  if (framing.lengthConflict || !/^\d{1,15}$/.test(length)) return { kind: 'invalid', why: `bad Content-Length ${JSON.stringify((framing.contentLengthFields ?? '').slice(0, 40))}` };
  const n = Number(length);
  return n === 0 ? NONE : { kind: 'length', length: n };
}

/** The body framing of a request (RFC 9112 6.3): chunked, Content-Length, else no body. */
export function requestBodyPlan(framing: Framing): BodyPlan {
  return framedBody(framing, true) ?? NONE;
}

/**
 * The body framing of a response to a request with method `requestMethod` (undefined when the
 * request is unknown): none for HEAD, 1xx, 204 and 304; a tunnel after 101 and after a 2xx
 * to CONNECT; else chunked, Content-Length, or until the server closes.
 */
export function responseBodyPlan(status: number, framing: Framing, requestMethod: string | undefined): BodyPlan {
  if (status === 101) return { kind: 'tunnel', why: `switched protocols (${framing.upgrade ?? 'Upgrade'})` };
  if (requestMethod === 'CONNECT' && status >= 200 && status < 300) return { kind: 'tunnel', why: 'tunnel after CONNECT' };
  if (requestMethod === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304) return NONE;
  return framedBody(framing, false) ?? CLOSE;
}
