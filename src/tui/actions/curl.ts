/**
 * `y`: an HTTP request as a `curl` command line a user can paste into a shell: method (`-I` for a
 * HEAD; `-X` only where curl's own, POST with a body and GET without, differs), `--http1.0` for
 * an HTTP/1.0 request, URL from the Host header (else the connection's server) and the target
 * (with `-g` when it holds curl's globbing characters `[]{}`; a target that is no path, `*` or a
 * CONNECT's, with `--request-target`), every header but Host, Content-Length and
 * Transfer-Encoding (an empty one as `Name;`), `--compressed` when Accept-Encoding names gzip,
 * deflate or br (as browsers' "Copy as cURL": curl then decodes what it asked for), and the
 * body as sent (its Content-Encoding kept, as its header is). Every
 * word is shell-quoted; one holding anything but printable ASCII is written in `$'...'` quoting
 * with `\xNN` escapes, so no control character (a pasted ESC, a newline) reaches the shell or
 * the terminal raw. The body goes in `--data-raw` (a body starting with `@` is not read as a
 * file name); one bash cannot quote exactly (a NUL byte ends a `$'...'` word) is sent from a
 * file: `--data-binary @file`. A target in absolute form is the URL only for http and https:
 * another scheme (`file://`, `gopher://`) is sent as it was with `--request-target`, to the
 * Host, so that running the command never reads a local file or speaks another protocol.
 * Pure, apart from reading the body through the given reader.
 */
import { bracedPaths, messageWithPath } from '../statusMessage.js';
import { dechunk, type StreamReader } from '../../messages/httpBody.js';
import { headerValue } from '../../messages/httpHead.js';
import type { HttpRequest } from '../../messages/types.js';
import { formatCount } from '../../core/count.js';
import { escapeText } from '../../render/escape.js';

/** Most body bytes put on the command line; a longer body is left out and said so in a comment. */
export const MAX_INLINE_BODY = 64 * 1024;

/**
 * The body to send again for `request`, as its client sent it: the chunked framing removed (curl
 * frames it anew) and the Content-Encoding kept, as the command keeps that header. Undefined when
 * there is none, or when it is longer than {@link MAX_INLINE_BODY} (then nothing is read).
 * @throws what `read` throws (the flow was evicted).
 */
export function requestPayload(read: StreamReader, request: HttpRequest): Uint8Array | undefined {
  const { body } = request;
  if (body.dataLength === 0 || body.dataLength > MAX_INLINE_BODY) return undefined;
  const wire = read(request.dir, body.offset, body.length);
  return body.framing === 'chunked' ? dechunk(wire).data : wire;
}

/** Whether bash can quote `body` exactly on the command line: not when it holds a NUL byte. */
export function bodyFitsCommandLine(body: Uint8Array): boolean {
  return !body.includes(0);
}

/** Where the command finds what it cannot hold itself. */
export interface CurlOptions {
  /** The URL's scheme: http unless known better. */
  readonly scheme?: string;
  /** A file holding the body, sent as `@bodyFile`; needed when the body does not {@link bodyFitsCommandLine fit}. */
  readonly bodyFile?: string;
  /** The connection's server, `host:port` (`[::1]:80`): the URL's host for a request without Host, and for a CONNECT (sent to its proxy). */
  readonly server?: string;
}

/**
 * The command for `request`; `body`: its payload ({@link requestPayload}), left out with a comment
 * when the request's is longer than {@link MAX_INLINE_BODY}, or when it does not fit the command
 * line and no `bodyFile` is given.
 */
export function curlCommand(request: HttpRequest, body: Uint8Array | undefined, options: CurlOptions = {}): string {
  const { scheme = 'http', bodyFile, server } = options;
  const { method, target } = request;
  const connect = method.toUpperCase() === 'CONNECT';
  const hostHeader = headerValue(request.headers, 'host');
  const host = (connect ? server ?? hostHeader : hostHeader || server) ?? '';
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
  const webUrl = absolute && /^https?:\/\//i.test(target);
  // A target that is not a path (`*` of OPTIONS, a CONNECT's host:port, a URL of another scheme) is sent as it was, to the URL's host.
  const asIs = !target.startsWith('/') && (target === '*' || connect || (absolute && !webUrl));
  const path = asIs ? '/' : target.startsWith('/') ? target : `/${target}`;
  const url = webUrl ? target : `${scheme}://${host}${path}`;
  const hasBody = body !== undefined && body.length > 0;
  const payloadLength = Math.max(request.body.dataLength, body?.length ?? 0);
  let comment = '';
  let data: string[] = [];
  if (payloadLength > MAX_INLINE_BODY) comment = `  # body of ${formatCount(payloadLength)} bytes left out`;
  else if (hasBody && bodyFile !== undefined) data = ['--data-binary', quote(`@${bodyFile}`)];
  else if (hasBody && !bodyFitsCommandLine(body)) comment = `  # body of ${formatCount(body.length)} bytes with a NUL byte left out`;
  else if (hasBody) data = ['--data-raw', quoteBytes(body)];
  const words = ['curl'];
  // `-X HEAD` would make curl wait for the body its Content-Length announces: -I asks for the head only.
  if (method === 'HEAD' && !hasBody) words.push('-I');
  // curl's own method is POST with data, else GET (it warns that `-X POST` is unnecessary then).
  else if (method !== (data.length > 0 ? 'POST' : 'GET')) words.push('-X', quote(method));
  if (request.version === '1.0') words.push('--http1.0');
  if (asIs) words.push('--request-target', quote(target));
  // curl reads [ ] { } in a URL as globbing ranges and sets: -g sends the target as it was.
  if (/[[\]{}]/.test(url)) words.push('-g');
  words.push(quote(url));
  if (acceptsCompressed(request)) words.push('--compressed');
  for (const header of request.headers) {
    const name = header.name.toLowerCase();
    // A CONNECT goes to its proxy: its Host (the tunnel's end) differs from the URL's.
    if ((name === 'host' && !(connect && hostHeader !== undefined && hostHeader !== host)) || name === 'content-length' || name === 'transfer-encoding') continue;
    // `-H 'Name:'` (a value of blanks too) tells curl to leave the header out; `Name;` sends it empty.
    words.push('-H', quote(header.value.trim() === '' ? `${header.name};` : `${header.name}: ${header.value}`));
  }
  words.push(...data);
  return words.join(' ') + comment;
}

/** Whether any Accept-Encoding header of `request` names a coding curl decodes: gzip, deflate or br. */
function acceptsCompressed(request: HttpRequest): boolean {
  const accepted = (item: string): boolean => {
    const [coding, ...params] = item.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    // `gzip;q=0` refuses gzip (RFC 9110 12.5.3).
    return (coding === 'gzip' || coding === 'deflate' || coding === 'br') && (q === undefined || Number(q.slice(2)) > 0);
  };
  return request.headers.some((h) => h.name.toLowerCase() === 'accept-encoding' && h.value.split(',').some(accepted));
}

/** One shell word for `text` (as UTF-8): plain when safe, `'...'` for printable ASCII, else `$'...'` with escapes. */
export function quote(text: string): string {
  return quoteBytes(Buffer.from(text, 'utf8'));
}

/** One shell word for `bytes` (see {@link quote}). */
export function quoteBytes(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('latin1');
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(text)) return text;
  if (/^[\x20-\x7e]*$/.test(text)) return `'${text.replaceAll("'", "'\\''")}'`;
  let out = "$'";
  for (const ch of bytes) {
    if (ch === 0x27 || ch === 0x5c) out += `\\${String.fromCharCode(ch)}`;
    else if (ch >= 0x20 && ch < 0x7f) out += String.fromCharCode(ch);
    else out += `\\x${ch.toString(16).padStart(2, '0')}`;
  }
  return `${out}'`;
}

/**
 * What `y` says once its files are written (`paths`: a `.body` file first when there is one, then
 * the `.curl` file), in `columns` columns. It says "sent": flowspy cannot know whether the terminal
 * took the OSC 52 sequence (tmux drops it unless `set-clipboard on`). Warnings lead: `tidied`, the
 * head was not sent as it was; `bodyLeftOut`, the length of a body too long to put in the command.
 */
export function curlSavedMessage(paths: readonly string[], columns: number, ellipsis: string, tidied = false, bodyLeftOut?: number): string {
  // Warnings go first, joined by `; `: the row keeps a warning whole up to its first `, `.
  const warnings = [tidied ? 'head tidied (see the file)' : '', bodyLeftOut === undefined ? '' : `body of ${formatCount(bodyLeftOut)} bytes left out (b saves it)`].filter(Boolean);
  return messageWithPath(`${warnings.length ? `! ${warnings.join('; ')}, ` : ''}curl sent to clipboard (OSC 52), saved `, bracedPaths(paths, '.curl'), columns, ellipsis);
}

/**
 * Comment lines for a `.curl` file before the command when the request's head broke HTTP's
 * syntax (`problems`, as `headSyntaxProblems` words them): curl sends its headers well formed,
 * so the command does not send what the client did. '' when there is nothing to say.
 */
export function tidiedHeadComment(problems: readonly string[]): string {
  if (problems.length === 0) return '';
  const lines = problems.map((problem) => `#   ${problem}`);
  // The problems quote field names as sent: escaped, so no control byte (a newline) reaches the shell or the terminal.
  return [`# ! this request's head broke HTTP/1.1's syntax; curl sends it well formed, so not as it was:`, ...lines].map((line) => escapeText(line)).join('\n') + '\n';
}
