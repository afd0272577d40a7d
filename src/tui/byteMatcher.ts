/**
 * Finding a byte pattern in bytes, exactly or with smart case (as less `-i` and vim
 * `smartcase`): a pattern typed without an upper-case letter (A-Z) matches ASCII letters of
 * either case; one with an upper-case letter matches exactly. Bytes other than ASCII letters
 * always match exactly. The exact path is `Buffer.indexOf`; the caseless one a regular
 * expression of byte classes (`[aA]`, `\x2d`) over the bytes read as Latin-1, which V8 scans
 * about as fast.
 */

/**
 * Bytes to look for. `alt`, when set (same length), is the other accepted byte at each
 * position (the other case of an ASCII letter, else the same byte); unset: exact.
 */
export interface BytePattern {
  readonly bytes: Uint8Array;
  readonly alt?: Uint8Array;
}

/** True when `text` has an upper-case ASCII letter: smart case then matches exactly. */
export function hasUpperCase(text: string): boolean {
  return /[A-Z]/.test(text);
}

/**
 * The smart-case pattern for `bytes`: exact when they hold an upper-case ASCII letter (or
 * no letter at all), else every ASCII letter matches either case.
 */
export function smartCaseBytes(bytes: Uint8Array): BytePattern {
  if (bytes.some((b) => b >= 0x41 && b <= 0x5a)) return { bytes };
  const alt = bytes.map((b) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b));
  return caselessPattern(bytes, alt);
}

/**
 * A caseless pattern from two encodings of one text, the lower- and the upper-case one; exact
 * (`{ bytes: lower }`) when they differ in length or not at all.
 */
export function caselessPattern(lower: Uint8Array, upper: Uint8Array): BytePattern {
  if (lower.length !== upper.length || lower.every((b, i) => b === upper[i])) return { bytes: lower };
  return { bytes: lower, alt: upper };
}

/** Match starts per string a caseless forward scan makes. */
const FORWARD_WINDOW = 64 * 1024;
/** The first window of a caseless backward scan, in bytes; it doubles up to the max. */
const BACKWARD_WINDOW = 4096;
const MAX_BACKWARD_WINDOW = FORWARD_WINDOW;

/** Finds one {@link BytePattern} in byte arrays. Holds no bytes between calls. */
export class ByteMatcher {
  /** The pattern's length in bytes (every match has it). */
  readonly length: number;
  private readonly bytes: Buffer;
  private readonly caseless: RegExp | undefined;

  constructor(pattern: BytePattern) {
    this.bytes = Buffer.from(pattern.bytes);
    this.length = pattern.bytes.length;
    this.caseless = pattern.alt === undefined ? undefined : new RegExp(classes(pattern.bytes, pattern.alt), 'g');
  }

  /** True when matching ignores the case of ASCII letters. */
  get ignoresCase(): boolean {
    return this.caseless !== undefined;
  }

  /** Start of the first match at or after `from` in `haystack`, or -1. */
  indexOf(haystack: Uint8Array, from = 0): number {
    const hay = asBuffer(haystack);
    const start = Math.max(0, from);
    if (this.caseless === undefined) return hay.indexOf(this.bytes, start);
    // In windows: short strings die young (a 1 MiB one lives until a full GC).
    for (let at = start; at + this.length <= hay.length; at += FORWARD_WINDOW) {
      this.caseless.lastIndex = 0;
      const match = this.caseless.exec(hay.toString('latin1', at, Math.min(hay.length, at + FORWARD_WINDOW + this.length - 1)));
      if (match !== null) return at + match.index;
    }
    return -1;
  }

  /**
   * Calls `visit` with the start of every match in `haystack` that starts before `end`
   * (overlapping ones too), in order, until it returns false.
   */
  eachStart(haystack: Uint8Array, end: number, visit: (at: number) => boolean): void {
    const hay = asBuffer(haystack);
    if (this.caseless === undefined) {
      for (let at = hay.indexOf(this.bytes); at >= 0 && at < end; at = hay.indexOf(this.bytes, at + 1)) if (!visit(at)) return;
      return;
    }
    const regex = this.caseless;
    for (let from = 0; from < end && from + this.length <= hay.length; from += FORWARD_WINDOW) {
      // Each window holds the starts in [from, from + FORWARD_WINDOW) and the bytes they need.
      const text = hay.toString('latin1', from, Math.min(hay.length, from + FORWARD_WINDOW + this.length - 1));
      regex.lastIndex = 0;
      for (let match = regex.exec(text); match !== null && match.index < FORWARD_WINDOW && from + match.index < end; match = regex.exec(text)) {
        if (!visit(from + match.index)) return;
        regex.lastIndex = match.index + 1;
      }
    }
  }

  /** Start of the last match starting at or before `last` in `haystack`, or -1. */
  lastIndexOf(haystack: Uint8Array, last: number): number {
    if (last < 0) return -1;
    const hay = asBuffer(haystack);
    if (this.caseless === undefined) return hay.lastIndexOf(this.bytes, last);
    let end = Math.min(hay.length, last + this.length);
    let width = BACKWARD_WINDOW;
    while (end >= this.length) {
      const start = Math.max(0, end - width);
      const found = this.lastIn(hay.toString('latin1', start, end));
      if (found >= 0) return start + found;
      if (start === 0) break;
      end = start + this.length - 1;
      width = Math.min(MAX_BACKWARD_WINDOW, width * 2);
    }
    return -1;
  }

  private lastIn(text: string): number {
    const regex = this.caseless!;
    let last = -1;
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      last = match.index;
      regex.lastIndex = last + 1;
    }
    return last;
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** `[aA]\x2d...`: one class or escaped byte per position, for a Latin-1 string. */
function classes(bytes: Uint8Array, alt: Uint8Array): string {
  let source = '';
  for (let i = 0; i < bytes.length; i++) {
    source += bytes[i] === alt[i] ? hexEscape(bytes[i]) : `[${hexEscape(bytes[i])}${hexEscape(alt[i])}]`;
  }
  return source;
}

function hexEscape(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}
