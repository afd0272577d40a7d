/**
 * The help over the panes (`?`): its lines, made from the keymap, and the keys while it is open
 * (j/k, pages, g/G scroll it; C-l repaints; C-c quits; any other key closes it). The scroll
 * position is the app state's `helpTop`.
 */
import type { AppState } from './appState.js';
import { dispatch, helpLines } from './keymap.js';
import { fitHead } from './width.js';

const helpTexts = new Map<boolean, readonly string[]>();

/** The help's lines: a title, then the keymap's help (see keymap's `helpLines`). Built once per glyph set. */
export function helpText(unicode: boolean): readonly string[] {
  let lines = helpTexts.get(unicode);
  if (lines === undefined) {
    lines = [' flowspy keys', '', ...helpLines(unicode).map((line) => ' ' + line)];
    helpTexts.set(unicode, lines);
  }
  return lines;
}

let fitted: { width: number; unicode: boolean; ellipsis: string; rows: readonly string[] } | undefined;

/**
 * {@link helpText} with each line cut to `width` columns (ending in `ellipsis` where cut), as the
 * help pane shows it. Built again only when the width, the glyph set or the ellipsis changed.
 */
export function fittedHelpText(width: number, unicode: boolean, ellipsis: string): readonly string[] {
  if (fitted?.width !== width || fitted.unicode !== unicode || fitted.ellipsis !== ellipsis) {
    fitted = { width, unicode, ellipsis, rows: helpText(unicode).map((line) => fitHead(line, width, ellipsis)) };
  }
  return fitted.rows;
}

/** Moves the help by `rows` (negative: up) within its lines, `room` of them shown at once. */
export function scrollHelp(state: Pick<AppState, 'helpTop'>, rows: number, room: number, unicode: boolean): void {
  state.helpTop = Math.max(0, Math.min(helpText(unicode).length - room, (state.helpTop ?? 0) + rows));
}

/**
 * Key `name` while the help is open (`room` rows shown): scrolls or closes the help; returns
 * what the app must do besides (`quit`, `repaint`), or undefined.
 */
export function helpKey(state: Pick<AppState, 'helpTop'>, name: string, room: number, unicode: boolean): 'quit' | 'repaint' | undefined {
  const command = dispatch('global', name);
  const lines = helpText(unicode).length;
  const half = Math.max(1, Math.floor(room / 2));
  const moves: Partial<Record<string, number>> = {
    'move.down': 1, 'move.up': -1, 'page.down': room, 'page.up': -room, 'halfPage.down': half, 'halfPage.up': -half, 'move.top': -lines, 'move.bottom': lines,
  };
  const move = command === undefined ? undefined : moves[command];
  if (move !== undefined) scrollHelp(state, move, room, unicode);
  else if (command === 'quit.now') return 'quit';
  else if (command === 'screen.repaint') return 'repaint';
  else state.helpTop = undefined;
  return undefined;
}
