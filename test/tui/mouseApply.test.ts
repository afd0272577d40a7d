import { describe, expect, it } from 'vitest';
import { initialAppState } from '../../src/tui/appState.js';
import { screenLayout } from '../../src/tui/layout.js';
import { applyMouse, type MouseRows, type MouseTargets } from '../../src/tui/mouseApply.js';
import type { MouseEvent } from '../../src/tui/mouse/input.js';

/** Targets that record what was done, over a 24-row screen and a list of 30 rows. */
function targets(): MouseTargets & { done: string[] } {
  const done: string[] = [];
  let focusIndex = 0;
  const rows: MouseRows = {
    length: 30,
    get focusIndex() { return focusIndex; },
    top: () => 0,
    scrollBy: (delta) => void done.push(`scroll list ${delta}`),
    moveTo: (index) => { focusIndex = index; done.push(`select ${index}`); },
  };
  return {
    done,
    state: initialAppState(),
    layout: () => screenLayout(24, 'none'),
    listRows: () => rows,
    scrollConversation: (n) => void done.push(`scroll conversation ${n}`),
    scrollHelp: (n) => void done.push(`scroll help ${n}`),
    setFocus: (focus) => void done.push(`focus ${focus}`),
    openSelected: () => void done.push('open'),
    movedOn: () => void done.push('moved on'),
    quitting: () => false,
  };
}

const press = (y: number, x = 3): MouseEvent => ({ report: { x, y, button: 'left', release: false, motion: false }, doubleClick: false });
const release = (y: number, x = 3): MouseEvent => ({ report: { x, y, button: 'left', release: true, motion: false }, doubleClick: false });

describe('applyMouse', () => {
  it('says the user moved on (a pending match count is dropped) once a report acts, once per read', () => {
    const t = targets();
    expect(applyMouse([press(3), release(3), press(4)], t)).toBe(true);
    expect(t.done.filter((d) => d === 'moved on')).toHaveLength(1);
    expect(t.done[0]).toBe('moved on');
  });

  it('does not when no report acts (a release alone)', () => {
    const t = targets();
    expect(applyMouse([release(3)], t)).toBe(false);
    expect(t.done).toEqual([]);
  });
});
