import { describe, expect, it } from 'vitest';
import { fitEndpoint, humanBytes, humanDuration } from '../../../src/tui/flowList/units.js';
import { stringColumns } from '../../../src/tui/width.js';

describe('humanBytes', () => {
  it.each([
    [0, '0'], [999, '999'], [1000, '1.0k'], [1234, '1.2k'], [9949, '9.9k'], [9950, '10k'], [123_456, '123k'],
    [999_499, '999k'], [999_500, '1.0M'], [3_400_000, '3.4M'], [1.5e9, '1.5G'], [2e12, '2.0T'], [-1, '?'], [NaN, '?'],
  ])('%d → %s', (n, text) => {
    expect(humanBytes(n)).toBe(text);
    expect(text.length).toBeLessThanOrEqual(4);
  });
});

describe('humanDuration', () => {
  it.each([
    [0, '0ms'], [850_000, '850ms'], [1_500_000, '1.5s'], [9_940_000, '9.9s'], [42e6, '42s'], [184e6, '3m04'],
    [7500e6, '2h05'], [3 * 86400e6 + 4 * 3600e6, '3d04'], [150 * 86400e6, '150d'], [-5, '?'],
    // Rounded, not cut: tshark's 7.5777 s and 0.7567 s; and across a unit's end.
    [7_577_700, '7.6s'], [756_700, '757ms'], [5_090_300, '5.1s'], [400, '0ms'], [999_600, '1.0s'], [9_960_000, '10s'],
    [59_600_000, '1m00'], [3_599_600_000, '1h00'], [86_399e6, '1d00'], [99 * 86400e6 + 23.9 * 3600e6, '100d'],
  ])('%d µs → %s', (micros, text) => {
    expect(humanDuration(micros)).toBe(text);
    expect(text.length).toBeLessThanOrEqual(5);
  });
});

describe('fitEndpoint', () => {
  it.each([
    ['10.0.0.2', ':80', 14, '10.0.0.2:80'],
    // An IP address keeps its end, which tells hosts apart, from where a group starts.
    ['192.168.100.200', ':54321', 14, '…100.200:54321'],
    ['192.168.100.200', ':54321', 13, '…200:54321'],
    ['192.168.1.23', ':51000', 9, '…23:51000'],
    ['192.168.100.200', ':54321', 21, '192.168.100.200:54321'],
    ['[2001:db8:85a3::8a2e:370:7334]', ':443', 20, '[…8a2e:370:7334]:443'],
    ['[2001:db8:85a3::8a2e:370:7334]', ':5000', 9, '[…4]:5000'],
    // Another name (a proxy's host) is cut in its middle.
    ['shop.example.com', ':443', 14, 'shop.….com:443'],
    ['192.168.100.200', ':54321', 7, '…:54321'],
    ['192.168.100.200', ':54321', 8, '…0:54321'],
    ['192.168.100.200', ':54321', 1, '…'],
  ])('%s%s in %i → %s', (addr, port, columns, text) => {
    const fitted = fitEndpoint(addr, port, columns, '…');
    expect(fitted).toBe(text);
    expect(stringColumns(fitted)).toBeLessThanOrEqual(columns);
  });
});
