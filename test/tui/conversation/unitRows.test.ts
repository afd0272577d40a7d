import { describe, expect, it } from 'vitest';
import type { MessageLine } from '../../../src/tui/conversation/messageLines.js';
import { cutBodiesIn, firstAbove, firstPlacedRow, lineAt } from '../../../src/tui/conversation/unitRows.js';
import { client, rowsOf } from './fakeRows.js';

const more = (unit: number, key: string): MessageLine => ({ side: 'event', kind: 'event', text: '20 more lines', item: unit, expand: key });

describe('unit rows', () => {
  it('firstAbove finds the first of a sorted list above a value', () => {
    expect(firstAbove([], 5)).toBe(0);
    expect([-1, 0, 2, 3, 6, 7, 9].map((value) => firstAbove([0, 3, 7], value))).toEqual([0, 1, 1, 2, 2, 3, 3]);
  });

  it('cutBodiesIn lists the "more lines" rows of bodies not expanded, in a range, up to a limit', () => {
    const rows = rowsOf([
      [client('GET /a', { item: 0 }), client('body a', { item: 0 }), more(0, 'a')],
      [client('GET /b', { item: 1 }), more(1, 'b')],
    ]);
    expect(cutBodiesIn(rows, 0, rows.count, 10, new Set())).toEqual([{ key: 'a', unit: 0, row: 3 }, { key: 'b', unit: 1, row: 5 }]);
    expect(cutBodiesIn(rows, 0, rows.count, 10, new Set(['a']))).toEqual([{ key: 'b', unit: 1, row: 5 }]);
    expect(cutBodiesIn(rows, 0, rows.count, 1, new Set())).toEqual([{ key: 'a', unit: 0, row: 3 }]);
    expect(cutBodiesIn(rows, 4, 100, 10, new Set())).toEqual([{ key: 'b', unit: 1, row: 5 }]);
    expect(cutBodiesIn(rows, 0, 3, 10, new Set())).toEqual([]);
  });

  it('lineAt finds the line holding a stream offset, and the cut body right after it', () => {
    const rows = rowsOf([[
      client('POST /x', { item: 0 }),
      client('line one', { item: 0, at: { dir: 'c2s', offset: 20 } }),
      client('line two', { item: 0, at: { dir: 'c2s', offset: 29 } }),
      more(0, 'x'),
    ]]);
    expect(firstPlacedRow(rows, 0)).toBe(2);
    expect(lineAt(rows, 0, 'c2s', 25, new Set())).toEqual({ row: 2 });
    expect(lineAt(rows, 0, 'c2s', 40, new Set())).toEqual({ row: 3, cutAfter: 'x' });
    expect(lineAt(rows, 0, 'c2s', 40, new Set(['x']))).toEqual({ row: 3 });
    expect(lineAt(rows, 0, 'c2s', 10, new Set())).toBeUndefined();
    expect(lineAt(rows, 0, 's2c', 40, new Set())).toBeUndefined();
    expect(lineAt(rows, 1, 'c2s', 40, new Set())).toBeUndefined();
  });
});
