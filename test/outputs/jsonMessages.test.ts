import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../src/core/types.js';
import { runCapture } from '../../src/engine/captureRun.js';
import { JsonOutput } from '../../src/outputs/json.js';
import { repoRoot } from '../support/corpus.js';
import { clientHello, records, serverHello } from '../messages/tlsBuild.js';
import { wsFrame } from '../messages/wsBuild.js';

type Line = Record<string, any>;

async function demoLines(): Promise<Line[]> {
  let text = '';
  const output = new JsonOutput((s) => (text += s));
  await runCapture({ source: join(repoRoot, 'demo', 'demo.pcap'), sinks: [(e) => output.handle(e)] });
  output.close();
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Line);
}

describe('--json message events', () => {
  it('adds an http-request and http-response line per message of the demo, beside the byte events', async () => {
    const lines = await demoLines();
    const messages = lines.filter((l) => l.type.startsWith('http-'));
    expect(messages.map((m) => `${m.flow} ${m.type} ${m.method ?? m.status} ${m.target ?? m.reason} ${m.flags.join(',')}`)).toEqual([
      '1 http-request GET / ',
      '1 http-response 200 OK ',
      '1 http-request GET /style.css ',
      '1 http-response 200 OK ',
      '3 http-request GET /api/status ',
      '3 http-response 200 OK ',
      '3 http-request GET /api/status?again=1 after-close',
      '5 http-request GET /reports/2025/annual.csv ',
      '5 http-response 200 OK cut-short',
    ]);
    const [request, response] = messages;
    expect(request).toMatchObject({ flow: 1, dir: 'c2s', offset: 0, exchange: 1, version: '1.1', headBytes: 279, framing: 'none', bodyBytes: 0, complete: true, incomplete: null });
    expect(request.headers[0]).toEqual({ name: 'Host', value: 'shop.example' });
    expect(request.ts).toBe('2026-01-01T00:00:00.102450Z');
    expect(response).toMatchObject({ dir: 's2c', status: 200, interim: false, framing: 'length', bodyBytes: 936, bodyDataBytes: 936, complete: true });
    expect(messages[8]).toMatchObject({ complete: false, incomplete: { offset: 142 } });
    // Each message line comes after the data line that ended it, and before its flow's flow-end.
    for (const m of messages) {
      const at = lines.indexOf(m);
      const end = lines.findIndex((l) => l.type === 'flow-end' && l.flow === m.flow);
      const lastData = lines.slice(0, at).reverse().find((l) => l.flow === m.flow && l.type !== 'http-request' && l.type !== 'http-response');
      expect(at).toBeLessThan(end);
      expect(lastData?.tsMicros).toBeGreaterThanOrEqual(m.endTsMicros);
    }
    expect(lines.filter((l) => !l.type.startsWith('http-')).length).toBe(lines.length - messages.length);
  });

  it('gives a chunked body\'s trailer fields in `trailers`, as `headers` are given', () => {
    let text = '';
    const output = new JsonOutput((s) => (text += s));
    const key = { client: { addr: '192.0.2.1', port: 50000 }, server: { addr: '203.0.113.5', port: 80 } };
    const request = Buffer.from('GET /sum HTTP/1.1\r\nHost: a\r\n\r\n');
    const response = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 42\r\n\r\n');
    const events: FlowEvent[] = [
      { type: 'flow-start', flowId: 7, key, ts: 1_000_000, origin: 'capture', sawHandshake: true },
      { type: 'data', flowId: 7, dir: 'c2s', offset: 0, bytes: request, length: request.length, ts: 1_000_100, fileOffset: -1 },
      { type: 'data', flowId: 7, dir: 's2c', offset: 0, bytes: response, length: response.length, ts: 1_000_200, fileOffset: -1 },
      { type: 'flow-end', flowId: 7, ts: 1_000_300, reason: 'fin', detail: undefined },
    ];
    for (const e of events) output.handle(e);
    const [req, res] = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Line).filter((l) => l.type.startsWith('http-'));
    expect(req.trailers).toEqual([]);
    expect(res.trailers).toEqual([{ name: 'X-Sum', value: '42' }]);
    expect(res.headers.map((h: Line) => h.name)).toEqual(['Transfer-Encoding', 'Trailer']);
  });

  it('writes a tls-hello line for each hello, with SNI, ALPN, versions and the chosen cipher', () => {
    let text = '';
    const output = new JsonOutput((s) => (text += s));
    const ch = records(clientHello('api.example.com', ['h2', 'http/1.1'], [0x0304, 0x0303]));
    const sh = records(serverHello(0x0304, 0x1301));
    const key = { client: { addr: '192.0.2.1', port: 50000 }, server: { addr: '203.0.113.5', port: 443 } };
    const events: FlowEvent[] = [
      { type: 'flow-start', flowId: 7, key, ts: 1_000_000, origin: 'capture', sawHandshake: true },
      { type: 'data', flowId: 7, dir: 'c2s', offset: 0, bytes: ch, length: ch.length, ts: 1_000_100, fileOffset: -1 },
      { type: 'data', flowId: 7, dir: 's2c', offset: 0, bytes: sh, length: sh.length, ts: 1_000_200, fileOffset: -1 },
      { type: 'flow-end', flowId: 7, ts: 1_000_300, reason: 'fin', detail: undefined },
    ];
    for (const e of events) output.handle(e);
    const hellos = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Line).filter((l) => l.type === 'tls-hello');
    expect(hellos).toEqual([
      { type: 'tls-hello', flow: 7, ts: '1970-01-01T00:00:01.000100Z', tsMicros: 1_000_100, dir: 'c2s', offset: 0, hello: 'client', sni: 'api.example.com', alpn: ['h2', 'http/1.1'], versions: ['TLS 1.3', 'TLS 1.2'], cipherSuites: expect.any(Number) },
      { type: 'tls-hello', flow: 7, ts: '1970-01-01T00:00:01.000200Z', tsMicros: 1_000_200, dir: 's2c', offset: 0, hello: 'server', version: 'TLS 1.3', cipher: 'TLS_AES_128_GCM_SHA256', alpn: null, helloRetry: false },
    ]);
  });

  it('writes a ws-frame line for each WebSocket frame once it is over: whole, or cut by the end', () => {
    let text = '';
    const output = new JsonOutput((s) => (text += s));
    const key = { client: { addr: '192.0.2.1', port: 50000 }, server: { addr: '203.0.113.5', port: 80 } };
    const request = Buffer.from('GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    const response = Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    const hello = wsFrame(1, 'hello', { mask: [1, 2, 3, 4] });
    const cut = wsFrame(2, new Uint8Array(100)).subarray(0, 50);
    const events: FlowEvent[] = [
      { type: 'flow-start', flowId: 7, key, ts: 1_000_000, origin: 'capture', sawHandshake: true },
      { type: 'data', flowId: 7, dir: 'c2s', offset: 0, bytes: request, length: request.length, ts: 1_000_100, fileOffset: -1 },
      { type: 'data', flowId: 7, dir: 's2c', offset: 0, bytes: response, length: response.length, ts: 1_000_200, fileOffset: -1 },
      { type: 'data', flowId: 7, dir: 'c2s', offset: request.length, bytes: hello, length: hello.length, ts: 1_000_300, fileOffset: -1 },
      { type: 'data', flowId: 7, dir: 's2c', offset: response.length, bytes: cut, length: cut.length, ts: 1_000_400, fileOffset: -1 },
      { type: 'flow-end', flowId: 7, ts: 1_000_500, reason: 'rst', detail: undefined },
    ];
    for (const e of events) output.handle(e);
    const frames = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Line).filter((l) => l.type === 'ws-frame');
    expect(frames).toEqual([
      { type: 'ws-frame', flow: 7, ts: '1970-01-01T00:00:01.000300Z', tsMicros: 1_000_300, endTsMicros: 1_000_300, dir: 'c2s', offset: request.length, opcode: 'text', fin: true, compressed: false, mask: '01020304', headBytes: 6, payloadBytes: 5, complete: true },
      { type: 'ws-frame', flow: 7, ts: '1970-01-01T00:00:01.000400Z', tsMicros: 1_000_400, endTsMicros: 1_000_400, dir: 's2c', offset: response.length, opcode: 'binary', fin: true, compressed: false, mask: null, headBytes: 2, payloadBytes: 100, complete: false },
    ]);
  });
});
