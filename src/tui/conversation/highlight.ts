/**
 * Search highlights on logical lines: every occurrence of a display string (text modes), or the
 * hex and ASCII cells of a byte range (hex mode, the `hexdump -C` layout of `render/hex`).
 */
import type { Direction } from '../../core/types.js';
import type { LogicalLine } from './lineText.js';
import type { DisplayMode } from './settings.js';
import { textMatches } from '../textMatch.js';

/**
 * What to highlight: occurrences of a display string (`ignoreCase`: ASCII letters of either
 * case, for a smart-case search), or a byte range of one direction (hex).
 */
export interface Highlight {
  readonly text?: string;
  readonly ignoreCase?: boolean;
  readonly bytes?: { readonly dir: Direction; readonly offset: number; readonly length: number };
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

