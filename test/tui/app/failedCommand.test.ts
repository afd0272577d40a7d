/**
 * Enter on a line protocol's flow whose summary names a failed command (`! SMTP RCPT TO:<…> →
 * 554`) opens the flow at that command, as it opens an HTTP flow at its flagged exchange; the
 * conversation below the list shows it there too.
 */
import { describe, expect, it } from 'vitest';
import { openOneFlowApp } from './oneFlowApp.js';

const SMTP: [('c2s' | 's2c'), string][] = [
  ['s2c', '220 mail.example ESMTP\r\n'],
  ['c2s', 'EHLO laptop\r\n'],
  ['s2c', '250-mail.example\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n'],
  ['c2s', 'MAIL FROM:<a@b.test>\r\n'],
  ['s2c', '250 OK\r\n'],
  ...Array.from({ length: 12 }, (_, i): ['c2s' | 's2c', string][] => [['c2s', `RCPT TO:<ok${i}@y.test>\r\n`], ['s2c', '250 OK\r\n']]).flat(),
  ['c2s', 'RCPT TO:<bad@y.test>\r\n'],
  ['s2c', '554 no such user\r\n'],
  ...Array.from({ length: 8 }, (): ['c2s' | 's2c', string][] => [['c2s', 'NOOP\r\n'], ['s2c', '250 OK\r\n']]).flat(),
  ['c2s', 'QUIT\r\n'],
  ['s2c', '221 bye\r\n'],
];

describe('a line protocol flow whose summary names a failed command', () => {
  it('the conversation below the list and Enter show the flow at that command', async () => {
    const { app, screen } = await openOneFlowApp({ port: 25, sends: SMTP, ended: true, cols: 100, rows: 24 });
    const rows = (): string[] => screen.text().map((line) => line.trimEnd());
    await screen.waitFor(() => rows().some((line) => line.includes('! SMTP RCPT TO:<bad@y.test> → 554')));
    const pane = (): string[] => rows().slice(rows().findIndex((line) => line.startsWith(' #1 ')) + 1);
    await screen.waitFor(() => pane()[0]?.startsWith('> RCPT TO:<bad@y.test>') === true);
    screen.press('Enter');
    await screen.flush();
    expect(pane()[0]).toBe('> RCPT TO:<bad@y.test>');
    expect(pane()[1]).toBe('< 554 no such user');
    app.dispose();
  });
});
