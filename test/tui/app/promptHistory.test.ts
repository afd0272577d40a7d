/**
 * Up and Down in the `f` and `/` prompts recall the answers given to that prompt earlier in the
 * session (the `/` of either pane shares one history); a filter word the status column shows
 * (`status:after-close`) is taken; an unknown word is refused in words that say what to type.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_FILE, openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

describe('prompt history', () => {
  it('f and / recall their own earlier answers with Up and Down', async () => {
    const { app, screen, status } = await openDemoApp(demo.store, { cols: 80, rows: 24, messages: (id) => demo.messages.get(id) });
    const hints = (): string => screen.line(screen.rows - 1);
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
    await screen.waitFor(() => hints().startsWith(' ! unknown filter word foo: (method: status: host: path: has:; "foo:bar" is te'));
    expect(status()).toMatch(/^filter: foo:bar /);
    app.dispose();
  });

  it('a filter typo keeps the prompt open with its text and the error in the hint row; fixed, it applies', async () => {
    const { app, screen, status } = await openDemoApp(demo.store, { cols: 80, rows: 24, messages: (id) => demo.messages.get(id) });
    const hints = (): string => screen.line(screen.rows - 1);
    screen.write('fstauts:500\r');
    await screen.waitFor(() => hints().startsWith(' ! unknown filter word stauts:'));
    expect(status()).toMatch(/^filter: stauts:500 /);
    // An edit takes the error away; the fixed text applies and closes the prompt.
    screen.press('Home', 'Right', 'Right', 'Right', 'Delete');
    await screen.waitFor(() => status().startsWith('filter: stats:500'));
    expect(hints()).not.toContain('unknown');
    screen.write('\x15status:200\r');
    await screen.waitFor(() => status().includes('3/5 flows'));
    // The typo is in the history too.
    screen.press('f', 'Up', 'Up');
    await screen.waitFor(() => status().startsWith('filter: stauts:500 '));
    app.dispose();
  });
  it('an upstream r refuses keeps its prompt open with the text and the error, as a filter typo does', async () => {
    const targets: string[] = [];
    const retarget = (text: string): string => {
      if (!/^[\w.]+:\d+$/.test(text)) throw new Error(`bad target "${text}": expected host:port`);
      targets.push(text);
      return `new connections go to ${text}`;
    };
    const source = { ...DEMO_FILE, kind: 'proxy' as const, retarget, retargetPrompt: 'new upstream host:port: ', retargetInitial: () => '127.0.0.1:8951' };
    const { app, screen, status } = await openDemoApp(demo.store, { cols: 80, rows: 24, source });
    const hints = (): string => screen.line(screen.rows - 1);
    screen.write('r\x15127.0.0.1:8951x\r');
    await screen.waitFor(() => hints().startsWith(' ! bad target "127.0.0.1:8951x": expected host:port'));
    expect(status()).toMatch(/^new upstream host:port: 127\.0\.0\.1:8951x /);
    // Fixed, it applies and closes the prompt.
    screen.press('Backspace');
    screen.write('\r');
    await screen.waitFor(() => status().includes('new connections go to 127.0.0.1:8951'));
    expect(targets).toEqual(['127.0.0.1:8951']);
    app.dispose();
  });

  it('under 20 rows (no hint row) a filter typo says its error in the status row, beside the prompt', async () => {
    const { app, screen, status } = await openDemoApp(demo.store, { cols: 80, rows: 15, messages: (id) => demo.messages.get(id) });
    screen.write('fstauts:500\r');
    await screen.waitFor(() => status().includes('! unknown filter word stauts:'));
    expect(status()).toMatch(/^filter: stauts:500 +! unknown filter word stauts:/);
    expect([...status()]).toHaveLength(80);
    // An edit takes the error away again.
    screen.press('Backspace');
    await screen.waitFor(() => !status().includes('unknown'));
    expect(status()).toMatch(/^filter: stauts:50 /);
    app.dispose();
  });
});
