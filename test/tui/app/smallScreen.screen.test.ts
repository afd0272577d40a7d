/**
 * The real app on the demo in a pseudo-terminal shrunk to a few rows (a small tmux pane): the
 * focused pane keeps at least one row of content and the status row stays; back at 80x24 the
 * selection is where it was.
 */
import { describe, expect, it } from 'vitest';
import type { Screen } from '../../support/screen.js';
import { isInverse, lines, openDemo, quit, rowWith, statusRow } from './support.js';

/** Resizes to 80 columns by `rows` and waits for the frame drawn at that size (its status row at the bottom). */
async function shrink(screen: Screen, rows: number): Promise<string[]> {
  screen.resize(80, rows);
  await screen.waitFor((s) => s.rows === rows && statusRow(s).startsWith(' demo.pcap'));
  return lines(screen);
}

describe('a small screen', () => {
  it('shows the focused pane down to 2 rows, and the selection again at 80x24', async () => {
    const screen = await openDemo();
    screen.press('j', 'j', 'Enter');
    await screen.waitFor((s) => rowWith(s, ' #3 ') === 8 && rowWith(s, '= server closed its side (FIN)') === 9);

    // Both panes while each can have a title and a row; the conversation's row is its top row.
    for (const rows of [6, 5]) {
      const shown = await shrink(screen, rows);
      expect(shown[0]).toMatch(/^ +# client +server/);
      expect(shown[rows - 3]).toMatch(/^ #3 192\.168\.1\.23:51002 → /);
      expect(shown[rows - 2]).toBe('= server closed its side (FIN)');
    }
    // Shorter: the focused pane alone, its title then its rows; on 2 rows its row alone.
    expect(await shrink(screen, 4)).toEqual([
      expect.stringMatching(/^ #3 192\.168\.1\.23:51002 → /),
      '= server closed its side (FIN)',
      expect.stringMatching(/^= note: the client sent 297\+ bytes after the server closed/),
      expect.stringMatching(/^ demo\.pcap · 5 flows/),
    ]);
    expect((await shrink(screen, 3)).slice(0, 2)).toEqual([expect.stringMatching(/^ #3 /), '= server closed its side (FIN)']);
    expect((await shrink(screen, 2))[0]).toBe('= server closed its side (FIN)');

    // Tab gives the list the keys, and the short screen to show: its selection in view.
    await shrink(screen, 4);
    screen.press('Tab');
    await screen.waitFor((s) => /^ +3 …23:51002 → /.test(s.line(1)));
    expect(screen.line(0)).toMatch(/^ +# client +server/);

    screen.resize(80, 24);
    await screen.waitFor((s) => rowWith(s, ' #3 ') === 8 && rowWith(s, '  5 …23:51010') === 5);
    expect(isInverse(screen, 3, '  3 …23')).toBe(true);
    await quit(screen);
  });
});
