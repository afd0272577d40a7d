/**
 * ctrl-z suspends also while a prompt or the help is open (as in bash's or less's prompt), and
 * leaves it open for fg: it is neither typed into the prompt nor taken as "any key closes the help".
 */
import { describe, expect, it, vi } from 'vitest';
import type { Terminal } from '../../../src/tui/terminal.js';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

/** The demo app with its terminal's suspend replaced by a spy that resumes at once. */
async function openWithSuspendSpy() {
  const opened = await openDemoApp(demo.store, { cols: 80, rows: 24 });
  const suspend = vi.fn<Terminal['suspend']>((resumed) => resumed(true));
  (opened.terminal as { suspend: Terminal['suspend'] }).suspend = suspend;
  return { ...opened, suspend };
}

describe('ctrl-z with a prompt or the help open', () => {
  it('in the filter prompt: suspends, and the prompt keeps its text for more typing', async () => {
    const { app, screen, status, suspend } = await openWithSuspendSpy();
    screen.press('f', 'a', 'b');
    await screen.waitFor(() => status().startsWith('filter: ab'));
    screen.press('C-z');
    screen.press('c');
    await screen.waitFor(() => status().startsWith('filter: abc'));
    expect(suspend).toHaveBeenCalledTimes(1);
    app.dispose();
  });

  it('in the help: suspends, and the help stays open', async () => {
    const { app, screen, suspend } = await openWithSuspendSpy();
    screen.press('?');
    await screen.waitFor(() => screen.line(0).includes('flowspy keys'));
    screen.press('C-z');
    // Back from the stop, the whole screen is drawn again: the help still.
    await screen.waitFor(() => screen.line(0).includes('flowspy keys') && screen.line(3).includes('down one row'));
    expect(suspend).toHaveBeenCalledTimes(1);
    app.dispose();
  });
});
