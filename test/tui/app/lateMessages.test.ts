import { describe, expect, it } from 'vitest';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { MessageBackfill } from '../../../src/tui/messageBackfill.js';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

/** The app on the demo with no messages parsed yet; `parse()` parses them all (as after a file's load) and redraws. */
async function openApp() {
  const table = new MessageTable();
  const { app, screen, status } = await openDemoApp(demo.store, { cols: 100, rows: 24, messages: (id) => table.get(id) });
  const rows = (): string[] => screen.text().map((line) => line.trimEnd());
  /** The conversation's rows, below its title. */
  const conversation = (): string[] => rows().slice(rows().findIndex((line) => /^ #\d /.test(line)) + 1, screen.rows - 2);
  const parse = async (): Promise<void> => {
    await new MessageBackfill(demo.store, table, () => undefined).run();
    app.sourceChanged();
    await screen.waitFor(() => /GET \/ → 200/.test(rows()[1] ?? ''));
  };
  return { app, screen, status, conversation, parse };
}

describe('messages parsed while a conversation is open', () => {
  it('the flow being read keeps its mode and its window', async () => {
    const { app, screen, status, conversation, parse } = await openApp();
    screen.press('Enter');
    await screen.waitFor(() => status().includes('text UTF-8'));
    screen.press('j', 'j', 'j');
    await screen.waitFor(() => conversation()[0] === '> User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0');
    const before = conversation();
    await parse();
    expect(status()).toContain('text UTF-8');
    expect(conversation()).toEqual(before);
    // The messages mode is one m cycle away; Esc and the list's selection keep the hold on the flow.
    screen.press('Esc');
    await screen.waitFor(() => screen.line(screen.rows - 1).startsWith(' Enter open'));
    expect(status()).toContain('text UTF-8');
    screen.press('Enter', 'm', 'm', 'm');
    await screen.waitFor(() => status().includes('· messages ·'));
    app.dispose();
  });

  it('a flow only previewed from the list takes the messages mode once its messages are parsed', async () => {
    const { app, screen, status, parse } = await openApp();
    await screen.waitFor(() => status().includes('text UTF-8'));
    await parse();
    await screen.waitFor(() => status().includes('· messages ·'));
    // Another flow opened now opens in the messages mode, and so does the first one again.
    screen.press('j', 'Enter');
    await screen.waitFor(() => status().includes('· messages ·') && screen.text().some((line) => line.startsWith(' #2 ')));
    app.dispose();
  });
});
