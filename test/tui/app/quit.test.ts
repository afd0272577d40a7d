/**
 * `q` on a capture file still being read: a pipe or FIFO (a capture still being made, whose
 * bytes are gone once read) asks as a live capture does; a regular file quits at once.
 */
import { describe, expect, it } from 'vitest';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

function openApp(piped: boolean) {
  const { terminal, screen } = openInProcessScreen({ cols: 100, rows: 24 });
  const source: TuiSource = { kind: 'file', piped, label: () => 'stdin', counters: () => undefined, running: () => true, problem: () => undefined };
  const app = new TuiApp({ terminal, store: demo.store, source, actions: {} as TuiActions, follow: false });
  let closed = false;
  void app.closed.then(() => (closed = true));
  const status = (): string => screen.line(screen.rows - 2);
  return { app, screen, status, closed: () => closed };
}

describe('q while a capture file is read', () => {
  it('from a pipe or FIFO asks first: n stays, y quits', async () => {
    const { app, screen, status, closed } = openApp(true);
    await screen.waitFor(() => status().includes('loading'));
    screen.press('q');
    await screen.waitFor(() => status().startsWith('stop the capture and quit? (y/n)'));
    screen.press('n');
    await screen.waitFor(() => status().includes('loading'));
    expect(closed()).toBe(false);
    screen.press('q');
    await screen.waitFor(() => status().startsWith('stop the capture and quit? (y/n)'));
    screen.press('y');
    await app.closed;
  });

  it('from a regular file quits at once (the file can be read again)', async () => {
    const { app, screen, status } = openApp(false);
    await screen.waitFor(() => status().includes('loading'));
    screen.press('q');
    await app.closed;
  });
});
