import { describe, expect, it } from 'vitest';
import { copyBytes } from '../../src/io/copyBytes.js';

describe('copyBytes', () => {
  it('copies into shared and plain memory, from either, at the place given', () => {
    for (const into of [new Uint8Array(new SharedArrayBuffer(8)), new Uint8Array(8), Buffer.alloc(8)]) {
      copyBytes(Uint8Array.of(1, 2, 3), into, 2);
      copyBytes(new Uint8Array(new SharedArrayBuffer(2)).fill(9), into, 6);
      expect([...into]).toEqual([0, 0, 1, 2, 3, 0, 9, 9]);
    }
  });

  it('copies into a view at its own offset, and nothing for no bytes', () => {
    const whole = new Uint8Array(new SharedArrayBuffer(8));
    copyBytes(Uint8Array.of(7, 7), whole.subarray(4), 1);
    copyBytes(new Uint8Array(0), whole, 8);
    expect([...whole]).toEqual([0, 0, 0, 0, 0, 7, 7, 0]);
  });

  it('refuses bytes that do not fit', () => {
    expect(() => copyBytes(Uint8Array.of(1, 2), new Uint8Array(new SharedArrayBuffer(4)), 3)).toThrow(RangeError);
  });
});
