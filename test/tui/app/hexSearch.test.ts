import { describe, expect, it } from 'vitest';
import { openOneFlowApp } from './oneFlowApp.js';

describe('/ in hex mode', () => {
  it('an odd count of hex digits not found as text says hex search takes pairs of hex digits', async () => {
    const { app, screen } = await openOneFlowApp({ port: 7, sends: [['c2s', 'hello\r\n']], cols: 100, rows: 24 });
    const status = (): string => screen.line(screen.rows - 2) + screen.line(screen.rows - 1);
    screen.press('Enter', 'x', '/', '0', 'd', '0', 'Enter');
    await screen.waitFor(() => status().includes('not found'));
    expect(status()).toContain('not found: 0d0 (hex search takes pairs of hex digits: 0d0a)');
    screen.press('/', '0', 'd', '0', 'a', 'Enter');
    await screen.waitFor(() => status().includes('match 1 of 1'));
    app.dispose();
  });
});
