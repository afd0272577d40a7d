import { describe, expect, it } from 'vitest';
import { ByteText } from '../../src/render/byteText.js';
import { escapeLine, escapeLineInto } from '../../src/render/escape.js';
import { mulberry32 } from '../support/prng.js';

/** `escapeLineInto` of `bytes[start..end)`, after `before` already in the buffer (a small one, so it grows). */
function into(bytes: Uint8Array, start?: number, end?: number, before = 'x'): Buffer {
  const out = new ByteText(16);
  out.text(before);
  escapeLineInto(out, bytes, start, end);
  return Buffer.from(out.view().subarray(Buffer.byteLength(before)));
}

/** Checks `escapeLineInto` against `escapeLine` on `bytes[start..end)`; compared as text when they differ. */
function same(bytes: Uint8Array, start?: number, end?: number): void {
  const made = into(bytes, start, end);
  const expected = Buffer.from(escapeLine(bytes, start, end), 'utf8');
  if (!made.equals(expected)) expect({ bytes: Buffer.from(bytes).toString('hex'), made: made.toString('utf8') }).toEqual({ bytes: Buffer.from(bytes).toString('hex'), made: expected.toString('utf8') });
}

/** Bytes drawn from pieces that exercise every branch: ASCII, controls, UTF-8 of every length and class, broken sequences. */
const PIECES = ['a', 'Z ~', '\\', '\t', '\r\n', '\x00', '\x7f', 'é', '\u0301', '\u0301\u0301\u0301\u0301', '€', '\u202e', '\u00ad', '𠮷', '🎉', '\ufe0f', '\u3099', '\udb40\udc01']
  .map((text) => Buffer.from(text, 'utf8'))
  .concat([[0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xff], [0xe2, 0x82], [0xf0, 0x9f, 0x8e]].map((b) => Buffer.from(b)));

describe('escapeLineInto: the bytes of escapeLine', () => {
  it('every byte value alone, and after each lead byte of a sequence', () => {
    for (let b = 0; b < 256; b++) {
      same(Uint8Array.of(b));
      for (const lead of [0xc3, 0xcc, 0xe2, 0xed, 0xf0, 0xf4]) {
        for (const bytes of [Uint8Array.of(lead, b), Uint8Array.of(lead, 0x80, b), Uint8Array.of(lead, 0x90, 0x80, b), Uint8Array.of(0x61, lead, b, 0x80, 0x80)]) {
          same(bytes);
        }
      }
    }
  });

  it('random bytes, and random mixes of text, marks, emoji and broken sequences, at random bounds', () => {
    const rand = mulberry32(11);
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(rand() * 300);
      const bytes = n % 2 === 0
        ? Uint8Array.from({ length }, () => Math.floor(rand() * 256))
        : Buffer.concat(Array.from({ length: length / 4 }, () => PIECES[Math.floor(rand() * PIECES.length)]));
      const start = Math.floor(rand() * 8) - 2;
      const end = bytes.length - Math.floor(rand() * 8) + 2;
      same(bytes, start, end);
    }
  });
});
