/**
 * `q` while a file is still being written (a 1 GB flow takes a while to save): asked first, as
 * quitting would leave the file out; and the status row says the save until it is done, whatever
 * other messages come meanwhile.
 */
import { describe, expect, it } from 'vitest';
import type { TuiActions } from '../../../src/tui/app.js';
import type { SavedFile } from '../../../src/tui/actions/saveFlow.js';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

describe('quitting while a save is written', () => {
  it('q asks first; n goes on with the save, said on the status row until it is done; then q quits', async () => {
    let finish: (files: SavedFile[]) => void = () => undefined;
    const actions = { stem: 'demo', saveFlow: () => new Promise<SavedFile[]>((resolve) => (finish = resolve)) } as unknown as TuiActions;
    const { app, screen, status } = await openDemoApp(demo.store, { cols: 100, rows: 24, env: { TERM: 'xterm-256color', LANG: 'C.UTF-8' }, actions });
    let quit = false;
    void app.closed.then(() => (quit = true));
    screen.press('s');
    await screen.waitFor(() => status().startsWith('save flow 1'));
    screen.press('Enter');
    await screen.waitFor(() => status().includes('saving flow 1…'));
    screen.press('q');
    await screen.waitFor(() => status().startsWith('still saving flow 1… quit and lose it? (y/n)'));
    screen.press('n');
    // Another message comes; the save is still said beside it.
    screen.press('o');
    await screen.waitFor(() => status().includes('by bytes') && status().includes('saving flow 1…'));
    expect(quit).toBe(false);
    finish([{ path: '/tmp/demo-1.log', side: 'log', bytes: 10, holes: 0 }]);
    await screen.waitFor(() => status().includes('saved ') && !status().includes('saving'));
    screen.press('q');
    await app.closed;
    expect(quit).toBe(true);
  });
});
