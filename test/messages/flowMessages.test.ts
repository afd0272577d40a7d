import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CAPTURE_ENDED, type Direction, type FlowEndReason, type FlowEvent } from '../../src/core/types.js';
import { runCapture } from '../../src/engine/captureRun.js';
import { detectProtocol } from '../../src/messages/detect.js';
import { FlowMessages } from '../../src/messages/flowMessages.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import { lineText } from '../../src/tui/conversation/messageLines.js';
import { repoRoot } from '../support/corpus.js';
import { clientHello, records, serverHello } from './tlsBuild.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('detectProtocol', () => {
  it.each([
    ['GET / HTTP/1.1\r\n', 'c2s', 'http c2s'],
    ['GET ', 'c2s', 'http c2s'],
    ['BREW /pot HTTP/1.1\r\n', 'c2s', 'http c2s'],
    ['HTTP/1.1 200 OK\r\n', 's2c', 'http c2s'],
    ['HTTP/1.', 'c2s', 'http s2c'],
    ['GET / HTTP/1.1\r\n', 's2c', 'http s2c'],
    ['GET /a\x01b HTTP/1.1\r\n', 'c2s', 'http c2s'],
    ['FOO /a\x01b HTTP/1.1\r\n', 'c2s', 'http c2s'],
    ['SEARCH /AAAA\x00\x00WKUFIND', 'c2s', 'raw c2s'],
    ['220 mail.example.com ESMTP\r\n', 's2c', 'lines c2s'],
    ['PING\r\n', 'c2s', 'lines c2s'],
    ['hello\n', 'c2s', 'lines c2s'],
    ['\x00\x01binary\n', 'c2s', 'raw c2s'],
    ['\r\n', 'c2s', 'lines c2s'],
  ])('%j from %s: %s', (text, dir, expected) => {
    const d = detectProtocol(enc(text), dir as Direction, false);
    expect(d && `${d.protocol} ${d.clientDir}`).toBe(expected);
  });

  it('reads TLS from a handshake record, the ClientHello side as client', () => {
    expect(detectProtocol(records(clientHello('a', [], [0x0304])), 'c2s', false)).toEqual({ protocol: 'tls', clientDir: 'c2s' });
    expect(detectProtocol(records(serverHello(0x0304, 0x1301)), 'c2s', false)).toEqual({ protocol: 'tls', clientDir: 's2c' });
  });

  it('reads TLS joined mid-stream from records lined up: application data, alerts, handshake records', () => {
    const record = (type: number, minor: number, length: number) => [type, 3, minor, length >> 8, length & 255, ...new Array(length).fill(0xa5)];
    const mid = { protocol: 'tls', clientDir: 'c2s', midStream: true };
    // zeek smtp.pcap flow 5: two application data records of TLS 1.0 in one segment.
    expect(detectProtocol(Uint8Array.from([...record(23, 1, 32), ...record(23, 1, 48)]), 's2c', false)).toEqual(mid);
    // flow 4: one whole record, nothing after it yet.
    expect(detectProtocol(Uint8Array.from(record(23, 3, 80)), 's2c', false)).toEqual(mid);
    expect(detectProtocol(Uint8Array.from([...record(21, 3, 2), ...record(20, 3, 1)]), 'c2s', false)).toEqual(mid);
    // A record longer than the bytes seen: wait, then settle on its header alone.
    const cut = Uint8Array.from(record(23, 3, 3000).slice(0, 900));
    expect(detectProtocol(cut, 'c2s', false)).toBeUndefined();
    expect(detectProtocol(cut, 'c2s', true)).toEqual(mid);
    // Not records: a bad second header, a bad version, a zero or huge length, another type.
    for (const bytes of [[...record(23, 3, 4), 0x17, 4, 3, 0, 1], record(23, 5, 4), [23, 3, 3, 0, 0], [23, 3, 3, 0x50, 0, 1, 2], record(24, 3, 4), record(19, 3, 4)]) {
      expect(detectProtocol(Uint8Array.from(bytes), 'c2s', true)?.protocol, String(bytes.slice(0, 5))).toBe('raw');
    }
  });

  it('waits for more bytes while they could still be any protocol, and decides when told it is final', () => {
    for (const text of ['G', 'PIN', 'HTT', 'FOO /upload', 'some text without a line end']) {
      expect(detectProtocol(enc(text), 'c2s', false), text).toBeUndefined();
      expect(detectProtocol(enc(text), 'c2s', true), text).toBeDefined();
    }
    expect(detectProtocol(new Uint8Array([0x16, 3]), 'c2s', false)).toBeUndefined();
    expect(detectProtocol(enc('x'.repeat(2000)), 'c2s', false)).toEqual({ protocol: 'raw', clientDir: 'c2s' });
  });
});

/** Events of one flow, built step by step with offsets and times. */
class Script {
  readonly events: FlowEvent[] = [];
  private readonly offsets = { c2s: 0, s2c: 0 };
  private ts = 1_000;
  constructor(sawHandshake = true) {
    this.events.push({ type: 'flow-start', flowId: 1, key: { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } }, ts: this.ts, origin: 'capture', sawHandshake });
  }
  data(dir: Direction, bytes: Uint8Array | string): this {
    const b = typeof bytes === 'string' ? enc(bytes) : bytes;
    this.events.push({ type: 'data', flowId: 1, dir, offset: this.offsets[dir], bytes: b, length: b.length, ts: ++this.ts, fileOffset: -1 });
    this.offsets[dir] += b.length;
    return this;
  }
  gap(dir: Direction, length: number): this {
    this.events.push({ type: 'gap', flowId: 1, dir, offset: this.offsets[dir], length, ts: ++this.ts });
    this.offsets[dir] += length;
    return this;
  }
  fin(dir: Direction): this {
    this.events.push({ type: 'half-close', flowId: 1, dir, ts: ++this.ts });
    return this;
  }
  end(reason: FlowEndReason = 'fin', detail?: string): FlowEvent[] {
    this.events.push({ type: 'flow-end', flowId: 1, ts: ++this.ts, reason, detail });
    return this.events;
  }
}

/** An SMTP client whose RCPT is refused (`554 5.7.1 Relay access denied`), then DATA and QUIT anyway. */
function smtpRelayDenied(): Script {
  return new Script()
    .data('s2c', '220 mx.test ESMTP\r\n').data('c2s', 'EHLO client.test\r\n').data('s2c', '250-mx.test\r\n250 8BITMIME\r\n')
    .data('c2s', 'MAIL FROM:<a@client.test>\r\n').data('s2c', '250 2.1.0 Ok\r\n')
    .data('c2s', 'RCPT TO:<spam@evil.test>\r\n').data('s2c', '554 5.7.1 <spam@evil.test>: Relay access denied\r\n')
    .data('c2s', 'DATA\r\n').data('s2c', '554 5.5.1 Error: no valid recipients\r\n')
    .data('c2s', 'QUIT\r\n').data('s2c', '221 2.0.0 Bye\r\n');
}

function run(events: FlowEvent[], listener = {}): FlowMessages {
  const table = new MessageTable(listener);
  for (const e of events) table.apply(e);
  return table.get(1)!;
}

describe('MessageTable', () => {
  const start = (flowId: number, sawHandshake = true): FlowEvent => ({ type: 'flow-start', flowId, key: { client: { addr: '10.0.0.1', port: 40000 + flowId }, server: { addr: '10.0.0.2', port: 80 } }, ts: 1, origin: 'capture', sawHandshake });

  it('keeps only the start of a flow with no other event, and forgets it at its end (a scan costs little)', () => {
    const table = new MessageTable();
    for (let id = 1; id <= 3; id++) table.apply(start(id));
    expect([table.size, table.get(1), [...table.flowIds()]]).toEqual([3, undefined, [1, 2, 3]]);
    table.apply({ type: 'flow-end', flowId: 2, ts: 2, reason: 'fin', detail: undefined });
    table.delete(3);
    expect([table.size, [...table.flowIds()], [...table.values()].length]).toEqual([1, [1], 0]);
  });

  it('gives a flow its messages at its first event after the start, with what the start told', () => {
    // Without a handshake the bytes before the first status line are skipped; with one they are not.
    const replay = (sawHandshake: boolean): FlowMessages => run(new Script(sawHandshake).data('c2s', 'GET /ping HTTP/1.1\r\n\r\n').data('s2c', 'end of an earlier body\r\nHTTP/1.1 204 No Content\r\n\r\n').end());
    expect(replay(false).summary()).toBe('GET /ping → 204');
    expect(replay(true).summary()).not.toBe('GET /ping → 204');
    expect(replay(false).isOver).toBe(true);
  });

  it('gives each data event to its own flow, none to a deleted flow, and a new flow to an id started again', () => {
    const heard: string[] = [];
    const table = new MessageTable({ onHttpMessage: (flowId, message) => heard.push(`${flowId} ${message.kind === 'request' ? message.target : ''}`) });
    const data = (flowId: number, text: string, offset = 0): FlowEvent => ({ type: 'data', flowId, dir: 'c2s', offset, bytes: enc(text), length: text.length, ts: 2, fileOffset: -1 });
    table.apply(start(1));
    table.apply(start(2));
    table.apply(data(1, 'GET /one HTTP/1.1\r\n\r\n'));
    table.apply(data(2, 'GET /two HTTP/1.1\r\n\r\n'));
    table.delete(2);
    table.apply(data(2, 'GET /lost HTTP/1.1\r\n\r\n', 21));
    expect([table.get(1)?.summary(), table.get(2)]).toEqual(['GET /one → pending', undefined]);
    table.delete(1);
    table.apply(start(1));
    table.apply(data(1, 'GET /again HTTP/1.1\r\n\r\n'));
    expect(table.get(1)?.summary()).toBe('GET /again → pending');
    expect(heard).toEqual(['1 /one', '2 /two', '1 /again']);
  });
});

describe('FlowMessages', () => {
  it('sums up TLS joined mid-stream as such: no hellos looked for, no notes', () => {
    const appData = (n: number) => Uint8Array.from([23, 3, 3, 0, n, ...new Array(n).fill(0x5a)]);
    const flow = run(new Script(false).data('s2c', appData(80)).data('c2s', appData(40)).data('s2c', appData(20)).end());
    expect([flow.protocol, flow.summary(), flow.notes(), flow.tls?.client, flow.tls?.isDone('c2s')]).toEqual(['tls', 'TLS (mid-stream)', [], undefined, true]);
  });

  it('sums up HTTP: the first exchange and the number of requests; flagged with !', () => {
    const ok = 'HTTP/1.1 301 Moved\r\nLocation: /\r\nContent-Length: 0\r\n\r\n';
    const flow = run(new Script().data('c2s', 'GET /api/v2/chickens.json HTTP/1.1\r\n\r\nGET /a HTTP/1.1\r\n\r\n').data('s2c', ok + ok).data('c2s', 'GET /b HTTP/1.1\r\n\r\n').data('s2c', ok).fin('c2s').fin('s2c').end());
    expect(flow.summary()).toBe('GET /api/v2/chickens.json → 301 (3 req)');
    expect(flow.flags).toEqual([]);
    const closed = run(new Script().data('c2s', 'GET / HTTP/1.1\r\n\r\n').data('s2c', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').fin('s2c').data('c2s', 'GET /again HTTP/1.1\r\n\r\n').end());
    // The ! is for #2: the summary names it, not the first exchange, which went well.
    expect(closed.summary()).toBe('! #2 GET /again → after-close (2 req)');
    expect(closed.summary(0)).toBe('! GET / → 200 (2 req)');
    expect(closed.flags).toEqual(['after-close', 'unanswered']);
  });

  it('sums up the first error status when no exchange is flagged, numbered; a flag still comes first', () => {
    const response = (status: string): string => `HTTP/1.1 ${status}\r\nContent-Length: 0\r\n\r\n`;
    const keepAlive = (statuses: string[], last = ''): FlowMessages => {
      const script = new Script().data('c2s', 'HEAD /x HTTP/1.1\r\n\r\nGET /again HTTP/1.1\r\n\r\nGET /y HTTP/1.1\r\n\r\n').data('s2c', statuses.map(response).join(''));
      if (last !== '') script.data('c2s', last);
      return run(script.fin('c2s').fin('s2c').end());
    };
    expect(keepAlive(['200 OK', '200 OK', '500 Oops']).summary()).toBe('#3 GET /y → 500 (3 req)');
    expect(keepAlive(['200 OK', '404 Nope', '500 Oops']).summary()).toBe('#2 GET /again → 404 (3 req)');
    expect(keepAlive(['200 OK', '302 Found', '304 Not Modified']).summary()).toBe('HEAD /x → 200 (3 req)');
    expect(keepAlive(['400 Bad', '200 OK', '200 OK']).summary()).toBe('HEAD /x → 400 (3 req)');
    // A filter's match (`exchange`) is still the one shown.
    expect(keepAlive(['200 OK', '200 OK', '500 Oops']).summary(0)).toBe('HEAD /x → 200 (3 req)');
    // A flagged exchange (here the 4th, never answered) wins over an earlier error status.
    expect(keepAlive(['200 OK', '500 Oops', '200 OK'], 'GET /z HTTP/1.1\r\n\r\n').summary()).toBe('! #4 GET /z → (no response) (4 req)');
  });

  it('sums up a flagged exchange that has a response with what went wrong', () => {
    const cut = run(new Script().data('c2s', 'GET /big HTTP/1.1\r\n\r\n').data('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc').fin('s2c').end());
    expect(cut.summary()).toBe('! GET /big → 200 (cut short)');
    const gap = run(new Script().data('c2s', 'GET /r HTTP/1.1\r\n\r\n').data('s2c', 'HTTP/1.0 302 MOVED').gap('s2c', 100).data('s2c', 'x\r\n\r\n').fin('s2c').fin('c2s').end());
    expect(gap.summary()).toBe('! GET /r → 302 (head lost)');
    // The whole head in a gap, part of the body after it: the bytes came, the head did not.
    const headless = run(new Script().data('c2s', 'GET /h HTTP/1.1\r\n\r\nGET /i HTTP/1.1\r\n\r\n').gap('s2c', 100).data('s2c', '<html>the body</html>\n').data('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').fin('s2c').fin('c2s').end());
    // `lost`, as the exchange list says it: a row cut at 80 columns keeps the count.
    expect(headless.summary()).toBe('! GET /h → lost (2 req)');
  });

  it('scans the exchanges for the summary again only after they changed', () => {
    const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    const script = new Script();
    for (let i = 0; i < 1_000; i++) script.data('c2s', `GET /${i} HTTP/1.1\r\n\r\n`).data('s2c', ok);
    const table = new MessageTable();
    const feed = (events: FlowEvent[]): void => events.splice(0).forEach((e) => table.apply(e));
    feed(script.events);
    const flow = table.get(1)!;
    let reads = 0;
    const counted = new Proxy(flow.http!.exchanges, { get: (target, key, receiver) => (typeof key === 'string' && /^\d+$/.test(key) && reads++, Reflect.get(target, key, receiver)) });
    Object.defineProperty(flow.http!, 'exchanges', { value: counted });
    expect(flow.summary()).toBe('GET /0 → 200 (1000 req)');
    reads = 0;
    expect(flow.summary()).toBe('GET /0 → 200 (1000 req)');
    expect(reads).toBeLessThan(5);
    // Each change is seen: a new exchange answered with an error, then one cut by the connection.
    feed(script.data('c2s', 'GET /bad HTTP/1.1\r\n\r\n').data('s2c', 'HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n').events);
    expect(flow.summary()).toBe('#1001 GET /bad → 500 (1001 req)');
    feed(script.data('c2s', 'GET /cut HTTP/1.1\r\n\r\n').data('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc').events);
    expect(flow.summary()).toBe('#1001 GET /bad → 500 (1002 req)');
    feed(script.end());
    expect(flow.summary()).toBe('! #1002 GET /cut → 200 (cut short) (1002 req)');
  });

  it('sums up HTTP cut inside a start line: no request made up', () => {
    const request = run(new Script().data('c2s', 'GET /abc HT').fin('c2s').fin('s2c').end());
    expect([request.summary(), request.http?.exchanges.length, request.http?.rawFrom('c2s')]).toEqual(['HTTP: request line cut', 0, 0]);
    const response = run(new Script().data('c2s', 'GET /a HTTP/1.1\r\n\r\n').data('s2c', 'HTTP/1.1 20').fin('s2c').fin('c2s').end());
    expect(response.summary()).toBe('! GET /a → (status line cut)');
  });

  it('sums up HTTP whose first request line does not parse as the parse stopping, not as bare HTTP', () => {
    // zeek's tcp_reassembly: the conversation says `not an HTTP request line: raw bytes from here`.
    // A request line longer than any the parser takes (zeek's is an overflow attempt, `SEARCH /AAAA…`).
    const flow = run(new Script().data('c2s', `SEARCH /${'A'.repeat(70_000)}`).fin('c2s').fin('s2c').end());
    expect([flow.protocol, flow.http?.exchanges.length, flow.http?.rawFrom('c2s')]).toEqual(['http', 0, 0]);
    expect(flow.summary()).toBe('HTTP? not a request line');
  });

  it('labels a line protocol it does not know as lines, not as a word of the data', () => {
    const flow = run(new Script().data('c2s', 'GET /bad.html\r\n').data('s2c', '<html>\r\n').fin('c2s').fin('s2c').end());
    expect([flow.protocol, flow.summary()]).toEqual(['lines', 'lines: GET /bad.html → <html>']);
    // No word of a reply is taken for a status: an echo reads as itself, not `→ 500` or `→ world`.
    const echo = run(new Script().data('c2s', 'abc 500 def\n').data('s2c', 'abc 500 def\n').data('c2s', 'hello world, again and again\n').data('s2c', 'hello world, again and again\n').end());
    expect(echo.summary()).toBe('lines: abc 500 def → abc 500 def (2 cmds)');
    const long = run(new Script().data('c2s', 'hello world, again and again\n').data('s2c', 'hello world, again and again\n').end());
    expect(long.summary()).toBe('lines: hello world, again and again → hello world, again…');
  });

  it('a login with no Telnet negotiation: its prompts end where the answers typed at them do, the password by its size', () => {
    const flow = run(new Script().data('s2c', 'login: ').data('c2s', 'bob\r\n').data('s2c', 'Password: ').data('c2s', 'secret1\r\n').data('s2c', '$ ').end());
    expect(flow.lines?.items.map((item) => `${item.dir} ${item.text}`)).toEqual(['s2c login: ', 'c2s bob', 's2c Password: ', 'c2s secret1', 's2c $ ']);
    expect(flow.lines?.items[3].auth).toMatchObject({ secret: 'password' });
    // Told at the first answer, not once a line end comes (a live session: `welcome` before the end).
    const live = run(new Script().data('s2c', 'login: ').data('c2s', 'bob\r\n').data('s2c', 'Password: ').data('c2s', 'secret1\r\n').data('s2c', 'welcome bob\r\n$ ').end());
    expect(live.lines?.items.map((item) => `${item.dir} ${item.text}`)).toEqual(['s2c login: ', 'c2s bob', 's2c Password: ', 'c2s secret1', 's2c welcome bob', 's2c $ ']);
  });

  it('sums up a first request head still arriving as such, then as its exchange', () => {
    const script = new Script().data('c2s', 'GET /partial HTTP/1.1\r\nHost: x\r\nX-Slow: 1');
    expect(run(script.events).summary()).toBe('HTTP: request head arriving');
    expect(run(script.data('c2s', '\r\n\r\n').events).summary()).toBe('GET /partial → pending');
  });

  it('sums up a prompt still waiting for its answer (no line end yet) by its text so far', () => {
    const waiting = run(new Script().data('s2c', 'login:\n').data('c2s', 'bob\n').data('s2c', 'Password:').events);
    expect(waiting.summary()).toBe('lines: bob → Password:');
    const accented = run(new Script().data('s2c', 'login:\n').data('c2s', 'bob\n').data('s2c', 'Contrase\u00f1a:').events);
    expect(accented.summary()).toBe('lines: bob → Contrase\u00f1a:');
  });

  it('sums up a line protocol and TLS', () => {
    const smtp = run(new Script().data('s2c', '220 mx ESMTP\r\n').data('c2s', 'EHLO laptop.example.com\r\n').data('s2c', '250-mx\r\n250 OK\r\n').end());
    expect([smtp.protocol, smtp.summary()]).toEqual(['lines', 'SMTP EHLO laptop.example.com → 250']);
    // A POP3 session whose first command fails says it went on.
    const pop = run(new Script().data('s2c', '+OK POP3 ready\r\n').data('c2s', 'AUTH PLAIN x\r\n').data('s2c', '-ERR no\r\n').data('c2s', 'USER a\r\n').data('s2c', '+OK\r\n').data('c2s', 'PASS b\r\n').data('s2c', '+OK 3 messages\r\n').end());
    expect(pop.summary()).toBe('! POP3 AUTH PLAIN x → -ERR (3 cmds)');
    const tls = run(new Script().data('c2s', records(clientHello('api.example.com', ['h2'], [0x0304]))).data('s2c', records(serverHello(0x0304, 0x1301))).end());
    expect([tls.protocol, tls.summary(), tls.tls?.server?.cipherSuite]).toEqual(['tls', 'TLS api.example.com (offers h2)', 0x1301]);
  });

  it('sums up a failed login without its password: the LOGIN sent as literals, the SMTP AUTH', () => {
    const imap = run(new Script().data('s2c', '* OK IMAP4rev1 ready\r\n').data('c2s', 'a1 LOGIN {3}\r\n').data('s2c', '+ go\r\n').data('c2s', 'bob {7}\r\n').data('s2c', '+ go\r\n').data('c2s', 'hunter2\r\n').data('s2c', 'a1 NO bad\r\n').end());
    expect(imap.summary(undefined, lineText)).toBe('! IMAP a1 LOGIN {3} → NO (3 cmds)');
    expect(imap.lines!.items.map(lineText).join('\n')).not.toContain('hunter2');
    const smtp = run(new Script().data('s2c', '220 mx ESMTP\r\n').data('c2s', 'AUTH PLAIN\r\n').data('s2c', '334 \r\n').data('c2s', `${Buffer.from('\0bob\0hunter2').toString('base64')}\r\n`).data('s2c', '535 bad\r\n').end());
    expect(smtp.summary(undefined, lineText)).toBe('! SMTP AUTH PLAIN → 535 (2 cmds)');
  });

  it('sums up the first command of a line protocol that got an error reply, marked with !', () => {
    const relay = run(smtpRelayDenied().end());
    expect(relay.summary()).toBe('! SMTP RCPT TO:<spam@evil.test> → 554 (5 cmds)');
    const ftp = run(new Script().data('s2c', '220 FTP ready\r\n').data('c2s', 'USER a\r\n').data('s2c', '331 Password\r\n').data('c2s', 'PASS b\r\n').data('s2c', '530 Login incorrect\r\n').end());
    expect(ftp.summary()).toBe('! FTP PASS b → 530 (2 cmds)');
    const imap = run(new Script().data('s2c', '* OK IMAP4rev1 ready\r\n').data('c2s', 'a1 LOGIN u p\r\n').data('s2c', 'a1 NO [AUTHENTICATIONFAILED] bad\r\n').end());
    expect(imap.summary()).toBe('! IMAP a1 LOGIN u p → NO');
    // A greeting that refuses; a reply that only looks like an error in a protocol not known.
    expect(run(new Script().data('s2c', '554 mx ESMTP no service\r\n').data('c2s', 'QUIT\r\n').end()).summary()).toBe('! SMTP (greeting) → 554');
    expect(run(new Script().data('c2s', 'hello\r\n').data('s2c', '500 apples\r\n').end()).summary()).toBe('lines: hello → 500');
    // SMTP's 2xx/3xx and an IMAP untagged NO are no errors.
    expect(run(new Script().data('s2c', '* OK ready\r\n').data('c2s', 'a1 SELECT x\r\n').data('s2c', '* NO warning\r\na1 OK done\r\n').end()).summary()).toBe('IMAP a1 SELECT x → OK');
  });

  it('hands a line protocol to TLS after STARTTLS', () => {
    const hello = records(clientHello('mail.example.com', [], [0x0304]));
    const flow = run(new Script().data('s2c', '+OK ready\r\n').data('c2s', 'STLS\r\n').data('s2c', '+OK begin TLS\r\n').data('c2s', hello).end());
    expect(flow.summary()).toBe('POP3 STLS → +OK | TLS mail.example.com');
    expect(flow.tls?.client?.offset).toBe(6);
    expect(flow.notes()).toEqual([{ dir: 'c2s', offset: 6, text: 'TLS from here' }]);
  });

  it('reads the same after STARTTLS wherever the stream is cut: a ClientHello, or a line starting with 0x16', () => {
    const hello = records(clientHello('mail.example.com', ['imap'], [0x0304]));
    const text = enc('\x16hello\r\n');
    for (const [tail, summary] of [[hello, 'POP3 STLS → +OK | TLS mail.example.com (offers imap)'], [text, 'POP3 STLS → +OK'], [text.subarray(0, 1), 'POP3 STLS → +OK']] as const) {
      const flow = (cuts: number[]) => {
        const script = new Script().data('s2c', '+OK ready\r\n').data('c2s', 'STLS\r\n').data('s2c', '+OK begin TLS\r\n');
        let prev = 0;
        for (const cut of [...cuts, tail.length]) script.data('c2s', tail.subarray(prev, (prev = cut)));
        const f = run(script.end());
        return { summary: f.summary(), notes: f.notes(), client: f.tls?.client, items: f.lines?.items.length };
      };
      const whole = flow([]);
      expect(whole.summary).toBe(summary);
      for (let k = 1; k < tail.length; k++) expect(flow([k]), `cut at ${k}`).toEqual(whole);
      expect(flow(Array.from({ length: tail.length - 1 }, (_, i) => i + 1)), 'byte by byte').toEqual(whole);
    }
  });

  it('skips a keep-alive byte and bytes before the first message when the capture missed the handshake', () => {
    const flow = run(new Script(false).data('c2s', '\x00').data('c2s', 'GET /ping HTTP/1.1\r\n\r\n').data('s2c', 'end of an earlier body\r\nHTTP/1.1 204 No Content\r\n\r\n').end());
    expect(flow.summary()).toBe('GET /ping → 204');
  });

  it('tells a listener of each HTTP message once it is over, and of TLS hellos', () => {
    const seen: string[] = [];
    const listener = {
      onHttpMessage: (flowId: number, m: { kind: string; complete: boolean }, e: { index: number }) => seen.push(`${flowId} ${m.kind} #${e.index} ${m.complete}`),
      onTlsHello: (flowId: number, h: { offset: number }, dir: Direction) => seen.push(`${flowId} hello ${dir}@${h.offset}`),
    };
    run(new Script().data('c2s', 'GET / HTTP/1.1\r\n\r\n').data('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab').end(), listener);
    run(new Script().data('c2s', records(clientHello('a', [], [0x0303]))).data('s2c', records(serverHello(0x0303, 0xc02f))).end(), listener);
    expect(seen).toEqual(['1 request #0 true', '1 response #0 false', '1 hello c2s@0', '1 hello s2c@0']);
  });
});

describe('the demo capture as messages', () => {
  it('shows each flow\'s protocol and summary, flagging the request sent after the server closed', async () => {
    const table = new MessageTable();
    await runCapture({ source: join(repoRoot, 'demo', 'demo.pcap'), sinks: [(e) => table.apply(e)] });
    expect([...table.values()].map((f) => `${f.protocol}: ${f.summary()}`)).toEqual([
      'http: GET / → 200 (2 req)',
      'lines: SMTP EHLO laptop.example.com → 250 (5 cmds)',
      'http: ! #2 GET /api/status?again=1 → after-close (2 req)',
      'raw: ',
      'http: ! GET /reports/2025/annual.csv → 200 (cut short)',
    ]);
    const flagged = table.get(3)!.http!.exchanges[1];
    expect(flagged.request?.target).toBe('/api/status?again=1');
    expect(flagged.flags).toEqual(['after-close', 'unanswered']);
  });
});

describe('FlowMessages.summaryReplied', () => {
  it('is true only when flowspy put an outcome after its arrow, not for an arrow in a command with no reply', () => {
    const unanswered = run(new Script().data('c2s', 'EHLO a → 250 ok\r\n').end());
    expect(unanswered.summary()).toContain('EHLO a → 250 ok');
    expect(unanswered.summaryReplied()).toBe(false);
    const answered = run(new Script().data('c2s', 'EHLO a → 250 ok\r\n').data('s2c', '500 no\r\n').end());
    expect(answered.summary()).toMatch(/EHLO a → 250 ok → 500$/);
    expect(answered.summaryReplied()).toBe(true);
    expect(run(new Script().data('c2s', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n').end()).summaryReplied()).toBe(true);
  });

  it('is false for a protocol not recognised, whose reply\'s first word is no status', () => {
    const text = run(new Script().data('s2c', 'hello there\r\n').data('c2s', 'hi\r\n').data('s2c', '500 words\r\n').end());
    expect(text.summary()).toMatch(/^lines: hi → 500$/);
    expect(text.summaryReplied()).toBe(false);
  });
});

describe('bytes held while the protocol is undecided', () => {
  it('are copied: a data event\'s Buffer may be reused by its source once the call returns', () => {
    const table = new MessageTable();
    const key = { client: { addr: '10.0.0.1', port: 1000 }, server: { addr: '10.0.0.2', port: 8080 } };
    table.apply({ type: 'flow-start', flowId: 1, key, ts: 1, origin: 'capture', sawHandshake: true });
    let offset = 0;
    const send = (text: string) => {
      const bytes = Buffer.from(text);
      table.apply({ type: 'data', flowId: 1, dir: 'c2s', offset, bytes, length: bytes.length, ts: 2, fileOffset: -1 });
      offset += bytes.length;
      // Buffer#slice shares memory: a "copy" made with it changes here.
      bytes.fill(0x58);
    };
    expect(detectProtocol(enc('G'), 'c2s', false)).toBeUndefined();
    send('G');
    send('E');
    send('T /x HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(table.get(1)!.http?.exchanges.map((e) => `${e.request?.method} ${e.request?.target}`)).toEqual(['GET /x']);
  });
});

describe('a request still waiting at the end', () => {
  it('when the capture stopped with the connection open it is pending (…), not flagged; when the connection closed, unanswered', () => {
    const waiting = (): Script => new Script().data('c2s', 'GET /slow HTTP/1.1\r\nHost: a\r\n\r\n');
    const stopped = run(waiting().end('timeout', CAPTURE_ENDED));
    expect(stopped.summary()).toBe('GET /slow → pending');
    expect(stopped.http!.exchanges[0].flags).toEqual([]);
    const closed = run(waiting().end('fin'));
    expect(closed.summary()).toBe('! GET /slow → (no response)');
    expect(closed.http!.exchanges[0].flags).toEqual(['unanswered']);
  });
});
