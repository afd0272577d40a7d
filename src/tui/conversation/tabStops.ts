/**
 * Tabs in the messages mode's decoded text: expanded to spaces up to the next tab stop (every 8
 * columns of the line as shown), as less and Wireshark show text; every other control stays an
 * escape. The raw modes keep `\t` (they show byte positions).
 */
import { stringColumns } from '../width.js';

/** Columns between tab stops. */
export const TAB_STOP = 8;

/** `pieces` (shown text that tabs separated, in order) joined by spaces up to the next tab stop. */
export function joinAtTabStops(pieces: readonly string[]): string {
  let line = pieces[0] ?? '';
  let columns = stringColumns(line);
  for (let k = 1; k < pieces.length; k++) {
    const pad = TAB_STOP - (columns % TAB_STOP);
    line += ' '.repeat(pad) + pieces[k];
    columns += pad + stringColumns(pieces[k]);
  }
  return line;
}

/** `text` (decoded, not escaped) as shown: each piece between tabs by `show` (which escapes), the tabs expanded. */
export function expandTabs(text: string, show: (piece: string) => string): string {
  return text.includes('\t') ? joinAtTabStops(text.split('\t').map(show)) : show(text);
}
