/**
 * What a mouse report does, given where the panes are: the wheel scrolls the pane under the
 * pointer, a click on a flow-list row selects it, a click on the selected row of the focused
 * list (or a double click) opens it, a click in the conversation focuses it. The status and hint
 * rows take no action. While the help is open only the wheel acts (it scrolls the help); while a
 * prompt is open nothing does. Pure: the app applies the action.
 */
import type { Band, ScreenLayout } from '../layout.js';
import type { MouseReport } from './sgr.js';

/** Rows one wheel notch scrolls: what terminals and less scroll the normal screen by. */
export const WHEEL_ROWS = 3;

/** Two presses on one row within this many milliseconds are a double click. */
export const DOUBLE_CLICK_MS = 400;

/** The state a report is read against; the app builds it at the report's arrival. */
export interface MouseScene {
  readonly layout: ScreenLayout;
  /** What covers the panes: the help screen, a one-line prompt (`f`, `/`, `w`, `r`, quit?), or nothing. */
  readonly overlay: 'none' | 'help' | 'prompt';
  readonly focus: 'list' | 'conversation';
  /** Index of the flow in the list pane's first row. */
  readonly listTop: number;
  /** Flows in the list (shown by the filter). */
  readonly listLength: number;
  /** Index of the selected flow, -1 when none. */
  readonly selected: number;
}

/** What the app does for a report; `rows` is negative upwards. */
export type MouseAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'scroll'; readonly pane: 'list' | 'conversation' | 'help'; readonly rows: number }
  | { readonly kind: 'select'; readonly index: number }
  | { readonly kind: 'open'; readonly index: number }
  | { readonly kind: 'focus'; readonly pane: 'list' | 'conversation' };

const NONE: MouseAction = { kind: 'none' };

/**
 * The action for `report` in `scene`. `doubleClick`: this press is the second one on its row
 * within {@link DOUBLE_CLICK_MS}. `select` focuses the list too; `focus` comes only for a pane
 * that has not the focus (a click must not reopen what the conversation shows).
 */
export function mouseAction(report: MouseReport, scene: MouseScene, doubleClick = false): MouseAction {
  const { layout } = scene;
  if (scene.overlay === 'prompt' || report.motion) return NONE;
  const pane = paneAt(layout, report.y);
  if (report.button === 'wheelUp' || report.button === 'wheelDown') {
    const rows = report.button === 'wheelUp' ? -WHEEL_ROWS : WHEEL_ROWS;
    if (scene.overlay === 'help') return { kind: 'scroll', pane: 'help', rows };
    return pane === undefined ? NONE : { kind: 'scroll', pane, rows };
  }
  if (scene.overlay === 'help' || report.button !== 'left' || report.release || pane === undefined) return NONE;
  const index = scene.listTop + report.y - layout.list.top;
  if (pane === 'list' && inside(layout.list, report.y) && index < scene.listLength) {
    const again = scene.focus === 'list' && index === scene.selected;
    return again || doubleClick ? { kind: 'open', index } : { kind: 'select', index };
  }
  return pane === scene.focus ? NONE : { kind: 'focus', pane };
}

/** The pane whose rows (its title row included) hold screen row `y`, or undefined (status, hints). */
export function paneAt(layout: ScreenLayout, y: number): 'list' | 'conversation' | undefined {
  if (inside(layout.listHeader, y) || inside(layout.list, y)) return 'list';
  if (inside(layout.conversationTitle, y) || inside(layout.conversation, y)) return 'conversation';
  return undefined;
}

/** Whether a press at row `y`, `now` ms, is the second of a double click after `previous`. */
export function isDoubleClick(previous: { readonly y: number; readonly at: number } | undefined, y: number, now: number): boolean {
  return previous !== undefined && previous.y === y && now - previous.at <= DOUBLE_CLICK_MS;
}

function inside(band: Band, y: number): boolean {
  return y >= band.top && y < band.top + band.height;
}
