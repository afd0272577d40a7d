/**
 * Where each part of the screen goes, from the terminal's size and what is zoomed: pure
 * arithmetic the app applies to its boxes on every draw (so a resize is just a redraw).
 *
 * From the top: the flow list's column titles, the list rows, the conversation's title row,
 * the conversation rows, the status row and, when the screen has at least
 * {@link HINT_ROW_MIN_HEIGHT} rows, a row of key hints. The list takes about a third of the
 * rows between the status row and the top (at least 3 rows), moved by the user's `+`/`-` (see
 * {@link listRows}), the conversation the rest, each pane keeping a row. A zoomed pane keeps its
 * title row and takes every row but the status and hint rows; the other pane gets none. A screen
 * too short for both panes' title and a row each (under 5 rows) shows the focused pane as if
 * zoomed; on 2 rows, its one row without its title. The status row stays down to 1 row.
 */

/** A band of whole rows: `top` is the first row, `height` may be 0 (hidden). */
export interface Band {
  readonly top: number;
  readonly height: number;
}

/** Rows of every part; widths are always the full screen width. */
export interface ScreenLayout {
  readonly listHeader: Band;
  readonly list: Band;
  readonly conversationTitle: Band;
  readonly conversation: Band;
  readonly status: Band;
  readonly hints: Band;
}

/** Which pane fills the screen, if any. */
export type Zoom = 'none' | 'list' | 'conversation';

/** Below this many rows the hint row is left out. */
export const HINT_ROW_MIN_HEIGHT = 20;

/**
 * The list's rows when `rowsLeft` (at least 2) rows are shared by the list and the conversation:
 * about a third (at least 3 when possible), `shift` rows more (or fewer), keeping each pane at
 * least one row.
 */
export function listRows(rowsLeft: number, shift: number): number {
  const share = Math.min(rowsLeft - 1, Math.max(3, Math.round(rowsLeft / 3)));
  return Math.max(1, Math.min(rowsLeft - 1, share + shift));
}

/**
 * The layout for a screen of `rows` rows, the list `listShift` rows off its share (see
 * {@link listRows}), `focus` the pane a screen too short for both shows. Never negative.
 */
export function screenLayout(rows: number, zoom: Zoom, listShift = 0, focus: Exclude<Zoom, 'none'> = 'list'): ScreenLayout {
  const total = Math.max(1, Math.floor(rows));
  const hintRows = total >= HINT_ROW_MIN_HEIGHT ? 1 : 0;
  const status: Band = { top: total - 1 - hintRows, height: 1 };
  const hints: Band = { top: total - hintRows, height: hintRows };
  const body = Math.max(0, status.top);
  // The two title rows and a row for each pane, or the focused pane alone.
  const alone = zoom !== 'none' ? zoom : body < 4 ? focus : undefined;
  // A pane with one row shows its content, not its title.
  const title = body >= 2 ? 1 : 0;
  if (alone === 'list') {
    return {
      listHeader: band(0, title),
      list: band(title, body - title),
      conversationTitle: band(body, 0),
      conversation: band(body, 0),
      status,
      hints,
    };
  }
  if (alone === 'conversation') {
    return {
      listHeader: band(0, 0),
      list: band(0, 0),
      conversationTitle: band(0, title),
      conversation: band(title, body - title),
      status,
      hints,
    };
  }
  // Two title rows, then the rows left split between the list and the conversation.
  const rowsLeft = body - 2;
  const list = listRows(rowsLeft, listShift);
  return {
    listHeader: band(0, 1),
    list: band(1, list),
    conversationTitle: band(1 + list, 1),
    conversation: band(2 + list, rowsLeft - list),
    status,
    hints,
  };
}

function band(top: number, height: number): Band {
  return { top: Math.max(0, top), height: Math.max(0, height) };
}
