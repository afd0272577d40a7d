import { describe, expect, it } from 'vitest';
import { notFollowing } from '../../../src/tui/following.js';
import { RowFocus } from '../../../src/tui/flowList/rowFocus.js';
import { SortedRows, type RowEntry } from '../../../src/tui/flowList/sortedRows.js';

function rowsOf(count: number): { rows: SortedRows; entries: RowEntry[] } {
  const entries = Array.from({ length: count }, (_, id): RowEntry => ({ id, key: id, shown: false }));
  const rows = new SortedRows();
  rows.replaceAll([...entries]);
  return { rows, entries };
}

describe('RowFocus', () => {
  it('stays on its entry as rows come and go, else takes the row that took its place', () => {
    const { rows, entries } = rowsOf(5);
    const focus = new RowFocus<RowEntry>(rows, notFollowing(), () => rows.length - 1);
    focus.settle(-1);
    expect(focus.entry).toBe(entries[0]);
    focus.moveTo(2);
    rows.remove(entries[0], true);
    focus.settle(focus.index);
    expect(focus.entry).toBe(entries[2]);
    expect(focus.index).toBe(1);
    const old = focus.index;
    rows.remove(entries[2], true);
    focus.settle(old);
    expect(focus.entry).toBe(entries[3]);
  });

  it('follows the newest row until a move leaves it', () => {
    const { rows, entries } = rowsOf(3);
    const following = notFollowing();
    const focus = new RowFocus<RowEntry>(rows, following, () => rows.length - 1);
    focus.setFollow(true);
    expect(focus.entry).toBe(entries[2]);
    const added: RowEntry = { id: 3, key: 3, shown: false };
    rows.insertAll([added], true);
    focus.settle(focus.index);
    expect(focus.entry).toBe(added);
    focus.moveBy(-1);
    expect(following.on).toBe(false);
    expect(focus.top(2)).toBe(1);
  });
});
