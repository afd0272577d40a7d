/**
 * The messages mode's rows as the pane shows them: each prefixed with its time (`t`) and its
 * side's marker, the search matches marked, also where a line's wrap splits one over two rows.
 * Pure.
 */
import type { Micros } from '../../core/types.js';
import { markerOf, timestampColumns, timestampText } from './lineText.js';
import type { MessageLine } from './messageLines.js';
import type { Row } from './messageRows.js';
import { matchesIn, rowMatches } from './rowSearch.js';
import type { DirectionFilter, TimestampMode } from './settings.js';
import type { DisplayLine } from './displayRow.js';

/** How rows are shown: the `t` prefix (its mode, and the flow's start for relative times), and the sides `d` keeps. */
export interface RowStyle {
  readonly mode: TimestampMode;
  readonly startTs: Micros;
  /** `c2s`: the client's lines only, `s2c`: the server's (event lines stay either way). */
  readonly filter: DirectionFilter;
}

/** No times, both sides. */
export const PLAIN_STYLE: RowStyle = { mode: 'off', startTs: 0, filter: 'both' };

/** Columns left for a line's text in a pane `width` wide, after the time prefix of `mode` and the marker. */
export function rowTextColumns(width: number, mode: TimestampMode): number {
  const time = mode === 'off' ? 0 : timestampColumns(mode) + 1;
  return Math.max(1, width - 2 - time);
}

/**
 * `rows` (consecutive, top to bottom) as display lines with `style`'s prefix; every match of
 * `needle` (as shown: see shownQuery; '' for none) in a row's line marked where it shows in
 * the row, the one at `current.at` of `current.line` (the match found last) as the current one.
 */
export function rowDisplayLines(rows: readonly Row[], style: RowStyle, needle: string, current?: { readonly line: MessageLine; readonly at: number }): DisplayLine[] {
  const { mode, startTs } = style;
  const blank = mode === 'off' ? '' : ' '.repeat(timestampColumns(mode) + 1);
  let found: { line: MessageLine; at: number[] } | undefined;
  return rows.map((row) => {
    const time = mode === 'off' || row.continued || row.line.ts === undefined ? blank : `${timestampText(mode, row.line.ts, startTs)} `;
    const text = `${time}${row.continued && row.dump === undefined ? ' ' : markerOf(row.line.side)} ${row.text}`;
    const matches: [number, number][] = [];
    const shift = time.length + 2;
    const shifted = (ranges: [number, number][]): [number, number][] => ranges.map(([from, to]) => [from + shift, to + shift]);
    if (needle !== '') {
      if (found?.line !== row.line) found = { line: row.line, at: matchesIn(row.line.text, needle) };
      matches.push(...shifted(rowMatches(row, found.at, needle.length)));
    }
    const shown = { side: row.line.side, kind: row.line.kind, text, highlight: row.line.kind === 'alert', continued: row.continued, matches };
    const marked = needle !== '' && current?.line === row.line ? shifted(rowMatches(row, [current.at], needle.length)) : [];
    return marked.length > 0 ? { ...shown, current: marked } : shown;
  });
}
