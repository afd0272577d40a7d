import { describe, expect, it } from 'vitest';
import { openOneFlowApp } from './oneFlowApp.js';

describe('] and [ in an SMTP conversation (messages mode)', () => {
  it('step from command to command and say so at the last and the first message', async () => {
    const sends: ['c2s' | 's2c', string][] = [
      ['s2c', '220 mx ESMTP\r\n'], ['c2s', 'EHLO a\r\n'], ['s2c', '250-mx\r\n250 PIPELINING\r\n'],
      ...Array.from({ length: 4 }, (_, i): ['c2s' | 's2c', string][] => [['c2s', `NOOP ${i}\r\n`], ['s2c', `250 Ok ${i}\r\n`]]).flat(),
      ['c2s', 'QUIT\r\n'], ['s2c', '221 Bye\r\n'],
    ];
    const { app, screen } = await openOneFlowApp({ port: 25, sends, ended: true, cols: 80, rows: 9 });
    const status = (): string => screen.line(screen.rows - 1) + screen.line(screen.rows - 2);
    const text = (): string => screen.text().join('\n');
    screen.press('Enter', 'z');
    await screen.waitFor(() => text().includes('220 mx ESMTP') && status().includes('messages'));
    const tops: string[] = [];
    for (let i = 0; i < 12 && !status().includes('] :'); i++) {
      screen.press(']');
      await screen.flush();
      tops.push(screen.line(1).trim());
    }
    expect(status()).toContain(']: the last message is in view');
    expect(tops.slice(0, 5)).toEqual(['< 220 mx ESMTP', '> EHLO a', '> NOOP 0', '> NOOP 1', '> NOOP 2']);
    for (let i = 0; i < 12 && !status().includes('[ :'); i++) {
      screen.press('[');
      await screen.flush();
    }
    expect(status()).toContain('[: the first message is in view');
    app.dispose();
  });
});
