/**
 * The real app capturing live on the loopback interface (`-i lo tcp port PORT`; needs root or
 * CAP_NET_RAW and the pcap binding, as in CI): a TCP exchange with a local server appears as a
 * flow with its first line and its conversation.
 */
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveCaptureUnavailableReason } from '../../../src/capture/live.js';
import { cannotRun } from '../../support/requirements.js';
import { conversationRows, expectRestored, listRows, openFlowspy, statusRow } from './support.js';

const notRoot = typeof process.getuid === 'function' && process.getuid() !== 0;
const skipReason = liveCaptureUnavailableReason() ?? (notRoot ? 'not root: live capture needs root or CAP_NET_RAW' : undefined);

/** Sends `text` to 127.0.0.1:`port`, half-closes, resolves with the whole reply. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(text));
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

describe.skipIf(cannotRun(skipReason, 'the TUI capturing live on lo'))('live capture on lo', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      socket.on('data', () => undefined);
      socket.on('end', () => socket.end('250 live reply\r\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  it('a loopback exchange appears as a flow with its summary; q asks, y exits 0', async () => {
    const screen = openFlowspy(['-i', 'lo', `tcp port ${port}`]);
    await screen.waitFor((s) => statusRow(s).startsWith(` lo tcp port ${port} · 0 flows`));
    expect(listRows(screen)).toEqual([' waiting for flows…']);

    expect(await exchange(port, 'HELO live.example\r\nQUIT\r\n')).toBe('250 live reply\r\n');
    await screen.waitFor((s) => conversationRows(s).includes('= end: connection closed'));
    // One flow: its addresses are in the header, its ports in the row.
    expect(listRows(screen)).toEqual([expect.stringMatching(new RegExp(`^ +1 :\\d+ → :${port} +closed .* SMTP HELO live\\.example → 250 \\(`))]);
    expect(screen.line(0)).toMatch(/ from 127\.0\.0\.1 to 127\.0\.0\.1 *$/);
    expect(conversationRows(screen)).toEqual(expect.arrayContaining(['> HELO live.example', '> QUIT', '< 250 live reply']));
    expect(statusRow(screen)).toMatch(/ · 1 flow · .*FOLLOW/);

    screen.press('q');
    await screen.waitFor((s) => statusRow(s).startsWith('stop the capture and quit? (y/n)'));
    screen.press('y');
    expect((await screen.waitForExit()).exitCode).toBe(0);
    expectRestored(screen);
    expect(screen.line(0)).toMatch(/^flowspy: 1 flow, /);
  });
});
