/**
 * Makes blessed count columns the way `width.ts` does, so that a row takes on the terminal the
 * cells it takes in blessed's screen model and in the panes' layout.
 *
 * blessed 0.1.81 (`lib/unicode.js`) has older tables of its own, and three of them decide where
 * it puts a character: `charWidth` (a cell whose character is 2 wide hides the next cell),
 * `chars.all` (after the characters it matches, `parseContent` adds a placeholder cell) and
 * `combining` (a mark joins the previous cell). They disagree with the terminal and with each
 * other: emoji and CJK outside the BMP are one cell, marks newer than Unicode 5 take a cell,
 * U+A960..U+A97C is 2 wide with no placeholder (the next character is lost). Each disagreement
 * shifts the rest of the row on the terminal while blessed's model stays put, and its later
 * partial redraws write into the wrong cells. `alignBlessedWidths()` replaces the three with
 * {@link codePointColumns}; blessed reads them through its module object at each use.
 */
import { createRequire } from 'node:module';
import { WIDE, codePointColumns } from './width.js';

/** The parts of blessed's `lib/unicode.js` replaced here. */
interface BlessedUnicode {
  charWidth(text: string | number, index?: number): number;
  combining: Record<number, boolean>;
  chars: { all: RegExp };
  codePointAt(text: string, index: number): number;
}

/** Matches one character two columns wide (for blessed's placeholder cell: `'$1\x03'`). */
function wideCharacters(): RegExp {
  const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;
  return new RegExp(`([${WIDE.map(([low, high]) => `${hex(low)}-${hex(high)}`).join('')}])`, 'gu');
}

/** Where zero-width code points lie (marks, format characters): nowhere else in Unicode 15. */
const ZERO_WIDTH_SPANS: readonly [number, number][] = [[0x300, 0x2ffff], [0xe0000, 0xe0fff]];

/** The marks of Unicode as this Node knows it (non-spacing and enclosing: as width.ts counts them). */
const MARKS = /[\p{Mn}\p{Me}]/gu;

/**
 * blessed's `combining` as a plain object: every code point {@link codePointColumns} gives 0
 * columns, that is every mark not wide. blessed reads it for every character of every frame, so
 * it is made once: the spans, less the wide ranges, written out as text and scanned by one regex
 * (a few ms; asking codePointColumns of each code point took 20 ms at start-up).
 */
export function zeroWidthTable(): Record<number, boolean> {
  const table: Record<number, boolean> = {};
  const wide = [...WIDE].sort((a, b) => a[0] - b[0]);
  const utf16 = new TextDecoder('utf-16le');
  for (const [low, high] of ZERO_WIDTH_SPANS) {
    const units = new Uint16Array(2 * (high - low + 1));
    let n = 0;
    let w = 0;
    for (let cp = low; cp <= high; cp++) {
      while (w < wide.length && wide[w][1] < cp) w++;
      if (w < wide.length && cp >= wide[w][0]) {
        cp = wide[w][1];
        continue;
      }
      if (cp < 0x10000) {
        // Lone surrogates are no characters (and would pair up with their neighbours).
        if (cp < 0xd800 || cp > 0xdfff) units[n++] = cp;
      } else {
        units[n++] = 0xd800 + ((cp - 0x10000) >> 10);
        units[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      }
    }
    for (const [mark] of utf16.decode(units.subarray(0, n)).matchAll(MARKS)) table[mark.codePointAt(0)!] = true;
  }
  return table;
}

let aligned = false;

/** Points blessed's width tables at `width.ts`. Idempotent; call before the first render. */
export function alignBlessedWidths(): void {
  if (aligned) return;
  aligned = true;
  const unicode = createRequire(import.meta.url)('blessed/lib/unicode.js') as BlessedUnicode;
  const original = unicode.charWidth;
  const zeroWidth = zeroWidthTable();
  unicode.charWidth = (text, index) => {
    const cp = typeof text === 'number' ? text : unicode.codePointAt(text, index ?? 0);
    // Below U+00A0: NUL, tab and controls keep blessed's answers (controls never reach it). The
    // marks are looked up in the table made once: this runs for every cell of every frame.
    if (cp < 0xa0) return original(text, index);
    return zeroWidth[cp] ? 0 : codePointColumns(cp);
  };
  unicode.combining = zeroWidth;
  unicode.chars.all = wideCharacters();
}

/**
 * A row of blessed content (our SGR sequences, blessed's `\x03` placeholder after each wide
 * character) cut to `columns` columns as {@link codePointColumns} counts them; the SGR sequences
 * after the cut are kept, so attributes end as they would have.
 */
export function cutToColumns(row: string, columns: number): string {
  // A row takes at least one UTF-16 unit per column (a wide character and its placeholder: two).
  if (row.length <= columns) return row;
  let used = 0;
  let i = 0;
  while (i < row.length) {
    const c = row.charCodeAt(i);
    if (c === 0x1b) {
      const end = row.indexOf('m', i);
      i = end < 0 ? row.length : end + 1;
      continue;
    }
    if (c === 0x03) {
      i++;
      continue;
    }
    const cp = row.codePointAt(i)!;
    const width = codePointColumns(cp);
    if (used + width > columns) break;
    used += width;
    i += cp > 0xffff ? 2 : 1;
  }
  if (i >= row.length) return row;
  const after = row.slice(i).match(/\x1b\[[\d;]*m/g);
  return row.slice(0, i) + (after ? after.join('') : '');
}

/**
 * Makes `box` cut its rows by columns. blessed (wrap off) cuts a row at the box's width counted
 * in UTF-16 units, so a row holding marks or characters outside the BMP lost its last columns.
 */
export function cutRowsByColumns(box: object): void {
  const element = box as { _wrapContent(content: string, width: number): unknown };
  const wrapContent = element._wrapContent;
  element._wrapContent = function (this: unknown, content: string, width: number) {
    const rows = content.split('\n').map((row) => cutToColumns(row, width));
    return wrapContent.call(this, rows.join('\n'), Infinity);
  };
}
