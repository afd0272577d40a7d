import { describe, expect, it } from 'vitest';
import { droppedPair } from '../../src/tui/escapePairs.js';

describe('droppedPair', () => {
  it.each(['/', '?', ']', '<', '>', '+', '-', '\\', '\t'])('finds Esc then %j read alone, which blessed drops', (key) => {
    expect(droppedPair(`\x1b${key}`)).toBe(key);
  });

  it.each([
    ['an arrow', '\x1b[A'],
    ['ESC [ alone (an arrow key a slow link split)', '\x1b['],
    ['Meta keys blessed names', '\x1bj'],
    ['a pair in a longer read (a paste, a report, fast keys)', 'a\x1b/'],
    ['a paste marker', '\x1b[200~'],
  ])('leaves %s alone', (_, text) => {
    expect(droppedPair(text)).toBeUndefined();
  });
});
