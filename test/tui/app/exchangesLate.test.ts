import { describe, expect, it } from 'vitest';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { MessageBackfill } from '../../../src/tui/messageBackfill.js';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

describe('the exchange list of a file whose messages are parsed after its load', () => {
  it('is empty until they are, then lists them as they come', async () => {
    const table = new MessageTable();
    const { app, screen, status } = await openDemoApp(demo.store, { cols: 80, rows: 24, messages: (id) => table.get(id) });
    screen.press('v');
    await screen.waitFor(() => screen.line(1).includes('no HTTP exchange in these flows'));
    await new MessageBackfill(demo.store, table, (flowId) => app.sourceChanged(flowId)).run();
    await screen.waitFor(() => /^ {2}3#2 ! GET +shop\.example\/api\/status\?again=1 +after-close/.test(screen.line(4)));
    screen.press('j');
    await screen.waitFor(() => status().includes('5 exchanges'));
    app.dispose();
  });
});

/** The app on the demo, its messages parsed before it opens, at 80x24. */
async function openParsedDemo() {
  const table = new MessageTable();
  await new MessageBackfill(demo.store, table, () => undefined).run();
  return openDemoApp(demo.store, { cols: 80, rows: 24, messages: (id) => table.get(id) });
}

describe('the exchange list under a ~text filter', () => {
  it('shows the exchanges of the flows the byte search finds, though the flow list shows none', async () => {
    const { screen, app, status } = await openParsedDemo();
    screen.press('v');
    await screen.waitFor(() => status().includes('5 exchanges'));
    // `css` is in no flow's summary: the flow list shows no row, but flow 1's bytes hold it (style.css).
    screen.press('f', ...'~Referer css', 'Enter');
    await screen.waitFor(() => status().includes('1/5 exchanges'));
    expect(screen.line(1)).toMatch(/^ {2}1#2 {3}GET +shop\.example\/style\.css/);
    app.dispose();
  });
});

describe('the conversation under the exchange list', () => {
  it('shows the selected exchange however the selection moved: a key, a / search', async () => {
    const { screen, app } = await openParsedDemo();
    const rows = (): string[] => Array.from({ length: screen.rows }, (_, y) => screen.line(y));
    const shows = (text: string): boolean => rows().some((row) => row.startsWith(`= ${text}`));
    screen.press('v');
    await screen.waitFor(() => shows('#1 GET / → 200 OK'));
    screen.press('j');
    await screen.waitFor(() => shows('#2 GET /style.css → 200 OK'));
    screen.press('/', ...'annual', 'Enter');
    await screen.waitFor(() => shows('#1 GET /reports/2025/annual.csv → 200 OK'));
    app.dispose();
  });
});
