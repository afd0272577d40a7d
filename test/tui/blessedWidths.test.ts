import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import { escapeText } from '../../src/render/escape.js';
import { cutToColumns, zeroWidthTable } from '../../src/tui/blessedWidths.js';
import { codePointColumns, stringColumns } from '../../src/tui/width.js';
import { ScreenBoxes } from '../../src/tui/boxes.js';
import { openInProcessScreen } from '../support/screenInProcess.js';

/**
 * Text render/escape shows as itself where blessed's own tables disagree with the terminal:
 * marks newer than its table (Myanmar asat U+103A, U+1AB0), astral letters (two UTF-16 units,
 * one column), CJK outside the BMP, U+A960 (two columns wide, no placeholder in blessed),
 * U+4DC0 (blessed: a placeholder but one column), U+3248 (ambiguous: one column).
 */
const SAMPLES = ['ab東京cd', 'e\u0301x', '\u1000\u103a\u1001', 'a\u1ab0b', '𝐀𝐁𝐂', '𠮷野家', '\ua960\ua961z', '\u4dc0\u4dc1z', '\u3248z', 'ｱｲｳ'];

/** The app's boxes on `screen`, all hidden but the list, which shows `rows`. */
function showRows(screen: blessed.Widgets.Screen, rows: readonly string[]): void {
  const boxes = new ScreenBoxes(screen);
  for (const name of ['listHeader', 'conversationTitle', 'conversation', 'status', 'hints'] as const) boxes.place(name, { top: 0, height: 0 }, undefined);
  boxes.place('list', { top: 0, height: rows.length }, rows.join('\n'));
  screen.render();
}

/** The column of the first cell whose character is `char` on row `y` of blessed's screen model. */
function modelColumn(screen: blessed.Widgets.Screen, y: number, char: string): number {
  const row = (screen as unknown as { lines: [number, string][][] }).lines[y];
  return row.findIndex((cell) => cell[1] === char);
}

describe('blessed counts columns as width.ts does', () => {
  it('places each character render/escape shows as itself in the columns width.ts gives it', async () => {
    const { terminal, screen } = openInProcessScreen({ cols: 60, rows: SAMPLES.length + 1 });
    expect(SAMPLES.map(escapeText)).toEqual(SAMPLES);
    showRows(terminal.screen, SAMPLES.map((text) => `${text}|`));
    await screen.flush();
    SAMPLES.forEach((text, y) => expect([text, modelColumn(terminal.screen, y, '|')]).toEqual([text, stringColumns(text)]));
    // And the terminal shows the marker there (the emulator's tables know these characters).
    for (const y of [0, 1, 4, 5, 9]) expect(screen.cell(stringColumns(SAMPLES[y]), y).char).toBe('|');
  });

  it('a row as wide as the screen keeps its last column, whatever its marks and astral letters', async () => {
    const { terminal, screen } = openInProcessScreen({ cols: 20, rows: 3 });
    showRows(terminal.screen, ['e\u0301'.repeat(19) + 'Z', '𝐀'.repeat(19) + 'Z', '𠮷'.repeat(9) + 'xZ']);
    await screen.flush();
    for (let y = 0; y < 3; y++) expect(screen.cell(19, y).char).toBe('Z');
  });
});

describe('zeroWidthTable', () => {
  it('holds exactly the code points width.ts gives 0 columns', () => {
    const expected: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) if (codePointColumns(cp) === 0) expected.push(cp);
    const table = zeroWidthTable();
    expect(Object.keys(table).map(Number)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(2000);
    expect(table[0x301]).toBe(true); // a combining acute accent
  });
});

describe('cutToColumns', () => {
  it('cuts by columns, keeps placeholders with their wide character and the colours after the cut', () => {
    expect(cutToColumns('abc', 5)).toBe('abc');
    expect(cutToColumns('e\u0301'.repeat(4), 3)).toBe('e\u0301'.repeat(3));
    expect(cutToColumns('東\x03京\x03x', 3)).toBe('東\x03');
    expect(cutToColumns('東\x03京\x03x', 4)).toBe('東\x03京\x03');
    expect(cutToColumns('\x1b[7mabcdef\x1b[27m', 3)).toBe('\x1b[7mabc\x1b[27m');
    expect(cutToColumns('𝐀𝐁𝐂𝐃', 2)).toBe('𝐀𝐁');
  });
});

describe('blessed combining table', () => {
  it('holds exactly the code points width.ts counts as zero columns, all of Unicode', async () => {
    const { createRequire } = await import('node:module');
    const { alignBlessedWidths } = await import('../../src/tui/blessedWidths.js');
    const { codePointColumns } = await import('../../src/tui/width.js');
    alignBlessedWidths();
    const combining = (createRequire(import.meta.url)('blessed/lib/unicode.js') as { combining: Record<number, boolean> }).combining;
    const wrong: number[] = [];
    for (let cp = 0x300; cp <= 0x10ffff && wrong.length < 5; cp++) if ((combining[cp] === true) !== (codePointColumns(cp) === 0)) wrong.push(cp);
    expect(wrong).toEqual([]);
    expect(combining[0x301]).toBe(true);
  });
});
