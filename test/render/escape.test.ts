import { describe, expect, it } from 'vitest';
import { escapeLine, escapeText, isPrintableCodePoint, setAsciiOnly } from '../../src/render/escape.js';
import { mulberry32 } from '../support/prng.js';

const enc = (s: string) => new TextEncoder().encode(s);
const bytes = (...b: number[]) => Uint8Array.from(b);
const esc = (s: string) => escapeLine(enc(s));

/** Anything a terminal could act on: C0 (except none), DEL, C1, bidi, Cf, separators. */
const DANGEROUS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/u;

describe('escapeLine', () => {
  it('escapes a line over 16 KiB, and short lines before and after it, the same way', () => {
    const long = new TextEncoder().encode('é\x1b'.repeat(40_000));
    expect(escapeLine(long)).toBe('é\\x1b'.repeat(40_000));
    expect(escapeLine(new TextEncoder().encode('a\tb'))).toBe('a\\tb');
    expect(escapeLine(long, 0, 3)).toBe('é\\x1b');
  });

  it('keeps printable ASCII as is', () => {
    expect(esc('GET / HTTP/1.1 {}[]~')).toBe('GET / HTTP/1.1 {}[]~');
  });

  it('escapes backslash, tab, CR, LF, other C0 and DEL', () => {
    expect(esc('a\\b')).toBe('a\\\\b');
    expect(esc('a\tb\rc\nd')).toBe('a\\tb\\rc\\nd');
    expect(escapeLine(bytes(0x00, 0x01, 0x07, 0x08, 0x1f, 0x7f))).toBe('\\x00\\x01\\x07\\x08\\x1f\\x7f');
  });

  it('neutralises terminal escape sequences (CSI clear screen, OSC title, 8-bit CSI)', () => {
    expect(esc('\x1b[2Jhi')).toBe('\\x1b[2Jhi');
    expect(esc('\x1b]0;pwned\x07')).toBe('\\x1b]0;pwned\\x07');
    expect(esc('\x1b]8;;http://x\x1b\\link')).toBe('\\x1b]8;;http://x\\x1b\\\\link');
    // raw 8-bit CSI byte (invalid UTF-8 on its own)
    expect(escapeLine(bytes(0x9b, 0x32, 0x4a))).toBe('\\x9b2J');
    // CSI as a well-formed UTF-8 encoded C1 control U+009B
    expect(escapeLine(bytes(0xc2, 0x9b, 0x32, 0x4a))).toBe('\\u{9b}2J');
    expect(escapeLine(bytes(0xc2, 0x85))).toBe('\\u{85}');
  });

  it('decodes printable UTF-8', () => {
    expect(esc('héllo wörld € 日本 𠮷')).toBe('héllo wörld € 日本 𠮷');
  });

  it('shows a binary line (more bytes that are no text than characters) byte by byte', () => {
    // TLS application data: the few sequences that happen to decode are noise, not letters.
    const tls = bytes(0x17, 0x03, 0x03, 0x00, 0x3f, 0x52, 0xc5, 0xaf, 0xb3, 0x46, 0xd4, 0x98, 0x31, 0x8d, 0xcd, 0xc5, 0xad);
    expect(escapeLine(tls)).toBe('\\x17\\x03\\x03\\x00?R\\xc5\\xaf\\xb3F\\xd4\\x981\\x8d\\xcd\\xc5\\xad');
    const rand = mulberry32(5);
    const noise = Uint8Array.from({ length: 4000 }, () => Math.floor(rand() * 256));
    for (let at = 0; at < noise.length; at += 200) {
      const line = noise.subarray(at, at + 200);
      expect(escapeLine(line)).toMatch(/^[\x20-\x7e]*$/);
    }
    // A code point unassigned (U+070E, Syriac) amid binary, as in the demo's flow 4.
    expect(escapeLine(bytes(0x49, 0x4c, 0xdc, 0x8e, 0xe0, 0xb9, 0x06))).toBe('IL\\xdc\\x8e\\xe0\\xb9\\x06');
    // Text keeps its characters beside a stray byte or a colour escape.
    expect(escapeLine(bytes(...enc('café '), 0xff, ...enc(' naïve')))).toBe('café \\xff naïve');
    expect(esc('\x1b[31mrouge é\x1b[0m')).toBe('\\x1b[31mrouge é\\x1b[0m');
    expect(esc('日本語 ok 👍 Ελληνικά русский')).toBe('日本語 ok \\u{1f44d} Ελληνικά русский');
  });

  it('escapes bidi overrides/isolates, zero-width and other format characters, separators', () => {
    expect(esc('a\u202eb')).toBe('a\\u{202e}b');
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(esc(String.fromCodePoint(cp))).toBe(`\\u{${cp.toString(16)}}`);
    }
    expect(esc('\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad')).toBe('\\u{200b}\\u{200c}\\u{200d}\\u{200e}\\u{200f}\\u{2060}\\u{feff}\\u{ad}');
    expect(esc('\u2028\u2029')).toBe('\\u{2028}\\u{2029}');
    expect(esc('\u{e0041}')).toBe('\\u{e0041}'); // tag character (Cf)
    expect(esc('a\ue000')).toBe('a\\xee\\x80\\x80'); // private use: unlikely in text, its bytes
    expect(escapeText('\ue000')).toBe('\\u{e000}');
  });

  it('escapes invalid, overlong, surrogate and truncated sequences byte by byte', () => {
    expect(escapeLine(bytes(0xc0, 0xaf))).toBe('\\xc0\\xaf'); // overlong '/'
    expect(escapeLine(bytes(0xe0, 0x80, 0xaf))).toBe('\\xe0\\x80\\xaf'); // overlong 3-byte
    expect(escapeLine(bytes(0xf0, 0x80, 0x80, 0xaf))).toBe('\\xf0\\x80\\x80\\xaf'); // overlong 4-byte
    expect(escapeLine(bytes(0xed, 0xa0, 0x80))).toBe('\\xed\\xa0\\x80'); // surrogate U+D800
    expect(escapeLine(bytes(0xf4, 0x90, 0x80, 0x80))).toBe('\\xf4\\x90\\x80\\x80'); // > U+10FFFF
    expect(escapeLine(bytes(0xff, 0xfe, 0x80))).toBe('\\xff\\xfe\\x80');
    expect(escapeLine(bytes(0x41, 0xe2, 0x82))).toBe('A\\xe2\\x82'); // truncated at the end
    expect(escapeLine(bytes(0xe2, 0x82, 0x41))).toBe('\\xe2\\x82A'); // interrupted
    expect(escapeLine(bytes(0xc3, 0xa9, 0xc3))).toBe('é\\xc3');
  });

  it('honours start/end and does not read past end for UTF-8', () => {
    const b = enc('xx€yy');
    expect(escapeLine(b, 2, 5)).toBe('€');
    expect(escapeLine(b, 2, 4)).toBe('\\xe2\\x82');
    expect(escapeLine(b, 0, 0)).toBe('');
  });

  it('handles long runs (Buffer path)', () => {
    const s = 'abcdefghij'.repeat(100);
    expect(esc(s + '\x1b' + s)).toBe(s + '\\x1b' + s);
  });

  it('fuzz: output never contains a dangerous character and is deterministic', () => {
    const rand = mulberry32(1234);
    /** Outputs that break a rule, with the rule. */
    const broken: string[] = [];
    for (let n = 0; n < 3000; n++) {
      const len = Math.floor(rand() * 40);
      const b = new Uint8Array(len);
      for (let i = 0; i < len; i++) {
        const r = rand();
        // bias towards interesting bytes
        b[i] = r < 0.3 ? 0x80 + Math.floor(rand() * 0x80) : r < 0.4 ? [0x1b, 0x9b, 0xc2, 0xe2, 0x80, 0xae, 0xcc, 0xcd][Math.floor(rand() * 8)] : Math.floor(rand() * 256);
      }
      const out = escapeLine(b);
      if (DANGEROUS.test(out)) broken.push(`dangerous character: ${JSON.stringify(out)}`);
      // no lone surrogates
      if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(out)) broken.push(`lone surrogate: ${JSON.stringify(out)}`);
      // combining marks only on a character shown as itself, never more than three in a row
      if (/^\p{M}|\\(?:x[0-9a-f]{2}|u\{[0-9a-f]+\}|[trn\\])\p{M}|\p{M}{4}/u.test(out)) broken.push(`misplaced marks: ${JSON.stringify(out)}`);
      // every backslash starts one of the escapes of the alphabet
      if (/\\(?!\\|t|r|n|x[0-9a-f]{2}|u\{[0-9a-f]+\})/.test(out.replace(/\\\\/g, ''))) broken.push(`stray backslash: ${JSON.stringify(out)}`);
    }
    expect(broken).toEqual([]);
  });

  it('round-trip property: valid printable UTF-8 text comes back unchanged', () => {
    const rand = mulberry32(99);
    const pool = ['a', 'Z', ' ', 'é', 'ß', 'Ж', '中', '€', '𠮷', '~', '{', '}'];
    for (let n = 0; n < 300; n++) {
      let s = '';
      for (let i = 0; i < 20; i++) s += pool[Math.floor(rand() * pool.length)];
      expect(esc(s)).toBe(s);
    }
  });
});

describe('combining marks', () => {
  it('shows marks on a base character shown as itself', () => {
    expect(esc('e\u0301')).toBe('e\u0301'); // e + acute
    expect(esc('\u1ec7')).toBe('\u1ec7'); // precomposed Vietnamese
    expect(esc('e\u0323\u0302')).toBe('e\u0323\u0302'); // two marks, decomposed
    expect(esc('\u0915\u094d\u0937')).toBe('\u0915\u094d\u0937'); // Devanagari conjunct
  });

  it('escapes a mark with nothing to sit on: at the start, after an escape', () => {
    expect(esc('\u0301x')).toBe('\\xcc\\x81x');
    expect(esc('\x01\u0301')).toBe('\\x01\\xcc\\x81');
    expect(escapeLine(bytes(0xff, 0xcc, 0x81))).toBe('\\xff\\xcc\\x81');
  });

  it('stops a stack ("Zalgo" text) after three marks on one base', () => {
    const zalgo = 'a' + '\u0300\u0301\u0302\u0303\u0304';
    expect(esc(zalgo)).toBe('a\u0300\u0301\u0302\\xcc\\x83\\xcc\\x84');
    expect(escapeText(zalgo)).toBe('a\u0300\u0301\u0302\\u{303}\\u{304}');
    expect(esc(zalgo + 'b\u0300')).toBe('a\u0300\u0301\u0302\\xcc\\x83\\xcc\\x84b\u0300');
  });

  it('a mark sits on a letter only: not on a digit or sign, which in binary data follows an escape', () => {
    expect(escapeLine(bytes(0xc0, 0x2b, 0xcc, 0xa9, 0xc0, 0x30, 0xcc, 0xa8))).toBe('\\xc0+\\xcc\\xa9\\xc00\\xcc\\xa8');
    expect(esc('n\u0303o 1\u0303')).toBe('n\u0303o 1\\xcc\\x83');
    expect(escapeText('+\u0329')).toBe('+\\u{329}');
  });

  it('escapeText: a mark at the start of a string is escaped', () => {
    expect(escapeText('\u0301x')).toBe('\\u{301}x');
  });
});

describe('space-like and invisible characters other than the ASCII space', () => {
  const cases: [string, string][] = [
    ['no-break space', 'a0'],
    ['ogham space mark', '1680'],
    ['en quad', '2000'],
    ['em space', '2003'],
    ['hair space', '200a'],
    ['zero width space', '200b'],
    ['narrow no-break space', '202f'],
    ['medium mathematical space', '205f'],
    ['ideographic space', '3000'],
    ['BOM / zero width no-break space', 'feff'],
    ['combining grapheme joiner', '34f'],
    ['Hangul choseong filler', '115f'],
    ['Hangul jungseong filler', '1160'],
    ['Hangul filler', '3164'],
    ['halfwidth Hangul filler', 'ffa0'],
  ];
  it.each(cases)('%s (U+%s) is shown as an escape, in bytes and in strings', (_name, hex) => {
    const cp = parseInt(hex, 16);
    const ch = String.fromCodePoint(cp);
    expect(esc(`GET /a${ch}b`)).toBe(`GET /a\\u{${cp.toString(16)}}b`);
    expect(escapeText(`a${ch}b`)).toBe(`a\\u{${cp.toString(16)}}b`);
    expect(isPrintableCodePoint(cp)).toBe(false);
  });
  it('keeps the ASCII space; a lone 0xa0 byte (Latin-1) is \\xa0', () => {
    expect(esc('a b')).toBe('a b');
    expect(escapeLine(bytes(0x61, 0xa0, 0x62))).toBe('a\\xa0b');
  });
});

describe('escapeText', () => {
  it('applies the same policy to JS strings', () => {
    expect(escapeText('plain')).toBe('plain');
    expect(escapeText('a\x1b[31mb\\\u202ec\u0085d\té')).toBe('a\\x1b[31mb\\\\\\u{202e}c\\u{85}d\\té');
    expect(escapeText('x\ud800y')).toBe('x\\u{d800}y'); // lone surrogate
    expect(escapeText('東京 é')).toBe('東京 é');
  });
});

describe('characters of disputed width', () => {
  it('escapes emoji shown as emoji by default, skin tones and flags, in bytes and strings', () => {
    expect(esc('ok 👍 🎉 ⚡☕')).toBe('ok \\u{1f44d} \\u{1f389} \\u{26a1}\\u{2615}');
    expect(escapeText('👋🏽 🇯🇵')).toBe('\\u{1f44b}\\u{1f3fd} \\u{1f1ef}\\u{1f1f5}');
  });

  it('escapes variation selectors, ZWJ and pictographs outside the BMP; keeps text symbols and CJK', () => {
    expect(esc('❤\ufe0f ❤ ✔ © 🌡')).toBe('❤\\u{fe0f} ❤ ✔ © \\u{1f321}');
    expect(esc('👨\u200d👩')).toBe('\\u{1f468}\\u{200d}\\u{1f469}');
    expect(esc('𠮷野家 東京')).toBe('𠮷野家 東京');
    expect(isPrintableCodePoint(0x1f600)).toBe(false);
    expect(isPrintableCodePoint(0x20bb7)).toBe(true);
  });

  it('escapes conjoining Hangul vowels and final consonants (drawn joined, alone, or not at all); keeps syllables and leading consonants', () => {
    expect(esc('\u1100\u1161\u11a8 \ud7b0 각')).toBe('\u1100\\u{1161}\\u{11a8} \\u{d7b0} 각');
  });
});

describe('isPrintableCodePoint', () => {
  it('classifies', () => {
    expect(isPrintableCodePoint(0x41)).toBe(true);
    expect(isPrintableCodePoint(0x7f)).toBe(false);
    expect(isPrintableCodePoint(0x9b)).toBe(false);
    expect(isPrintableCodePoint(0xe9)).toBe(true);
    expect(isPrintableCodePoint(0x202e)).toBe(false);
    expect(isPrintableCodePoint(0x110000)).toBe(false);
  });
});

describe('text or bytes: one rule for every line of data', () => {
  const cases: [string, Uint8Array, string][] = [
    ['text with a control byte', enc('café\x01'), 'café\\x01'],
    ['one letter then two controls', enc('é\x00\x01'), 'é\\x00\\x01'],
    ['a coloured log line', enc('\x1b[31mrouge é\x1b[0m'), '\\x1b[31mrouge é\\x1b[0m'],
    ['text ending in CR, with a tab', enc('a\té\r'), 'a\\té\\r'],
    ['text after a length prefix', enc('\x00\x00\x00\x0cПривет, мир'), '\\x00\\x00\\x00\\x0cПривет, мир'],
    ['text with a stray byte', bytes(...enc('café '), 0xff, ...enc(' naïve')), 'café \\xff naïve'],
    ['a letter among controls and a byte of no text', bytes(0x00, 0x01, 0xc3, 0xa9, 0xff), '\\x00\\x01\\xc3\\xa9\\xff'],
    ['a TLS record', bytes(0x17, 0x03, 0x03, 0x00, 0x3f, 0x52, 0xc5, 0xaf, 0xb3, 0x46, 0xd4, 0x98, 0x31, 0x8d, 0xcd, 0xc5, 0xad), '\\x17\\x03\\x03\\x00?R\\xc5\\xaf\\xb3F\\xd4\\x981\\x8d\\xcd\\xc5\\xad'],
    ['bytes of no text: each as a byte, a UTF-8 letter and U+202E too', bytes(0x5c, 0x09, 0x0d, 0x41, 0x7f, 0x80, 0xc3, 0xa9, 0xff, 0x20, 0x7e, 0x00, 0xe2, 0x80, 0xae, 0x1b, 0x5b),
      '\\\\\\t\\rA\\x7f\\x80\\xc3\\xa9\\xff ~\\x00\\xe2\\x80\\xae\\x1b['],
  ];
  it.each(cases)('%s', (_name, line, expected) => {
    expect(escapeLine(line)).toBe(expected);
  });
});

describe('on a terminal that shows ASCII only', () => {
  it('escapes every code point from U+0080 on (flowspy\'s own marks too: its texts are put in ASCII glyphs first); bytes stay bytes; off again after', () => {
    try {
      setAsciiOnly(true);
      expect(escapeText('café 中文 e\u0301 … ok')).toBe('caf\\u{e9} \\u{4e2d}\\u{6587} e\\u{301} \\u{2026} ok');
      expect(escapeLine(Buffer.from('café 中文\x1b'))).toBe('caf\\u{e9} \\u{4e2d}\\u{6587}\\x1b');
      // Bytes that are no UTF-8 stay \xNN, and binary data is told as before.
      expect(escapeLine(Buffer.from([0x63, 0xe9, 0x21]))).toBe('c\\xe9!');
    } finally {
      setAsciiOnly(false);
    }
    expect(escapeText('café')).toBe('café');
    expect(escapeLine(Buffer.from('中文'))).toBe('中文');
  });
});
