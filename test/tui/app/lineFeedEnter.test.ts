/**
 * A line feed is Enter: a Return typed before the screen took the terminal (its CR still mapped
 * to NL by the tty) must not be lost, in the list nor in a prompt; ctrl-j sends the same byte.
 */
import { describe, expect, it } from 'vitest';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

describe('a line feed (a Return typed ahead, ctrl-j)', () => {
  it('opens the selected flow, and applies a prompt, as Enter does', async () => {
    const { app, screen, status } = await openDemoApp(demo.store, { cols: 100, rows: 24, env: { TERM: 'xterm-256color' } });
    screen.press('f');
    await screen.flush();
    screen.press(...'smtp');
    screen.write('\n');
    await screen.waitFor(() => status().includes('1/5 flows'));
    screen.write('\n');
    await screen.waitFor(() => screen.text().some((line) => line.includes('#2 ') && line.includes(':25')));
    expect(screen.text().some((line) => line.startsWith('filter:'))).toBe(false);
    app.dispose();
  });
});
