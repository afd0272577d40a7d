import { describe, expect, it } from 'vitest';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

const FILE: TuiSource = { kind: 'file', label: () => 'x.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

describe('/ in hex mode', () => {
  it('an odd count of hex digits not found as text says hex search takes pairs of hex digits', async () => {
    const store = new FlowStore();
    const table = new MessageTable();
    const apply = (event: Parameters<FlowStore['apply']>[0]): void => {
      store.apply(event);
      table.apply(event);
    };
    const key = { client: { addr: '10.0.0.1', port: 1000 }, server: { addr: '10.0.0.2', port: 7 } };
    apply({ type: 'flow-start', flowId: 1, key, ts: 1, origin: 'proxy', sawHandshake: true });
    const data = Buffer.from('hello\r\n');
    apply({ type: 'data', flowId: 1, dir: 'c2s', offset: 0, bytes: data, length: data.length, ts: 2, fileOffset: -1 });
    const { terminal, screen } = openInProcessScreen({ cols: 100, rows: 24 });
    const app = new TuiApp({ terminal, store, source: FILE, actions: {} as TuiActions, follow: false, messages: (id) => table.get(id) });
    const status = (): string => screen.line(screen.rows - 2) + screen.line(screen.rows - 1);
    await screen.waitFor(() => status().includes('1 flow'));
    screen.press('Enter', 'x', '/', '0', 'd', '0', 'Enter');
    await screen.waitFor(() => status().includes('not found'));
    expect(status()).toContain('not found: 0d0 (hex search takes pairs of hex digits: 0d0a)');
    screen.press('/', '0', 'd', '0', 'a', 'Enter');
    await screen.waitFor(() => !status().includes('not found'));
    app.dispose();
  });
});
