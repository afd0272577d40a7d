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
    expect(narrow.some((line) => line.endsWith('…'))).toBe(true);
    const wide = fittedHelpText(200, true, '…');
    expect(wide).not.toBe(narrow);
    expect(wide).toEqual(helpText(true));
    expect(fittedHelpText(30, false, '~')).not.toBe(narrow);
  });
});
