/**
 * One Esc closes a prompt, also when the terminal sends it together with the next key (tmux
 * holds Esc for its escape time: Esc then `j`, or Esc pressed twice, arrive as one Meta key).
 */
import { describe, expect, it } from 'vitest';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

const openApp = () => openDemoApp(demo.store, { cols: 80, rows: 24 });

describe('Esc in a prompt', () => {
  it.each([
    ['Esc then a key', '\x1bj'],
    ['Esc twice', '\x1b\x1b'],
  ])('%s in one read cancels the prompt and drops the key', async (_, keys) => {
    const { app, screen, status } = await openApp();
    screen.press('/', 'a');
    await screen.waitFor(() => status().startsWith('/a'));
    screen.write(keys);
    await screen.waitFor(() => status().includes('5 flows'));
    // The selection stayed on flow 1 (the conversation's title names it): j did not move it.
    await screen.flush();
    expect(screen.text().filter((line) => /^ #\d /.test(line))).toEqual([expect.stringMatching(/^ #1 /)]);
    app.dispose();
  });

  it('Alt-Backspace edits nothing and keeps the prompt open', async () => {
    const { app, screen, status } = await openApp();
    screen.press('f', 'a', 'b');
    await screen.waitFor(() => status().startsWith('filter: ab'));
    screen.write('\x1b\x7f');
    screen.press('c');
    await screen.waitFor(() => status().startsWith('filter: abc'));
    app.dispose();
  });
});

describe('Esc and a punctuation key in one read', () => {
  it('Esc / in the conversation leaves the flow, then opens the search', async () => {
    const { app, screen, status } = await openApp();
    screen.press('Enter');
    await screen.waitFor(() => screen.line(screen.rows - 1).startsWith(' x hex'));
    screen.write('\x1b/');
    await screen.waitFor(() => status().startsWith('/'));
    expect(screen.line(screen.rows - 1)).not.toMatch(/^ x hex/);
    app.dispose();
  });

  it('Esc ? in the list opens the help', async () => {
    const { app, screen } = await openApp();
    screen.write('\x1b?');
    await screen.waitFor(() => screen.text().join('\n').includes('flowspy keys'));
    app.dispose();
  });

  it('in a prompt Esc / cancels it and drops the /', async () => {
    const { app, screen, status } = await openApp();
    screen.press('f', 'a');
    await screen.waitFor(() => status().startsWith('filter: a'));
    screen.write('\x1b/');
    await screen.waitFor(() => status().includes('5 flows'));
    app.dispose();
  });
});
