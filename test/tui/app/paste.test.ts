/**
 * A paste into a prompt: blessed hands the app one key per character, all in one turn; the
 * app draws once for them, not once per character (8,000 frames took seconds).
 */
import { describe, expect, it } from 'vitest';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

describe('a paste into the filter prompt', () => {
  it('is drawn once, with its end in the prompt, and applies as typed', async () => {
    const { app, screen, terminal, status } = await openDemoApp(demo.store, { cols: 80, rows: 24 });
    screen.press('f');
    await screen.waitFor(() => status().startsWith('filter: '));
    let renders = 0;
    terminal.screen.on('render', () => renders++);
    const pasted = `~${'eyJhbGciOiJIUzI1NiJ9'.repeat(400)}END`;
    screen.write(pasted);
    await screen.waitFor(() => status().includes('J9END'));
    expect(renders).toBeLessThanOrEqual(2);
    screen.press('Enter');
    await screen.waitFor(() => status().includes('0/5 flows'));
    app.dispose();
  });
});
