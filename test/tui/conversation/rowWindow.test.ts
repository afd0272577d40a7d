import { describe, expect, it } from 'vitest';
import type { MessageLine } from '../../../src/tui/conversation/messageLines.js';
import { RowWindow } from '../../../src/tui/conversation/rowWindow.js';
import { client, fillRows } from './fakeRows.js';

/** A window `height` rows high over one head row and units of `lines` lines each (exchanges: request then response). */
class Window extends RowWindow {
  constructor(lines: readonly number[], height: number) {
    super();
    const units = lines.map((count, exchange): MessageLine[] =>
      Array.from({ length: count }, (_, line) => client(`${exchange}.${line}`, { exchange, role: line < count / 2 ? 'request' : 'response', side: line < count / 2 ? 'client' : 'server' })));
    fillRows(this.rows, units, 40);
    this.height = height;
  }
  get topRow(): number {
    return this.top;
  }
}

describe('row window', () => {
  it('scrolls within the rows; up stops following', () => {
    const window = new Window([4, 4], 3);
    window.follow = true;
    window.scroll(100);
    expect(window.topRow).toBe(6);
    expect(window.follow).toBe(true);
    window.scroll(-2);
    expect(window.topRow).toBe(4);
    expect(window.follow).toBe(false);
    window.scroll(-100);
    expect(window.topRow).toBe(0);
  });

  it('steps from unit to unit with ] and [, and says when it did not move', () => {
    const window = new Window([2, 2, 2], 2);
    expect(window.nextUnit()).toBe(true);
    expect([window.topRow, window.unitAtTop()]).toEqual([1, 0]);
    expect(window.nextUnit()).toBe(true);
    expect(window.unitAtTop()).toBe(1);
    expect(window.previousUnit()).toBe(true);
    expect(window.unitAtTop()).toBe(0);
    expect(window.previousUnit()).toBe(true);
    expect(window.topRow).toBe(0);
    expect(window.previousUnit()).toBe(false);
  });

  it('knows the exchange a jump aimed at on the last page, else the one with most rows in view', () => {
    const window = new Window([4, 3, 1], 4);
    window.showUnit(2);
    // Exchange 2's one row is the last: the last page shows exchange 1 more, but the reader is at 2.
    expect([window.topRow, window.exchangeInWindow()]).toEqual([5, 2]);
    window.scroll(-1);
    expect(window.exchangeInWindow()).toBe(1);
    expect(window.placesInWindow()).toEqual([
      { exchange: 0, role: 'response' }, { exchange: 1, role: 'request' }, { exchange: 1, role: 'request' }, { exchange: 1, role: 'response' },
    ]);
    window.home();
    expect([window.topRow, window.exchangeInWindow()]).toEqual([0, 0]);
  });
});
