import { describe, expect, it } from 'vitest';
import { countOf, formatCount } from '../../src/core/count.js';

describe('counts for people', () => {
  it('groups digits by thousands', () => {
    expect(formatCount(97000)).toBe('97,000');
    expect(formatCount(999)).toBe('999');
  });

  it('says one in the singular and the rest in the plural', () => {
    expect(countOf(1, 'flow')).toBe('1 flow');
    expect(countOf(0, 'flow')).toBe('0 flows');
    expect(countOf(2, 'note')).toBe('2 notes');
    expect(countOf(1, 'reply', 'replies')).toBe('1 reply');
    expect(countOf(1448, 'byte')).toBe('1,448 bytes');
  });
});
