/**
 * The bundled demo capture (demo/demo.pcap): a few small, deterministic conversations that
 * show what flowspy does. Fixed timestamps (from 2026-01-01T00:00:00Z) and fixed ISNs, so
 * `buildDemoCapture()` always returns the same bytes.
 *
 * Contents:
 * 1. HTTP/1.1 keep-alive: two requests on one connection (MSS 536, so the HTML page spans
 *    several segments, two of them reordered), clean FIN close.
 * 2. HTTP where the server closes (FIN) after the first response and the client then sends a
 *    second request on the half-closed connection ("data after peer FIN"); the server resets.
 * 3. SMTP: EHLO, MAIL FROM, RCPT TO, DATA (the mail carries a hostile line with ANSI escape
 *    sequences: ESC[2J and ESC]0;title BEL), QUIT; the DATA segment is retransmitted once after a timeout.
 * 4. A length-prefixed binary protocol over IPv6 with non-printable bytes.
 * 5. An HTTP request to a service that sends part of a response and then resets (RST).
 */

import type { Direction } from '../core/types.js';
import { collectPcap } from '../capture/pcapWriter.js';
import { TimelineBuffer } from './timeline.js';
import { TcpConversation, swapAdjacent } from './tcpScript.js';
import { TCP_ACK, TCP_PSH } from '../decode/types.js';

/** 2026-01-01T00:00:00Z in microseconds since the epoch. */
export const DEMO_START_MICROS = 1_767_225_600_000_000;

const MS = 1000;

/** Builds the demo capture (classic pcap, Ethernet, microsecond timestamps). Deterministic. */
export function buildDemoCapture(): Uint8Array {
  const timeline = new TimelineBuffer();
  keepAliveHttp(timeline, DEMO_START_MICROS + 100 * MS);
  smtp(timeline, DEMO_START_MICROS + 110 * MS);
  httpAfterServerClose(timeline, DEMO_START_MICROS + 1_200 * MS);
  binaryOverIpv6(timeline, DEMO_START_MICROS + 2_000 * MS);
  resetByServer(timeline, DEMO_START_MICROS + 3_000 * MS);
  return collectPcap((writer) => timeline.drainTo(writer));
}

const HTML_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Example Shop - Home</title>
  <link rel="stylesheet" href="/style.css">
</head>
<body>
  <header>
    <h1>Example Shop</h1>
    <nav><a href="/">Home</a> | <a href="/catalog">Catalog</a> | <a href="/cart">Cart (0)</a></nav>
  </header>
  <main>
    <h2>Welcome back!</h2>
    <p>New this week: hand-made ceramic mugs, linen tea towels and a small selection of
    single-origin coffee beans roasted in small batches.</p>
    <ul>
      <li><a href="/catalog/mugs">Ceramic mugs</a> from 18.00 EUR</li>
      <li><a href="/catalog/towels">Linen tea towels</a> from 9.50 EUR</li>
      <li><a href="/catalog/coffee">Coffee beans</a> from 12.00 EUR</li>
    </ul>
    <p>Free shipping on orders over 50 EUR. Questions? Write to
    <a href="mailto:hello@shop.example">hello@shop.example</a>.</p>
  </main>
  <footer>&copy; 2026 Example Shop</footer>
</body>
</html>
`;

const CSS = `body { font-family: sans-serif; margin: 0 auto; max-width: 48em; color: #222; }
header { border-bottom: 1px solid #ccc; }
nav a { color: #06c; text-decoration: none; }
footer { margin-top: 2em; font-size: 0.8em; color: #777; }
`;

const DATE = 'Thu, 01 Jan 2026 00:00:00 GMT';

function request(path: string, extra = ''): string {
  return (
    `GET ${path} HTTP/1.1\r\n` +
    'Host: shop.example\r\n' +
    'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n' +
    'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n' +
    'Accept-Language: en-US,en;q=0.5\r\n' +
    'Accept-Encoding: identity\r\n' +
    extra +
    'Connection: keep-alive\r\n' +
    '\r\n'
  );
}

function response(status: string, type: string, body: string, extra = ''): string {
  return (
    `HTTP/1.1 ${status}\r\n` +
    `Date: ${DATE}\r\n` +
    'Server: nginx/1.26.2\r\n' +
    `Content-Type: ${type}\r\n` +
    `Content-Length: ${new TextEncoder().encode(body).length}\r\n` +
    extra +
    '\r\n' +
    body
  );
}

/** 1. Two requests on one keep-alive connection; two segments of the page arrive swapped. */
function keepAliveHttp(out: TimelineBuffer, start: number): void {
  const conv = new TcpConversation(out, {
    client: { addr: '192.168.1.23', port: 51000 },
    server: { addr: '198.51.100.10', port: 80 },
    mss: 536,
    isnClient: 1_000_000,
    isnServer: 3_000_000_000,
    stepMicros: 150,
  });
  let t = conv.handshake(start);
  t = conv.send('c2s', request('/'), t + 2 * MS);
  t = conv.send(
    's2c',
    response('200 OK', 'text/html; charset=utf-8', HTML_PAGE, 'Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n'),
    t + 25 * MS,
    { order: swapAdjacent(1), ackEvery: 3 },
  );
  t = conv.send('c2s', request('/style.css', 'Referer: http://shop.example/\r\n'), t + 40 * MS);
  t = conv.send('s2c', response('200 OK', 'text/css', CSS, 'Connection: keep-alive\r\n'), t + 20 * MS);
  t = conv.fin('c2s', t + 5_000 * MS, { peerAcks: false });
  conv.fin('s2c', t + MS);
}

/** 2. The server closes after its response; the client then sends a second request anyway. */
function httpAfterServerClose(out: TimelineBuffer, start: number): void {
  const conv = new TcpConversation(out, {
    client: { addr: '192.168.1.23', port: 51002 },
    server: { addr: '198.51.100.10', port: 80 },
    isnClient: 2_000_000,
    isnServer: 4_000_000_000,
    stepMicros: 150,
  });
  const body = '{"status":"ok","version":"2.4.1","uptime":86400}\n';
  let t = conv.handshake(start);
  t = conv.send('c2s', request('/api/status'), t + 2 * MS);
  t = conv.send('s2c', response('200 OK', 'application/json', body, 'Connection: close\r\n'), t + 18 * MS);
  t = conv.fin('s2c', t, { peerAcks: true });
  // The client ignores "Connection: close" and reuses the connection: data after the peer's FIN.
  t = conv.send('c2s', request('/api/status?again=1'), t + 300 * MS, { ackEvery: 0 });
  conv.rst('s2c', t + 18 * MS);
}

/** 3. An SMTP dialogue; the mail carries terminal escape sequences; DATA is retransmitted. */
function smtp(out: TimelineBuffer, start: number): void {
  const conv = new TcpConversation(out, {
    client: { addr: '192.168.1.50', port: 40222 },
    server: { addr: '203.0.113.25', port: 25 },
    isnClient: 123_456_789,
    isnServer: 987_654_321,
    stepMicros: 200,
  });
  const rtt = 12 * MS;
  let t = conv.handshake(start);
  const say = (dir: Direction, text: string, pause: number): void => {
    t = conv.send(dir, text, t + pause);
  };
  say('s2c', '220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n', 30 * MS);
  say('c2s', 'EHLO laptop.example.com\r\n', rtt);
  say(
    's2c',
    '250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n' +
      '250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n',
    rtt,
  );
  say('c2s', 'MAIL FROM:<alice@example.com> SIZE=512\r\n', rtt);
  say('s2c', '250 2.1.0 Ok\r\n', rtt);
  say('c2s', 'RCPT TO:<bob@example.org>\r\n', rtt);
  say('s2c', '250 2.1.5 Ok\r\n', rtt);
  say('c2s', 'DATA\r\n', rtt);
  say('s2c', '354 End data with <CR><LF>.<CR><LF>\r\n', rtt);
  const mail =
    'From: Alice <alice@example.com>\r\n' +
    'To: Bob <bob@example.org>\r\n' +
    'Subject: Lunch on Friday?\r\n' +
    `Date: ${DATE}\r\n` +
    'Message-ID: <20260101000000.4242@laptop.example.com>\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    '\r\n' +
    'Hi Bob,\r\n' +
    '\r\n' +
    'are you free for lunch on Friday? The new place on Main Street opens at noon.\r\n' +
    '\x1b[2J\x1b]0;you have been pwned\x07\x1b[1;31mThis line tries to clear your screen and retitle your terminal.\x1b[0m\r\n' +
    '\r\n' +
    'Alice\r\n' +
    '.\r\n';
  // The first copy of the mail is lost on its way to the server (the capture saw it leave):
  // no ACK comes back, and the client retransmits it after its retransmission timeout.
  const mailSeq = conv.nextSeq('c2s');
  t = conv.send('c2s', mail, t + rtt, { ackEvery: 0 });
  const mailBytes = new TextEncoder().encode(mail);
  t = conv.segment('c2s', t + 210 * MS, { flags: TCP_ACK | TCP_PSH, payload: mailBytes, seq: mailSeq });
  t = conv.ack('s2c', t + rtt / 2);
  say('s2c', '250 2.0.0 Ok: queued as 4F2A81C0D3\r\n', rtt);
  say('c2s', 'QUIT\r\n', rtt);
  say('s2c', '221 2.0.0 Bye\r\n', rtt);
  t = conv.fin('s2c', t, { peerAcks: false });
  conv.fin('c2s', t + MS);
}

/** 4. A length-prefixed binary request/response protocol over IPv6. */
function binaryOverIpv6(out: TimelineBuffer, start: number): void {
  const conv = new TcpConversation(out, {
    client: { addr: '2001:db8:1::23', port: 50100 },
    server: { addr: '2001:db8:2::7', port: 7777 },
    isnClient: 0xfffff000, // wraps past 2^32 early on
    isnServer: 42,
    stepMicros: 80,
  });
  // Frame: u32 big-endian length of (type + body), u8 type, body.
  const frame = (type: number, body: number[]): Uint8Array => {
    const length = body.length + 1;
    return Uint8Array.from([length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255, type, ...body]);
  };
  const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
  // Deterministic pseudo-random value bytes (full 0..255 range, many non-printable).
  const value: number[] = [];
  let x = 0x2545f491;
  for (let i = 0; i < 96; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    value.push((x >>> 0) & 0xff);
  }
  let t = conv.handshake(start);
  t = conv.send('c2s', frame(0x01, [0x00, 0x07, ...ascii('session'), 0x00, 0xff, 0x10, 0x00]), t + MS);
  t = conv.send('s2c', frame(0x81, [0x00, 0x00, 0x00, 0x60, ...value]), t + 3 * MS);
  t = conv.send('c2s', frame(0x02, [0x00, 0x04, ...ascii('ping'), 0x1b, 0x7f, 0x80, 0xfe]), t + 40 * MS);
  t = conv.send('s2c', frame(0x82, [0x00, 0x00, 0x00, 0x04, ...ascii('pong')]), t + 3 * MS);
  t = conv.fin('c2s', t + 10 * MS, { peerAcks: false });
  conv.fin('s2c', t + MS);
}

/** 5. The server sends part of a response, then resets the connection. */
function resetByServer(out: TimelineBuffer, start: number): void {
  const conv = new TcpConversation(out, {
    client: { addr: '192.168.1.23', port: 51010 },
    server: { addr: '198.51.100.20', port: 8080 },
    isnClient: 77_777_777,
    isnServer: 55_555_555,
    stepMicros: 150,
  });
  let t = conv.handshake(start);
  t = conv.send(
    'c2s',
    'GET /reports/2025/annual.csv HTTP/1.1\r\nHost: reports.example:8080\r\nUser-Agent: curl/8.11.1\r\nAccept: */*\r\n\r\n',
    t + MS,
  );
  t = conv.send(
    's2c',
    'HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 48213\r\n\r\n' +
      'region,quarter,revenue,units\r\nnorth,Q1,120400,3011\r\nnorth,Q2,98030,2502\r\nsou',
    t + 9 * MS,
  );
  conv.rst('s2c', t + 2 * MS);
}
