import { describe, expect, it } from 'vitest';
import { openOneFlowApp } from './oneFlowApp.js';

describe('y on an exchange without its request', () => {
  it('says that exchange has none, not that the flow has no request', async () => {
    const { app, screen } = await openOneFlowApp({ port: 80, sends: [['s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']], cols: 80, rows: 24 });
    const status = (): string => screen.line(screen.rows - 2);
    screen.press('Enter', 'y');
    await screen.waitFor(() => status().includes('y: exchange #1 has no request (a response without one)'));
    app.dispose();
  });
});
