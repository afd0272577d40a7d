import { describe, expect, it } from 'vitest';
import { screenLayout } from '../../../src/tui/layout.js';
import { DOUBLE_CLICK_MS, isDoubleClick, mouseAction, paneAt, WHEEL_ROWS, type MouseScene } from '../../../src/tui/mouse/actions.js';
import type { MouseButton, MouseReport } from '../../../src/tui/mouse/sgr.js';

// 80x24: column titles row 0, list rows 1-7, conversation title 8, conversation 9-21, status 22, hints 23.
const SCENE: MouseScene = { layout: screenLayout(24, 'none'), overlay: 'none', focus: 'list', listTop: 10, listLength: 30, selected: 12 };

function report(button: MouseButton, y: number, more: Partial<MouseReport> = {}): MouseReport {
  return { x: 10, y, button, release: false, motion: false, ...more };
}

describe('mouseAction: the wheel', () => {
  it.each([
    [0, 'list'], [1, 'list'], [7, 'list'], [8, 'conversation'], [9, 'conversation'], [21, 'conversation'],
  ] as const)('over row %i scrolls the %s, %i rows a notch', (y, pane) => {
    expect(mouseAction(report('wheelDown', y), SCENE)).toEqual({ kind: 'scroll', pane, rows: WHEEL_ROWS });
    expect(mouseAction(report('wheelUp', y), SCENE)).toEqual({ kind: 'scroll', pane, rows: -WHEEL_ROWS });
  });

  it('over the status and hint rows does nothing', () => {
    expect(mouseAction(report('wheelDown', 22), SCENE)).toEqual({ kind: 'none' });
    expect(mouseAction(report('wheelUp', 23), SCENE)).toEqual({ kind: 'none' });
  });

  it('scrolls the help wherever the pointer is while it is open, and nothing under a prompt', () => {
    expect(mouseAction(report('wheelDown', 3), { ...SCENE, overlay: 'help' })).toEqual({ kind: 'scroll', pane: 'help', rows: WHEEL_ROWS });
    expect(mouseAction(report('wheelUp', 15), { ...SCENE, overlay: 'help' })).toEqual({ kind: 'scroll', pane: 'help', rows: -WHEEL_ROWS });
    expect(mouseAction(report('wheelDown', 3), { ...SCENE, overlay: 'prompt' })).toEqual({ kind: 'none' });
  });
});

describe('mouseAction: the left button', () => {
  it('selects the flow of a list row (the view starts at listTop)', () => {
    expect(mouseAction(report('left', 1), SCENE)).toEqual({ kind: 'select', index: 10 });
    expect(mouseAction(report('left', 7), SCENE)).toEqual({ kind: 'select', index: 16 });
  });

  it('opens the selected flow when the list has the focus, or on a double click', () => {
    expect(mouseAction(report('left', 3), SCENE)).toEqual({ kind: 'open', index: 12 });
    expect(mouseAction(report('left', 3), { ...SCENE, focus: 'conversation' })).toEqual({ kind: 'select', index: 12 });
    expect(mouseAction(report('left', 3), { ...SCENE, focus: 'conversation' }, true)).toEqual({ kind: 'open', index: 12 });
    expect(mouseAction(report('left', 5), SCENE, true)).toEqual({ kind: 'open', index: 14 });
  });

  it('below the last flow, on the column titles: focuses the list, nothing when it has the focus', () => {
    const short = { ...SCENE, listTop: 0, listLength: 3, selected: 0 };
    expect(mouseAction(report('left', 5), short)).toEqual({ kind: 'none' });
    expect(mouseAction(report('left', 5), { ...short, focus: 'conversation' })).toEqual({ kind: 'focus', pane: 'list' });
    expect(mouseAction(report('left', 0), { ...short, focus: 'conversation' })).toEqual({ kind: 'focus', pane: 'list' });
    expect(mouseAction(report('left', 1), { ...short, listLength: 0, selected: -1 })).toEqual({ kind: 'none' });
  });

  it('in the conversation focuses it, once (a click must not reopen what it shows)', () => {
    expect(mouseAction(report('left', 8), SCENE)).toEqual({ kind: 'focus', pane: 'conversation' });
    expect(mouseAction(report('left', 15), SCENE)).toEqual({ kind: 'focus', pane: 'conversation' });
    expect(mouseAction(report('left', 15), { ...SCENE, focus: 'conversation' })).toEqual({ kind: 'none' });
  });

  it('does nothing on the status and hint rows, on release, with motion, under the help or a prompt', () => {
    for (const y of [22, 23]) expect(mouseAction(report('left', y), { ...SCENE, focus: 'conversation' })).toEqual({ kind: 'none' });
    expect(mouseAction(report('left', 3, { release: true }), SCENE)).toEqual({ kind: 'none' });
    expect(mouseAction(report('left', 3, { motion: true }), SCENE)).toEqual({ kind: 'none' });
    for (const overlay of ['help', 'prompt'] as const) {
      for (const y of [1, 3, 15]) expect(mouseAction(report('left', y), { ...SCENE, overlay }, true)).toEqual({ kind: 'none' });
    }
  });

  it('the middle and right buttons do nothing', () => {
    expect(mouseAction(report('right', 3), SCENE)).toEqual({ kind: 'none' });
    expect(mouseAction(report('middle', 15), SCENE)).toEqual({ kind: 'none' });
    expect(mouseAction(report('other', 15), SCENE)).toEqual({ kind: 'none' });
  });
});

describe('mouseAction: zoomed and small screens', () => {
  it('a zoomed conversation takes every row above the status row', () => {
    const zoomed = { ...SCENE, layout: screenLayout(24, 'conversation'), focus: 'conversation' as const };
    expect(mouseAction(report('wheelDown', 0), zoomed)).toEqual({ kind: 'scroll', pane: 'conversation', rows: WHEEL_ROWS });
    expect(mouseAction(report('left', 3), zoomed)).toEqual({ kind: 'none' });
  });

  it('a zoomed list: row y is flow listTop + y - 1', () => {
    const zoomed = { ...SCENE, layout: screenLayout(24, 'list') };
    expect(mouseAction(report('left', 20), zoomed)).toEqual({ kind: 'select', index: 29 });
    expect(mouseAction(report('left', 21), zoomed)).toEqual({ kind: 'none' });
  });

  it('paneAt: 12 rows have no hint row, the status row is the last', () => {
    const layout = screenLayout(12, 'none');
    expect(paneAt(layout, 11)).toBeUndefined();
    expect(paneAt(layout, 10)).toBe('conversation');
    expect(paneAt(layout, 1)).toBe('list');
  });
});

describe('isDoubleClick', () => {
  it('is a second press on the same row within the time', () => {
    expect(isDoubleClick(undefined, 3, 1000)).toBe(false);
    expect(isDoubleClick({ y: 3, at: 1000 }, 3, 1000 + DOUBLE_CLICK_MS)).toBe(true);
    expect(isDoubleClick({ y: 3, at: 1000 }, 3, 1001 + DOUBLE_CLICK_MS)).toBe(false);
    expect(isDoubleClick({ y: 3, at: 1000 }, 4, 1010)).toBe(false);
  });
});
