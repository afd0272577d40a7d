import { describe, expect, test } from 'vitest';
import {
  TEXT_ENCODINGS,
  decodeEscaped,
  encodeText,
  encodingLabel,
  nextEncoding,
  nextTerminatorEnd,
  terminatorBefore,
  type TextEncoding,
} from '../../src/render/encoding.js';

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

describe('decodeEscaped', () => {
  const hostile = [
    Buffer.from('\x1b[31mred\x1b]0;title\x07'),
    Buffer.from('\u009b31m \u202eevil\u202c {bold}{|}{/escape}', 'utf8'),
    Buffer.from([0x80, 0x9b, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff, 0x00, 0x7f, 0x0d, 0x0a]),
    Buffer.from('\u009b\u202e\u2066', 'utf16le'),
    Buffer.from([0x27, 0x04, 0x14, 0x24, 0x35, 0xff]),
  ];

  test.each(TEXT_ENCODINGS.map((e) => [e]))('%s: no control, C1 or bidi control reaches the output', (encoding) => {
    for (const bytes of hostile) {
      const text = decodeEscaped(new Uint8Array(bytes), encoding as TextEncoding);
      expect(text).not.toMatch(UNSAFE);
      expect(text.length).toBeGreaterThan(0);
    }
  });

  test('UTF-8 keeps the byte-level policy: invalid bytes as \\xNN', () => {
    expect(decodeEscaped(new Uint8Array([0x61, 0xc0, 0xaf, 0x1b]), 'utf-8')).toBe('a\\xc0\\xaf\\x1b');
  });

  test('Latin-1 and CP1252: C1 bytes decode to escapes or their CP1252 letters', () => {
    const bytes = new Uint8Array([0x9b, 0x80, 0xe9, 0x7b]);
    expect(decodeEscaped(bytes, 'latin1')).toBe('\\u{9b}\\u{80}é{');
    expect(decodeEscaped(bytes, 'cp1252')).toBe('›€é{');
  });

  test('CP1252: the five bytes it leaves undefined show as \\xNN, not U+FFFD', () => {
    expect(decodeEscaped(new Uint8Array([0x9b, 0x32, 0x4a, 0x81, 0x9d, 0x5c, 0x8d, 0x8f, 0x90]), 'cp1252')).toBe('›2J\\x81\\x9d\\\\\\x8d\\x8f\\x90');
  });

  test('UTF-16LE: bidi override escaped, an odd last byte shown as \\xNN', () => {
    const bytes = new Uint8Array([...Buffer.from('a\u202eb', 'utf16le'), 0x41]);
    expect(decodeEscaped(bytes, 'utf-16le')).toBe('a\\u{202e}b\\x41');
  });

  test('Shift_JIS: invalid sequence shows U+FFFD; CP037: text and controls', () => {
    expect(decodeEscaped(new Uint8Array([0x82, 0xa0, 0x81]), 'shift_jis')).toBe('あ\ufffd');
    expect(decodeEscaped(new Uint8Array([0xc8, 0x85, 0x93, 0x93, 0x96, 0x27, 0x25, 0xe0]), 'cp037')).toBe('Hello\\x1b\\n\\\\');
  });

  test('encodeText round-trips through decodeEscaped for printable text', () => {
    for (const encoding of TEXT_ENCODINGS) {
      const text = encoding === 'shift_jis' ? 'abcあ' : encoding === 'cp037' || encoding === 'latin1' ? 'Abc é' : 'Abc é€';
      expect(decodeEscaped(encodeText(text, encoding), encoding)).toBe(text);
    }
  });

  test('labels and the cycle', () => {
    expect(encodingLabel('cp037')).toBe('EBCDIC CP037');
    let e: TextEncoding = 'utf-8';
    const seen: string[] = [];
    for (let i = 0; i < TEXT_ENCODINGS.length; i++) seen.push((e = nextEncoding(e)));
    expect(seen.at(-1)).toBe('utf-8');
    expect(new Set(seen).size).toBe(TEXT_ENCODINGS.length);
  });
});

describe('line terminators', () => {
  test('UTF-16LE: an LF code unit only at an even stream offset', () => {
    const bytes = new Uint8Array([0x0a, 0x0a, 0x00, 0x41, 0x0a, 0x00]);
    // Stream offset of bytes[0] is 1: the pair at index 1 starts at offset 2 (even).
    expect(nextTerminatorEnd(bytes, 0, bytes.length, 'utf-16le', 1)).toBe(3);
    expect(nextTerminatorEnd(bytes, 0, bytes.length, 'utf-16le', 0)).toBe(6);
    expect(nextTerminatorEnd(bytes, 0, 5, 'utf-16le', 0)).toBe(-1);
    expect(terminatorBefore(bytes, 3, 'utf-16le', 4)).toBe(2);
  });

  test('CP037: LF (0x25) and NL (0x15); others: LF', () => {
    expect(nextTerminatorEnd(new Uint8Array([0xc1, 0x0a, 0x15]), 0, 3, 'cp037', 0)).toBe(3);
    expect(nextTerminatorEnd(new Uint8Array([0xc1, 0x25, 0x0a]), 0, 3, 'latin1', 0)).toBe(3);
  });
});
