/**
 * Issue 13 on the screen: the demo's HTTP flow opens in the messages mode with its two requests,
 * the flow that sent a request on a closed connection is flagged in the list and in its
 * messages, and a TLS flow shows its server name and ALPN.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmulatedScreen } from '../../support/screenEmulator.js';
import { collectPcap } from '../../../src/capture/pcapWriter.js';
import { TcpConversation } from '../../../src/synth/tcpScript.js';
import { clientHello, records, serverHello } from '../../messages/tlsBuild.js';
import { conversationRows, hintRow, isInverse, listRows, openCapture, openDemo, quit, rowWith, statusRow } from './support.js';

describe('messages on the screen', () => {
  it('the demo HTTP flow shows its two requests as messages; the flagged flow is marked', async () => {
    const screen = await openDemo();
    expect(listRows(screen)[0]).toMatch(/ GET \/ → 200 \(2 req\)$/);
    expect(listRows(screen)[2]).toMatch(/ • ! #2 GET \/api\/\S*… → after-close \(2 req\)$/);
    screen.press('Enter', 'z');
    await screen.waitFor((s) => statusRow(s).includes('· messages ·') && rowWith(s, ' #1 192.168.1.23') === 0 && rowWith(s, '= #1 GET / → 200 OK') > 0);
    expect(conversationRows(screen)).toContain('> GET / HTTP/1.1');
    screen.press('PgDn');
    await screen.waitFor((s) => rowWith(s, '<   <title>Example Shop - Home</title>') > 0);
    screen.press('PgDn');
    await screen.waitFor((s) => rowWith(s, '= #2 GET /style.css → 200 OK') > 0);
    screen.press('G');
    await screen.waitFor((s) => rowWith(s, '< body { font-family: sans-serif; margin: 0 auto; max-width: 48em; color: #222;') > 0);
    screen.press('Esc');
    await screen.waitFor((s) => rowWith(s, ' #1 192.168.1.23') > 0);
    screen.press('Esc');
    await screen.waitFor((s) => hintRow(s).startsWith(' Enter open'));
    screen.press('j', 'j', 'Enter');
    await screen.waitFor((s) => hintRow(s).startsWith(' x hex') && rowWith(s, ' #3 ') > 0);
    // Enter opens the flow at the exchange its row names, the flagged #2; g goes to the top.
    await screen.waitFor((s) => conversationRows(s).some((row) => row.startsWith('= #2 GET /api/status?again=1')));
    expect(rowWith(screen, '> GET /api/status HTTP/1.1')).toBeLessThan(0);
    screen.press('g');
    await screen.waitFor((s) => rowWith(s, '> GET /api/status HTTP/1.1') > 0);
    // e shapes the text and hex modes: not offered here, and said so when pressed.
    expect(hintRow(screen)).not.toMatch(/e enc/);
    screen.press('e');
    await screen.waitFor((s) => statusRow(s).includes('text encoding Latin-1 for the text and escaped modes (m: text mode)'));
    // d shows the client's lines only, then the server's, then both.
    screen.press('d');
    await screen.waitFor((s) => rowWith(s, '> GET /api/status HTTP/1.1') > 0 && rowWith(s, '< HTTP/1.1 200 OK') < 0);
    expect(rowWith(screen, '  reset  messages client only')).toBeGreaterThan(0);
    screen.press('d', 'd');
    await screen.waitFor((s) => rowWith(s, '> GET /api/status HTTP/1.1') > 0 && rowWith(s, '< HTTP/1.1 200 OK') > 0);
    // t puts the time before each message's first line, relative to the flow's start.
    expect(hintRow(screen)).toMatch(/t time/);
    screen.press('t', 't', 'g');
    await screen.waitFor((s) => rowWith(s, '+0.002450 > GET /api/status HTTP/1.1') > 0);
    expect(rowWith(screen, '+0.000000 = 192.168.1.23:51002 → 198.51.100.10:80 connected')).toBeGreaterThan(0);
    screen.press('t');
    await screen.waitFor((s) => rowWith(s, '+0.') < 0);
    expect(conversationRows(screen)).toContain('> GET /api/status HTTP/1.1');
    screen.press('G');
    await screen.waitFor((s) => rowWith(s, '= ! sent after the server closed or said it would (Connection: close): no answer') > 0);
    const alert = rowWith(screen, '= ! sent after the server closed');
    expect(screen.cell(2, alert)).toMatchObject({ bg: 1, bold: true });
    await quit(screen);
  });

  it('a resize there and back shows the rows the reader saw: a bigger window\'s earlier rows do not move the top row', async () => {
    const screen = await openDemo();
    screen.press('j', 'j', 'Enter');
    const top = '= server closed its side (FIN)';
    await screen.waitFor((s) => statusRow(s).includes('· messages ·') && conversationRows(s)[0] === top);
    const seen = conversationRows(screen);
    expect(seen.some((row) => row.startsWith('= #2 GET /api/status?again=1'))).toBe(true);
    expect(seen).toContain('= end: connection reset (RST): reset by server');
    screen.resize(120, 40);
    // Taller than the rows from the top on: earlier ones fill the window.
    await screen.waitFor((s) => s.cols === 120 && rowWith(s, '< Date: Thu, 01 Jan 2026') > 0 && hintRow(s).includes('z zoom'));
    expect(conversationRows(screen)[0]).not.toBe(top);
    screen.resize(80, 24);
    const narrow = (s: EmulatedScreen): boolean => s.cols === 80 && hintRow(s).trimEnd().endsWith('Tab focus') && rowWith(s, ' #3 ') === 8;
    await screen.waitFor(narrow);
    expect(conversationRows(screen)).toEqual(seen);
    // A move at the bigger size is the reader's: it is kept when going back.
    screen.resize(120, 40);
    await screen.waitFor((s) => s.cols === 120 && rowWith(s, '< Date: Thu, 01 Jan 2026') > 0 && hintRow(s).includes('z zoom'));
    const big = conversationRows(screen)[0];
    screen.press('k');
    await screen.waitFor((s) => conversationRows(s)[0] !== big);
    const moved = conversationRows(screen)[0];
    screen.resize(80, 24);
    await screen.waitFor(narrow);
    expect(conversationRows(screen)[0]).toBe(moved);
    await quit(screen);
  });

  it('/ finds text a wrapped line splits (a word longer than the row), highlights it on both rows, and n goes on past it', async () => {
    // At 60 columns the demo's Accept line, its value one word of 63 characters, is cut where the row ends: "...xml;q=" then "0.9,...".
    const screen = await openDemo({ cols: 60 });
    screen.press('Enter');
    await screen.waitFor((s) => statusRow(s).includes('· messages ·') && rowWith(s, '> GET / HTTP/1.1') > 0);
    expect(rowWith(screen, 'xml;q=0.9')).toBe(-1);
    screen.press('/', 'xml;q=0.9', 'Enter');
    await screen.waitFor((s) => conversationRows(s)[0]?.startsWith('> Accept: text/html,application') === true);
    const y = rowWith(screen, '> Accept: text/html,application');
    expect(screen.line(y).trimEnd()).toMatch(/xml;q=$/);
    expect(screen.line(y + 1).trimEnd()).toBe('  0.9,*/*;q=0.8');
    expect(isInverse(screen, y, 'xml;q=')).toBe(true);
    expect(isInverse(screen, y + 1, '0.9')).toBe(true);
    await screen.waitFor((s) => statusRow(s).includes('match 1 of 2'));
    // The second request (the one with a Referer) sends the same Accept: n goes there, then round to the first.
    expect(rowWith(screen, '> Referer: http://shop.example/')).toBe(-1);
    screen.press('n');
    await screen.waitFor((s) => conversationRows(s)[0]?.startsWith('> Accept: text/html,application') === true && rowWith(s, '> Referer: http://shop.example/') > 0);
    screen.press('n');
    await screen.waitFor((s) => statusRow(s).includes('went round') && rowWith(s, '> Referer: http://shop.example/') < 0);
    screen.press('/', 'no such text', 'Enter');
    await screen.waitFor((s) => statusRow(s).includes('not found: no such text'));
    await quit(screen);
  });

  it('a TLS flow shows its server name and ALPN in the list and its hellos as messages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-tls-'));
    try {
      const file = join(dir, 'tls.pcap');
      writeFileSync(file, collectPcap((writer) => {
        const flow = new TcpConversation(writer, { client: { addr: '10.3.0.1', port: 50443 }, server: { addr: '10.3.0.2', port: 443 } });
        let t = flow.handshake(1_000_000);
        t = flow.send('c2s', records(clientHello('api.example.com', ['h2', 'http/1.1'], [0x0304, 0x0303])), t + 1000);
        t = flow.send('s2c', records(serverHello(0x0304, 0x1301)), t + 1000);
        t = flow.fin('c2s', t + 1000);
        flow.fin('s2c', t + 1000);
      }));
      const screen = await openCapture(file, 1, { cols: 100 });
      expect(listRows(screen)[0], listRows(screen)[0]).toMatch(/ TLS api\.example\.com \(offers h2,http\/1\.1\)/);
      screen.press('Enter');
      await screen.waitFor((s) => hintRow(s).startsWith(' x hex') && rowWith(s, '> TLS ClientHello  SNI api.example.com  ALPN h2,http/1.1  TLS 1.3,1.2  3 cipher suites') > 0);
      expect(rowWith(screen, '< TLS ServerHello  TLS 1.3 TLS_AES_128_GCM_SHA256  ALPN sent encrypted')).toBeGreaterThan(0);
      // How much each side sent in all: the encrypted rest is in the raw modes.
      expect(rowWith(screen, '= TLS: ') > rowWith(screen, '< TLS ServerHello')).toBe(true);
      expect(screen.text().join('\n')).toMatch(/= TLS: [\d,]+ bytes from the client and [\d,]+ from the server \(x: hex, m: text\)/);
      await quit(screen);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a CONNECT tunnel shows its bytes after the note, both sides in the order they came, escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-tunnel-'));
    try {
      const file = join(dir, 'tunnel.pcap');
      writeFileSync(file, collectPcap((writer) => {
        const flow = new TcpConversation(writer, { client: { addr: '10.4.0.1', port: 50001 }, server: { addr: '10.4.0.2', port: 3128 } });
        let t = flow.handshake(1_000_000);
        t = flow.send('c2s', Buffer.from('CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n'), t + 1000);
        t = flow.send('s2c', Buffer.from('HTTP/1.1 200 Connection Established\r\n\r\n'), t + 1000);
        t = flow.send('c2s', Buffer.from('hello through\n'), t + 1000);
        t = flow.send('s2c', Buffer.from('\x1b[31mred\n', 'latin1'), t + 1000);
        t = flow.send('c2s', Buffer.from('bye\n'), t + 1000);
        t = flow.fin('c2s', t + 1000);
        flow.fin('s2c', t + 1000);
      }));
      const screen = await openCapture(file, 1);
      screen.press('Enter');
      await screen.waitFor((s) => hintRow(s).startsWith(' x hex') && rowWith(s, '= raw bytes after the parser stopped (c2s from 55, s2c from 39)') > 0);
      const rows = conversationRows(screen);
      const at = rows.indexOf('= raw bytes after the parser stopped (c2s from 55, s2c from 39)');
      expect(rows.slice(at + 1, at + 4)).toEqual(['> hello through', '< \\x1b[31mred', '> bye']);
      await quit(screen);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
