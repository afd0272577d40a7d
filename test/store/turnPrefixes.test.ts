import { describe, expect, it } from 'vitest';
import { TurnPrefixes } from '../../src/store/turnPrefixes.js';

const bytes = (n: number, seed = 0): Uint8Array => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 255);

describe('TurnPrefixes', () => {
  it('serves a read at a kept position within the bytes kept, and nothing else', () => {
    const kept = new TurnPrefixes();
    const payload = bytes(100);
    kept.keep(1000, payload);
    const into = new Uint8Array(110).fill(7);
    expect(kept.copy(1000, into, 10, 100)).toBe(true);
    expect(into.subarray(10)).toEqual(payload);
    expect(into.subarray(0, 10)).toEqual(new Uint8Array(10).fill(7));
    expect(kept.copy(1000, into, 0, 40)).toBe(true);
    expect(into.subarray(0, 40)).toEqual(payload.subarray(0, 40));
    expect(kept.copy(1000, new Uint8Array(101), 0, 101)).toBe(false); // longer than kept
    expect(kept.copy(1001, new Uint8Array(10), 0, 10)).toBe(false); // not where a prefix starts
  });

  it('keeps at most 2 KiB of one turn and 8 MiB in all, across slabs', () => {
    const kept = new TurnPrefixes();
    kept.keep(0, bytes(5000));
    expect(kept.bytes).toBe(2048 + 2);
    expect(kept.copy(0, new Uint8Array(2048), 0, 2048)).toBe(true);
    expect(kept.copy(0, new Uint8Array(2049), 0, 2049)).toBe(false);
    let last = 0;
    while (kept.bytes + 2050 <= 8 << 20) {
      last++;
      kept.keep(last * 10_000, bytes(2048, last));
    }
    const full = kept.bytes;
    kept.keep(999_999_999, bytes(2048));
    expect(kept.bytes).toBe(full);
    expect(kept.copy(999_999_999, new Uint8Array(10), 0, 10)).toBe(false);
    // A prefix from a later slab reads back whole.
    const into = new Uint8Array(2048);
    expect(kept.copy(last * 10_000, into, 0, 2048)).toBe(true);
    expect(into).toEqual(bytes(2048, last));
  });
});
