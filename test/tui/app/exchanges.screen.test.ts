/**
 * The exchange list on the screen (`v`): the demo's HTTP exchanges a row each, sorted with `o`,
 * filtered per exchange with `f`, opened with Enter at that exchange, back with Esc on the same
 * row, and back to the flows with `v` on that exchange's flow; through the proxy, rows come live.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { conversationRows, hintRow, isInverse, listRows, lines, openDemo, openFlowspy, quit, rowWith, statusRow } from './support.js';

/** GET `path` on 127.0.0.1:`port` over a new connection; resolves with the status. */
function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('exchange list on the screen', () => {
  it('switches views, sorts, filters and opens an exchange', async () => {
    const screen = await openDemo();
    screen.press('v');
    await screen.waitFor((s) => lines(s)[0].startsWith('flow#       request (exchanges)'));
    expect(listRows(screen)).toEqual([
      '  1#1   GET shop.example/                                      200     936  26ms',
      '  1#2   GET shop.example/style.css                             200     227  20ms',
      '  3#1   GET shop.example/api/status                            200      49  18ms',
      '  3#2 ! GET shop.example/api/status?again=1                    after-close',
      '  5#1 ! GET reports.example:8080/reports/2025/annual.csv       200  76/48k   9ms',
    ]);
    expect(statusRow(screen)).toContain('5 exchanges');
    screen.press('j');
    await screen.waitFor((s) => isInverse(s, 2, '1#2'));
    expect(hintRow(screen)).toContain('v view');

    screen.press('o');
    await screen.waitFor((s) => statusRow(s).includes('sorted by duration'));
    expect(listRows(screen)[0]).toMatch(/^ {2}1#1 .* 26ms$/);
    screen.press('o', 'o', 'o', 'o');
    await screen.waitFor((s) => statusRow(s).includes('sorted by arrival'));

    screen.press('f', ...'path:/api', 'Enter');
    await screen.waitFor((s) => statusRow(s).includes('2/5 exchanges'));
    expect(listRows(screen).map((row) => row.slice(0, 5))).toEqual(['  3#1', '  3#2']);

    // Enter: flow 3 in the messages mode at its second exchange, after what came just before it
    // (the server's FIN, the note that the request was sent after it); Esc: back on the same row.
    screen.press('j', 'Enter');
    await screen.waitFor((s) => hintRow(s).startsWith(' x hex') && conversationRows(s)[2]?.startsWith('= #2 GET /api/status?again=1') === true);
    expect(conversationRows(screen)[0]).toBe('= server closed its side (FIN)');
    expect(rowWith(screen, ' #3 192.168.1.23:51002')).toBeGreaterThan(0);
    screen.press('Esc');
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
    expect(isInverse(screen, 2, '3#2')).toBe(true);

    // v: the flows again, the exchange's flow selected, the filter kept.
    screen.press('v');
    await screen.waitFor((s) => statusRow(s).includes('1/5 flows'));
    expect(listRows(screen)[0]).toMatch(/^ {2}3 /);
    await quit(screen);
  });

  it('a zoomed list stays zoomed: Enter opens the exchange zoomed, Esc and q come back to the zoomed list', async () => {
    const screen = await openDemo();
    screen.press('v', 'z');
    await screen.waitFor((s) => lines(s)[0].startsWith('flow#') && rowWith(s, ' conversation') === -1 && rowWith(s, ' #1 ') === -1);
    for (const key of ['Esc', 'q']) {
      screen.press('Enter');
      await screen.waitFor((s) => hintRow(s).startsWith(' x hex') && lines(s)[0].startsWith(' #1 192.168.1.23:51000'));
      screen.press(key);
      await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
      expect(lines(screen)[0]).toMatch(/^flow# +request/);
      expect(rowWith(screen, ' #1 192.168.1.23')).toBe(-1);
    }
    await quit(screen);
  });

  it('lists the exchanges through the proxy as they come', async () => {
    const server = http.createServer((request, response) => {
      response.statusCode = request.url === '/missing' ? 404 : 200;
      response.end('body\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const upstream = (server.address() as AddressInfo).port;
    const screen = openFlowspy(['-L', `0:127.0.0.1:${upstream}`]);
    const label = /^ :(\d+) → 127\.0\.0\.1:\d+ /;
    await screen.waitFor((s) => label.test(statusRow(s)));
    const listen = Number(label.exec(statusRow(screen))![1]);
    screen.press('v');
    await screen.waitFor((s) => listRows(s)[0] === ' no HTTP exchange yet…');
    expect(await get(listen, '/first')).toBe(200);
    await screen.waitFor((s) => /^ {2}1#1 {3}GET 127\.0\.0\.1:\d+\/first +200 +5 +\d+ms$/.test(listRows(s)[0] ?? ''));
    expect(await get(listen, '/missing')).toBe(404);
    await screen.waitFor((s) => /^ {2}2#1 {3}GET .*\/missing +404 /.test(listRows(s)[1] ?? ''));
    screen.press('j');
    await screen.waitFor((s) => statusRow(s).includes('2 exchanges'));
    screen.press('q');
    await screen.waitFor((s) => statusRow(s).startsWith('stop the proxy and quit? (y/n)'));
    screen.press('y');
    expect((await screen.waitForExit()).exitCode).toBe(0);
    server.close();
  });
});
