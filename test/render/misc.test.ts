import { describe, expect, it } from 'vitest';
import { escapeBlessedTags } from '../../src/render/blessed.js';
import { formatEndpoint } from '../../src/render/endpoint.js';
import { escapeLine } from '../../src/render/escape.js';
import { formatOffset, hexDumpLines } from '../../src/render/hex.js';
import { formatDateTime, formatIsoTimestamp, formatTimestamp } from '../../src/render/time.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('hexDumpLines', () => {
  it('formats the classic layout', () => {
    const lines = hexDumpLines(enc('GET / HTTP/1.1\r\nHost: x\r\n'), 0x10);
    expect(lines).toEqual([
      '00000010  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|',
      '00000020  48 6f 73 74 3a 20 78 0d  0a                       |Host: x..|',
    ]);
    // the text column of a short line is aligned with the full one
    expect(lines[1].indexOf('|')).toBe(lines[0].indexOf('|'));
  });

  it('matches hexdump -C for a line with exactly 8 bytes and shows non-ASCII as dots', () => {
    expect(hexDumpLines(Uint8Array.from([0x1b, 0x5b, 0x32, 0x4a, 0x9b, 0xff, 0x7f, 0x7e]))).toEqual([
      '00000000  1b 5b 32 4a 9b ff 7f 7e                           |.[2J...~|',
    ]);
    expect(hexDumpLines(new Uint8Array(0))).toEqual([]);
  });

  it('grows the offset column past 32 bits', () => {
    expect(formatOffset(0x1_0000_0000)).toBe('100000000');
    expect(hexDumpLines(enc('A'), 0x1_2345_6789)[0].startsWith('123456789  41 ')).toBe(true);
  });
});

describe('escapeBlessedTags', () => {
  it('escapes braces the way blessed expects', () => {
    expect(escapeBlessedTags('{bold}x{/bold}')).toBe('{open}bold{close}x{open}/bold{close}');
    expect(escapeBlessedTags('plain')).toBe('plain');
    expect(escapeBlessedTags('}{')).toBe('{close}{open}');
  });

  it('composes with escapeLine: hostile data shows literally and safely', () => {
    const shown = escapeBlessedTags(escapeLine(enc('{red-fg}\x1b[2J{/}')));
    expect(shown).toBe('{open}red-fg{close}\\x1b[2J{open}/{close}');
  });
});

describe('time formatting (UTC)', () => {
  const t = Date.UTC(2004, 10, 19, 22, 29, 14) * 1000 + 159269;
  it('formats microseconds', () => {
    expect(formatTimestamp(t)).toBe('22:29:14.159269');
    expect(formatDateTime(t)).toBe('2004-11-19 22:29:14.159269');
    expect(formatIsoTimestamp(t)).toBe('2004-11-19T22:29:14.159269Z');
    expect(formatTimestamp(0)).toBe('00:00:00.000000');
    expect(formatTimestamp(5.9)).toBe('00:00:00.000005'); // fractions (nanosecond captures) dropped
    expect(formatTimestamp(t + 0.5)).toBe('22:29:14.159269');
  });
  it('survives nonsense', () => {
    expect(formatTimestamp(NaN)).toBe('??:??:??.??????');
    expect(formatIsoTimestamp(Infinity)).toBeNull();
    expect(formatDateTime(1e30)).toBe('????-??-?? ??:??:??.??????');
  });
});

describe('formatEndpoint', () => {
  it('brackets IPv6 and escapes odd characters', () => {
    expect(formatEndpoint({ addr: '10.0.0.1', port: 80 })).toBe('10.0.0.1:80');
    expect(formatEndpoint({ addr: '2001:db8::1', port: 443 })).toBe('[2001:db8::1]:443');
    expect(formatEndpoint({ addr: 'evil\x1b[2J', port: 1 })).toBe('evil\\x1b[2J:1');
  });
});
