/**
 * In a locale that is not UTF-8 (LANG=C) the arrows and ellipses of flowspy's own words (the
 * proxy's listener on the status row, what the empty list says, status messages) are written in
 * ASCII, as the rows are: never `?` where the terminal cannot draw `→` or `…`.
 */
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../../src/core/types.js';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { escapeText } from '../../../src/render/escape.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

const PROXY: TuiSource = { kind: 'proxy', label: () => ':8955 → 127.0.0.1:8957', counters: () => undefined, running: () => true, problem: () => undefined };

describe('flowspy\'s own words with ASCII glyphs', () => {
  it('the listener\'s arrow and the empty lists\' ellipses: ASCII, no ?', async () => {
    const table = new MessageTable();
    const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 24, env: { TERM: 'xterm-256color', LANG: 'C' } });
    const app = new TuiApp({ terminal, store: new FlowStore(), source: PROXY, actions: {} as TuiActions, follow: true, messages: (id) => table.get(id) });
    const text = (): string => Array.from({ length: screen.rows }, (_, y) => screen.line(y)).join('\n');
    await screen.waitFor(() => text().includes('0 flows'));
    expect(text()).toContain(':8955 -> 127.0.0.1:8957');
    expect(text()).toContain('waiting for connections~');
    expect(text().replaceAll('? help', '')).not.toContain('?');
    screen.press('v');
    await screen.waitFor(() => text().includes('no HTTP exchange yet~'));
    expect(text().replaceAll('? help', '')).not.toContain('?');
    app.dispose();
  });

  it('characters from the network the terminal cannot draw are escaped, not drawn as ?, until the screen is gone', async () => {
    const store = new FlowStore();
    const table = new MessageTable();
    const key = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 7000 } };
    const bytes = Buffer.from('caf\u00e9 \u4e2d\u6587 a\u2192b\r\n');
    const events: FlowEvent[] = [
      { type: 'flow-start', flowId: 1, key, ts: 1, origin: 'capture', sawHandshake: true },
      { type: 'data', flowId: 1, dir: 'c2s', offset: 0, bytes, length: bytes.length, ts: 2, fileOffset: -1 },
    ];
    for (const event of events) {
      store.apply(event);
      table.apply(event);
    }
    const source: TuiSource = { kind: 'file', label: () => 'x.pcap', counters: () => undefined, running: () => false, problem: () => undefined };
    const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 24, env: { TERM: 'xterm-256color', LANG: 'C' } });
    const app = new TuiApp({ terminal, store, source, actions: {} as TuiActions, follow: false, messages: (id) => table.get(id) });
    const text = (): string => Array.from({ length: screen.rows }, (_, y) => screen.line(y)).join('\n');
    // In the conversation a captured arrow is escaped too (the list's summary writes arrows `->`).
    await screen.waitFor(() => text().includes('> caf\\u{e9} \\u{4e2d}\\u{6587} a\\u{2192}b'));
    expect(text().replaceAll('? help', '')).not.toContain('?');
    app.dispose();
    terminal.restore();
    expect(escapeText('caf\u00e9')).toBe('caf\u00e9');
  });
});
