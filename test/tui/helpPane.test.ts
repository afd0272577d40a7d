import { describe, expect, it } from 'vitest';
import { fittedHelpText, helpText } from '../../src/tui/helpPane.js';
import { stringColumns } from '../../src/tui/width.js';

describe('help text', () => {
  it('is built once per glyph set', () => {
    expect(helpText(true)).toBe(helpText(true));
    expect(helpText(false)).toBe(helpText(false));
    expect(helpText(false)).not.toBe(helpText(true));
  });

  it('is fitted to the width once per (width, glyph set), not on every frame', () => {
    const narrow = fittedHelpText(30, true, '…');
    expect(fittedHelpText(30, true, '…')).toBe(narrow);
    expect(narrow.every((line) => stringColumns(line) <= 30)).toBe(true);
    const wide = fittedHelpText(200, true, '…');
    expect(wide).not.toBe(narrow);
    expect(wide).toEqual(helpText(true));
    expect(fittedHelpText(30, false, '~')).not.toBe(narrow);
  });

  it('wraps a long description under its own column at 60 columns, no word lost', () => {
    const rows = fittedHelpText(60, true, '…');
    expect(rows.every((line) => stringColumns(line) <= 60)).toBe(true);
    const at = rows.findIndex((line) => line.startsWith('   /   '));
    expect(rows.slice(at, at + 2)).toEqual([
      '   /            search (lower case: any case; hex: 0d0a;',
      '                list: whole rows)',
    ]);
    const words = (lines: readonly string[]): string[] => lines.join(' ').split(/ +/).filter((w) => w !== '');
    expect(words(rows)).toEqual(words(helpText(true)));
    expect(rows.some((line) => line.endsWith('…'))).toBe(false);
  });
});
