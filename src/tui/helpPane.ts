/**
 * The help over the panes (`?`): its lines, made from the keymap, and the keys while it is open
 * (j/k, pages, g/G scroll it; C-l repaints; C-c quits; any other key closes it). The scroll
 * position is the app state's `helpTop`.
 */
import type { AppState } from './appState.js';
import { dispatch, helpLines } from './keymap.js';
import { escapeText } from '../render/escape.js';
import { fitHead, stringColumns } from './width.js';

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

let fitted: { width: number; unicode: boolean; ellipsis: string; problem: string | undefined; rows: readonly string[] } | undefined;

/**
 * {@link helpText} for a pane `width` columns wide, as the help pane shows it, after the source's
 * `problem` (raw text; escaped here) when it has one, whole (the status row keeps only its badge):
 * a line too long is wrapped after a word, its continuation indented under its description (below
 * the key column), a word longer than a row cut with `ellipsis`. Built again only when one of
 * the arguments changed.
 */
export function fittedHelpText(width: number, unicode: boolean, ellipsis: string, problem?: string): readonly string[] {
  if (fitted?.width !== width || fitted.unicode !== unicode || fitted.ellipsis !== ellipsis || fitted.problem !== problem) {
    const [title, blank, ...keys] = helpText(unicode);
    const lines = problem === undefined ? [title, blank, ...keys] : [title, blank, ` ! ${escapeText(problem)}`, blank, ...keys];
    fitted = { width, unicode, ellipsis, problem, rows: joinedWhereWrapped(lines, width).flatMap((line) => wrapHelpLine(line, width, ellipsis)) };
  }
  return fitted.rows;
}

/** The spaces and keys before a help line's description (`   KEYS  `; spaces only for a note or a description's next line). */
const LEAD = /^ +(?:\S+(?: \S+)* {2,})?/;

/**
 * `lines` with a key's description lines (the next lines, whose text starts under its
 * description) joined into one when one of them is wider than `width`: wrapped as one text,
 * they do not leave a short row after each of them.
 */
function joinedWhereWrapped(lines: readonly string[], width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lead = LEAD.exec(lines[i])?.[0] ?? '';
    let end = i + 1;
    while (lead.trim() !== '' && end < lines.length && (LEAD.exec(lines[end])?.[0] ?? '') === ' '.repeat(lead.length) && lines[end].length > lead.length) end++;
    const group = lines.slice(i, end);
    out.push(...(group.every((line) => stringColumns(line) <= width) ? group : [lead + group.map((line) => line.slice(lead.length).trim()).join(' ')]));
    i = end - 1;
  }
  return out;
}

/** Columns a wrapped description keeps at least; with less room beside the keys it goes on under them. */
const MIN_DESCRIPTION_COLUMNS = 16;

/** `line` (`   KEYS  description`, or an indented note) as rows of at most `width` columns. */
function wrapHelpLine(line: string, width: number, ellipsis: string): string[] {
  if (stringColumns(line) <= width) return [line];
  // The description starts past the keys and the two or more spaces after them.
  const lead = LEAD.exec(line)?.[0] ?? '';
  const leadColumns = stringColumns(lead);
  const indent = ' '.repeat(leadColumns + MIN_DESCRIPTION_COLUMNS <= width ? leadColumns : Math.min(4, leadColumns));
  const rows: string[] = [];
  let row = leadColumns < width ? lead : '';
  let empty = true;
  for (const word of line.slice(lead.length).split(' ').filter((w) => w !== '')) {
    const joined = empty ? row + word : `${row} ${word}`;
    if (stringColumns(joined) <= width) {
      row = joined;
    } else {
      if (!empty || row.trim() !== '') rows.push(row.trimEnd());
      row = indent + fitHead(word, Math.max(1, width - indent.length), ellipsis);
    }
    empty = false;
  }
  rows.push(row);
  return rows;
}

/** Moves the help by `rows` (negative: up) within its `lines`, `room` of them shown at once. */
export function scrollHelp(state: Pick<AppState, 'helpTop'>, rows: number, room: number, lines: number): void {
  state.helpTop = Math.max(0, Math.min(lines - room, (state.helpTop ?? 0) + rows));
}

/**
 * Key `name` while the help is open (`room` of its `lines` shown): scrolls or closes the help;
 * returns what the app must do besides (`quit`, `repaint`), or undefined.
 */
export function helpKey(state: Pick<AppState, 'helpTop'>, name: string, room: number, lines: number): 'quit' | 'repaint' | undefined {
  const command = dispatch('global', name);
  const half = Math.max(1, Math.floor(room / 2));
  const moves: Partial<Record<string, number>> = {
    'move.down': 1, 'move.up': -1, 'page.down': room, 'page.up': -room, 'halfPage.down': half, 'halfPage.up': -half, 'move.top': -lines, 'move.bottom': lines,
  };
  const move = command === undefined ? undefined : moves[command];
  if (move !== undefined) scrollHelp(state, move, room, lines);
  else if (command === 'quit.now') return 'quit';
  else if (command === 'screen.repaint') return 'repaint';
  else state.helpTop = undefined;
  return undefined;
}
