/**
 * `--har` and the `--json` message lines as a user runs them: `bin/flowspy` in a child process
 * (dist/ built by the global setup) on the demo capture, and as a proxy in front of a real HTTP
 * server on loopback, stopped by SIGINT. Every server, client and child stops by itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/corpus.js';
import { waitFor } from '../support/child.js';
import { harProblems, readHar } from '../support/harCheck.js';
import { wsFrame } from '../messages/wsBuild.js';
import { demoPcap, hintRow, openFlowspy, quit, statusRow } from '../tui/app/support.js';

const bin = join(repoRoot, 'bin', 'flowspy');
const demo = join(repoRoot, 'demo', 'demo.pcap');
const work = mkdtempSync(join(tmpdir(), 'flowspy-har-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

function flowspy(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('flowspy --har and --json messages', () => {
  it('-r demo --har: the HAR file alone (no default log on stdout), creator flowspy and its version', () => {
    const path = join(work, 'demo.har');
    const r = flowspy(['-r', demo, '--har', path, '-q']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    const text = readFileSync(path, 'utf8');
    expect(harProblems(JSON.parse(text))).toEqual([]);
    const reading = readHar(text);
    expect(reading.creator).toBe(`flowspy ${version}`);
    expect(reading.entries.map((e) => `${e.status} ${e.url}`)).toEqual([
      '200 http://shop.example/',
      '200 http://shop.example/style.css',
      '200 http://shop.example/api/status',
      '0 http://shop.example/api/status?again=1',
      '200 http://reports.example:8080/reports/2025/annual.csv',
    ]);
  });

  it('the TUI records --har while it shows the capture, and writes the file at q', async () => {
    const path = join(work, 'tui.har');
    const screen = openFlowspy(['-r', demoPcap, '--har', path]);
    await screen.waitFor((s) => statusRow(s).includes('5 flows') && !statusRow(s).includes('loading') && hintRow(s) !== '');
    await quit(screen);
    const reading = readHar(readFileSync(path, 'utf8'));
    expect(reading.entries.map((e) => e.status)).toEqual([200, 200, 200, 0, 200]);
  });

  it('--har into a missing directory: one line, exit 2, before reading anything', () => {
    const r = flowspy(['-r', demo, '--har', join(work, 'no', 'such', 'x.har')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^flowspy: cannot write .*x\.har: no such directory\n$/);
  });

  it('--json: one http-request line per request of the demo, beside the byte events', () => {
    const r = flowspy(['-r', demo, '--json', '-q']);
    expect(r.code).toBe(0);
    const types = r.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types.filter((t) => t === 'http-request')).toHaveLength(5);
    expect(types.filter((t) => t === 'http-response')).toHaveLength(4);
    expect(types.filter((t) => t === 'data').length).toBeGreaterThan(10);
  });

  it('-L --har: the proxied exchanges are written at SIGINT, bodies decoded, proxy clock times', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/gz') {
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
          res.end(gzipSync('hello, compressed world'));
        } else {
          res.writeHead(201, { 'Content-Type': 'application/json', 'Set-Cookie': 'sid=1; HttpOnly' });
          res.end('{"created":true}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const path = join(work, 'proxy.har');
    const child = spawn(process.execPath, [bin, '-L', `0:127.0.0.1:${(server.address() as AddressInfo).port}`, '--har', path]);
    let err = '';
    let out = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = Number((await waitFor(() => err, /listening on 127\.0\.0\.1:(\d+)/))[1]);
      const before = Date.now();
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = (method: string, url: string, body?: string) =>
        new Promise<string>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, method, path: url, agent }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve(text));
          });
          req.on('error', reject);
          req.end(body);
        });
      await get('GET', '/gz');
      await get('POST', '/items?x=1', 'name=mug');
      agent.destroy();
      child.kill('SIGINT');
      expect(await exit).toBe(0);
      expect(out).toBe('');
      const text = readFileSync(path, 'utf8');
      expect(harProblems(JSON.parse(text))).toEqual([]);
      const reading = readHar(text);
      expect(reading.entries.map((e) => [e.method, e.url, e.status, e.bodyText])).toEqual([
        ['GET', `http://127.0.0.1:${port}/gz`, 200, 'hello, compressed world'],
        ['POST', `http://127.0.0.1:${port}/items?x=1`, 201, '{"created":true}'],
      ]);
      expect(reading.entries[0].started).toBeGreaterThanOrEqual(before - 1);
      expect(reading.entries[1].started).toBeLessThanOrEqual(Date.now());
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('-L --har: a client\'s masked WebSocket frame reaches the server as sent (the HAR writer unmasks a copy)', async () => {
    // A WebSocket echo server: each masked client frame (short payload) back unmasked.
    const server = http.createServer();
    const upgraded: net.Socket[] = [];
    server.on('upgrade', (_req, socket: net.Socket) => {
      upgraded.push(socket);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (frame: Buffer) => {
        const n = frame[1] & 0x7f;
        const payload = Buffer.from(frame.subarray(6, 6 + n).map((b, i) => b ^ frame[2 + (i & 3)]));
        socket.write(wsFrame(frame[0] & 0x0f, payload));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const path = join(work, 'ws.har');
    const child = spawn(process.execPath, [bin, '-L', `0:127.0.0.1:${(server.address() as AddressInfo).port}`, '--har', path]);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = Number((await waitFor(() => err, /listening on 127\.0\.0\.1:(\d+)/))[1]);
      const client = net.connect(port, '127.0.0.1');
      let got = Buffer.alloc(0);
      client.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
      client.write('GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      await waitFor(() => got.toString('latin1'), /\r\n\r\n/);
      const head = got.indexOf('\r\n\r\n') + 4;
      client.write(wsFrame(1, 'hello', { mask: [0x5a, 0x17, 0xc3, 0x01] }));
      await waitFor(() => (got.length >= head + 7 ? 'echo' : ''), /echo/);
      expect(got.subarray(head, head + 7)).toEqual(Buffer.from(wsFrame(1, 'hello')));
      client.destroy();
      child.kill('SIGINT');
      expect(await exit).toBe(0);
      const [entry] = (JSON.parse(readFileSync(path, 'utf8')) as { log: { entries: { _webSocketMessages: { type: string; data: string }[] }[] } }).log.entries;
      expect(entry._webSocketMessages.map((m) => [m.type, m.data])).toEqual([['send', 'hello'], ['receive', 'hello']]);
    } finally {
      child.kill('SIGKILL');
      for (const socket of upgraded) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
