import { describe, expect, it } from 'vitest';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

const FILE: TuiSource = { kind: 'file', label: () => 'empty.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

/** The app over a capture with no flow at all, in 80x24. */
async function emptyApp(): Promise<{ app: TuiApp; screen: ReturnType<typeof openInProcessScreen>['screen']; text: () => string }> {
  const table = new MessageTable();
  const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 24 });
  const app = new TuiApp({ terminal, store: new FlowStore(), source: FILE, actions: {} as TuiActions, follow: false, messages: (id) => table.get(id) });
  const text = (): string => Array.from({ length: screen.rows }, (_, y) => screen.line(y)).join('\n');
  await screen.waitFor(() => text().includes('0 flows'));
  return { app, screen, text };
}

describe('keys acting on flows, with no flow at all', () => {
  it('y says there is no flow, not that the flow has no HTTP request', async () => {
    const { app, screen, text } = await emptyApp();
    screen.press('y');
    await screen.waitFor(() => text().includes('y: no flow selected'));
    expect(text()).not.toContain('HTTP request');
    app.dispose();
  });

  it('w says at once that no flows are shown, without asking for a file name', async () => {
    const { app, screen, text } = await emptyApp();
    screen.press('w');
    await screen.waitFor(() => text().includes('w: no flows shown to write'));
    expect(text()).not.toContain('write pcap:');
    app.dispose();
  });
});
