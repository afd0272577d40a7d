/**
 * The help (`?`) scrolled to its end, then the window grows: the help still fills it (it is not
 * left scrolled past its end, over blank rows).
 */
import { describe, expect, it } from 'vitest';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

const SOURCE: TuiSource = { kind: 'file', label: () => 'demo.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

describe('the help after a resize', () => {
  it('scrolled to its end, fills a wider and taller window, its last line at the bottom', async () => {
    const { terminal, screen } = openInProcessScreen({ cols: 70, rows: 24 });
    const app = new TuiApp({ terminal, store: new FlowStore(), source: SOURCE, actions: {} as TuiActions, follow: false });
    try {
      screen.press('?');
      await screen.waitFor(() => screen.text().join('\n').includes('flowspy keys'));
      screen.press('G');
      await screen.waitFor(() => !screen.text().join('\n').includes('flowspy keys'));
      const last = screen.line(screen.rows - 3).trim();
      expect(last).not.toBe('');
      for (const [cols, rows] of [[80, 24], [80, 40]]) {
        screen.resize(cols, rows);
        await screen.waitFor(() => screen.cols === cols && screen.rows === rows && screen.line(rows - 1).includes('closes the help'));
        // The help's last line at the bottom (wrapped or not), and its rows filled above it (a few blank lines of its own at most).
        expect(screen.line(rows - 3).trim().endsWith(last)).toBe(true);
        const help = screen.text().slice(0, rows - 2);
        expect(help.filter((row) => row.trim() === '').length).toBeLessThan(help.length / 4);
      }
    } finally {
      app.dispose();
    }
  });
});
