import { describe, expect, it } from 'vitest';
import { wrapRanges } from '../../../src/tui/conversation/lineText.js';

const pieces = (text: string, columns: number): string[] => wrapRanges(text, columns).map(([from, to]) => text.slice(from, to));

describe('wrapRanges', () => {
  it('cuts plain text at the width', () => {
    expect(pieces('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
    expect(pieces('', 5)).toEqual(['']);
  });

  it('keeps an escape whole: it moves to the next piece rather than being cut', () => {
    expect(pieces('ab\\x04ping', 4)).toEqual(['ab', '\\x04', 'ping']);
    expect(pieces('\\x00\\x00\\x0e', 6)).toEqual(['\\x00', '\\x00', '\\x0e']);
    expect(pieces('abc\\u{70e}z', 8)).toEqual(['abc', '\\u{70e}z']);
    expect(pieces('a\\\\b\\rc', 2)).toEqual(['a', '\\\\', 'b', '\\r', 'c']);
  });

  it('cuts an escape wider than a piece, and a lone backslash at the end, by characters', () => {
    expect(pieces('\\x04', 2)).toEqual(['\\x', '04']);
    expect(pieces('ab\\', 2)).toEqual(['ab', '\\']);
  });

  it('keeps trailing spaces on the last piece rather than making a row that looks empty', () => {
    expect(pieces('abcd  ', 4)).toEqual(['abcd  ']);
    expect(pieces('abc   ', 4)).toEqual(['abc   ']);
    expect(pieces('abcdefgh ', 4)).toEqual(['abcd', 'efgh ']);
    expect(pieces('ab cd', 2)).toEqual(['ab', ' c', 'd']);
    expect(pieces('      ', 4)).toEqual(['      ']);
  });

  it('never gives a piece wider than the width', () => {
    const text = '\\x00\\x00\\x00\\x0e\\x01\\x00\\x07session\\x00\\xff\\x10\\u{70e}\\\\ok';
    for (let width = 1; width <= 20; width++) {
      const got = pieces(text, width);
      expect(got.join('')).toBe(text);
      for (const piece of got) expect(piece.length).toBeLessThanOrEqual(width);
    }
  });
});

describe('wrapRanges at spaces', () => {
  it('words: after any space, a number too; a word wider than a piece is cut where the piece ends', () => {
    const search = '* SEARCH 1 22 333 4444 55555 RFC822.SIZE';
    expect(wrapRanges(search, 12, 'words').map(([a, b]) => search.slice(a, b))).toEqual(['* SEARCH 1 ', '22 333 4444 ', '55555 ', 'RFC822.SIZE']);
    const long = 'to x'.concat('y'.repeat(10));
    expect(wrapRanges(long, 6, 'words').map(([a, b]) => long.slice(a, b))).toEqual(['to xyy', 'yyyyyy', 'yy']);
    // A word that fits a piece of its own moves there; one wider than a piece is cut where the piece ends.
    const field = 'Accept: ' + 'a,'.repeat(10);
    expect(wrapRanges(field, 12, 'words').map(([a, b]) => field.slice(a, b))).toEqual(['Accept: a,a,', 'a,a,a,a,a,a,', 'a,a,']);
    expect(wrapRanges('Host: farm.example', 12, 'words').map(([a, b]) => b - a)).toEqual([6, 12]);
  });


  it('ends a piece after its last space, so a number or a word is not cut; a word longer than a piece is cut', () => {
    const text = '#1 GET / -> 200 OK, 279 B / 1,122 B, send 0.0 ms, wait 25.8 ms, receive 0.1 ms';
    const pieces = wrapRanges(text, 40, 'prose').map(([a, b]) => text.slice(a, b));
    expect(pieces).toEqual(['#1 GET / -> 200 OK, 279 B / 1,122 B, ', 'send 0.0 ms, wait 25.8 ms, receive ', '0.1 ms']);
    // A number keeps its unit: no break at the space after a digit.
    const sizes = '#4 GET /x -> 200 OK, 660 B / 27,962 B, send 0.0 ms';
    expect(wrapRanges(sizes, 36, 'prose').map(([a, b]) => sizes.slice(a, b))).toEqual(['#4 GET /x -> 200 OK, 660 B / ', '27,962 B, send 0.0 ms']);
    expect(pieces.join('')).toBe(text);
    expect(wrapRanges('a ' + 'x'.repeat(12), 5, 'prose').map(([a, b]) => b - a)).toEqual([5, 5, 4]);
    // Numbers that stay with one another make one word: wider than a piece, it is cut in place.
    const numbers = 'abc 12 34 56 78 90';
    expect(wrapRanges(numbers, 8, 'prose').map(([a, b]) => numbers.slice(a, b))).toEqual(['abc 12 3', '4 56 78 ', '90']);
    // Cut: at the width.
    expect(wrapRanges(text, 40)[0]).toEqual([0, 40]);
  });
});
