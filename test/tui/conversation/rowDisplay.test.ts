import { describe, expect, it } from 'vitest';
import { PLAIN_STYLE, rowDisplayLines, rowTextColumns } from '../../../src/tui/conversation/rowDisplay.js';
import { client, rowsOf } from './fakeRows.js';

describe('row display', () => {
  it('leaves the text the columns after the time prefix and the marker', () => {
    expect(rowTextColumns(80, 'off')).toBe(78);
    expect(rowTextColumns(80, 'relative')).toBe(80 - 2 - 13);
    expect(rowTextColumns(3, 'absolute')).toBe(1);
  });

  it('prefixes a line\'s first row with its marker and time, its continued rows with blanks', () => {
    const rows = rowsOf([[client('abcdefghij', { ts: 1_500_000 })]], 6, []);
    const all = Array.from({ length: rows.count }, (_, index) => rows.row(index));
    expect(rowDisplayLines(all, PLAIN_STYLE, '').map((line) => [line.text, line.continued])).toEqual([['> abcdef', false], ['  ghij', true]]);
    const relative = rowDisplayLines(all, { mode: 'relative', startTs: 1_000_000, filter: 'both' }, '');
    expect(relative.map((line) => line.text)).toEqual(['   +0.500000 > abcdef', `${' '.repeat(13)}  ghij`]);
  });

  it('marks a match on each row a wrap splits it over, past the prefix', () => {
    const rows = rowsOf([[client('abcdefghij')]], 6, []);
    const all = Array.from({ length: rows.count }, (_, index) => rows.row(index));
    expect(rowDisplayLines(all, PLAIN_STYLE, 'EFG').map((line) => line.matches)).toEqual([[], []]);
    expect(rowDisplayLines(all, PLAIN_STYLE, 'efg').map((line) => line.matches)).toEqual([[[6, 8]], [[2, 3]]]);
  });

  it('marks the current match apart, on each row it shows in; the other matches of its line are not', () => {
    const rows = rowsOf([[client('ab ab ab')]], 4, []);
    const all = Array.from({ length: rows.count }, (_, index) => rows.row(index));
    const shown = rowDisplayLines(all, PLAIN_STYLE, 'b a', { line: all[0].line, at: 4 });
    expect(shown.map((line) => [line.text, line.matches, line.current])).toEqual([
      ['> ab ', [[3, 5]], undefined],
      ['  ab ', [[2, 3], [3, 5]], [[3, 5]]],
      ['  ab', [[2, 3]], [[2, 3]]],
    ]);
  });
});
