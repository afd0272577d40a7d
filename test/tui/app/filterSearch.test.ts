import { describe, expect, it } from 'vitest';
import type { TuiActions } from '../../../src/tui/app.js';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { MessageBackfill } from '../../../src/tui/messageBackfill.js';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();
const saved: number[] = [];
const ACTIONS = { saveFlow: async (id: number) => (saved.push(id), [`flow-${id}`]) } as unknown as TuiActions;

/** The app on the demo, ASCII glyphs (no UTF-8 locale: the separator is `|`, the `~text` marker `~`). */
async function openApp(messages?: MessageTable) {
  const { app, screen, status } = await openDemoApp(demo.store, { cols: 100, rows: 24, env: { TERM: 'xterm-256color' }, actions: ACTIONS, ...(messages ? { messages: (id: number) => messages.get(id) } : {}) });
  const rows = (): string[] => screen.text().map((line) => line.trimEnd());
  /**
   * Types a filter; returns the first frame after Enter (the search's next frame comes at the
   * engine redraw interval, 100 ms later), then waits until the search is over.
   */
  const filter = async (text: string, shown: string): Promise<string[]> => {
    screen.press('f');
    await screen.flush();
    screen.press('\x15', ...text, 'Enter'); // C-u clears the previous filter
    await screen.flush();
    const first = rows();
    await screen.waitFor(() => status().includes(shown) && !status().includes('searching'));
    return first;
  };
  return { app, screen, status, rows, filter };
}

describe('a ~text filter while it searches, and once nothing matches', () => {
  it('the empty list says it is searching, not that nothing matches; one separator before the progress', async () => {
    const { app, filter } = await openApp();
    const first = await filter('~nginx', '/5 flows');
    expect(first[1]).toBe(' searching the flows: none has matched yet (f to change the filter)');
    // No flow is shown, so no display mode is named.
    expect(first[22]).toMatch(/^ demo\.pcap \| 0\/5 flows \| filter ~nginx \| (?:.* \| )?searching 0\/5 flows \| \? help$/);
    expect(first[22]).not.toMatch(/text|hex|messages/);
    expect(first[22]).not.toMatch(/\| ~ searching/);
    app.dispose();
  });

  it('Esc while it searches cancels the filter, and says how to take it up again', async () => {
    const { app, screen, status, rows } = await openApp();
    screen.press('f');
    await screen.flush();
    screen.press('\x15', ...'~nginx', 'Enter', 'Esc'); // Esc before the search's first step
    await screen.waitFor(() => status().includes('cancelled'));
    expect(status()).toContain('filter ~nginx cancelled while it searched the flows (f then Up brings it back)');
    expect(rows().slice(1, 6).map((line) => line.trim().split(' ')[0])).toEqual(['1', '2', '3', '4', '5']); // every flow listed again
    screen.press('f', 'Up');
    await screen.waitFor(() => rows().some((line) => line.includes('filter: ~nginx')));
    app.dispose();
  });

  it('Esc in the list clears a filter that is done (after unzoom and leaving the conversation)', async () => {
    const { app, screen, status, filter } = await openApp();
    await filter('smtp', '1/5 flows');
    screen.press('Esc');
    await screen.waitFor(() => status().includes('cleared'));
    expect(status()).toContain('filter smtp cleared (f then Up brings it back)');
    expect(status()).toContain(' 5 flows');
    app.dispose();
  });

  it('0 flows match: the conversation no longer shows (nor s saves) the flow that was open', async () => {
    const { app, screen, status, rows, filter } = await openApp();
    screen.press('Enter');
    await screen.waitFor(() => rows().some((line) => line.startsWith(' #1 ')));
    await filter('~yyyy', '0/5 flows');
    expect(rows()).toContain(' no flow matches the filter (f to change it)');
    expect(rows()).toContain(' conversation');
    expect(rows().some((line) => line.startsWith(' #1 '))).toBe(false);
    screen.press('s');
    await screen.waitFor(() => status().includes('no flow selected'));
    expect(saved).toEqual([]);
    app.dispose();
  });

  it('the open flow stays while the filter shows it; another filter hiding it gives way to the selection', async () => {
    const { app, screen, rows, filter } = await openApp();
    screen.press('Enter');
    await screen.waitFor(() => rows().some((line) => line.startsWith(' #1 ')));
    await filter('~shop.example', '/5 flows');
    expect(rows().some((line) => line.startsWith(' #1 '))).toBe(true);
    await filter(':25', '1/5 flows');
    expect(rows().some((line) => line.startsWith(' #2 192.168.1.50:40222 > 203.0.113.25:25'))).toBe(true);
    app.dispose();
  });
});

describe('a ~text filter carried into the conversation', () => {
  it('n with no search typed looks for the filter text there, and says so; / then takes over', async () => {
    const { app, screen, status, rows, filter } = await openApp();
    await filter('~firefox', '/5 flows');
    screen.press('Enter');
    await screen.waitFor(() => rows().some((line) => line.startsWith(' #1 ')));
    screen.press('n');
    await screen.waitFor(() => /filter's ~firefox: match 1 of \d/.test(status()));
    screen.press('/', ...'Host', 'Enter');
    await screen.waitFor(() => /match \d+ of \d/.test(status()) && !status().includes("filter's"));
    app.dispose();
  });

  it('without a ~text filter, n still asks for a search', async () => {
    const { app, screen, status, rows } = await openApp();
    screen.press('Enter');
    await screen.waitFor(() => rows().some((line) => line.startsWith(' #1 ')));
    screen.press('n');
    await screen.waitFor(() => status().includes('no search yet: press /'));
    app.dispose();
  });
});

describe('a filter in tcpdump or Wireshark words, which matches nothing', () => {
  it('the empty list says how flowspy spells them, the exchange list too', async () => {
    const table = new MessageTable();
    await new MessageBackfill(demo.store, table, () => undefined).run();
    const { app, screen, rows, filter } = await openApp(table);
    await filter('GET or SMTP', '0/5 flows');
    expect(rows()[1]).toBe(' no flow matches; words are ANDed: a|b for or');
    await filter('ip.addr==198.51.100.10', '0/5 flows');
    expect(rows()[1]).toBe(' no flow matches; words are ANDed: 10.0.0.2 for a host');
    await filter('tcp port 80', '0/5 flows');
    expect(rows()[1]).toBe(' no flow matches; words are ANDed: :80 for a port');
    screen.press('v');
    await screen.waitFor(() => rows()[1].startsWith(' no exchange'));
    expect(rows()[1]).toBe(' no exchange matches; words are ANDed: :80 for a port');
    app.dispose();
  });
});
