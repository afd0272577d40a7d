import { describe, expect, it } from 'vitest';
import { formatIPv6 } from '../../../src/decode/addr.js';
import { normalizeIPv6, parseAddressWord } from '../../../src/tui/flowList/addressWord.js';

describe('address words', () => {
  it.each([
    ['10.0.0.2', { kind: 'address', prefix: '10.0.0.2' }],
    ['10.0', { kind: 'address', prefix: '10.0' }],
    ['10.0.0.2:80', { kind: 'endpoint', addr: '10.0.0.2', port: 80 }],
    ['::1', { kind: 'host', addr: '::1' }],
    ['[::1]', { kind: 'host', addr: '::1' }],
    ['[::1]:80', { kind: 'endpoint', addr: '::1', port: 80 }],
    ['0:0:0:0:0:0:0:1', { kind: 'host', addr: '::1' }],
    ['2001:DB8::0:1', { kind: 'host', addr: '2001:db8::1' }],
    ['[2001:db8:0:0:1:0:0:1]:443', { kind: 'endpoint', addr: '2001:db8::1:0:0:1', port: 443 }],
    ['::ffff:1.2.3.4', { kind: 'host', addr: '::ffff:1.2.3.4' }],
    ['::FFFF:102:304', { kind: 'host', addr: '::ffff:1.2.3.4' }],
    ['2001:db8:', { kind: 'address', prefix: '2001:db8:' }],
    ['2001:db8::', { kind: 'address', prefix: '2001:db8::' }],
    ['Fe80', undefined],
    ['hello', undefined],
    ['[2001:db8]', 'bad address [2001:db8]: an IPv6 address in brackets, e.g. [::1] or [::1]:80'],
  ])('%j is %j', (text, term) => {
    expect(parseAddressWord(text)).toEqual(term);
  });

  it('spells any IPv6 address as decode does', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let n = 0; n < 2000; n++) {
      // Mostly zero groups, so that runs of zeros (and their ties) are common.
      const bytes = Uint8Array.from({ length: 16 }, () => (random() < 160 ? 0 : random()));
      if (n % 10 === 0) bytes.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
      const groups = Array.from({ length: 8 }, (_, g) => ((bytes[2 * g] << 8) | bytes[2 * g + 1]).toString(16).padStart(4, '0'));
      expect(normalizeIPv6(groups.join(':'))).toBe(formatIPv6(bytes, 0));
    }
  });
});
