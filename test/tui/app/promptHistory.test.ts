/**
 * Up and Down in the `f` and `/` prompts recall the answers given to that prompt earlier in the
 * session (the `/` of either pane shares one history); a filter word the status column shows
 * (`status:after-close`) is taken; an unknown word is refused in words that say what to type.
 */
import { describe, expect, it } from 'vitest';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

describe('prompt history', () => {
  it('f and / recall their own earlier answers with Up and Down', async () => {
    const { app, screen, status } = await openDemoApp(demo.store, { cols: 80, rows: 24, messages: (id) => demo.messages.get(id) });
    screen.write('f:80\r');
    await screen.waitFor(() => status().includes('2/5 flows'));
    screen.write('f\x15status:after-close\r');
    await screen.waitFor(() => status().includes('1/5 flows'));
    screen.write('/GET\r');
    await screen.waitFor(() => !status().startsWith('/'));
    screen.press('f', 'C-u', 'Up');
    await screen.waitFor(() => status().startsWith('filter: status:after-close '));
    screen.press('Up');
    await screen.waitFor(() => status().startsWith('filter: :80 '));
    screen.press('Up');
    await screen.flush();
    screen.press('Down', 'Down');
    await screen.waitFor(() => status().startsWith('filter:  '));
    screen.press('Esc');
    await screen.waitFor(() => status().includes('1/5 flows'));
    screen.press('/', 'Up');
    await screen.waitFor(() => status().startsWith('/GET '));
    screen.press('Up');
    await screen.flush();
    // The / prompt keeps its own history: no filter answer comes back in it.
    expect(status()).toMatch(/^\/GET /);
    screen.write('\x1b');
    await screen.waitFor(() => status().includes('1/5 flows'));
    screen.write('f\x15foo:bar\r');
    await screen.waitFor(() => status().startsWith(' unknown filter word foo: (method: status: host: path: has:; "foo:bar" is text)'));
    app.dispose();
  });
});
