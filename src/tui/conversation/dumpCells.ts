/**
 * Where each byte of a hex dump row (`render/hex.ts`'s layout, any bytes a row) is drawn: its
 * hex pair and its character. The messages mode uses it to map a place or a search match in a
 * 16-byte dump line to the narrower rows it is shown as. Pure.
 */

/** Per byte of the row, the column of its hex pair and of its character. */
export interface DumpCells {
  readonly hex: readonly number[];
  readonly chars: readonly number[];
}

const isHexDigit = (c: string | undefined): boolean => c !== undefined && /[0-9a-f]/.test(c);

/** The cells of dump row `row`. */
export function dumpCells(row: string): DumpCells {
  const bar = row.indexOf('|');
  const end = bar < 0 ? row.length : bar;
  const hex: number[] = [];
  for (let i = row.indexOf(' '); i >= 0 && i < end; i++) {
    if (isHexDigit(row[i]) && isHexDigit(row[i + 1])) hex.push(i++);
  }
  return { hex, chars: hex.map((_, k) => bar + 1 + k) };
}
