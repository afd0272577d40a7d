import { describe, expect, it } from 'vitest';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

const FILE: TuiSource = { kind: 'file', label: () => 'smtp.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

describe('] and [ in an SMTP conversation (messages mode)', () => {
  it('step from command to command and say so at the last and the first message', async () => {
    const store = new FlowStore();
    const table = new MessageTable();
    const key = { client: { addr: '10.0.0.1', port: 1000 }, server: { addr: '10.0.0.2', port: 25 } };
    const apply = (event: Parameters<FlowStore['apply']>[0]): void => {
      store.apply(event);
      table.apply(event);
    };
    apply({ type: 'flow-start', flowId: 1, key, ts: 1, origin: 'proxy', sawHandshake: true });
    const offsets = { c2s: 0, s2c: 0 };
    let ts = 2;
    for (const [dir, text] of [
      ['s2c', '220 mx ESMTP\r\n'], ['c2s', 'EHLO a\r\n'], ['s2c', '250-mx\r\n250 PIPELINING\r\n'],
      ...Array.from({ length: 4 }, (_, i) => [['c2s', `NOOP ${i}\r\n`], ['s2c', `250 Ok ${i}\r\n`]]).flat(),
      ['c2s', 'QUIT\r\n'], ['s2c', '221 Bye\r\n'],
    ] as ['c2s' | 's2c', string][]) {
      const bytes = Buffer.from(text);
      apply({ type: 'data', flowId: 1, dir, offset: offsets[dir], bytes, length: bytes.length, ts: ts++, fileOffset: -1 });
      offsets[dir] += bytes.length;
    }
    apply({ type: 'flow-end', flowId: 1, ts: ts++, reason: 'fin', detail: '' });
    const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 9 });
    const app = new TuiApp({ terminal, store, source: FILE, actions: {} as TuiActions, follow: false, messages: (id) => table.get(id) });
    const status = (): string => screen.line(screen.rows - 1) + screen.line(screen.rows - 2);
    const text = (): string => screen.text().join('\n');
    await screen.waitFor(() => status().includes('1 flow'));
    screen.press('Enter', 'z');
    await screen.waitFor(() => text().includes('220 mx ESMTP') && status().includes('messages'));
    const tops: string[] = [];
    for (let i = 0; i < 12 && !status().includes('] :'); i++) {
      screen.press(']');
      await screen.flush();
      tops.push(screen.line(1).trim());
    }
    expect(status()).toContain('] : the last message is in view');
    expect(tops.slice(0, 5)).toEqual(['< 220 mx ESMTP', '> EHLO a', '> NOOP 0', '> NOOP 1', '> NOOP 2']);
    for (let i = 0; i < 12 && !status().includes('[ :'); i++) {
      screen.press('[');
      await screen.flush();
    }
    expect(status()).toContain('[ : the first message is in view');
    app.dispose();
  });
});
