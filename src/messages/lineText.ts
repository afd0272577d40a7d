/**
 * The text of a line as its bytes arrive in any split (for lines.ts): where text bytes stop
 * ({@link textEnd}), and a line's kept text gathered and decoded once it ends ({@link LineText}).
 * Never throws.
 */
import { isAscii } from 'node:buffer';
import { isTextByte } from './detect.js';
import { headText } from './httpHead.js';
import { MAX_LINE_TEXT } from './lineItem.js';

const LF = 0x0a;
const CR = 0x0d;
/** Bytes kept of a long line's end (see {@link LineText.take}). */
const TAIL_BYTES = 16;

/** 1 for the bytes of text lines ({@link isTextByte}), else 0. */
const TEXT_BYTES = Uint8Array.from({ length: 256 }, (_, b) => (isTextByte(b) ? 1 : 0));

/**
 * The position of the first byte of `bytes[from, ...)` that is not text, or `bytes.length`. Four
 * bytes at a time: a word with no byte below 0x20 and none equal to 0x7f is text; only the
 * others (holding a tab, CR, LF, ESC, or a byte that is not text) are looked at byte by byte.
 */
export function textEnd(bytes: Uint8Array, from: number): number {
  const n = bytes.length;
  const base = bytes.byteOffset;
  while (from < n && ((base + from) & 3) !== 0) {
    if (TEXT_BYTES[bytes[from]] === 0) return from;
    from++;
  }
  const words = (n - from) >> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, base + from, words);
    for (let w = 0; w < words; w++) {
      const x = view[w];
      const y = x ^ 0x7f7f7f7f;
      if ((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) {
        const at = from + (w << 2);
        for (let k = at; k < at + 4; k++) if (TEXT_BYTES[bytes[k]] === 0) return k;
      }
    }
    from += words << 2;
  }
  while (from < n && TEXT_BYTES[bytes[from]] === 1) from++;
  return from;
}

/**
 * The text of the line one direction is reading, owned by that direction and reused line after
 * line: {@link append} its bytes as they arrive, {@link take} the text when the line ends.
 */
export class LineText {
  /** The line's first {@link MAX_LINE_TEXT} bytes so far as Latin-1, line end included. */
  private latin1 = '';
  /** Whether the bytes in `latin1` are all ASCII. */
  private ascii = true;
  /** The last bytes (Latin-1, its line end included) of a line longer than its kept text: where an IMAP literal's `{N}` is. */
  private tail = '';
  /** The last {@link peek} and the `latin1` it decoded: asked again for the same bytes (the flow list asks at every frame), not decoded again. */
  private peeked: { readonly latin1: string; readonly text: string; readonly notUtf8: boolean } = { latin1: '', text: '', notUtf8: false };

  /** The line's kept text so far, as Latin-1 (a line end included once it came). */
  get sofar(): string {
    return this.latin1;
  }

  /** The line's next bytes, `bytes[from, end)` (valid only during the call): kept up to {@link MAX_LINE_TEXT}, then only its last bytes. */
  append(bytes: Uint8Array, from: number, end: number): void {
    const keep = Math.min(end - from, MAX_LINE_TEXT - this.latin1.length);
    if (keep > 0) {
      const part = Buffer.from(bytes.buffer, bytes.byteOffset + from, keep);
      this.ascii &&= isAscii(part);
      this.latin1 += part.toString('latin1');
    }
    if (end - from > keep) {
      // The line outgrew its kept text: its last bytes are kept apart, from the kept text's end on.
      if (this.tail === '') this.tail = this.latin1.slice(-TAIL_BYTES);
      const beyond = Buffer.from(bytes.buffer, bytes.byteOffset + Math.max(from + keep, end - TAIL_BYTES), Math.min(end - from - keep, TAIL_BYTES));
      this.tail = (this.tail + beyond.toString('latin1')).slice(-TAIL_BYTES);
    }
  }

  /** The line's kept text so far, decoded as {@link take} decodes it (a line end or a last CR left out); nothing is emptied. */
  peek(): { readonly text: string; readonly notUtf8: boolean } {
    if (this.peeked.latin1 === this.latin1) return this.peeked;
    let text = this.latin1;
    let n = text.length;
    if (n > 0 && text.charCodeAt(n - 1) === LF) n--;
    if (n > 0 && text.charCodeAt(n - 1) === CR) n--;
    if (n < text.length) text = text.slice(0, n);
    let notUtf8 = false;
    if (!this.ascii) {
      const decoded = headText(Buffer.from(text, 'latin1'));
      // headText falls back to Latin-1, character for byte, when the bytes are not UTF-8.
      notUtf8 = decoded === text;
      text = decoded;
    }
    this.peeked = { latin1: this.latin1, text, notUtf8 };
    return this.peeked;
  }

  /**
   * The line ended: its kept text without the line end (CR LF or LF), decoded as UTF-8 when the
   * bytes are, else Latin-1 (`notUtf8`); and `tail`, the line's last bytes with its line end
   * (Latin-1) when the line was longer than its kept text, else ''. Empties this for the next line.
   */
  take(): { text: string; notUtf8: boolean; tail: string } {
    const { text, notUtf8 } = this.peek();
    const tail = this.tail;
    this.latin1 = '';
    this.ascii = true;
    this.tail = '';
    return { text, notUtf8, tail };
  }
}
