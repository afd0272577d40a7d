/**
 * `y`: an HTTP request as a `curl` command line a user can paste into a shell: method, URL from
 * the Host header and the target, every header but Host and Content-Length, and the body. Every
 * word is shell-quoted; one holding anything but printable ASCII is written in `$'...'` quoting
 * with `\xNN` escapes, so no control character (a pasted ESC, a newline) reaches the shell or
 * the terminal raw. Pure.
 */
import { headerValue } from '../../messages/httpHead.js';
import type { HttpRequest } from '../../messages/types.js';

/** Most body bytes put on the command line; a longer body is left out and said so in a comment. */
export const MAX_INLINE_BODY = 64 * 1024;

/** The command for `request` (body: its decoded bytes, if any). `scheme` for the URL: http unless known better. */
export function curlCommand(request: HttpRequest, body: Uint8Array | undefined, scheme = 'http'): string {
  const host = headerValue(request.headers, 'host') ?? '';
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(request.target) ? request.target : `${scheme}://${host}${request.target.startsWith('/') ? '' : '/'}${request.target}`;
  const words = ['curl'];
  if (request.method !== 'GET' || (body && body.length > 0)) words.push('-X', quote(request.method));
  words.push(quote(url));
  for (const header of request.headers) {
    const name = header.name.toLowerCase();
    if (name === 'host' || name === 'content-length' || name === 'transfer-encoding') continue;
    words.push('-H', quote(`${header.name}: ${header.value}`));
  }
  let comment = '';
  if (body && body.length > MAX_INLINE_BODY) comment = `  # body of ${body.length} bytes left out`;
  else if (body && body.length > 0) words.push('--data-binary', quoteBytes(body));
  return words.join(' ') + comment;
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
