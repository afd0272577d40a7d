import { describe, expect, it } from 'vitest';
import { openDemoApp } from './demoApp.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();

describe('a message filter word matching a later exchange of a keep-alive flow', () => {
  it('the row summarises the matching exchange, and Enter opens the flow at it', async () => {
    const { app, screen } = await openDemoApp(demo.store, { cols: 120, rows: 24, env: { TERM: 'xterm-256color' }, messages: (id) => demo.messages.get(id) });
    const rows = (): string[] => screen.text().map((line) => line.trimEnd());
    screen.press('f', ...'path:/style', 'Enter');
    await screen.waitFor(() => rows().some((line) => line.includes('1/5 flows')));
    expect(rows()[1]).toMatch(/^ {2}1 .* #2 GET \/style\.css -> 200 \(2 req\)$/);
    screen.press('Enter');
    await screen.flush();
    const title = rows().findIndex((line) => line.startsWith(' #1 '));
    expect(rows()[title + 1]).toMatch(/^= #2 GET \/style\.css -> 200 OK/);
    app.dispose();
  });

  it('a word every exchange matches keeps the flagged one the row names: host:shop leaves `! #2 … → after-close`', async () => {
    const { app, screen } = await openDemoApp(demo.store, { cols: 120, rows: 24, env: { TERM: 'xterm-256color' }, messages: (id) => demo.messages.get(id) });
    const rows = (): string[] => screen.text().map((line) => line.trimEnd());
    screen.press('f', ...'host:shop', 'Enter');
    await screen.waitFor(() => rows().some((line) => line.includes('2/5 flows')));
    expect(rows()[2]).toMatch(/^ {2}3 .* ! #2 GET \/api\/\S* -> after-close \(2 req\)$/);
    // Row 1 names its first exchange: the conversation below shows the flow from its start.
    const below = rows()[rows().findIndex((line) => line.startsWith(' #1 ')) + 1];
    expect(below).toMatch(/^= 192\.168\.1\.23:51000 -> 198\.51\.100\.10:80 connected/);
    app.dispose();
  });

  it('the conversation below the list shows a row\'s named exchange as the selection reaches it, before Enter', async () => {
    const { app, screen } = await openDemoApp(demo.store, { cols: 120, rows: 24, env: { TERM: 'xterm-256color' }, messages: (id) => demo.messages.get(id) });
    const rows = (): string[] => screen.text().map((line) => line.trimEnd());
    const below = (title: string): string => rows()[rows().findIndex((line) => line.startsWith(title)) + 1];
    const pane = (title: string): string[] => rows().slice(rows().findIndex((line) => line.startsWith(title)) + 1);
    screen.press('j', 'j');
    await screen.flush();
    // The last page cannot put #2 at the top of so short a pane: it is in view, from its first line.
    expect(pane(' #3 ')).toContainEqual(expect.stringMatching(/^= #2 GET \/api\/status\?again=1 -> no response/));
    expect(pane(' #3 ')).not.toContainEqual(expect.stringMatching(/connected/));
    // A row naming no exchange shows its flow from the start.
    screen.press('k');
    await screen.flush();
    expect(below(' #2 ')).toMatch(/^= 192\.168\.1\.50:40222 -> 203\.0\.113\.25:25 connected/);
    app.dispose();
  });

  it('in a raw mode, Enter opens the flow at the matched request\'s first byte', async () => {
    const { app, screen } = await openDemoApp(demo.store, { cols: 120, rows: 24, env: { TERM: 'xterm-256color' }, messages: (id) => demo.messages.get(id) });
    const rows = (): string[] => screen.text().map((line) => line.trimEnd());
    const below = (title: string): string => rows()[rows().findIndex((line) => line.startsWith(title)) + 1];
    // The text mode, chosen with m on the first flow, stays for the next ones.
    screen.press('Enter', 'm', 'Esc');
    await screen.flush();
    screen.press('f', ...'path:/style', 'Enter');
    await screen.waitFor(() => rows().some((line) => line.includes('1/5 flows')));
    screen.press('Enter');
    await screen.flush();
    expect(below(' #1 ')).toBe('> GET /style.css HTTP/1.1');
    screen.press('x', 'Esc', 'Enter');
    await screen.flush();
    expect(below(' #1 ')).toMatch(/^> 0000011[0-9a-f]  47 45 54 20 2f 73 74 79/);
    app.dispose();
  });
});
