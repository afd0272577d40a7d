import { describe, expect, it } from 'vitest';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

const FILE: TuiSource = { kind: 'file', label: () => 'mid.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

describe('y on an exchange without its request', () => {
  it('says that exchange has none, not that the flow has no request', async () => {
    const store = new FlowStore();
    const table = new MessageTable();
    const apply = (event: Parameters<FlowStore['apply']>[0]): void => {
      store.apply(event);
      table.apply(event);
    };
    const key = { client: { addr: '10.0.0.1', port: 1000 }, server: { addr: '10.0.0.2', port: 80 } };
    apply({ type: 'flow-start', flowId: 1, key, ts: 1, origin: 'proxy', sawHandshake: true });
    const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    apply({ type: 'data', flowId: 1, dir: 's2c', offset: 0, bytes: response, length: response.length, ts: 2, fileOffset: -1 });
    const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 24 });
    const app = new TuiApp({ terminal, store, source: FILE, actions: {} as TuiActions, follow: false, messages: (id) => table.get(id) });
    const status = (): string => screen.line(screen.rows - 2);
    await screen.waitFor(() => status().includes('1 flow'));
    screen.press('Enter', 'y');
    await screen.waitFor(() => status().includes('y: exchange #1 has no request (a response without one)'));
    app.dispose();
  });
});
