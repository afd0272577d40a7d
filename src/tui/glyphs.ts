/**
 * The characters the TUI draws itself (rules, arrows, markers, bars), in two sets: Unicode for
 * a UTF-8 locale, plain ASCII otherwise. Every glyph is one terminal column wide, so layout
 * code never measures them. Pure data; `terminal.ts` picks the set from the locale.
 */

/** One set of drawing characters; each string is exactly one column wide (`bars`: one per level). */
export interface Glyphs {
  /** Horizontal and vertical rules (pane separators). */
  readonly hline: string;
  readonly vline: string;
  /** Arrow glyphs, for key labels (`↑`) and the flow direction (`client → server`). */
  readonly up: string;
  readonly down: string;
  readonly left: string;
  readonly right: string;
  /** Marks the selected row. */
  readonly selected: string;
  /** Marks a flow with a note (the client's data after the server closed, data after a reset, a retransmission that conflicts with bytes still buffered). */
  readonly note: string;
  /** Marks a flow with a capture gap (bytes never seen) and no note. */
  readonly gap: string;
  /** Ends a cut string (an address shortened in the middle, a cut preview). */
  readonly ellipsis: string;
  /** Separates items on one row (status bar, hint row). */
  readonly dot: string;
  /** Sparkline levels, lowest first. */
  readonly bars: readonly string[];
}

/** Glyphs for a UTF-8 locale. */
export const UNICODE_GLYPHS: Glyphs = {
  hline: '─',
  vline: '│',
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  selected: '▶',
  note: '•',
  gap: '¦',
  ellipsis: '…',
  dot: '·',
  bars: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
};

/** Glyphs for any other locale: 7-bit ASCII only. */
export const ASCII_GLYPHS: Glyphs = {
  hline: '-',
  vline: '|',
  up: '^',
  down: 'v',
  left: '<',
  right: '>',
  selected: '>',
  note: '*',
  gap: ':',
  ellipsis: '~',
  dot: '|',
  bars: ['_', '.', ',', '-', '=', '+', '*', '#'],
};

/**
 * The arrow of flowspy's own text lines (`client → server`, `GET / → 200`): the set's `right`,
 * written `->` with ASCII glyphs (two columns: a lone `>` reads as a quote mark in text).
 */
export function textArrow(glyphs: Glyphs): string {
  return glyphs === UNICODE_GLYPHS ? glyphs.right : '->';
}

/**
 * `text` with the arrows (`→`) and ellipses (`…`) flowspy writes into its own words (`:8955 →
 * 127.0.0.1:80`, `waiting for connections…`) in `glyphs`: unchanged with Unicode, `->` and the
 * set's ellipsis with ASCII (where the terminal would show `?`).
 */
export function inGlyphs(text: string, glyphs: Glyphs): string {
  return glyphs === UNICODE_GLYPHS ? text : text.replaceAll('→', textArrow(glyphs)).replaceAll('…', glyphs.ellipsis);
}

/** The glyph set for a locale: Unicode when it is UTF-8, ASCII otherwise. */
export function glyphsFor(utf8: boolean): Glyphs {
  return utf8 ? UNICODE_GLYPHS : ASCII_GLYPHS;
}
