/**
 * In a locale that is not UTF-8 (LANG=C) the arrows and ellipses of flowspy's own words (the
 * proxy's listener on the status row, what the empty list says, status messages) are written in
 * ASCII, as the rows are: never `?` where the terminal cannot draw `→` or `…`.
 */
import { describe, expect, it } from 'vitest';
import { MessageTable } from '../../../src/messages/messageTable.js';
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
});
