import { describe, expect, it } from 'vitest';
import { AddressFormatter, formatIPv4, formatIPv6 } from '../../src/decode/addr.js';
import { mulberry32 } from '../support/prng.js';
import { v6 } from './helpers.js';

const b = (n: number[]) => Uint8Array.from(n);

describe('formatIPv4', () => {
  it.each([
    [[0, 0, 0, 0], '0.0.0.0'],
    [[10, 0, 0, 1], '10.0.0.1'],
    [[255, 255, 255, 255], '255.255.255.255'],
    [[192, 168, 100, 7], '192.168.100.7'],
  ])('%j -> %s', (bytes, want) => {
    expect(formatIPv4(b(bytes), 0)).toBe(want);
  });

  it('reads at an offset', () => {
    expect(formatIPv4(b([9, 9, 1, 2, 3, 4]), 2)).toBe('1.2.3.4');
  });
});

describe('formatIPv6 (RFC 5952)', () => {
  const raw = (groups: number[]) => b(groups.flatMap((g) => [g >> 8, g & 0xff]));
  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0], '::'],
    [[0, 0, 0, 0, 0, 0, 0, 1], '::1'],
    [[1, 0, 0, 0, 0, 0, 0, 0], '1::'],
    [[0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], '2001:db8::1'],
    // a single zero group is not compressed
    [[0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], '2001:db8:0:1:1:1:1:1'],
    // longest run wins
    [[0x2001, 0, 0, 1, 0, 0, 0, 1], '2001:0:0:1::1'],
    // tie: first run wins
    [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], '2001:db8::1:0:0:1'],
    // lowercase, no leading zeros
    [[0x2001, 0x0db8, 0xabcd, 0x00ef, 0x0001, 0x0010, 0x0100, 0xf000], '2001:db8:abcd:ef:1:10:100:f000'],
    [[0xfe80, 0, 0, 0, 0x0211, 0x22ff, 0xfe33, 0x4455], 'fe80::211:22ff:fe33:4455'],
    // IPv4-mapped
    [[0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304], '::ffff:1.2.3.4'],
    // not IPv4-mapped (0xfffe): plain hex
    [[0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304], '::fffe:102:304'],
    [[0xff02, 0, 0, 0, 0, 1, 0xff00, 1], 'ff02::1:ff00:1'],
  ])('%j -> %s', (groups, want) => {
    expect(formatIPv6(raw(groups), 0)).toBe(want);
  });
});

describe('formatIPv6 against the WHATWG URL serializer (same rules except IPv4-mapped)', () => {
  it('agrees on 5000 random addresses rich in zero groups', () => {
    const rnd = mulberry32(12345);
    const ours: string[] = [];
    const whatwg: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const bytes = new Uint8Array(16);
      for (let g = 0; g < 8; g++) {
        const r = rnd();
        const v = r < 0.5 ? 0 : r < 0.7 ? (rnd() * 16) | 0 : (rnd() * 65536) | 0;
        bytes[2 * g] = v >> 8;
        bytes[2 * g + 1] = v & 0xff;
      }
      if (bytes.subarray(0, 10).every((x) => x === 0) && bytes[10] === 0xff && bytes[11] === 0xff) continue;
      const hex = Array.from({ length: 8 }, (_, g) => ((bytes[2 * g] << 8) | bytes[2 * g + 1]).toString(16)).join(':');
      whatwg.push(new URL(`http://[${hex}]/`).hostname.slice(1, -1));
      ours.push(formatIPv6(bytes, 0));
    }
    expect(ours.length).toBeGreaterThan(4000);
    expect(ours).toEqual(whatwg);
  });
});

describe('AddressFormatter', () => {
  it('returns the same text as the plain functions, across cache collisions and reuse', () => {
    const f = new AddressFormatter();
    const random = mulberry32(7);
    const rnd = () => Math.floor(random() * 256);
    const pool: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const a = new Uint8Array(16);
      for (let j = 0; j < 16; j++) a[j] = rnd() < 128 ? 0 : rnd();
      pool.push(a);
    }
    const plain = pool.map((a) => [formatIPv4(a, 0), formatIPv4(a, 12), formatIPv6(a, 0)]);
    for (let round = 0; round < 3; round++) {
      expect(pool.map((a) => [f.ipv4(a, 0), f.ipv4(a, 12), f.ipv6(a, 0)])).toEqual(plain);
    }
  });

  it('does not confuse addresses that share a slot', () => {
    const f = new AddressFormatter();
    const x = Uint8Array.from(v6('2001:db8::1'));
    const y = Uint8Array.from(v6('2001:db8::2'));
    for (let i = 0; i < 5; i++) {
      expect(f.ipv6(x, 0)).toBe('2001:db8::1');
      expect(f.ipv6(y, 0)).toBe('2001:db8::2');
    }
  });
});
