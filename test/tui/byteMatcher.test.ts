import { describe, expect, it } from 'vitest';
import { ByteMatcher, caselessPattern, hasUpperCase, smartCaseBytes } from '../../src/tui/byteMatcher.js';

const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const smart = (text: string) => new ByteMatcher(smartCaseBytes(latin1(text)));

describe('ByteMatcher', () => {
  it('smart case: no upper-case letter ignores the case of ASCII letters only', () => {
    expect(smart('x-request-id').ignoresCase).toBe(true);
    expect(smart('x-request-id').indexOf(latin1('GET\r\nX-Request-Id: 1'))).toBe(5);
    expect(smart('X-Request-Id').ignoresCase).toBe(false);
    expect(smart('X-Request-Id').indexOf(latin1('x-request-id X-Request-Id'))).toBe(13);
    expect(smart('X-Request-Id').indexOf(latin1('x-request-id'))).toBe(-1);
    expect(smart('a@b').indexOf(latin1('A`B a@B'))).toBe(4);
    expect(smart('café').indexOf(latin1('CAFÉ CAFé'))).toBe(5);
    expect(smart('1234').ignoresCase).toBe(false);
  });

  it('each byte value matches itself, and an ASCII lower-case letter its upper case, nothing else', () => {
    const hay = new Uint8Array(1024);
    for (let c = 0; c < 256; c++) hay.set([0x78, c, 0x58, c], 4 * c);
    for (let b = 0; b < 256; b++) {
      const caseless = b < 0x41 || b > 0x5a;
      const same = (x: number, want: number) => x === want || (caseless && want >= 0x61 && want <= 0x7a && x === want - 0x20);
      const expected: number[] = [];
      for (let p = 0; p + 1 < hay.length; p++) if (same(hay[p], 0x78) && same(hay[p + 1], b)) expected.push(p);
      const m = new ByteMatcher(smartCaseBytes(new Uint8Array([0x78, b])));
      const found: number[] = [];
      for (let at = m.indexOf(hay); at >= 0; at = m.indexOf(hay, at + 1)) found.push(at);
      expect(found).toEqual(expected);
    }
  });

  it('indexOf from an offset, lastIndexOf up to a start, both ways through long bytes', () => {
    const hay = latin1('ab'.repeat(5000) + 'NEEDLE' + 'ab'.repeat(5000) + 'needle' + 'cd');
    for (const m of [smart('needle'), new ByteMatcher({ bytes: latin1('NEEDLE') })]) {
      const caseless = m.ignoresCase;
      expect(m.indexOf(hay)).toBe(10_000);
      expect(m.indexOf(hay, 10_001)).toBe(caseless ? 20_006 : -1);
      expect(m.lastIndexOf(hay, hay.length)).toBe(caseless ? 20_006 : 10_000);
      expect(m.lastIndexOf(hay, 20_005)).toBe(10_000);
      expect(m.lastIndexOf(hay, 9_999)).toBe(-1);
      expect(m.lastIndexOf(hay, -1)).toBe(-1);
      expect(m.indexOf(hay, hay.length)).toBe(-1);
    }
  });

  it('a caseless match straddling a scan window is found, forward and backward', () => {
    for (const around of [4096, 65_536]) {
      for (let pad = around - 8; pad < around + 2; pad++) {
        const hay = latin1('x'.repeat(pad) + 'Needle' + 'y'.repeat(4096));
        expect(smart('needle').indexOf(hay, 1)).toBe(pad);
        expect(smart('needle').lastIndexOf(hay, hay.length)).toBe(pad);
      }
    }
  });

  it('eachStart visits every start before the end, overlapping ones too, as indexOf finds them one by one', () => {
    const hay = latin1('x'.repeat(65_530) + 'aAaA' + 'y'.repeat(70_000) + 'AA' + 'aa');
    for (const pattern of [smart('aa'), smart('AA')]) {
      const expected: number[] = [];
      for (let at = pattern.indexOf(hay); at >= 0; at = pattern.indexOf(hay, at + 1)) expected.push(at);
      const starts: number[] = [];
      pattern.eachStart(hay, hay.length, (at) => (starts.push(at), true));
      expect(starts).toEqual(expected);
      const before: number[] = [];
      pattern.eachStart(hay, 65_533, (at) => (before.push(at), before.length < 2));
      expect(before).toEqual(expected.filter((at) => at < 65_533).slice(0, 2));
    }
  });

  it('caselessPattern is exact when the two spellings are equal or differ in length', () => {
    expect(caselessPattern(latin1('12'), latin1('12'))).toEqual({ bytes: latin1('12') });
    expect(caselessPattern(latin1('ab'), latin1('ABC'))).toEqual({ bytes: latin1('ab') });
    expect(hasUpperCase('abc-É')).toBe(false);
    expect(hasUpperCase('aBc')).toBe(true);
  });
});
