/**
 * Applies the mouse to the app: each report of one read is read against the screen as it is
 * then (`mouse/actions.ts` says what it does) and done: the wheel scrolls the help, the list or the
 * conversation; a click selects, opens or focuses.
 */
import type { AppState, Focus } from './appState.js';
import type { ScreenLayout } from './layout.js';
import { mouseAction } from './mouse/actions.js';
import type { MouseEvent } from './mouse/input.js';

/** The list pane's rows (flows, or exchanges after `v`) as the mouse moves them. */
export interface MouseRows {
  readonly length: number;
  readonly focusIndex: number;
  top(height: number): number;
  scrollBy(delta: number, height: number): void;
  moveTo(index: number): void;
}

/** What the mouse acts on. */
export interface MouseTargets {
  readonly state: Pick<AppState, 'prompt' | 'helpTop' | 'focus'>;
  layout(): ScreenLayout;
  /** The rows the list pane shows now. */
  listRows(): MouseRows;
  scrollConversation(rows: number): void;
  scrollHelp(rows: number): void;
  setFocus(focus: Focus): void;
  /** Opens the selected row's flow in the conversation (as Enter does). */
  openSelected(): void;
  /** A report acted: the user moved on, so a pending `/` match count is not to be reported (as after a key other than n/N). */
  movedOn(): void;
  /** True once the app quit: nothing more is done. */
  quitting(): boolean;
}

/** Does what `events` (one read's reports) do; true when any did something (then redraw). */
export function applyMouse(events: readonly MouseEvent[], targets: MouseTargets): boolean {
  let acted = false;
  for (const { report, doubleClick } of events) {
    if (targets.quitting()) return false;
    const layout = targets.layout();
    const { state } = targets;
    const overlay = state.prompt ? 'prompt' : state.helpTop !== undefined ? 'help' : 'none';
    const rows = targets.listRows();
    const scene = { layout, overlay, focus: state.focus, listTop: rows.top(layout.list.height), listLength: rows.length, selected: rows.focusIndex } as const;
    const action = mouseAction(report, scene, doubleClick);
    if (action.kind === 'none') continue;
    if (!acted) targets.movedOn();
    acted = true;
    if (action.kind === 'scroll' && action.pane === 'help') targets.scrollHelp(action.rows);
    else if (action.kind === 'scroll' && action.pane === 'list') {
      // The list's selection moves: the list takes the focus, so the conversation shows that selection.
      rows.scrollBy(action.rows, layout.list.height);
      targets.setFocus('list');
    }
    else if (action.kind === 'scroll') targets.scrollConversation(action.rows);
    else if (action.kind === 'focus') targets.setFocus(action.pane);
    else {
      rows.moveTo(action.index);
      if (action.kind === 'open') targets.openSelected();
      else targets.setFocus('list');
    }
  }
  return acted;
}
