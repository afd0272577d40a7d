/**
 * A paste into a prompt: blessed hands the app one key per character, all in one turn; the
 * app draws once for them, not once per character (8,000 frames took seconds).
 */
import { describe, expect, it } from 'vitest';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

const FILE: TuiSource = { kind: 'file', label: () => 'demo.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

describe('a paste into the filter prompt', () => {
  it('is drawn once, with its end in the prompt, and applies as typed', async () => {
    const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 24 });
    const app = new TuiApp({ terminal, store: demo.store, source: FILE, actions: {} as TuiActions, follow: false });
    const status = (): string => screen.line(screen.rows - 2);
    await screen.waitFor(() => status().includes('5 flows'));
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
