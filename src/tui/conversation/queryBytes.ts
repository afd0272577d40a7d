/**
 * A `/` query of the raw modes as bytes, reading the escapes the conversation shows (`\r`, `\n`,
 * `\t`, `\\`, `\xNN`, `\u{hex}`: see render/escape) as the bytes they stand for and the rest as
 * text in the encoding shown: what is seen is what is found (`/\x1b[31m`, `/\r\n\r\n`). A query
 * with any other backslash is text as typed (`C:\Windows`). Pure.
 */
import { decodeEscaped, encodeText, type TextEncoding } from '../../render/encoding.js';
import { escapeText } from '../../render/escape.js';
import { hasUpperCase } from '../byteMatcher.js';

/**
 * A query's bytes; `upper` the same with the ASCII letters of its text (not of its escapes) in
 * upper case; `cased`: its text has one; `shown`: the bytes as the raw text modes show them (to mark).
 */
export interface QueryBytes {
  readonly bytes: Uint8Array;
  readonly upper: Uint8Array;
  readonly cased: boolean;
  readonly shown: string;
}

const ESCAPE = /\\(?:([rnt\\])|x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\})/gy;
const SIMPLE: Record<string, number> = { r: 0x0d, n: 0x0a, t: 0x09, '\\': 0x5c };

/** `query` as bytes in `encoding`, its escapes read (see the module's doc). */
export function queryBytes(query: string, encoding: TextEncoding): QueryBytes {
  const pieces = escapedPieces(query, encoding);
  if (pieces === undefined) return { bytes: encodeText(query, encoding), upper: encodeText(upperAscii(query), encoding), cased: hasUpperCase(query), shown: escapeText(query) };
  const text = pieces.filter((piece): piece is string => typeof piece === 'string');
  const encode = (upper: boolean): Uint8Array => new Uint8Array(Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? encodeText(upper ? upperAscii(piece) : piece, encoding) : piece))));
  const bytes = encode(false);
  return { bytes, upper: encode(true), cased: text.some(hasUpperCase), shown: decodeEscaped(bytes, encoding) };
}

/** {@link queryBytes} of the last query and encoding asked: asked again for both, the same reading, not made again. */
export class QueryBytesMemo {
  private last: { readonly query: string; readonly encoding: TextEncoding; readonly bytes: QueryBytes } | undefined;

  /** `query` as bytes in `encoding` (see {@link queryBytes}). */
  get(query: string, encoding: TextEncoding): QueryBytes {
    if (this.last?.query !== query || this.last.encoding !== encoding) this.last = { query, encoding, bytes: queryBytes(query, encoding) };
    return this.last.bytes;
  }
}

/** The query cut into text and the bytes of its escapes; undefined when a backslash starts no escape (or none does). */
function escapedPieces(query: string, encoding: TextEncoding): (string | Uint8Array)[] | undefined {
  if (!query.includes('\\')) return undefined;
  const pieces: (string | Uint8Array)[] = [];
  let text = 0;
  for (let at = query.indexOf('\\'); at >= 0; at = query.indexOf('\\', at)) {
    ESCAPE.lastIndex = at;
    const match = ESCAPE.exec(query);
    if (!match) return undefined;
    const [whole, simple, hex, codePoint] = match;
    const cp = codePoint === undefined ? 0 : parseInt(codePoint, 16);
    if (cp > 0x10ffff) return undefined;
    if (at > text) pieces.push(query.slice(text, at));
    pieces.push(simple !== undefined ? Uint8Array.of(SIMPLE[simple]) : hex !== undefined ? Uint8Array.of(parseInt(hex, 16)) : encodeText(String.fromCodePoint(cp), encoding));
    at += whole.length;
    text = at;
  }
  if (text < query.length) pieces.push(query.slice(text));
  return pieces;
}

function upperAscii(text: string): string {
  return text.replace(/[a-z]+/g, (s) => s.toUpperCase());
}
