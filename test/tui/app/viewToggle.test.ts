import { describe, expect, it } from 'vitest';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

const FILE: TuiSource = { kind: 'file', label: () => 'x.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

describe('v at 40 columns', () => {
  it('says what a row is in words (29 columns) that fit the status row whole, not cut nor split over two rows', async () => {
    const table = new MessageTable();
    const { terminal, screen } = openInProcessScreen({ cols: 40, rows: 24 });
    const app = new TuiApp({ terminal, store: new FlowStore(), source: FILE, actions: {} as TuiActions, follow: false, messages: (id) => table.get(id) });
    const status = (): string => screen.line(screen.rows - 2);
    await screen.waitFor(() => status().includes('0 flows'));
    screen.press('v');
    await screen.waitFor(() => status().includes('(v: flows)'));
    expect(status()).toMatch(/^ a row per exchange \(v: flows\) /);
    screen.press('v');
    await screen.waitFor(() => status().includes('(v: exchanges)'));
    expect(status()).toMatch(/^ a row per flow \(v: exchanges\) /);
    app.dispose();
  });
});
