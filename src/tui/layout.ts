/**
 * Where each part of the screen goes, from the terminal's size and what is zoomed: pure
 * arithmetic the app applies to its boxes on every draw (so a resize is just a redraw).
 *
 * From the top: the flow list's column titles, the list rows, the conversation's title row,
 * the conversation rows, the status row and, when the screen has at least
 * {@link HINT_ROW_MIN_HEIGHT} rows, a row of key hints. The list takes about a third of the
 * rows between the status row and the top (at least 3 rows), moved by the user's `+`/`-` (see
 * {@link listRows}), the conversation the rest. A zoomed
 * pane keeps its title row and takes every row but the status and hint rows; the other pane
 * gets none.
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
 * The list's rows when `rowsLeft` rows are shared by the list and the conversation: about a
 * third (at least 3 when possible), `shift` rows more (or fewer), keeping each pane at least one
 * row when the shift is not 0.
 */
export function listRows(rowsLeft: number, shift: number): number {
  const share = Math.min(rowsLeft, Math.max(Math.min(3, rowsLeft), Math.round(rowsLeft / 3)));
  if (shift === 0) return share;
  const least = Math.min(1, rowsLeft);
  return Math.max(least, Math.min(Math.max(least, rowsLeft - 1), share + shift));
}

/** The layout for a screen of `rows` rows, the list `listShift` rows off its share (see {@link listRows}). Never negative; tiny screens get what fits. */
export function screenLayout(rows: number, zoom: Zoom, listShift = 0): ScreenLayout {
  const total = Math.max(1, Math.floor(rows));
  const hintRows = total >= HINT_ROW_MIN_HEIGHT ? 1 : 0;
  const status: Band = { top: total - 1 - hintRows, height: 1 };
  const hints: Band = { top: total - hintRows, height: hintRows };
  const body = Math.max(0, status.top);
  if (zoom === 'list') {
    return {
      listHeader: band(0, Math.min(1, body)),
      list: band(1, body - 1),
      conversationTitle: band(body, 0),
      conversation: band(body, 0),
      status,
      hints,
    };
  }
  if (zoom === 'conversation') {
    return {
      listHeader: band(0, 0),
      list: band(0, 0),
      conversationTitle: band(0, Math.min(1, body)),
      conversation: band(1, body - 1),
      status,
      hints,
    };
  }
  // Two title rows, then the rows left split between the list and the conversation.
  const rowsLeft = Math.max(0, body - 2);
  const list = listRows(rowsLeft, listShift);
  return {
    listHeader: band(0, Math.min(1, body)),
    list: band(1, list),
    conversationTitle: band(1 + list, body >= 2 ? 1 : 0),
    conversation: band(2 + list, rowsLeft - list),
    status,
    hints,
  };
}

function band(top: number, height: number): Band {
  return { top: Math.max(0, top), height: Math.max(0, height) };
}
