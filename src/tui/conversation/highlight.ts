/**
 * Search highlights on logical lines: every occurrence of a display string (text modes), or the
 * hex and ASCII cells of a byte range (hex mode, the `hexdump -C` layout of `render/hex`); and
 * which of them is the current match, the one the search moved to last.
 */
import type { Direction } from '../../core/types.js';
import type { LogicalLine } from './lineText.js';
import type { DisplayMode } from './settings.js';
import { textMatches } from '../textMatch.js';
import { sameUnit, type UnitKey } from './units.js';

/**
 * The match the search moved to last, marked apart from the others: bytes of `dir` from
 * `offset`, or with `unit` an `=` row's text (a head or tail line by its number, `offset`; in
 * another unit, its first line that matches), as a SearchMatch says.
 */
export interface CurrentMatch {
  readonly dir: Direction;
  readonly offset: number;
  readonly unit?: UnitKey;
}

/**
 * What to highlight: occurrences of a display string (`ignoreCase`: ASCII letters of either
 * case, for a smart-case search), or a byte range of one direction (hex).
 */
export interface Highlight {
  readonly text?: string;
  readonly ignoreCase?: boolean;
  readonly bytes?: { readonly dir: Direction; readonly offset: number; readonly length: number };
  readonly current?: CurrentMatch;
}

/** Highlight ranges in a logical line's text, as `[from, to)` indexes into `line.text`. */
export function lineMatches(line: LogicalLine, highlight: Highlight | undefined, mode: DisplayMode): [number, number][] {
  // A text query marks flowspy's `=` rows too (search finds them); bytes (hex mode) only data rows.
  if (!highlight || (line.kind !== 'data' && highlight.text === undefined)) return [];
  const ranges: [number, number][] = [];
  if (highlight.bytes && mode === 'hex' && line.kind === 'data') {
    const { dir, offset, length } = highlight.bytes;
    if (line.dir !== dir) return ranges;
    // The first hex pair after the offset and its one or two spaces (one past 4 GiB in a narrow pane: see hexLayoutFitting).
    let first = line.text.indexOf(' ');
    while (line.text[first] === ' ') first++;
    // Rows of 16, 8 or 4 bytes: the text column starts after the first `|`.
    const text = line.text.indexOf('|') + 1;
    for (let k = 0; k < (line.length ?? 0); k++) {
      const at = line.offset! + k;
      if (at < offset || at >= offset + length) continue;
      const hex = first + 3 * k + Math.floor(k / 8);
      ranges.push([hex, hex + 2]);
      const ascii = text + k;
      ranges.push([ascii, ascii + 1]);
    }
    return ranges;
  }
  if (!highlight.text) return ranges;
  return textMatches(line.text, highlight.text, highlight.ignoreCase === true);
}

/**
 * Of the highlight ranges of unit `unit`'s `lines` (see {@link lineMatches}), those of the
 * current match, by line index: a data line's as {@link currentInLine} says; for an `=` row
 * matched, its first occurrence.
 */
export function currentMatches(
  lines: readonly LogicalLine[],
  unit: UnitKey,
  highlight: Highlight | undefined,
  mode: DisplayMode,
  column: (line: LogicalLine, offset: number) => number,
): Map<number, [number, number][]> {
  const found = new Map<number, [number, number][]>();
  const current = highlight?.current;
  if (!current) return found;
  if (current.unit) {
    if (!sameUnit(current.unit, unit)) return found;
    const numbered = unit.kind === 'head' || unit.kind === 'tail';
    for (let i = numbered ? current.offset : 0; i < (numbered ? current.offset + 1 : lines.length); i++) {
      const first = lines[i] && lineMatches(lines[i], highlight, mode)[0];
      if (first) return found.set(i, [first]);
    }
    return found;
  }
  lines.forEach((line, i) => {
    const ranges = currentInLine(line, highlight, mode, column);
    if (ranges.length > 0) found.set(i, ranges);
  });
  return found;
}

/**
 * The ranges of the current match's bytes in data line `line`: in hex mode all of its highlight
 * ranges (the bytes marked are the match's); in the text modes, when the line holds the match's
 * first byte, the occurrence nearest `column(line, offset)`, where that byte shows. None for an
 * `=` row matched.
 */
export function currentInLine(line: LogicalLine, highlight: Highlight | undefined, mode: DisplayMode, column: (line: LogicalLine, offset: number) => number): [number, number][] {
  const current = highlight?.current;
  if (!current || current.unit || line.kind !== 'data' || line.dir !== current.dir || line.offset === undefined) return [];
  if (mode !== 'hex' && (current.offset < line.offset || current.offset >= line.offset + (line.length ?? 0))) return [];
  const ranges = lineMatches(line, highlight, mode);
  if (mode === 'hex' || ranges.length === 0) return ranges;
  const at = column(line, current.offset);
  let best = ranges[0];
  for (const range of ranges) if (Math.abs(range[0] - at) < Math.abs(best[0] - at)) best = range;
  return [best];
}
