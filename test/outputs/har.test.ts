import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCount } from '../../src/core/count.js';
import { PROXY_CLOSED, type Direction, type FlowEvent } from '../../src/core/types.js';
import { runCapture } from '../../src/engine/captureRun.js';
import { HarOutput, type HarOptions } from '../../src/outputs/har.js';
import { repoRoot } from '../support/corpus.js';
import { harProblems, readHar, schemaValidator } from '../support/harCheck.js';
import { mulberry32, randomInt } from '../support/prng.js';
import { wsFrame } from '../messages/wsBuild.js';

const dir = mkdtempSync(join(tmpdir(), 'flowspy-har-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

type Har = { log: { creator: { name: string }; comment?: string; entries: Record<string, any>[] } };

/** Runs `events` through a HarOutput and returns the parsed file, checked for HAR structure. */
function harOf(events: FlowEvent[], options: Partial<HarOptions> = {}): Har {
  const path = join(dir, `t${files++}.har`);
  const output = new HarOutput({ path, creatorVersion: '9.9.9', ...options });
  for (const e of events) output.handle(e);
  // The entries wait in a spill file beside the HAR file, unlinked from the start.
  expect(readdirSync(dir).filter((name) => name.endsWith('.entries'))).toEqual([]);
  output.close();
  const har = JSON.parse(readFileSync(path, 'utf8')) as Har;
  expect(harProblems(har)).toEqual([]);
  return har;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

/** One flow's events, written step by step; times in milliseconds from 1 Jan 2026. */
class Flow {
  readonly events: FlowEvent[] = [];
  private readonly offsets: Record<Direction, number> = { c2s: 0, s2c: 0 };
  private static readonly base = Date.UTC(2026, 0, 1) * 1000;
  constructor(readonly id: number, ms = 0, server = { addr: '198.51.100.10', port: 80 }, sawHandshake = true) {
    this.events.push({ type: 'flow-start', flowId: id, key: { client: { addr: '192.0.2.1', port: 50000 + id }, server }, ts: Flow.base + ms * 1000, origin: 'capture', sawHandshake });
  }
  send(dir: Direction, data: string | Uint8Array, ms: number): this {
    const bytes = typeof data === 'string' ? enc(data) : data;
    this.events.push({ type: 'data', flowId: this.id, dir, offset: this.offsets[dir], bytes, length: bytes.length, ts: Flow.base + ms * 1000, fileOffset: -1 });
    this.offsets[dir] += bytes.length;
    return this;
  }
  gap(dir: Direction, length: number, ms: number): this {
    this.events.push({ type: 'gap', flowId: this.id, dir, offset: this.offsets[dir], length, ts: Flow.base + ms * 1000 });
    this.offsets[dir] += length;
    return this;
  }
  end(ms: number): FlowEvent[] {
    this.events.push({ type: 'flow-end', flowId: this.id, ts: Flow.base + ms * 1000, reason: 'fin', detail: undefined });
    return this.events;
  }
}

const ok = (headers: string, body: string | Uint8Array): Uint8Array => {
  const b = typeof body === 'string' ? enc(body) : body;
  return concat(enc(`HTTP/1.1 200 OK\r\n${headers}Content-Length: ${b.length}\r\n\r\n`), b);
};

describe('HarOutput through the proxy', () => {
  it('says why a request the proxy could not pass on got no response (_error, as browsers write it)', () => {
    const flow = new Flow(1, 0, { addr: '127.0.0.1', port: 9 }).send('c2s', 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n', 1);
    flow.events.push({ type: 'flow-end', flowId: 1, ts: Date.UTC(2026, 0, 1) * 1000 + 2000, reason: 'rst', detail: 'upstream 127.0.0.1:9 refused: ECONNREFUSED' });
    const [entry] = harOf(flow.events).log.entries;
    expect(entry.response.status).toBe(0);
    expect(entry._error).toBe('upstream refused');
    expect(entry._flowspy.flags).toEqual(['unanswered']);
    const [answered] = harOf(new Flow(2).send('c2s', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 1).send('s2c', ok('', 'hi'), 2).end(3)).log.entries;
    expect(answered._error).toBeUndefined();
  });

  it('says the proxy closed what it cut when it quit (_error), not of what was over before', () => {
    const flow = new Flow(1).send('c2s', 'GET /a HTTP/1.1\r\nHost: a\r\n\r\n', 1).send('s2c', ok('', 'hi'), 2)
      .send('c2s', 'POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789', 3);
    flow.events.push({ type: 'flow-end', flowId: 1, ts: Date.UTC(2026, 0, 1) * 1000 + 4000, reason: 'rst', detail: PROXY_CLOSED });
    const [done, cut] = harOf(flow.events).log.entries;
    expect(done._error).toBeUndefined();
    expect(cut._error).toBe('proxy closed');
    expect(cut._flowspy.flags).toEqual(['cut-short', 'unanswered']);
  });
});

describe('HarOutput on the demo capture', () => {
  it('writes the five requests of the demo with timings, bodies and the unanswered one flagged', async () => {
    const path = join(dir, 'demo.har');
    const output = new HarOutput({ path, creatorVersion: '1.2.3' });
    await runCapture({ source: join(repoRoot, 'demo', 'demo.pcap'), sinks: [(e) => output.handle(e)] });
    output.close();
    const text = readFileSync(path, 'utf8');
    const har = JSON.parse(text) as Har;
    expect(harProblems(har)).toEqual([]);
    const reading = readHar(text);
    expect(reading.creator).toBe('flowspy 1.2.3');
    expect(reading.entries.map((e) => `${e.method} ${e.url} ${e.status} ${e.flags.join(',')}`)).toEqual([
      'GET http://shop.example/ 200 ',
      'GET http://shop.example/style.css 200 ',
      'GET http://shop.example/api/status 200 ',
      'GET http://shop.example/api/status?again=1 0 after-close,unanswered',
      'GET http://reports.example:8080/reports/2025/annual.csv 200 cut-short',
    ]);
    const started = reading.entries.map((e) => e.started);
    expect(started).toEqual([...started].sort((a, b) => a - b));
    expect(reading.entries[2].bodyText).toBe('{"status":"ok","version":"2.4.1","uptime":86400}\n');
    const [first, , , unanswered, cut] = har.log.entries;
    // Numbered from 1 in their flow, as the TUI shows them (3#2).
    expect(har.log.entries.map((e) => { const f = (e as unknown as { _flowspy: { flowId: number; exchange: number } })._flowspy; return `${f.flowId}#${f.exchange}`; })).toEqual(['1#1', '1#2', '3#1', '3#2', '5#1']);
    // Two segments of the page arrive swapped: it is received once the later one filled the hole (R5).
    expect(first.timings).toEqual({ blocked: -1, dns: -1, connect: -1, send: 0, wait: 25.3, receive: 0.3, ssl: -1 });
    expect(first.startedDateTime).toBe('2026-01-01T00:00:00.102Z');
    expect([first.serverIPAddress, first.connection, first.request.headersSize, first.response.content.size]).toEqual(['198.51.100.10', '1', 279, 936]);
    expect(unanswered.response).toMatchObject({ status: 0, headersSize: -1, bodySize: -1 });
    // HAR 1.2 keeps -1 for blocked, dns, connect and ssl: a phase not seen is 0.
    expect(unanswered.timings).toMatchObject({ wait: 0, receive: 0 });
    expect(unanswered.request.queryString).toEqual([{ name: 'again', value: '1' }]);
    expect(cut._flowspy.truncated).toBe(true);
    expect(cut.response.content.text.startsWith('region,quarter,revenue,units\r\n')).toBe(true);
  });
});

describe('HarOutput bodies', () => {
  it('decodes gzip and br bodies, says what the coding saved, and keeps binary as base64', () => {
    const html = '<p>' + 'hello '.repeat(500) + '</p>';
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const gz = gzipSync(html);
    const br = brotliCompressSync(enc('{"a":1}'));
    const flow = new Flow(1)
      .send('c2s', 'GET /a HTTP/1.1\r\nHost: x.example\r\n\r\n', 1).send('s2c', ok('Content-Type: text/html\r\nContent-Encoding: gzip\r\n', gz), 2)
      .send('c2s', 'GET /b.png HTTP/1.1\r\nHost: x.example\r\n\r\n', 3).send('s2c', ok('Content-Type: image/png\r\n', png), 4)
      .send('c2s', 'GET /c HTTP/1.1\r\nHost: x.example\r\n\r\n', 5).send('s2c', ok('Content-Type: application/json\r\nContent-Encoding: br\r\n', br), 6);
    const [a, b, c] = harOf(flow.end(7)).log.entries;
    expect(a.response.content).toEqual({ size: html.length, compression: html.length - gz.length, mimeType: 'text/html', text: html });
    expect(a.response.bodySize).toBe(gz.length);
    expect(b.response.content).toEqual({ size: png.length, mimeType: 'image/png', text: Buffer.from(png).toString('base64'), encoding: 'base64' });
    expect(c.response.content.text).toBe('{"a":1}');
  });

  it('removes chunked framing, and gives a form POST its params and cookies', () => {
    const flow = new Flow(1)
      .send('c2s', 'POST /login?next=%2Fhome HTTP/1.1\r\nHost: x.example\r\nCookie: sid=abc; theme=dark\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 20\r\n\r\nuser=ann&pw=a+b%21c=', 1)
      .send('s2c', 'HTTP/1.1 302 Found\r\nLocation: /home\r\nSet-Cookie: sid=xyz; Path=/; HttpOnly; Secure; Max-Age=60\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n', 2);
    const [e] = harOf(flow.end(3)).log.entries;
    expect(e.request.url).toBe('http://x.example/login?next=%2Fhome');
    expect(e.request.queryString).toEqual([{ name: 'next', value: '/home' }]);
    expect(e.request.cookies).toEqual([{ name: 'sid', value: 'abc' }, { name: 'theme', value: 'dark' }]);
    expect(e.request.postData).toEqual({ mimeType: 'application/x-www-form-urlencoded', text: 'user=ann&pw=a+b%21c=', params: [{ name: 'user', value: 'ann' }, { name: 'pw', value: 'a b!c=' }] });
    expect(e.response.cookies).toEqual([{ name: 'sid', value: 'xyz', path: '/', httpOnly: true, secure: true, expires: '2026-01-01T00:01:00.002Z' }]);
    expect(e.response.redirectURL).toBe('/home');
    expect(e.response.content).toMatchObject({ size: 5, text: 'abcde' });
    // The trailer field goes after the header fields, marked as a trailer (HAR 1.2 has no field for trailers).
    expect(e.response.headers.at(-1)).toEqual({ name: 'X-Trailer', value: 't', comment: 'trailer' });
    expect(e.response.headers.filter((h: { comment?: string }) => h.comment !== undefined)).toHaveLength(1);
  });

  it('cuts a body over the cap and says so, and stays within the kept-bytes budget', () => {
    const big = 'x'.repeat(5000);
    const response = ok('', big);
    const flow2 = new Flow(2).send('c2s', 'GET /big HTTP/1.1\r\nHost: x.example\r\n\r\n', 1);
    for (let at = 0; at < response.length; at += 700) flow2.send('s2c', response.subarray(at, at + 700), 2);
    const [e] = harOf(flow2.end(3), { maxBodyBytes: 1024 }).log.entries;
    expect(e.response.content.size).toBe(5000);
    expect(e.response.content.text).toBe('x'.repeat(1024));
    expect(e._flowspy.truncated).toBe(true);
    // A budget smaller than the body: what it held is written, the rest is missing and said so.
    const flow3 = new Flow(3).send('c2s', 'GET /big HTTP/1.1\r\nHost: x.example\r\n\r\n', 1);
    for (let at = 0; at < response.length; at += 700) flow3.send('s2c', response.subarray(at, at + 700), 2);
    const [f] = harOf(flow3.end(3), { maxKeptBytes: 4000 }).log.entries;
    expect([f.response.content.size, f._flowspy.truncated]).toEqual([5000, true]);
    const kept = 3500 - (response.length - 5000); // five 700-byte pieces fit in 4000, the head among them
    expect(f.response.content.text).toBe('x'.repeat(kept));
    expect(f._flowspy.notes).toContain(`response body: ${formatCount(5000 - kept)} of 5,000 wire bytes from a capture gap on`);
  });

  it('charges a body waiting for its partner to the budget, and gives it back with the entry', () => {
    const upload = 'u'.repeat(3000);
    const flow = new Flow(1).send('c2s', `POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 3000\r\n\r\n${upload}`, 1).send('s2c', ok('', 'd'.repeat(3000)), 2)
      .send('c2s', 'GET /again HTTP/1.1\r\nHost: h\r\n\r\n', 3).send('s2c', ok('', 'e'.repeat(3000)), 4);
    const [first, second] = harOf(flow.end(5), { maxKeptBytes: 4000 }).log.entries;
    expect([first.request.postData.text, first.response.content.text, first._flowspy.truncated]).toEqual([upload, undefined, true]);
    expect(first._flowspy.notes).toContain('response body: not kept: the budget for bodies in flight was spent');
    expect([second.response.content.text, second._flowspy.truncated]).toEqual(['e'.repeat(3000), undefined]);
  });

  it('holds no bytes between WebSocket frames after an upgrade', () => {
    const path = join(dir, 'ws.har');
    const output = new HarOutput({ path, creatorVersion: '0' });
    const flow = new Flow(1)
      .send('c2s', 'GET /ws HTTP/1.1\r\nHost: x.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', 1)
      .send('s2c', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', 2)
      .send('s2c', new Uint8Array(100_000), 3).send('c2s', new Uint8Array(100_000), 4);
    for (const e of flow.events) output.handle(e);
    const held = (output as unknown as { budget: { used: number } }).budget.used;
    expect(held).toBe(0);
    output.close();
    expect(readHar(readFileSync(path, 'utf8')).entries.map((e) => e.status)).toEqual([101]);
  });
});

describe('HarOutput WebSocket messages', () => {
  const upgrade = (flow: Flow): Flow => flow
    .send('c2s', 'GET /chat HTTP/1.1\r\nHost: x.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', 1)
    .send('s2c', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', 2);
  const mask = [1, 2, 3, 4];

  it('writes them in _webSocketMessages as Chrome does: fragments joined, masks undone, binary in base64', () => {
    const compressed = deflateRawSync(Buffer.from('squeezed'), { finishFlush: 2 }).subarray(0, -4);
    const flow = upgrade(new Flow(1))
      .send('c2s', wsFrame(1, 'hello', { mask }), 3)
      .send('s2c', concat(wsFrame(1, 'wor', { fin: false }), wsFrame(9, 'p')), 4)
      .send('s2c', concat(wsFrame(0, 'ld'), wsFrame(2, Uint8Array.of(0, 1, 255)), wsFrame(1, compressed, { rsv1: true })), 5)
      .send('c2s', wsFrame(8, Uint8Array.of(3, 232), { mask }), 6);
    const [entry] = harOf(flow.end(7)).log.entries;
    const seconds = (ms: number) => Date.UTC(2026, 0, 1) / 1000 + ms / 1000;
    expect(entry.response.status).toBe(101);
    expect(entry._webSocketMessages).toEqual([
      { type: 'send', time: seconds(3), opcode: 1, data: 'hello' },
      { type: 'receive', time: seconds(4), opcode: 9, data: 'cA==' },
      { type: 'receive', time: seconds(4), opcode: 1, data: 'world' },
      { type: 'receive', time: seconds(5), opcode: 2, data: 'AAH/' },
      { type: 'receive', time: seconds(5), opcode: 1, data: 'squeezed' },
      { type: 'send', time: seconds(6), opcode: 8, data: 'A+g=' },
    ]);
    expect(entry._flowspy.truncated).toBeUndefined();
  });

  it('never writes into the bytes of an event: a masked frame handed in a Buffer (as the proxy relays it) stays as sent', () => {
    // Buffer#slice shares memory: unmasking its "copy" changed the bytes the proxy then forwarded.
    const sent = Buffer.from(wsFrame(1, 'hello', { mask }));
    const before = Buffer.from(sent);
    const flow = upgrade(new Flow(1)).send('c2s', sent, 3).send('s2c', Buffer.from(wsFrame(1, 'hello')), 4);
    const [entry] = harOf(flow.end(5)).log.entries;
    expect(sent).toEqual(before);
    expect(entry._webSocketMessages.map((m: { data: string }) => m.data)).toEqual(['hello', 'hello']);
  });

  it('keeps a copy of what it holds, not a view of the event\'s Buffer (a reader may reuse it)', () => {
    const path = join(dir, 'ws-reuse.har');
    const output = new HarOutput({ path, creatorVersion: '0' });
    const events = upgrade(new Flow(1)).send('s2c', wsFrame(1, 'abcd', { fin: false }), 3).send('s2c', wsFrame(0, 'efgh'), 4).end(5);
    for (const e of events) {
      const bytes = e.type === 'data' ? Buffer.from(e.bytes) : undefined;
      output.handle(bytes && e.type === 'data' ? { ...e, bytes } : e);
      bytes?.fill(0x21);
    }
    output.close();
    const [entry] = (JSON.parse(readFileSync(path, 'utf8')) as Har).log.entries;
    expect(entry.request.url).toBe('http://x.example/chat');
    expect(entry._webSocketMessages.map((m: { data: string }) => m.data)).toEqual(['abcdefgh']);
  });

  it('keeps them within the caps, says what was left out, and gives the budget back', () => {
    const path = join(dir, 'ws-cap.har');
    const output = new HarOutput({ path, creatorVersion: '0', maxBodyBytes: 12 });
    const flow = upgrade(new Flow(1)).send('s2c', concat(wsFrame(1, '1234'), wsFrame(1, 'too long now!'), wsFrame(1, 'ab')), 3)
      .send('s2c', wsFrame(1, 'cut short').subarray(0, 6), 4).gap('s2c', 5, 5).send('s2c', wsFrame(1, 'z'), 6);
    for (const e of flow.end(7)) output.handle(e);
    output.close();
    expect((output as unknown as { budget: { used: number } }).budget.used).toBe(0);
    const [entry] = (JSON.parse(readFileSync(path, 'utf8')) as Har).log.entries;
    expect(entry._webSocketMessages.map((m: { data: string }) => m.data)).toEqual(['1234', 'ab', 'cut ', 'z']);
    expect(entry._flowspy.truncated).toBe(true);
    expect(entry._flowspy.notes).toEqual([expect.stringMatching(/^1 WebSocket message left out/), expect.stringMatching(/^1 WebSocket message cut/)]);
  });

  it('a compressed message that inflates past the cap is left out as over it, not kept as sent', () => {
    const path = join(dir, 'ws-bomb.har');
    const output = new HarOutput({ path, creatorVersion: '0', maxBodyBytes: 4096 });
    const bomb = deflateRawSync(Buffer.alloc(100_000, 0x61), { finishFlush: 2 }).subarray(0, -4);
    const flow = upgrade(new Flow(1)).send('s2c', concat(wsFrame(1, bomb, { rsv1: true }), wsFrame(1, 'ok')), 3);
    for (const e of flow.end(4)) output.handle(e);
    output.close();
    expect((output as unknown as { budget: { used: number } }).budget.used).toBe(0);
    const [entry] = (JSON.parse(readFileSync(path, 'utf8')) as Har).log.entries;
    expect(entry._webSocketMessages.map((m: { data: string }) => m.data)).toEqual(['ok']);
    expect(entry._flowspy.notes).toEqual([expect.stringMatching(/^1 WebSocket message left out/)]);
  });

  it('charges a message\'s fragments as they arrive, never past the flow\'s cap, and gives them back', () => {
    const path = join(dir, 'ws-fragments.har');
    const output = new HarOutput({ path, creatorVersion: '0', maxBodyBytes: 12 });
    const budget = (output as unknown as { budget: { used: number } }).budget;
    const flow = upgrade(new Flow(1)).send('s2c', concat(wsFrame(1, 'abcd', { fin: false }), wsFrame(0, 'efgh', { fin: false })), 3);
    for (const e of flow.events) output.handle(e);
    // The message is unfinished: its 8 bytes are held, and charged already.
    expect(budget.used).toBe(8);
    // More fragments than the flow may keep: the message is cut at the cap, nothing more is held.
    for (const e of flow.send('s2c', wsFrame(0, 'ijklmnop', { fin: false }), 4).events.slice(-1)) output.handle(e);
    expect(budget.used).toBe(12);
    for (const e of flow.send('s2c', wsFrame(0, 'qrstuvwx', { fin: false }), 5).events.slice(-1)) output.handle(e);
    expect(budget.used).toBe(12);
    for (const e of flow.end(6).slice(-1)) output.handle(e);
    output.close();
    expect(budget.used).toBe(0);
    const [entry] = (JSON.parse(readFileSync(path, 'utf8')) as Har).log.entries;
    expect(entry._webSocketMessages.map((m: { data: string }) => m.data)).toEqual(['abcdefghijkl']);
    expect(entry._flowspy.notes).toEqual([expect.stringMatching(/^1 WebSocket message cut/)]);
  });
});

describe('HarOutput exchanges', () => {
  it('a request cut short says where, its offset grouped as on the screen', () => {
    const head = 'POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 200000\r\n\r\n';
    const events = new Flow(1).send('c2s', head + 'x'.repeat(97_000 - head.length), 1).end(3);
    const [entry] = harOf(events).log.entries;
    expect(entry._flowspy.notes).toContain(`request cut at 97,000: stream ended ${formatCount(200_000 - 97_000 + head.length)} bytes before the end of the body`);
  });

  it('leaves out a response without a request, counts it and reports it', () => {
    const lines: string[] = [];
    const flow = new Flow(1).send('s2c', ok('', 'orphan'), 1);
    const flow2 = new Flow(2, 0, { addr: '2001:db8::7', port: 8080 }).send('c2s', 'GET / HTTP/1.0\r\n\r\n', 1).send('s2c', ok('', 'hi'), 2);
    const har = harOf([...flow.end(2), ...flow2.end(3)], { report: (line) => lines.push(line) });
    expect(har.log.entries.map((e) => [e.request.url, e.serverIPAddress])).toEqual([['http://[2001:db8::7]:8080/', '2001:db8::7']]);
    expect(har.log.comment).toBe('1 response without a request left out');
    expect(lines).toEqual([expect.stringMatching(/^--har: 1 response without a request left out of /)]);
  });

  it('takes the server from the requests\' direction when the flow\'s direction was guessed wrong', () => {
    const flow = new Flow(1, 0, { addr: '192.0.2.99', port: 40000 }, false).send('s2c', 'GET /x HTTP/1.1\r\n\r\n', 1).send('c2s', ok('', 'y'), 2);
    const [e] = harOf(flow.end(3)).log.entries;
    expect([e.request.url, e.serverIPAddress, e.response.content.text]).toEqual(['http://192.0.2.1:50001/x', '192.0.2.1', 'y']);
  });

  it('a proxied upstream named by host: serverIPAddress is the address connected to', () => {
    const flow = new Flow(1, 0, { addr: 'localhost', port: 8080 });
    flow.events.push({ type: 'connected', flowId: 1, ts: flow.events[0].ts, server: { addr: '127.0.0.1', port: 8080 } });
    const [e] = harOf(flow.send('c2s', 'GET /x HTTP/1.1\r\nHost: app\r\n\r\n', 1).send('s2c', ok('', 'y'), 2).end(3)).log.entries;
    expect([e.request.url, e.serverIPAddress]).toEqual(['http://app/x', '127.0.0.1']);
  });

  it('orders entries by the time their request started, across flows', () => {
    const late = new Flow(1, 0).send('c2s', 'GET /late HTTP/1.1\r\nHost: a\r\n\r\n', 50).send('s2c', ok('', ''), 60);
    const early = new Flow(2, 0).send('c2s', 'GET /early HTTP/1.1\r\nHost: a\r\n\r\n', 10).send('s2c', ok('', ''), 70);
    const har = harOf([...late.events, ...early.end(80), { type: 'flow-end', flowId: 1, ts: 0, reason: 'fin', detail: undefined }]);
    expect(har.log.entries.map((e) => e.request.url)).toEqual(['http://a/early', 'http://a/late']);
  });

  it('percent-encodes what a URL cannot hold, and writes the requests of a flow never ended', () => {
    const flow = new Flow(1).send('c2s', 'GET /a|b/\u00e9?q=<x> HTTP/1.1\r\nHost: h\r\n\r\n', 1);
    const har = harOf(flow.events);
    expect(har.log.entries.map((e) => [e.request.url, e.response.status])).toEqual([['http://h/a%7Cb/%C3%A9?q=%3Cx%3E', 0]]);
    // A Host that is not a host name, and an absolute target that is not a URL: the server's address stands in.
    const odd = new Flow(2).send('c2s', 'GET /p HTTP/1.1\r\nHost: a%b<c>\r\n\r\nGET http://a^b|c/x HTTP/1.1\r\n\r\nCONNECT not:a:port HTTP/1.1\r\n\r\n', 1);
    expect(harOf(odd.end(2)).log.entries.map((e) => e.request.url)).toEqual(['http://198.51.100.10/p', 'http://198.51.100.10/http://a%5Eb%7Cc/x', 'http://198.51.100.10']);
  });

  it('counts the body bytes that came of a response a capture gap cut, and says in a comment it is incomplete', () => {
    const second = ['GET /2 HTTP/1.1\r\nHost: h\r\n\r\n', ok('', 'next')] as const;
    // The head lost in a gap: 615 bytes of the response came after it, then the next response.
    const lost = new Flow(1).send('c2s', 'GET /1 HTTP/1.1\r\nHost: h\r\n\r\n', 1).gap('s2c', 238, 2).send('s2c', 'x'.repeat(615), 3)
      .send('c2s', second[0], 4).send('s2c', second[1], 5);
    // The head cut by a gap after its start line: what came after the gap, before the next response.
    const headCut = new Flow(2).send('c2s', 'GET /1 HTTP/1.1\r\nHost: h\r\n\r\n', 1).send('s2c', 'HTTP/1.1 200 OK\r\nContent-Ty', 2).gap('s2c', 40, 3)
      .send('s2c', `${'y'.repeat(300)}\r\n`, 4).send('c2s', second[0], 5).send('s2c', second[1], 6);
    // A gap in a body of known length: 3,000 of its 5,000 bytes came.
    const bodyGap = new Flow(3).send('c2s', 'GET /1 HTTP/1.1\r\nHost: h\r\n\r\n', 1).send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n' + 'a'.repeat(1000), 2)
      .gap('s2c', 2000, 3).send('s2c', 'b'.repeat(2000), 4).send('c2s', second[0], 5).send('s2c', second[1], 6);
    const har = harOf([...lost.end(6), ...headCut.end(7), ...bodyGap.end(7)]);
    expect(validate(har)).toEqual([]);
    const cut = har.log.entries.filter((e) => e.request.url === 'http://h/1').map((e) => e.response);
    expect(cut.map((r) => [r.status, r.bodySize, r.content.size, r.content.comment])).toEqual([
      [0, 615, 615, 'body incomplete (head lost in a capture gap): 615 bytes came'],
      // What came after a gap in the head is head and body: the body's size is not known.
      [200, -1, 0, 'head cut by a capture gap: 302 bytes came after it, head and body'],
      [200, 3000, 3000, 'body incomplete (gap in the body): 3,000 bytes came'],
    ]);
    expect(har.log.entries.filter((e) => e.request.url === 'http://h/1').every((e) => e._flowspy.truncated)).toBe(true);
    const next = har.log.entries.filter((e) => e.request.url === 'http://h/2').map((e) => e.response);
    expect(next.map((r) => [r.bodySize, r.content.size, r.content.comment])).toEqual(Array(3).fill([4, 4, undefined]));
  });

  it('a request whose head a gap cut: body size unknown, said in the notes; a gap in a chunked body: its data that came, no framing', () => {
    const request = new Flow(1).send('c2s', 'GET /r HTTP/1.1\r\nCookie: a', 1).gap('c2s', 50, 2).send('c2s', 'b\r\nHost: h\r\n\r\n', 3)
      .send('s2c', 'HTTP/1.1 304 Not Modified\r\n\r\n', 4);
    const chunked = new Flow(2).send('c2s', 'GET /c HTTP/1.1\r\nHost: h\r\n\r\n', 1)
      .send('s2c', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n${'a'.repeat(16)}`, 2).gap('s2c', 30, 3)
      .send('s2c', `\r\n10\r\n${'b'.repeat(16)}\r\n0\r\n\r\n`, 4);
    const har = harOf([...request.end(5), ...chunked.end(5)]);
    expect(validate(har)).toEqual([]);
    const cutRequest = har.log.entries.find((e) => e.request.url.endsWith('/r'))!;
    expect(cutRequest.request.bodySize).toBe(-1);
    expect(cutRequest._flowspy.truncated).toBe(true);
    expect(cutRequest._flowspy.notes).toContainEqual(expect.stringMatching(/^request: head cut by a capture gap: [\d,]+ bytes came after it/));
    const cutChunks = har.log.entries.find((e) => e.request.url.endsWith('/c'))!.response;
    expect(cutChunks.content.size).toBe(16);
    expect(cutChunks.content.comment).toMatch(/^body incomplete \(gap in the chunked body\)/);
  });

  it('fuzz: mutated conversations cut anywhere, with gaps, never throw and stay well-formed', () => {
    const random = mulberry32(13);
    const c2s = enc('GET /a?x=1 HTTP/1.1\r\nHost: h\r\nCookie: a=b\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\nGET /c HTTP/1.1\r\n\r\n');
    const s2c = concat(ok('Content-Encoding: gzip\r\nSet-Cookie: s=1; Max-Age=9\r\n', gzipSync('zipped')), enc('HTTP/1.1 100 Continue\r\n\r\n'), ok('', '\x00\x01bin'), enc('HTTP/1.0 200 OK\r\n\r\nuntil close'));
    for (let round = 0; round < 150; round++) {
      const flow = new Flow(1, 0, undefined, random() < 0.8);
      const streams = { c2s: Uint8Array.from(c2s), s2c: Uint8Array.from(s2c) };
      for (const dir of ['c2s', 's2c'] as const) for (let k = randomInt(random, 0, 3); k > 0; k--) streams[dir][randomInt(random, 0, streams[dir].length - 1)] = randomInt(random, 0, 255);
      const at = { c2s: 0, s2c: 0 };
      let ms = 1;
      while (at.c2s < c2s.length || at.s2c < s2c.length) {
        const dir = at.c2s >= c2s.length ? 's2c' : at.s2c >= s2c.length ? 'c2s' : random() < 0.5 ? 'c2s' : 's2c';
        const n = Math.min(randomInt(random, 1, 60), streams[dir].length - at[dir]);
        if (random() < 0.05) flow.gap(dir, n, ms++);
        else flow.send(dir, streams[dir].subarray(at[dir], at[dir] + n), ms++);
        at[dir] += n;
      }
      const har = harOf(flow.end(ms), { maxBodyBytes: randomInt(random, 1, 64) });
      for (const e of har.log.entries) expect((e.response.content.text ?? '').length).toBeLessThanOrEqual(4 * s2c.length);
    }
  });

  it('fails at once, as one line, when the file cannot be created', () => {
    expect(() => new HarOutput({ path: join(dir, 'no', 'such', 'x.har'), creatorVersion: '0' })).toThrow(/^cannot write .*x\.har: no such directory$/);
  });

  const validate = schemaValidator();
  it('passes the HAR 1.2 JSON Schema (har-schema with ajv)', () => {
    const flow = new Flow(1).send('c2s', 'POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc', 1).send('s2c', ok('Set-Cookie: a=b; Expires=Wed, 21 Oct 2026 07:28:00 GMT\r\n', 'ok'), 2);
    expect(validate(harOf(flow.end(3)))).toEqual([]);
  });
});
