import { describe, expect, it } from 'vitest';
import { BODY_LINES, PREVIEW_READ_BYTES } from '../../../src/tui/conversation/bodyLines.js';
import { BodyCache } from '../../../src/tui/conversation/bodyLines.js';
import { messageLines, type MessageLine } from '../../../src/tui/conversation/messageLines.js';
import { MessageView } from '../../../src/tui/conversation/messageView.js';
import { RAW_KEY, RAW_LINE_BYTES, RawSection } from '../../../src/tui/conversation/rawLines.js';
import { FLOW, keyTo, liveFlow } from '../../support/liveFlow.js';
import { mulberry32, randomInt } from '../../support/prng.js';
import { clientHello, records, serverHello } from '../../messages/tlsBuild.js';
import { wsFrame } from '../../messages/wsBuild.js';

/** A flow to `serverPort`, a direction's consecutive sends joined in one chunk; `lines` and `texts` are its messages mode's. */
function flowTo(serverPort: number) {
  const flow = liveFlow(keyTo(serverPort), 1000);
  const lines = (expanded: string[] = []): MessageLine[] => messageLines(flow.messages, flow.read, new Set(expanded), new BodyCache(), flow.chunks);
  /** `side kind: text` of every line. */
  const texts = (expanded: string[] = []): string[] => lines(expanded).map((l) => `${l.side} ${l.kind}: ${l.text}`);
  return Object.assign(flow, { lines, texts });
}

/** The lines from the raw section's first one on. */
function rawSection(texts: string[]): string[] {
  return texts.slice(texts.findIndex((t) => t.startsWith('event event: raw bytes after the parser stopped')));
}

describe('messages mode: the raw bytes after a parser stopped', () => {
  it('a client that does not speak HTTP: its bytes after the note, escaped, on its side', () => {
    const flow = flowTo(80);
    flow.send('c2s', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    flow.send('c2s', 'SEARCH /\x1b]0;pwned\x07 \x9b31m\r\nsecond line\n');
    flow.end();
    const texts = flow.texts();
    expect(rawSection(texts.slice(texts.indexOf('event note: note (client, at byte 27): not an HTTP request line: raw bytes from here')))).toEqual([
      'event event: raw bytes after the parser stopped (c2s from 27)',
      'client data: SEARCH /\\x1b]0;pwned\\x07 \\x9b31m',
      'client data: second line',
    ]);
    expect(texts).toContain('server data: HTTP/1.1 400 Bad Request');
    expect(flow.lines().find((l) => l.text === 'second line')).toMatchObject({ side: 'client', kind: 'data' });
  });

  it('a client that closes inside its request line: the bytes raw after a note, no request', () => {
    const flow = flowTo(80);
    flow.send('c2s', 'GET /abc HT');
    flow.end();
    const texts = flow.texts();
    expect(texts.filter((t) => !t.startsWith('event event: 10.'))).toEqual([
      'event note: note (client, at byte 0): the stream ended inside this request line: raw bytes from here',
      'event event: raw bytes after the parser stopped (c2s from 0)',
      'client data: GET /abc HT',
    ]);
  });

  it('a server that answers with an SSH banner: its bytes with the time they came', () => {
    const flow = flowTo(22);
    flow.send('c2s', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    flow.send('s2c', 'SSH-2.0-OpenSSH_8.7\r\n');
    flow.end();
    const lines = flow.lines();
    const banner = lines.find((l) => l.text === 'SSH-2.0-OpenSSH_8.7');
    expect(banner).toMatchObject({ side: 'server', ts: flow.messages.http!.exchanges[0].request!.firstTs + 1000 });
    expect(lines.indexOf(banner!)).toBe(lines.length - 1);
    expect(lines.at(-2)!.text).toBe('raw bytes after the parser stopped (s2c from 0)');
    // The request is not "never answered": its answer was not HTTP.
    expect(lines.map((l) => l.text)).toContain('! no HTTP response: the server answered with bytes that are not HTTP (shown after the messages)');
    expect(lines.find((l) => l.text.startsWith('#1 GET /'))!.text).toMatch(/^#1 GET \/ → bytes that are not HTTP, /);
  });

  it('a CONNECT tunnel: both directions in arrival order, a gap said as the text mode says it', () => {
    const flow = flowTo(3128);
    flow.send('c2s', 'CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 Connection Established\r\n\r\n');
    flow.send('c2s', 'hello\n');
    flow.send('c2s', 'hel');
    flow.send('c2s', 'lo again\n');
    flow.send('s2c', 'world\n');
    flow.gap('s2c', 10);
    flow.send('c2s', '\x16\x03\x01');
    flow.end();
    expect(rawSection(flow.texts())).toEqual([
      'event event: raw bytes after the parser stopped (c2s from 55, s2c from 39)',
      'client data: hello',
      'client data: hello again',
      'server data: world',
      'event gap: gap of 10 bytes (server)',
      'client data: \\x16\\x03\\x01',
    ]);
  });

  it('a binary line shows every byte but printable ASCII as \\xNN, so ciphertext does not read as letters; text keeps its letters beside a control', () => {
    const flow = flowTo(3128);
    flow.send('c2s', 'CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 Connection Established\r\n\r\n');
    flow.send('c2s', Uint8Array.of(0x17, 0x03, 0x03, 0xd8, 0xa7, 0xc3, 0xa3, 0x41, 0xb3, 0x0a));
    flow.send('c2s', new Uint8Array(Buffer.from('caf\u00e9 au lait\x01\n', 'utf8')));
    flow.end();
    expect(rawSection(flow.texts()).slice(1)).toEqual(['client data: \\x17\\x03\\x03\\xd8\\xa7\\xc3\\xa3A\\xb3', 'client data: caf\u00e9 au lait\\x01']);
  });

  it('cut as a body: the first lines, the rest on Enter (in the view too); a long line cut as a soft break', () => {
    const flow = flowTo(80);
    flow.send('c2s', 'GET / HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n');
    const lines = Array.from({ length: BODY_LINES + 5 }, (_, i) => `frame ${i}`);
    flow.send('s2c', `${'x'.repeat(RAW_LINE_BYTES + 3)}\n${lines.join('\n')}\n`);
    const cut = rawSection(flow.texts());
    expect(cut.slice(1, 3)).toEqual([`server data: ${'x'.repeat(RAW_LINE_BYTES)}\\+`, 'server data: xxx']);
    expect(cut).toHaveLength(1 + BODY_LINES + 1);
    expect(cut.at(-1)).toBe('event note: ... 7 more lines (Enter shows them)');
    expect(flow.lines().at(-1)!.expand).toBe(RAW_KEY);
    expect(rawSection(flow.texts([RAW_KEY])).slice(3)).toEqual(lines.map((l) => `server data: ${l}`));
    const view = new MessageView(FLOW, flow.messages, flow.read, flow.chunks);
    view.update(80, 10, flow.stamp);
    expect(view.find('more lines (Enter shows them)', false)).toBe(true);
    expect(view.expandInWindow()).toBe(true);
    view.update(80, 10, flow.stamp);
    view.end();
    expect(view.lines().at(-1)!.text).toBe(`< frame ${BODY_LINES + 4}`);
  });

  it('reads at most what a body preview reads, and says more may follow', () => {
    const flow = flowTo(80);
    flow.send('c2s', 'GET / HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n');
    const block = Buffer.alloc(64 << 10, 'raw line\n');
    for (let i = 0; i < 8; i++) flow.send('s2c', block);
    flow.bytesRead = 0;
    const texts = flow.texts();
    expect(flow.bytesRead).toBeLessThanOrEqual(PREVIEW_READ_BYTES + 200);
    expect(texts.at(-1)).toMatch(/^event note: \.\.\. [\d,]+\+ more lines \(Enter shows them\)$/);
  });

  it('reads a bounded number of chunks however small they are, and makes only the lines it shows', () => {
    const flow = flowTo(3128);
    flow.send('c2s', 'CONNECT a.example:443 HTTP/1.1\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 OK\r\n\r\n');
    for (let i = 0; i < 10_000; i++) flow.send(i % 2 === 0 ? 'c2s' : 's2c', `${i}\n`);
    flow.chunksRead = 0;
    const lines = flow.lines();
    expect(flow.chunksRead).toBeLessThanOrEqual(2048);
    expect(lines.at(-1)!.text).toBe(`... ${(2048 - BODY_LINES).toLocaleString('en-US')}+ more lines (Enter shows them)`);
  });

  it('a line protocol turned binary; none for TLS after STARTTLS', () => {
    const binary = flowTo(6379);
    binary.send('c2s', 'PING\r\n');
    binary.send('s2c', '+PONG\r\n');
    binary.send('c2s', Uint8Array.of(0, 1, 2, 0x0a, 0xff));
    expect(rawSection(binary.texts())).toEqual(['event event: raw bytes after the parser stopped (c2s from 6)', 'client data: \\x00\\x01\\x02', 'client data: \\xff']);
    const smtp = flowTo(25);
    smtp.send('s2c', '220 mx ESMTP\r\n');
    smtp.send('c2s', 'STARTTLS\r\n');
    smtp.send('s2c', '220 go ahead\r\n');
    smtp.send('c2s', records(clientHello('mx.example', [], [0x0304])));
    // TLS after STARTTLS is ciphertext: not dumped (the messages mode counts its bytes in one line).
    const texts = smtp.texts();
    expect(texts.some((t) => t.includes('raw bytes after') || t.includes('\\x16\\x03\\x01'))).toBe(false);
  });

  it('none for TLS in a CONNECT tunnel once its hello was read; a side whose bytes are not TLS stays raw', () => {
    const flow = flowTo(3128);
    flow.send('c2s', 'CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 Connection established\r\n\r\n');
    flow.send('c2s', records(clientHello('a.example', ['h2'], [0x0304])));
    flow.send('c2s', Uint8Array.of(0x17, 3, 3, 0, 2, 0xde, 0xad));
    flow.send('s2c', 'not TLS\n');
    expect(flow.messages.tunnelTlsAt('c2s')).toBe(55);
    expect(flow.messages.tunnelTlsAt('s2c')).toBeUndefined();
    const texts = flow.texts();
    expect(texts).toContain('client data: TLS ClientHello  SNI a.example  ALPN h2  TLS 1.3  3 cipher suites');
    expect(rawSection(texts)).toEqual(['event event: raw bytes after the parser stopped (s2c from 39)', 'server data: not TLS']);
    expect(texts.some((t) => t.includes('\\x16\\x03') || t.includes('\\xde'))).toBe(false);
  });

  it('none after a switch to WebSocket: its frames are parsed', () => {
    const flow = flowTo(80);
    flow.send('c2s', 'GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    flow.send('s2c', wsFrame(1, 'hello'));
    const texts = flow.texts();
    expect(texts).toContain('server data: ws text, 5 B: hello');
    expect(texts.some((t) => t.includes('raw bytes after'))).toBe(false);
  });

  it('a view kept while the tunnel grows shows what a new view shows', () => {
    const flow = flowTo(3128);
    const kept = new MessageView(FLOW, flow.messages, flow.read, flow.chunks);
    const rows = (view: MessageView) => {
      view.update(60, 100_000, flow.stamp);
      return view.lines().map((l) => l.text);
    };
    flow.send('c2s', 'CONNECT a.example:443 HTTP/1.1\r\n\r\n');
    rows(kept);
    flow.send('s2c', 'HTTP/1.1 200 OK\r\n\r\n');
    rows(kept);
    for (let i = 0; i < 30; i++) {
      flow.send(i % 3 === 0 ? 's2c' : 'c2s', `piece ${i}\n`);
      expect(rows(kept)).toEqual(rows(new MessageView(FLOW, flow.messages, flow.read, flow.chunks)));
    }
    expect(rows(kept)).toContain('> piece 1');
  });

  it('a section kept while the tunnel grows, in bits that join chunks and cut lines anywhere, shows what a new one shows', () => {
    const random = mulberry32(7);
    const alphabet = ['a', 'b', '\r', '\n', '\r\n', '\u00e9', '\u20ac', '\u{1f600}', '\x00'];
    for (const expanded of [new Set<string>(), new Set([RAW_KEY])]) {
      const flow = flowTo(3128);
      flow.send('c2s', 'CONNECT a.example:443 HTTP/1.1\r\n\r\n');
      flow.send('s2c', 'HTTP/1.1 200 OK\r\n\r\n');
      const kept = new RawSection(flow.read, flow.chunks);
      const section = (raw: RawSection) => {
        const out: MessageLine[] = [];
        raw.push(flow.messages, expanded, out);
        return out;
      };
      const sendAndCompare = (dir: 'c2s' | 's2c', text: string) => {
        flow.send(dir, new Uint8Array(Buffer.from(text, 'utf8')));
        expect(section(kept)).toEqual(section(new RawSection(flow.read, flow.chunks)));
      };
      // A line as long as a cut, its CR LF split: the CR alone must not cut it.
      sendAndCompare('c2s', `${'x'.repeat(RAW_LINE_BYTES)}\r`);
      sendAndCompare('c2s', '\n');
      for (let step = 0; step < 200; step++) {
        const dir = random() < 0.8 ? 'c2s' : 's2c';
        if (random() < 0.03) flow.gap(dir, randomInt(random, 1, 9));
        const long = random() < 0.1 ? 'x'.repeat(randomInt(random, RAW_LINE_BYTES - 4, RAW_LINE_BYTES + 2)) : '';
        sendAndCompare(dir, long + Array.from({ length: randomInt(random, 1, 12) }, () => alphabet[randomInt(random, 0, alphabet.length - 1)]).join(''));
      }
    }
  });

  it('a kept section reads each byte of a growing tunnel once, not all of them again at each change', () => {
    const flow = flowTo(3128);
    flow.send('c2s', 'CONNECT a.example:443 HTTP/1.1\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 OK\r\n\r\n');
    const kept = new RawSection(flow.read, flow.chunks);
    flow.bytesRead = 0;
    let sent = 0;
    for (let i = 0; i < 500; i++) {
      const line = `${'y'.repeat(100)} ${i}\n`;
      flow.send(i % 5 === 0 ? 's2c' : 'c2s', line);
      sent += line.length;
      kept.push(flow.messages, new Set(), []);
    }
    expect(flow.bytesRead).toBe(sent);
  });
});

describe('messages mode: where a side turned to TLS', () => {
  const notes = (texts: string[]) => texts.filter((t) => t.startsWith('event note: '));

  it('after STARTTLS: no note per side, as the line after the hellos says it once', () => {
    const pop = flowTo(110);
    pop.send('s2c', '+OK ready\r\n');
    pop.send('c2s', 'STLS\r\n');
    pop.send('s2c', '+OK begin TLS\r\n');
    pop.send('c2s', records(clientHello('pop.example', [], [0x0303])));
    pop.send('s2c', records(serverHello(0x0303, 0xc02f)));
    expect([pop.messages.startTlsAt('c2s'), pop.messages.startTlsAt('s2c')]).toEqual([6, 26]);
    const texts = pop.texts();
    expect(texts.slice(-2).map((t) => t.split('  ')[0])).toEqual(['client data: TLS ClientHello', 'server data: TLS ServerHello']);
    expect(notes(texts)).toEqual([]);
  });

  it('in a CONNECT tunnel: no note for a side whose TLS hello was read; the other keeps its note', () => {
    const flow = flowTo(3128);
    flow.send('c2s', 'CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 Connection established\r\n\r\n');
    flow.send('c2s', records(clientHello('a.example', ['h2'], [0x0304])));
    flow.send('s2c', 'not TLS\n');
    expect(notes(flow.texts())).toEqual(['event note: note (server, at byte 39): tunnel after CONNECT']);
  });
});
