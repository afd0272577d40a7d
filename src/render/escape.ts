/**
 * Bytes from the network are hostile: this module turns them into strings that are safe to
 * put on a terminal (or into a blessed widget once `escapeBlessedTags` is applied too).
 *
 * Policy (one escape alphabet, so any output stays unambiguous):
 * - printable ASCII 0x20..0x7e is shown as is, except `\` which becomes `\\`;
 * - tab → `\t`, CR → `\r`, LF → `\n`, every other C0 control and DEL → `\xNN`;
 * - bytes >= 0x80: a well-formed UTF-8 sequence (shortest form, no surrogates, <= U+10FFFF)
 *   of a *printable* code point is shown decoded; a well-formed sequence of a code point that
 *   is not printable → `\u{hex}`; any byte that does not start a well-formed sequence
 *   (stray continuation, overlong form, surrogate, truncated sequence, 0xf5..0xff) → `\xNN`,
 *   and decoding resumes at the next byte.
 * - bytes, not text: a line that holds bytes of no text (not UTF-8, or the sequence of an
 *   unassigned or private-use code point) and more signs of binary data (those, and controls
 *   other than tab, CR, LF and ESC) than characters decoded (combining marks not counted) shows
 *   every byte >= 0x80 as `\xNN` (ciphertext then does not read as random letters). Well-formed
 *   UTF-8 stays text, whatever controls sit in it (each shown as its escape). In any line, a
 *   sequence of an unassigned or private-use code point, or of a combining mark with no base,
 *   shows as its `\xNN` bytes.
 * - "not printable" code points: general category C (Cc controls incl. the C1 range
 *   U+0080..U+009F, Cf format characters incl. bidi embeddings/overrides/isolates
 *   U+202A..U+202E, U+2066..U+2069, zero-width characters, BOM, tag characters; Cs; Co
 *   private use; Cn unassigned), plus separators (Z: every space but the ASCII one, e.g. the
 *   no-break space U+00A0, U+2000..U+200A, U+202F, U+205F, U+3000, which read as a plain space;
 *   line and paragraph separators) and default-ignorable code points (drawn as nothing: the
 *   Hangul fillers U+115F, U+1160, U+3164, U+FFA0, the combining grapheme joiner U+034F).
 * - characters of disputed width → `\u{hex}`: emoji shown as emoji by default
 *   (Emoji_Presentation: 🎉, ⚡, flags' regional indicators, skin tones), every other pictograph
 *   outside the BMP (🌡, which some terminals draw two columns wide), variation selectors
 *   (U+FE0E/U+FE0F turn a text symbol into an emoji and back, and with it its width), the
 *   combining marks U+302A..U+302F (ideographic and Hangul tone marks) and U+3099..U+309A (kana
 *   voiced sound marks, as in decomposed Japanese), and the conjoining Hangul vowels and final
 *   consonants U+1161..U+11FF and U+D7B0..U+D7FF (a terminal joins them into the syllable before,
 *   zero columns, or draws them alone, one or two). Terminals disagree with each other on these
 *   widths (Unicode 9 made most emoji two columns wide, many terminals still draw one): a screen
 *   that guesses wrong shifts the rest of the row, and a later partial redraw leaves stale cells.
 * - combining marks (general category M) are shown only on a base character shown as itself
 *   (a letter, when ASCII), at most {@link MAX_MARKS_PER_BASE} per base; otherwise as the
 *   sequence's bytes (`\u{hex}` in {@link escapeText}). A mark cannot then join a prefix (`>`),
 *   an escape, a digit or sign next to one, or the previous output, and a stack of hundreds
 *   ("Zalgo" text) cannot spill over neighbouring lines.
 * Hex digits are lower case. Nothing that starts a terminal escape sequence (ESC, CSI 0x9b,
 * OSC, DCS, ...) survives: those are all C0/C1 controls.
 */
import { ByteText } from './byteText.js';

const HEX = '0123456789abcdef';

/** An escape of this module cut short at the end of a text (`\u{30`, `\x1`, `\`). */
const PARTIAL_ESCAPE = /\\(?:u\{[0-9a-f]*|u|x[0-9a-f]?)?$/i;

/** `text` (escaped) without an escape cut short at its end: `\u{30` would read as another character. */
export function withoutPartialEscape(text: string): string {
  return text.replace(PARTIAL_ESCAPE, '');
}

/** `\xNN` for every byte value. */
const BYTE_ESCAPE: readonly string[] = Array.from({ length: 256 }, (_, b) => `\\x${HEX[b >> 4]}${HEX[b & 15]}`);

/** Escape for an ASCII byte that is not shown as is; `undefined` for printable ASCII (except `\`). */
const ASCII_ESCAPE: readonly (string | undefined)[] = Array.from({ length: 128 }, (_, b) => {
  if (b === 0x5c) return '\\\\';
  if (b === 0x09) return '\\t';
  if (b === 0x0d) return '\\r';
  if (b === 0x0a) return '\\n';
  if (b < 0x20 || b === 0x7f) return BYTE_ESCAPE[b];
  return undefined;
});

const UNLIKELY_IN_TEXT = /[\p{Cn}\p{Co}]/u;
const NOT_PRINTABLE = /[\p{C}\p{Z}\p{Default_Ignorable_Code_Point}]/u;
const MARK = /\p{M}/u;

/** Most combining marks shown on one base character (Vietnamese, Hebrew, Indic text need up to 3). */
export const MAX_MARKS_PER_BASE = 3;

/** Every code point from U+0080 on is escaped, printable or not (see {@link setAsciiOnly}). */
let asciiOnly = false;

/**
 * For a terminal that shows ASCII only (outside a UTF-8 locale, where a character would be drawn
 * `?`): `on` escapes every code point from U+0080 on as `\u{hex}` (what is bytes stays `\xNN`);
 * off (the default) again when that screen is gone. flowspy's own marks in a text (`…`, `→`)
 * are put in the terminal's glyph set before the text is escaped (tui/glyphs.ts `inGlyphs`).
 */
export function setAsciiOnly(on: boolean): void {
  asciiOnly = on;
}

const CLASS_BASE = 1;
const CLASS_ESCAPE = 2;
const CLASS_MARK = 3;
/** Unassigned or private use: shown as the bytes of its sequence (as `\u{hex}` in a string). */
const CLASS_BYTES = 4;

/** Signs of binary data that outnumber the characters decoded so far by this many settle that a line is binary. */
const BINARY_AT_ONCE = 16;

/** The marks an ASCII byte leaves room for after it: {@link MAX_MARKS_PER_BASE} after a letter, else none. */
const ASCII_BASE = Uint8Array.from({ length: 128 }, (_, b) => ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a ? MAX_MARKS_PER_BASE : 0));

/** ASCII bytes that are signs of binary data: controls but tab, LF, CR and ESC (text with colours), and DEL. */
const ASCII_BINARY = Uint8Array.from({ length: 128 }, (_, b) => ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b) || b === 0x7f ? 1 : 0));

/** Cache for the BMP: 0 = not computed yet, else one of the CLASS_ values. */
const bmpClass = new Uint8Array(0x10000);

/** Characters whose width terminals disagree on (see the policy above). */
const DISPUTED_WIDTH = /[\p{Emoji_Presentation}\p{Variation_Selector}\u302a-\u302f\u3099\u309a\u1161-\u11ff\ud7b0-\ud7ff]|(?![\u0000-\uffff])\p{Extended_Pictographic}/u;

function classify(text: string): number {
  if (UNLIKELY_IN_TEXT.test(text)) return CLASS_BYTES;
  if (NOT_PRINTABLE.test(text) || DISPUTED_WIDTH.test(text)) return CLASS_ESCAPE;
  return MARK.test(text) ? CLASS_MARK : CLASS_BASE;
}

/** CLASS_BASE, CLASS_ESCAPE, CLASS_MARK or CLASS_BYTES for a code point >= U+0080. */
function codePointClass(cp: number): number {
  if (cp < 0x10000) {
    let c = bmpClass[cp];
    if (c === 0) {
      c = cp >= 0xd800 && cp <= 0xdfff ? CLASS_ESCAPE : classify(String.fromCharCode(cp));
      bmpClass[cp] = c;
    }
    return c;
  }
  return cp > 0x10ffff ? CLASS_BYTES : classify(String.fromCodePoint(cp));
}

/**
 * The marks a character of class `cls` leaves room for after it, when `room` were left before
 * it; -1 when it must be escaped (not printable, unlikely in text, or a mark with no base left to carry it).
 */
function markRoomAfter(cls: number, room: number): number {
  if (cls === CLASS_BASE) return MAX_MARKS_PER_BASE;
  return cls === CLASS_MARK && room > 0 ? room - 1 : -1;
}

/**
 * True when code point `cp` may be shown as the character itself, given a base character to
 * carry it when it is a combining mark. See the module policy: general category C, Z (but the
 * ASCII space) and default-ignorable code points are not printable; on an ASCII-only terminal
 * ({@link setAsciiOnly}) nothing from U+0080 on is.
 */
export function isPrintableCodePoint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (asciiOnly) return false;
  const cls = codePointClass(cp);
  return cls === CLASS_BASE || cls === CLASS_MARK;
}

/** `\u{hex}` escape of a code point. */
export function codePointEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** Length of the sequence decoded by the last successful `decodeUtf8At` call. */
let decodedLength = 0;

/**
 * Decodes one strict UTF-8 sequence starting at `bytes[i]` (a byte >= 0x80), not reading at or
 * past `end`. Returns the code point and sets `decodedLength`, or returns -1 when the bytes
 * at `i` do not start a well-formed sequence (RFC 3629 table: no overlongs, no surrogates).
 */
function decodeUtf8At(bytes: Uint8Array, i: number, end: number): number {
  const b0 = bytes[i];
  if (b0 < 0xc2 || b0 > 0xf4) return -1;
  if (b0 < 0xe0) {
    if (i + 1 >= end) return -1;
    const b1 = bytes[i + 1];
    if ((b1 & 0xc0) !== 0x80) return -1;
    decodedLength = 2;
    return ((b0 & 0x1f) << 6) | (b1 & 0x3f);
  }
  if (b0 < 0xf0) {
    if (i + 2 >= end) return -1;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    if (b1 < lo || b1 > hi || (b2 & 0xc0) !== 0x80) return -1;
    decodedLength = 3;
    return ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
  }
  if (i + 3 >= end) return -1;
  const b1 = bytes[i + 1];
  const b2 = bytes[i + 2];
  const b3 = bytes[i + 3];
  const lo = b0 === 0xf0 ? 0x90 : 0x80;
  const hi = b0 === 0xf4 ? 0x8f : 0xbf;
  if (b1 < lo || b1 > hi || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return -1;
  decodedLength = 4;
  return ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
}

/** Each byte value as shown (escaped or as is), as bytes: 4 slots a byte, its length in ESCAPE_LENGTH. */
const ESCAPE_BYTES = new Uint8Array(256 * 4);
const ESCAPE_LENGTH = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const escape = (b < 0x80 ? ASCII_ESCAPE[b] : BYTE_ESCAPE[b]) ?? String.fromCharCode(b);
  for (let k = 0; k < escape.length; k++) ESCAPE_BYTES[b * 4 + k] = escape.charCodeAt(k);
  ESCAPE_LENGTH[b] = escape.length;
}

/**
 * Renders `bytes[start..end)` following the module policy, appended to `out` as UTF-8, without
 * JS strings (an output of bytes, `--log`, escapes megabytes of binary data). Meant for one line
 * of data (LF, if present, shows as `\n`). Never throws; out-of-range `start`/`end` are clamped.
 */
export function escapeLineInto(out: ByteText, bytes: Uint8Array, start = 0, end = bytes.length): void {
  if (end > bytes.length) end = bytes.length;
  if (start < 0) start = 0;
  if (end <= start) return;
  // An escape is at most 4 bytes per byte escaped (`\xNN`; `\u{7ff}` for 2 bytes).
  const buf = out.room((end - start) * 4);
  let o = out.length;
  let i = start;
  let markRoom = 0;
  // Signs of binary data and characters decoded: a line with bytes of no text (`notText`) and
  // more signs (by BINARY_AT_ONCE before its end, or at its end), where a sequence was shown
  // decoded or as a code point, is written again as bytes.
  let binarySigns = 0;
  let notText = 0;
  let characters = 0;
  let decoded = false;
  while (i < end) {
    const b = bytes[i];
    if (b >= 0x20 && b < 0x7f && b !== 0x5c) {
      buf[o++] = b;
      markRoom = ASCII_BASE[b];
      i++;
      continue;
    }
    const cp = b < 0xc2 || b > 0xf4 ? -1 : decodeUtf8At(bytes, i, end);
    if (cp < 0) {
      binarySigns += b < 0x80 ? ASCII_BINARY[b] : 1;
      notText += b >> 7;
      if (binarySigns - characters >= BINARY_AT_ONCE && notText !== 0) break;
      o = writeByte(buf, o, b);
      markRoom = 0;
      i++;
      continue;
    }
    const cls = codePointClass(cp);
    const room = asciiOnly ? -1 : markRoomAfter(cls, markRoom);
    if (cls === CLASS_BYTES) {
      binarySigns++;
      notText++;
    } else if (cls !== CLASS_MARK) characters++;
    if (room >= 0) {
      for (let k = 0; k < decodedLength; k++) buf[o++] = bytes[i + k];
      markRoom = room;
      decoded = true;
    } else if (cls === CLASS_ESCAPE || (asciiOnly && cls !== CLASS_BYTES)) {
      o += buf.write(codePointEscape(cp), o, 'latin1');
      markRoom = 0;
      decoded = true;
    } else {
      o = escapeBytes(buf, o, bytes, i, i + decodedLength);
      markRoom = 0;
    }
    i += decodedLength;
  }
  out.wroteTo(notText !== 0 && binarySigns > characters && (decoded || i < end) ? escapeBytes(buf, out.length, bytes, start, end) : o);
}

/**
 * Writes byte `b` as shown (printable ASCII as is, else escaped: `\t`, `\xNN`...) into `buf` from
 * `o`; returns the end. All 4 slots are copied (4 bytes are reserved per byte), the length kept.
 */
function writeByte(buf: Uint8Array, o: number, b: number): number {
  const k = b * 4;
  buf[o] = ESCAPE_BYTES[k];
  buf[o + 1] = ESCAPE_BYTES[k + 1];
  buf[o + 2] = ESCAPE_BYTES[k + 2];
  buf[o + 3] = ESCAPE_BYTES[k + 3];
  return o + ESCAPE_LENGTH[b];
}

/** Writes `bytes[start..end)` into `buf` from `o` with every byte but printable ASCII escaped; returns the end. */
function escapeBytes(buf: Uint8Array, o: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) o = writeByte(buf, o, bytes[i]);
  return o;
}

/** Where {@link escapeLine} gathers the text of a short line; kept between calls. */
const lineScratch = new ByteText(1024);
/** Lines longer than this get a buffer of their own, so that the kept one stays small. */
const SCRATCH_LINE_BYTES = 16 * 1024;

/**
 * {@link escapeLineInto} as a string: `bytes[start..end)` as one safe display string following
 * the module policy. Meant for one line of data (LF, if present, shows as `\n`). Never throws;
 * out-of-range `start`/`end` are clamped.
 */
export function escapeLine(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const out = end - start > SCRATCH_LINE_BYTES ? new ByteText((end - start) * 4) : lineScratch;
  out.clear();
  escapeLineInto(out, bytes, start, end);
  return out.toString();
}

/**
 * Escaped text (of this module) with each literal backslash shown as one (`\\` → `\`), as a
 * decoded view (the messages mode) shows it: `{"q":"say \"hi\""}` reads as sent, not doubled like
 * a double-escaping bug. Escapes of controls and invalid bytes stay, so nothing raw is let through;
 * what is lost is only the unambiguity of text that spells an escape (`\x1b` typed as text).
 */
export function withPlainBackslashes(escaped: string): string {
  return escaped.includes('\\\\') ? escaped.replaceAll('\\\\', '\\') : escaped;
}

/**
 * Applies the same policy to a JavaScript string (e.g. a note text, a host name, anything that
 * may carry data from the network): controls, `\`, lone surrogates and non-printable code
 * points become escapes; printable characters stay. Never throws.
 */
export function escapeText(text: string): string {
  let out = '';
  let runStart = 0;
  let i = 0;
  const n = text.length;
  let markRoom = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x5c) {
      markRoom = ASCII_BASE[c];
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (c >= 0x80 && !asciiOnly) {
      const room = markRoomAfter(codePointClass(cp), markRoom);
      if (room >= 0) {
        markRoom = room;
        i += width;
        continue;
      }
    }
    if (runStart < i) out += text.slice(runStart, i);
    out += cp < 0x80 ? ASCII_ESCAPE[cp] : codePointEscape(cp);
    markRoom = 0;
    i += width;
    runStart = i;
  }
  if (runStart === 0) return text;
  if (runStart < n) out += text.slice(runStart);
  return out;
}
