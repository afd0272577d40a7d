import { describe, expect, it } from 'vitest';
import { ScreenBoxes } from '../../src/tui/boxes.js';
import { paletteFor } from '../../src/tui/color.js';
import type { FlowRow } from '../../src/tui/flowList/rowFormat.js';
import { paintLine, paintRow } from '../../src/tui/paint.js';
import { openInProcessScreen } from '../support/screenInProcess.js';

/** The demo's flow 3 as the list shows it: a note mark, then the summary. */
function row(selected: boolean, mark: string): FlowRow {
  const spans = [
    { text: '  3 ', style: 'number' },
    { text: '…23:51002', style: 'client' },
    { text: ' → ', style: 'arrow' },
    { text: '198.51.100.10:80', style: 'server' },
    { text: ' ', style: 'space' },
    { text: 'reset  ', style: 'state.reset' },
    { text: ' ', style: 'space' },
    { text: mark, style: 'note' },
    { text: ' ', style: 'space' },
    { text: '! #2 GET /api/status', style: 'preview' },
  ] as const;
  return { id: 3, selected, spans, text: spans.map((s) => s.text).join('') };
}

describe('flow list rows as blessed shows them', () => {
  it.each([
    ['colour, focused', {}, true],
    ['colour, not focused', {}, false],
    ['NO_COLOR, focused', { NO_COLOR: '1' }, true],
  ])('the selected row is inverse from its first column to its last, the note mark included (%s)', async (_name, env, focused) => {
    const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 3 });
    const palette = paletteFor(env);
    const boxes = new ScreenBoxes(terminal.screen);
    for (const name of ['listHeader', 'conversationTitle', 'conversation', 'status', 'hints'] as const) boxes.place(name, { top: 0, height: 0 }, undefined);
    boxes.place('list', { top: 0, height: 3 }, [row(true, '•'), row(false, '•'), row(true, ' ')].map((r) => paintRow(r, palette, focused)).join('\n'));
    terminal.screen.render();
    await screen.flush();
    const width = row(true, '•').text.length;
    const mark = row(true, '•').text.indexOf('•');
    for (const y of [0, 2]) {
      for (let x = 0; x < width; x++) expect([y, x, screen.cell(x, y).inverse]).toEqual([y, x, true]);
      for (let x = 0; x < width; x++) if (x !== mark) expect([y, x, screen.cell(x, y).bold]).toEqual([y, x, focused]);
    }
    for (let x = 0; x < width; x++) expect(screen.cell(x, 1).inverse).toBe(false);
    // The mark keeps its colour and weight in every row.
    expect(screen.cell(mark, 0)).toMatchObject({ char: '•', bold: true });
    expect(screen.cell(mark, 1)).toMatchObject({ char: '•', bold: true });
    if (palette.enabled) expect(screen.cell(mark, 0).fg).toEqual(screen.cell(mark, 1).fg);
    expect(screen.cell(mark + 2, 1).bold).toBe(false);
  });
});

describe('status colours', () => {
  const statusRow = (selected: boolean): FlowRow => {
    const spans = [
      { text: 'GET / → ', style: 'preview' },
      { text: '200', style: 'status.ok' },
      { text: ' ', style: 'space' },
      { text: '302', style: 'status.redirect' },
      { text: ' ', style: 'space' },
      { text: '554', style: 'status.error' },
    ] as const;
    return { id: 1, selected, spans, text: spans.map((s) => s.text).join('') };
  };

  it('2xx green, 3xx yellow, errors red; none in the selected row or under NO_COLOR', () => {
    const painted = paintRow(statusRow(false), paletteFor({}), true);
    expect(painted).toContain('\x1b[32m200\x1b[39;49m');
    expect(painted).toContain('\x1b[33m302\x1b[39;49m');
    expect(painted).toContain('\x1b[31m554\x1b[39;49m');
    expect(paintRow(statusRow(true), paletteFor({}), true)).not.toMatch(/\x1b\[3\dm/);
    expect(paintRow(statusRow(false), paletteFor({ NO_COLOR: '1' }), true)).toBe(statusRow(false).text);
  });
});

describe('search matches in a conversation row', () => {
  const line = { side: 'client', kind: 'data', text: '> a keep keep', highlight: false, continued: false, matches: [[4, 8], [9, 13]], current: [[9, 13]] } as const;

  it('the current match is bold and underlined as well as inverse, the others inverse only, also under NO_COLOR; without those attributes, inverse', () => {
    for (const env of [{}, { NO_COLOR: '1' }]) {
      const painted = paintLine(line, 80, paletteFor(env));
      expect(painted).toContain('a \x1b[7mkeep\x1b[27m \x1b[7m\x1b[1m\x1b[4mkeep\x1b[24m\x1b[22m\x1b[27m');
    }
    // A terminal without underline or bold: inverse as the others.
    const bare = paintLine(line, 80, paletteFor({}, { colors: 8, bold: false, reverse: true, underline: false }));
    expect(bare).toBe('\x1b[32m> a \x1b[7mkeep\x1b[27m \x1b[7mkeep\x1b[27m\x1b[39;49m');
  });
});
