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

/** The byte drawn at column `at` of the row (in its hex pair or as its character); undefined elsewhere. */
export function byteAt(cells: DumpCells, at: number): number | undefined {
  const k = cells.hex.findIndex((column) => at >= column && at < column + 2);
  if (k >= 0) return k;
  const c = cells.chars.indexOf(at);
  return c >= 0 ? c : undefined;
}

/** The first and last byte drawn in columns `from` to `to` (exclusive) of the row, in a pair or as a character. */
export function bytesIn(cells: DumpCells, from: number, to: number): [number, number] | undefined {
  let first = -1;
  let last = -1;
  cells.hex.forEach((column, k) => {
    const inHex = column < to && column + 2 > from;
    const inChars = cells.chars[k] >= from && cells.chars[k] < to;
    if (!inHex && !inChars) return;
    if (first < 0) first = k;
    last = k;
  });
  return first < 0 ? undefined : [first, last];
}

/**
 * The columns of the row that show bytes `first` to `last` (inclusive, indexes in the row): the
 * hex pairs as one range (with the spaces between) and the characters as another.
 */
export function byteRanges(cells: DumpCells, first: number, last: number): [number, number][] {
  const from = Math.max(0, first);
  const to = Math.min(cells.hex.length - 1, last);
  if (to < from) return [];
  return [
    [cells.hex[from], cells.hex[to] + 2],
    [cells.chars[from], cells.chars[to] + 1],
  ];
}
