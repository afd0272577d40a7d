/**
 * Terminal column widths of display strings (already escaped: no controls, no emoji), for
 * placing a cursor and cutting a line to a width. Non-spacing and enclosing marks take 0
 * columns, East Asian wide and fullwidth characters 2, everything else 1 (spacing marks too).
 * An approximation of wcwidth that agrees with it for the characters `render/escape` shows as
 * themselves; `blessedWidths.ts` makes blessed count the same way.
 */

const MARK = /[\p{Mn}\p{Me}]/u;

/** Inclusive code point ranges two columns wide (all above U+1000, none in the surrogates). */
export const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x3247],
  // U+3248..U+324F (circled numbers on black squares) are ambiguous: one column.
  [0x3250, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xa960, 0xa97c],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x3fffd],
];

/** Columns taken by one code point: 0, 1 or 2. */
export function codePointColumns(cp: number): number {
  if (cp < 0x300) return 1;
  for (const [low, high] of WIDE) if (cp >= low && cp <= high) return 2;
  return MARK.test(String.fromCodePoint(cp)) ? 0 : 1;
}

/** Columns taken by a display string. */
export function stringColumns(text: string): number {
  let columns = 0;
  for (const ch of text) columns += codePointColumns(ch.codePointAt(0)!);
  return columns;
}

/** The longest suffix of `text` that fits in `columns` columns, without leading combining marks. */
export function tailFitting(text: string, columns: number): string {
  const chars = [...text];
  let used = 0;
  let start = chars.length;
  while (start > 0) {
    const w = codePointColumns(chars[start - 1].codePointAt(0)!);
    if (used + w > columns) break;
    used += w;
    start--;
  }
  // A mark cut from its base would join whatever is drawn before the tail.
  while (start < chars.length && codePointColumns(chars[start].codePointAt(0)!) === 0) start++;
  return chars.slice(start).join('');
}

/**
 * `text` when it fits in `columns` columns, else `ellipsis` and the longest tail of `text` that
 * fits beside it: for a long name whose end tells it apart from others (a saved file's name).
 */
export function fitTail(text: string, columns: number, ellipsis: string): string {
  if (stringColumns(text) <= columns) return text;
  return ellipsis + tailFitting(text, Math.max(0, columns - stringColumns(ellipsis)));
}

/**
 * `text` when it fits in `columns` columns, else its first third, `ellipsis` and its end: for a
 * line whose start says what happened and whose end says why (`cannot write PATH: no space`).
 */
export function fitMiddle(text: string, columns: number, ellipsis: string): string {
  if (stringColumns(text) <= columns) return text;
  const room = Math.max(0, columns - stringColumns(ellipsis));
  const head = headFitting(text, Math.floor(room / 3));
  return head + ellipsis + tailFitting(text, room - stringColumns(head));
}

/** `text` when it fits in `columns` columns, else its head and `ellipsis`: a cut that shows. */
export function fitHead(text: string, columns: number, ellipsis: string): string {
  if (stringColumns(text) <= columns) return text;
  return headFitting(text, Math.max(0, columns - stringColumns(ellipsis))) + headFitting(ellipsis, columns);
}

/** The longest prefix of `text` that fits in `columns` columns. */
export function headFitting(text: string, columns: number): string {
  let used = 0;
  let out = '';
  for (const ch of text) {
    const w = codePointColumns(ch.codePointAt(0)!);
    if (used + w > columns) break;
    used += w;
    out += ch;
  }
  return out;
}
