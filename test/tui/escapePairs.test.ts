import { describe, expect, it } from 'vitest';
import { droppedPairs } from '../../src/tui/escapePairs.js';

describe('droppedPairs', () => {
  it.each(['/', '?', ']', '<', '>', '+', '-', '\t'])('finds Esc then %j, which blessed drops', (key) => {
    expect(droppedPairs(`\x1b${key}`)).toEqual([{ key, after: 0 }]);
  });

  it('counts the keys blessed reports before each pair', () => {
    expect(droppedPairs('ab\x1b/c\x1b[A\x1bj\x1b?')).toEqual([
      { key: '/', after: 2 },
      // c, the arrow and the Meta key j come between.
      { key: '?', after: 5 },
    ]);
  });

  it.each([
    ['arrows', '\x1b[A\x1bOB\x1b[1;5C'],
    ['Meta keys blessed names', '\x1bj\x1b\x1b\x1b\x7f\x1b '],
    ['paste markers', '\x1b[200~text\x1b[201~'],
    ['a mouse report (blessed drops the read)', '\x1b[<0;10;5M\x1b/'],
    ['a function key', '\x1b[15~'],
    // More likely an arrow key a slow link split after its ESC [ than Esc then [.
    ['ESC [ ending a read', 'a\x1b['],
  ])('leaves %s alone', (_, text) => {
    expect(droppedPairs(text)).toEqual([]);
  });
});
