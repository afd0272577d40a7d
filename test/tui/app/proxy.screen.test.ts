/**
 * The real app in proxy mode (`-L 0:127.0.0.1:PORT`) with real HTTP servers and client on
 * loopback: the flow appears live, `r` retargets new connections to a second server, and `q`
 * asks before stopping the proxy.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationRows, expectRestored, listRows, openFlowspy, statusRow } from './support.js';

/** An HTTP server on loopback answering every request with `body`. */
async function startServer(body: string): Promise<{ port: number; server: http.Server }> {
  const server = http.createServer((_request, response) => response.end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

/** GET / on 127.0.0.1:`port` (a new connection); resolves with the response body. */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

let a: Awaited<ReturnType<typeof startServer>>;
let b: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  a = await startServer('from A\n');
  b = await startServer('from B\n');
});
afterAll(() => {
  a.server.close();
  b.server.close();
});

describe('proxy mode', () => {
  it('shows a request live, r retargets the next connection, q asks before stopping', async () => {
    const screen = openFlowspy(['-L', `0:127.0.0.1:${a.port}`]);
    const label = new RegExp(`^ :(\\d+) → 127\\.0\\.0\\.1:${a.port} · 0 flows .*FOLLOW`);
    await screen.waitFor((s) => label.test(statusRow(s)));
    expect(listRows(screen)).toEqual([' waiting for connections…']);
    const listen = Number(label.exec(statusRow(screen))![1]);

    expect(await get(listen)).toBe('from A\n');
    await screen.waitFor((s) => conversationRows(s).includes('= end: connection closed'));
    expect(listRows(screen)).toEqual([expect.stringMatching(new RegExp(`^ +1 :\\d+ → :${a.port} +closed .* GET / → 200$`))]);
    // The proxy's one client and one upstream: named in the header, the columns show ports.
    expect(screen.line(0)).toMatch(/ from 127\.0\.0\.1 to 127\.0\.0\.1 *$/);
    expect(conversationRows(screen)).toEqual(expect.arrayContaining(['> GET / HTTP/1.1', '< HTTP/1.1 200 OK', '< from A']));

    // r opens with the current upstream, to be edited.
    screen.press('r');
    await screen.waitFor((s) => statusRow(s).startsWith(`new upstream host:port: 127.0.0.1:${a.port} `));
    screen.press('C-u', `127.0.0.1:${b.port}`, 'Enter');
    await screen.waitFor((s) => statusRow(s).includes(`new connections go to 127.0.0.1:${b.port}`));

    expect(await get(listen)).toBe('from B\n');
    await screen.waitFor('< from B');
    // The new upstream has the same address: the server column still shows ports.
    expect(listRows(screen)[1]).toMatch(new RegExp(`^ +2 :\\d+ → :${b.port} .* GET / → 200$`));

    // A move up stops following in both panes, and FOLLOW goes; F brings both back.
    expect(statusRow(screen)).toMatch(/FOLLOW/);
    screen.press('k');
    await screen.waitFor((s) => !statusRow(s).includes('FOLLOW'));
    expect(await get(listen)).toBe('from B\n');
    await screen.waitFor((s) => statusRow(s).includes('3 flows'));
    expect(listRows(screen)[0]).toMatch(/^ *1 .*GET/);
    screen.press('F');
    await screen.waitFor((s) => statusRow(s).includes('FOLLOW'));

    screen.press('q');
    await screen.waitFor((s) => statusRow(s).startsWith('stop the proxy and quit? (y/n)'));
    screen.press('n');
    await screen.waitFor((s) => statusRow(s).includes('3 flows'));
    expect(statusRow(screen)).toMatch(new RegExp(`^ :${listen} → 127\\.0\\.0\\.1:${b.port} · 3 flows`));
    expect(screen.exitStatus).toBeUndefined();
    screen.press('q');
    await screen.waitFor((s) => statusRow(s).startsWith('stop the proxy and quit? (y/n)'));
    screen.press('y');
    expect((await screen.waitForExit()).exitCode).toBe(0);
    expectRestored(screen);
    expect(screen.line(0)).toMatch(/^flowspy: 3 connections; [\d,]+ bytes client to server/);
  });

  it('several listeners: the status row names them as far as they fit, then +N more', async () => {
    const screen = openFlowspy(['-L', `0:127.0.0.1:${a.port}`, '-L', `0:127.0.0.1:${b.port}`, '-L', `0:127.0.0.1:${a.port}`], { cols: 100 });
    const two = new RegExp(`^ :\\d+ → 127\\.0\\.0\\.1:${a.port}, :\\d+ → 127\\.0\\.0\\.1:${b.port}, \\+1 more · 0 flows `);
    await screen.waitFor((s) => two.test(statusRow(s)));
    screen.resize(80, 24);
    await screen.waitFor((s) => new RegExp(`^ :\\d+ → 127\\.0\\.0\\.1:${a.port}, \\+2 more · 0 flows`).test(statusRow(s)));
    screen.press('r');
    await screen.waitFor((s) => statusRow(s).includes(`of 3): 1=127.0.0.1:${a.port} `));
    screen.press('Esc');
    await screen.waitFor((s) => statusRow(s).includes('0 flows'));
    screen.press('q');
    await screen.waitFor((s) => statusRow(s).startsWith('stop the proxy'));
    screen.press('y');
    expect((await screen.waitForExit()).exitCode).toBe(0);
  });

  it('a refused upstream: the row says failed, the pane shows what the client sent and why it was reset', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const screen = openFlowspy(['-L', `0:127.0.0.1:${closed}`]);
    const label = new RegExp(`^ :(\\d+) → 127\\.0\\.0\\.1:${closed} · 0 flows`);
    await screen.waitFor((s) => label.test(statusRow(s)));
    const listen = Number(label.exec(statusRow(screen))![1]);
    const client = net.connect(listen, '127.0.0.1');
    await new Promise((resolve) => client.on('error', resolve).on('close', resolve));
    await screen.waitFor((s) => conversationRows(s).some((row) => row.startsWith('= end:')));
    // The row names the upstream failure (the client sent nothing: its messages hold only that).
    // Its server is the upstream asked for, not flowspy's listener.
    expect(listRows(screen)).toEqual([expect.stringMatching(new RegExp(`^ +1 :\\d+ → :${closed} +failed .*! upstream 127\\.0\\.0\\.1:${closed} refused`))]);
    expect(conversationRows(screen)).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^= 127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:${closed} connected to flowspy; upstream not reached$`)),
      `= end: connection reset (RST): upstream 127.0.0.1:${closed} refused: ECONNREFUSED`,
    ]));
    screen.press('f');
    await screen.waitFor((s) => statusRow(s).startsWith('filter: '));
    screen.press('C-u', `:${closed}`, 'Enter');
    await screen.waitFor((s) => statusRow(s).includes(`filter :${closed}`));
    expect(statusRow(screen)).toContain(' 1 flow ');
    expect(listRows(screen)).toHaveLength(1);
    screen.press('q');
    await screen.waitFor((s) => statusRow(s).startsWith('stop the proxy and quit? (y/n)'));
    screen.press('y');
    expect((await screen.waitForExit()).exitCode).toBe(0);
  });

  it('an upstream name that does not resolve: the row says failed, the pane why', async () => {
    const screen = openFlowspy(['-L', '0:no-such-host.invalid:80']);
    const label = /^ :(\d+) → no-such-host\.invalid:80 · 0 flows/;
    await screen.waitFor((s) => label.test(statusRow(s)));
    const client = net.connect(Number(label.exec(statusRow(screen))![1]), '127.0.0.1');
    client.write('GET /data.json HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => client.on('error', resolve).on('close', resolve));
    await screen.waitFor((s) => conversationRows(s).some((row) => row.startsWith('= end:')));
    // Named as the upstream's failure, not as a request the capture missed the answer of.
    expect(listRows(screen)).toEqual([expect.stringMatching(/^ +1 :\d+ → :\d+ +failed .*! upstream no-such-host\.invalid:8/)]);
    expect(conversationRows(screen).join(' ')).toMatch(/#1 GET \/data\.json → upstream not resolved, .*! no response: upstream no-such-host\.invalid:80 not +resolved/);
    expect(conversationRows(screen).join(' ')).toMatch(/= end: connection reset \(RST\): upstream no-such-host\.invalid:80 not resolved: +(ENOTFOUND|EAI_AGAIN)/);
    screen.press('q');
    await screen.waitFor((s) => statusRow(s).startsWith('stop the proxy and quit? (y/n)'));
    screen.press('y');
    expect((await screen.waitForExit()).exitCode).toBe(0);
  });
});
