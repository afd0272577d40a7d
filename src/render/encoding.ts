/**
 * Text encodings for showing stream bytes: decoding to safe display strings (through
 * iconv-lite, then the `escape` policy), encoding a search string to bytes, and where lines end.
 *
 * UTF-8 goes through `escapeLine` on the bytes (an invalid byte shows as `\xNN`). Every other
 * encoding is decoded by iconv-lite (EBCDIC CP037, which iconv-lite lacks, by a table here) and
 * the resulting string goes through `escapeText`: controls, C1, bidi and other non-printable
 * code points become visible escapes; a byte CP1252 leaves undefined, and a UTF-16LE odd last
 * byte, shows as `\xNN`; a sequence Shift_JIS or UTF-16LE does not map shows as U+FFFD.
 */
import iconv from 'iconv-lite';
import { escapeLine, escapeText } from './escape.js';

/** Encodings a conversation can be shown in, in the order `e` cycles them. */
export const TEXT_ENCODINGS = ['utf-8', 'latin1', 'cp1252', 'utf-16le', 'shift_jis', 'cp037'] as const;

/** One of {@link TEXT_ENCODINGS}. */
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

const LABELS: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  latin1: 'Latin-1',
  cp1252: 'CP1252',
  'utf-16le': 'UTF-16LE',
  shift_jis: 'Shift_JIS',
  cp037: 'EBCDIC CP037',
};

/** The name shown for an encoding (status bar). */
export function encodingLabel(encoding: TextEncoding): string {
  return LABELS[encoding];
}

/** The encoding after `encoding` in {@link TEXT_ENCODINGS}, wrapping around. */
export function nextEncoding(encoding: TextEncoding): TextEncoding {
  return TEXT_ENCODINGS[(TEXT_ENCODINGS.indexOf(encoding) + 1) % TEXT_ENCODINGS.length];
}

/** CP037 byte -> code point (the 256 characters in byte order). */
const CP037_CHARS =
  '\u0000\u0001\u0002\u0003\u009c\u0009\u0086\u007f\u0097\u008d\u008e\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u009d\u0085\u0008\u0087\u0018\u0019\u0092\u008f\u001c\u001d\u001e\u001f\u0080\u0081\u0082\u0083\u0084\u000a\u0017\u001b\u0088\u0089\u008a\u008b\u008c\u0005\u0006\u0007\u0090\u0091\u0016\u0093\u0094\u0095\u0096\u0004\u0098\u0099\u009a\u009b\u0014\u0015\u009e\u001a \u00a0\u00e2\u00e4\u00e0\u00e1\u00e3\u00e5\u00e7\u00f1\u00a2.<(+|&\u00e9\u00ea\u00eb\u00e8\u00ed\u00ee\u00ef\u00ec\u00df!$*);\u00ac-/\u00c2\u00c4\u00c0\u00c1\u00c3\u00c5\u00c7\u00d1\u00a6,%_>?\u00f8\u00c9\u00ca\u00cb\u00c8\u00cd\u00ce\u00cf\u00cc`:#@\u0027="\u00d8abcdefghi\u00ab\u00bb\u00f0\u00fd\u00fe\u00b1\u00b0jklmnopqr\u00aa\u00ba\u00e6\u00b8\u00c6\u00a4\u00b5~stuvwxyz\u00a1\u00bf\u00d0\u00dd\u00de\u00ae^\u00a3\u00a5\u00b7\u00a9\u00a7\u00b6\u00bc\u00bd\u00be[]\u00af\u00a8\u00b4\u00d7{ABCDEFGHI\u00ad\u00f4\u00f6\u00f2\u00f3\u00f5}JKLMNOPQR\u00b9\u00fb\u00fc\u00f9\u00fa\u00ff\u005c\u00f7STUVWXYZ\u00b2\u00d4\u00d6\u00d2\u00d3\u00d50123456789\u00b3\u00db\u00dc\u00d9\u00da\u009f';

let cp037Encoder: Map<number, number> | undefined;

/**
 * Safe display string for `bytes[start..end)` in `encoding` (see the module policy). Never
 * throws; the result holds no control character, C1 or bidi control.
 */
export function decodeEscaped(bytes: Uint8Array, encoding: TextEncoding, start = 0, end = bytes.length): string {
  if (encoding === 'utf-8') return escapeLine(bytes, start, end);
  if (end <= start) return '';
  if (encoding === 'cp037') {
    let text = '';
    for (let i = start; i < end; i++) text += CP037_CHARS[bytes[i]];
    return escapeText(text);
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  if (encoding === 'utf-16le' && view.length % 2 === 1) {
    const last = view[view.length - 1];
    return escapeText(iconv.decode(view.subarray(0, view.length - 1), encoding)) + `\\x${last.toString(16).padStart(2, '0')}`;
  }
  const text = iconv.decode(view, encoding);
  if (encoding !== 'cp1252' || !text.includes('\ufffd')) return escapeText(text);
  // CP1252 maps each byte to one character: the five it leaves undefined show as their bytes.
  let shown = '';
  let from = 0;
  for (let at = text.indexOf('\ufffd'); at >= 0; at = text.indexOf('\ufffd', at + 1)) {
    shown += escapeText(text.slice(from, at)) + `\\x${view[at].toString(16).padStart(2, '0')}`;
    from = at + 1;
  }
  return shown + escapeText(text.slice(from));
}

/**
 * The bytes of `text` in `encoding` (for searching streams). Characters the encoding cannot
 * represent become what iconv-lite substitutes (`?`); for CP037, `?` too.
 */
export function encodeText(text: string, encoding: TextEncoding): Uint8Array {
  if (encoding === 'utf-8') return new Uint8Array(Buffer.from(text, 'utf8'));
  if (encoding === 'cp037') {
    if (!cp037Encoder) {
      cp037Encoder = new Map();
      for (let b = 0; b < 256; b++) cp037Encoder.set(CP037_CHARS.charCodeAt(b), b);
    }
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = cp037Encoder.get(text.charCodeAt(i)) ?? 0x6f;
    return out;
  }
  return new Uint8Array(iconv.encode(text, encoding));
}

/**
 * Length of the line terminator that ends exactly at `bytes[end]` (exclusive), or 0: LF, or in
 * UTF-16LE an LF code unit (`0a 00` at an even stream offset), or in CP037 LF (0x25) or NL (0x15).
 * `streamOffsetOfEnd` is the stream offset of `bytes[end]` (for UTF-16LE alignment).
 */
export function terminatorBefore(bytes: Uint8Array, end: number, encoding: TextEncoding, streamOffsetOfEnd: number): number {
  if (end <= 0) return 0;
  const last = bytes[end - 1];
  if (encoding === 'cp037') return last === 0x25 || last === 0x15 ? 1 : 0;
  if (encoding === 'utf-16le') {
    return end >= 2 && last === 0 && bytes[end - 2] === 0x0a && streamOffsetOfEnd % 2 === 0 ? 2 : 0;
  }
  return last === 0x0a ? 1 : 0;
}

/** Length of a CR that ends at `bytes[end]` (exclusive) in `encoding` (0, 1, or 2 in UTF-16LE). */
export function carriageReturnBefore(bytes: Uint8Array, end: number, encoding: TextEncoding): number {
  if (encoding === 'utf-16le') return end >= 2 && bytes[end - 2] === 0x0d && bytes[end - 1] === 0 ? 2 : 0;
  return end >= 1 && bytes[end - 1] === 0x0d ? 1 : 0;
}

/**
 * Index just past the first line terminator in `bytes[from..to)`, or -1. `streamOffsetOfZero` is
 * the stream offset of `bytes[0]` (for UTF-16LE alignment).
 */
export function nextTerminatorEnd(bytes: Uint8Array, from: number, to: number, encoding: TextEncoding, streamOffsetOfZero: number): number {
  if (encoding === 'cp037') {
    for (let i = from; i < to; i++) if (bytes[i] === 0x25 || bytes[i] === 0x15) return i + 1;
    return -1;
  }
  let i = from;
  while (i < to) {
    const lf = bytes.indexOf(0x0a, i);
    if (lf < 0 || lf >= to) return -1;
    if (encoding !== 'utf-16le') return lf + 1;
    if (lf + 1 < to && bytes[lf + 1] === 0 && (streamOffsetOfZero + lf) % 2 === 0) return lf + 2;
    i = lf + 1;
  }
  return -1;
}
