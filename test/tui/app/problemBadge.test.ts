/**
 * A damaged capture's message: said whole in the status row at first, then (after a key) the
 * normal row comes back with a short badge in it, and `?` shows the whole text at its top.
 */
import { describe, expect, it } from 'vitest';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { problemBadge } from '../../../src/tui/problemBadge.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

const PROBLEM = 'damaged capture at byte 874: record announces 1358954496 captured bytes (more than 262144)';
const DAMAGED: TuiSource = { kind: 'file', label: () => 'imap.cap', counters: () => undefined, running: () => false, problem: () => PROBLEM };

describe('a damaged capture on the screen', () => {
  it('is said whole first; after a key the row has the source, the count, the badge and ? help; ? shows it whole', async () => {
    const { terminal, screen } = openInProcessScreen({ cols: 80, rows: 24 });
    const app = new TuiApp({ terminal, store: new FlowStore(), source: DAMAGED, actions: {} as TuiActions, follow: false });
    const status = (): string => screen.line(screen.rows - 2);
    await screen.waitFor(() => status().startsWith(' damaged capture at byte 874: record announces'));
    screen.press('j');
    await screen.waitFor(() => status().includes('damaged @874'));
    expect(status()).toMatch(/^ imap\.cap · 0 flows · .*damaged @874 · \? help *$/);
    screen.press('?');
    await screen.waitFor(() => screen.text().join('\n').includes('flowspy keys'));
    const help = screen.text().join('\n');
    expect(help).toContain(' ! damaged capture at byte 874: record announces 1358954496 captured bytes');
    expect(help).toMatch(/captured bytes \(more\s+than 262144\)/);
    app.dispose();
  });
});

describe('problemBadge', () => {
  it('is `damaged @offset` for a damaged capture (also when the text names the file first), else the text cut', () => {
    expect(problemBadge(PROBLEM, '…')).toBe('damaged @874');
    expect(problemBadge(`corpus/x.cap: ${PROBLEM}`, '…')).toBe('damaged @874');
    expect(problemBadge('damaged capture x.pcap at byte 874, after packet 8: record announces 1358954496 captured bytes', '…')).toBe('damaged @874');
    // A capture that ends inside a record: its name would fill the badge.
    expect(problemBadge('capture /work/shared/corpus/pcaps/derived__zeek_http_get_TRUNCATED-mid-record.pcap cut short at byte 4366, after packet 7: record of 1514 bytes has only 700', '…')).toBe('cut short @4366');
    expect(problemBadge('-w out.pcap: cannot write: no space left on device', '…')).toBe('-w out.pcap: cannot wri…');
  });
});
