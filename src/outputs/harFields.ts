/**
 * The fields of a HAR 1.2 entry that are read out of an HTTP message's strings: the URL, the
 * query string, cookies, and a body as text or base64. Pure functions; nothing throws on what
 * the network sent.
 */
import type { Endpoint } from '../core/types.js';
import { headerValue, headerValues } from '../messages/httpHead.js';
import type { HttpHeader } from '../messages/types.js';

/** A HAR name/value pair (header, query parameter, form parameter). */
export interface HarNameValue {
  name: string;
  value: string;
  /** HAR 1.2's comment of a field: `trailer` for a chunked body's trailer field. */
  comment?: string;
}

/** A HAR cookie. */
export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
}

/** Characters a URI may hold as they are (RFC 3986 reserved and unreserved, and `%` before two hex digits). */
const URI_SAFE = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]/;

/** `text` with every character a URI may not hold percent-encoded (as UTF-8), so that it parses as one. */
function uriSafe(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (URI_SAFE.test(ch) || (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3)))) out += ch;
    else {
      const code = text.codePointAt(i)!;
      const char = String.fromCodePoint(code);
      if (char.length === 2) i++;
      for (const b of Buffer.from(char, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

/** A host name or address with an optional port, as a URL's authority may hold it. */
const AUTHORITY = /^([A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

/**
 * The request's URL: an absolute-form target as it is; otherwise `http://` + the Host header
 * (the server's address and port when there is none, or when it is not a host name) + the
 * target (`CONNECT`'s authority alone). Characters a URI cannot hold are percent-encoded.
 */
export function requestUrl(method: string, target: string, headers: readonly HttpHeader[], server: Endpoint): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target)) {
    const absolute = uriSafe(target);
    if (URL.canParse(absolute)) return absolute;
  }
  if (method === 'CONNECT') return uriSafe(`http://${AUTHORITY.test(target) ? target : serverAuthority(server)}`);
  const hostHeader = headerValue(headers, 'host')?.trim() ?? '';
  const host = AUTHORITY.test(hostHeader) ? hostHeader : serverAuthority(server);
  const path = target === '*' ? '/*' : target.startsWith('/') ? target : `/${target}`;
  return uriSafe(`http://${host}${path}`);
}

function serverAuthority(server: Endpoint): string {
  const addr = server.addr.includes(':') ? `[${server.addr}]` : server.addr;
  return server.port === 80 ? addr : `${addr}:${server.port}`;
}

/** Percent-decoding of a query or form component (`+` as a space); the text as it is when it does not decode. */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `a=1&b=2` as name/value pairs, decoded (a name without `=` has the value ''). */
export function formPairs(text: string): HarNameValue[] {
  return text
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? { name: formDecode(part), value: '' } : { name: formDecode(part.slice(0, eq)), value: formDecode(part.slice(eq + 1)) };
    });
}

/** The query string of a request target (after `?`, before `#`), as pairs. */
export function queryString(target: string): HarNameValue[] {
  const q = target.indexOf('?');
  if (q < 0) return [];
  const hash = target.indexOf('#', q);
  return formPairs(target.slice(q + 1, hash < 0 ? undefined : hash));
}

/** The cookies of a request's `Cookie` header(s): `a=1; b=2`. */
export function requestCookies(headers: readonly HttpHeader[]): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const value of headerValues(headers, 'cookie')) {
    for (const part of value.split(';')) {
      const pair = splitPair(part);
      if (pair) cookies.push(pair);
    }
  }
  return cookies;
}

/**
 * The cookies a response sets, one per `Set-Cookie` header, with Path, Domain, Expires (or
 * Max-Age counted from `nowMicros`), HttpOnly and Secure.
 */
export function responseCookies(headers: readonly HttpHeader[], nowMicros: number): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const value of headerValues(headers, 'set-cookie')) {
    const [first, ...attributes] = value.split(';');
    const cookie = splitPair(first);
    if (!cookie) continue;
    for (const attribute of attributes) {
      const eq = attribute.indexOf('=');
      const key = (eq < 0 ? attribute : attribute.slice(0, eq)).trim().toLowerCase();
      const val = eq < 0 ? '' : attribute.slice(eq + 1).trim();
      if (key === 'path') cookie.path = val;
      else if (key === 'domain') cookie.domain = val;
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
      else if (key === 'expires' && cookie.expires === undefined) {
        const date = new Date(val);
        if (!Number.isNaN(date.getTime())) cookie.expires = date.toISOString();
      } else if (key === 'max-age' && /^-?\d{1,12}$/.test(val)) {
        const date = new Date(nowMicros / 1000 + Number(val) * 1000);
        if (!Number.isNaN(date.getTime())) cookie.expires = date.toISOString();
      }
    }
    cookies.push(cookie);
  }
  return cookies;
}

function splitPair(text: string): HarCookie | undefined {
  const eq = text.indexOf('=');
  const name = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (name === '') return undefined;
  return { name, value: eq < 0 ? '' : text.slice(eq + 1).trim() };
}

/** Media types whose bodies are binary whatever their bytes look like. */
const BINARY_TYPES = /^(image|audio|video|font)\/|^application\/(octet-stream|zip|gzip|x-gzip|pdf|wasm|x-protobuf|protobuf|grpc)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A body for a HAR `text` field: the text itself when the bytes are text in the charset of
 * `contentType` (UTF-8 when none is named) without NUL or other C0 controls besides tab, CR,
 * LF, FF and ESC; otherwise base64 (`encoding: 'base64'`).
 */
export function bodyText(bytes: Uint8Array, contentType: string): { text: string; encoding?: 'base64' } {
  const base64 = () => ({ text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), encoding: 'base64' as const });
  if (BINARY_TYPES.test(contentType.trim())) return base64();
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return base64();
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  let decoder = utf8;
  if (charset) {
    try {
      decoder = new TextDecoder(charset, { fatal: true });
    } catch {
      decoder = utf8;
    }
  }
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    return base64();
  }
}
