import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { RecordingProxy } from '../../src/proxy/proxy.js';
import {
  Recorder, closedPort, connect, outcome, pseudoRandomBytes, readAll, startProxy, startServer, stopServer,
} from './helpers.js';
import { cannotRun } from '../support/requirements.js';

/** The connect-timeout test needs a listener that never accepts (python3, see there). */
const hasPython3 = spawnSync('python3', ['-c', 'pass']).status === 0;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(onConnection: (s: net.Socket) => void, serverOptions?: net.ServerOpts) {
  const { server, port: serverPort } = await startServer(onConnection, serverOptions);
  const recorder = new Recorder();
  const { proxy, port } = await startProxy(serverPort, recorder);
  cleanups.push(() => stopServer(server), () => proxy.close());
  return { server, serverPort, recorder, proxy, port };
}

describe('RecordingProxy relay', () => {
  it('relays an HTTP exchange (node:http both ends) and records it', async () => {
    const { recorder, port, serverPort, proxy } = await setup(() => undefined);
    // Replace the raw server's behaviour by a real HTTP server on another port.
    const httpServer = http.createServer((req, res) => {
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      req.on('end', () => {
        const text = `you sent ${req.method} ${req.url} with ${Buffer.concat(body).length} bytes`;
        res.setHeader('content-type', 'text/plain');
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { httpServer.closeAllConnections(); httpServer.close(() => resolve()); }));
    const httpPort = (httpServer.address() as net.AddressInfo).port;
    expect(httpPort).not.toBe(serverPort);
    proxy.setUpstream('127.0.0.1', httpPort);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const request = (method: string, path: string, body?: Buffer) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method, path, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const postBody = pseudoRandomBytes(200_000, 7);
    expect(await request('GET', '/one')).toEqual({ status: 200, text: 'you sent GET /one with 0 bytes' });
    expect(await request('POST', '/two', postBody)).toEqual({ status: 200, text: 'you sent POST /two with 200000 bytes' });
    expect(await request('GET', '/three?x=1')).toEqual({ status: 200, text: 'you sent GET /three?x=1 with 0 bytes' });
    agent.destroy();
    await recorder.waitForEnded(1);

    expect(recorder.violations).toEqual([]);
    expect(recorder.flows.size).toBe(1); // keep-alive: one connection, one flow
    const [flowId, flow] = [...recorder.flows][0];
    expect(flow.start).toMatchObject({ origin: 'proxy', sawHandshake: true, key: { server: { addr: '127.0.0.1', port: httpPort } } });
    expect(flow.start?.key.client.addr).toBe('127.0.0.1');
    const c2s = recorder.bytesOf(flowId, 'c2s');
    const s2c = recorder.bytesOf(flowId, 's2c').toString('latin1');
    const c2sText = c2s.toString('latin1');
    const i1 = c2sText.indexOf('GET /one HTTP/1.1\r\n');
    const i2 = c2sText.indexOf('POST /two HTTP/1.1\r\n');
    const i3 = c2sText.indexOf('GET /three?x=1 HTTP/1.1\r\n');
    expect(i1).toBe(0);
    expect(i2).toBeGreaterThan(i1);
    expect(i3).toBeGreaterThan(i2);
    expect(c2s.indexOf(postBody)).toBeGreaterThan(i2); // the POST body, byte for byte
    expect(s2c.match(/HTTP\/1\.1 200 OK\r\n/g)?.length).toBe(3);
    expect(s2c).toContain('you sent POST /two with 200000 bytes');
    expect(flow.order[0]).toBe('start');
    expect(flow.end?.reason).toBe('fin');
  });

  it('records exactly the bytes both ends saw (raw HTTP over net sockets)', async () => {
    const response = Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    const serverSaw: Buffer[] = [];
    const { recorder, port } = await setup((s) => {
      s.on('data', (c: Buffer) => {
        serverSaw.push(c);
        if (Buffer.concat(serverSaw).includes('\r\n\r\n')) s.end(response);
      });
      s.on('end', () => undefined);
    });
    const client = await connect(port);
    const clientPort = client.localPort!;
    const request = Buffer.from('GET / HTTP/1.0\r\nHost: x\r\n\r\n');
    client.write(request);
    const got = readAll(client);
    expect((await got).equals(response)).toBe(true);
    client.end();
    await recorder.waitForEnded(1);
    const [flowId, flow] = recorder.flowByClientPort(clientPort);
    expect(recorder.bytesOf(flowId, 'c2s').equals(Buffer.concat(serverSaw))).toBe(true);
    expect(recorder.bytesOf(flowId, 'c2s').equals(request)).toBe(true);
    expect(recorder.bytesOf(flowId, 's2c').equals(response)).toBe(true);
    expect(flow.order).toEqual(['start', 'connected', 'data:c2s', 'data:s2c', 'half-close:s2c', 'half-close:c2s', 'end:fin']);
    expect(recorder.violations).toEqual([]);
  });

  it('forwards a client half-close and the client still receives the whole reply', async () => {
    const reply = pseudoRandomBytes(3_000_000, 11);
    const { recorder, port } = await setup((s) => {
      const got: Buffer[] = [];
      s.on('data', (c: Buffer) => got.push(c));
      s.on('end', () => {
        // Only after the client's FIN: answer with a big reply, then close our side.
        s.write(Buffer.concat(got));
        s.end(reply);
      });
    });
    const client = await connect(port);
    const clientPort = client.localPort!;
    const request = pseudoRandomBytes(100_000, 12);
    const received = readAll(client);
    client.end(request);
    const all = await received;
    expect(all.length).toBe(request.length + reply.length);
    expect(all.equals(Buffer.concat([request, reply]))).toBe(true);
    await recorder.waitForEnded(1);
    const [flowId, flow] = recorder.flowByClientPort(clientPort);
    // The server's reply after the client's FIN is TCP's half-close: no note.
    expect(flow.order).toEqual(['start', 'connected', 'data:c2s', 'half-close:c2s', 'data:s2c', 'half-close:s2c', 'end:fin']);
    expect(recorder.bytesOf(flowId, 's2c').equals(all)).toBe(true);
    expect(recorder.violations).toEqual([]);
  });

  it('forwards a server half-close and the server still receives everything the client sends, with a note as a capture gives', async () => {
    let serverGot: Promise<Buffer> | undefined;
    const { recorder, port } = await setup((s) => {
      serverGot = readAll(s);
      s.end('bye early\n'); // server is done sending first
    });
    const client = await connect(port);
    const clientPort = client.localPort!;
    const clientGot = readAll(client);
    expect((await clientGot).toString()).toBe('bye early\n');
    // The client keeps sending after the server's FIN.
    const payload = pseudoRandomBytes(1_000_000, 13);
    client.end(payload);
    await new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect((await serverGot!).equals(payload)).toBe(true);
    await recorder.waitForEnded(1);
    const [, flow] = recorder.flowByClientPort(clientPort);
    expect(flow.order).toEqual(['start', 'connected', 'data:s2c', 'half-close:s2c', 'note', 'data:c2s', 'half-close:c2s', 'end:fin']);
    expect(flow.notes).toEqual([expect.stringMatching(/^the client sent [\d,]+\+ bytes after the server closed \(FIN [\d.,]+ m?s before\)$/)]);
    expect(flow.end?.reason).toBe('fin');
  });

  it('forwards a server reset as a reset: the client sees ECONNRESET, flow-end rst', async () => {
    const { recorder, port, proxy } = await setup((s) => {
      s.once('data', () => { s.write('partial'); setTimeout(() => s.resetAndDestroy(), 20); });
      s.on('error', () => undefined);
    });
    const client = await connect(port);
    const clientPort = client.localPort!;
    const result = outcome(client);
    client.write('hello');
    expect(await result).toBe('ECONNRESET');
    await recorder.waitForEnded(1);
    const [, flow] = recorder.flowByClientPort(clientPort);
    expect(flow.end).toMatchObject({ reason: 'rst', detail: 'server reset the connection' });
    expect(proxy.stats.resets).toBe(1);
    expect(recorder.violations).toEqual([]);
  });

  it('forwards a client reset as a reset: the server sees ECONNRESET, flow-end rst', async () => {
    let serverResult: Promise<string> | undefined;
    let serverSocket!: () => void;
    const serverConnected = new Promise<void>((resolve) => { serverSocket = resolve; });
    const { recorder, port } = await setup((s) => { serverResult = outcome(s); serverSocket(); });
    const client = await connect(port);
    const clientPort = client.localPort!;
    client.on('error', () => undefined);
    client.write('data then reset');
    await serverConnected;
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.resetAndDestroy();
    expect(await serverResult!).toBe('ECONNRESET');
    await recorder.waitForEnded(1);
    const [, flow] = [...recorder.flows][0];
    expect(flow.end).toMatchObject({ reason: 'rst', detail: 'client reset the connection' });
  });

  it('resets the client at once when the upstream refuses, notes why, and keeps serving', async () => {
    const { port: goodPort, server } = await startServer((s) => s.end('ok'));
    cleanups.push(() => stopServer(server));
    const refused = await closedPort();
    const recorder = new Recorder();
    const { proxy, port } = await startProxy(refused, recorder);
    cleanups.push(() => proxy.close());

    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const client = await connect(port);
    const clientPort = client.localPort!;
      const result = await outcome(client);
      expect(['ECONNRESET', 'end', 'close']).toContain(result);
      expect(result).toBe('ECONNRESET'); // a reset, not a polite FIN
      // At once: well before the 10 s connect timeout (a bound loose enough for a loaded machine).
      expect(Date.now() - started).toBeLessThan(5000);
    }
    await recorder.waitForEnded(3);
    for (const flow of recorder.flows.values()) {
      // The upstream the client asked for is the server, never connected; the proxy reset the client, saying why.
      expect(flow.start?.key.server).toEqual({ addr: '127.0.0.1', port: refused });
      expect(flow.end).toMatchObject({ reason: 'rst', detail: `upstream 127.0.0.1:${refused} refused: ECONNREFUSED` });
      expect(flow.order).toEqual(['start', 'end:rst']);
    }
    expect(proxy.stats.connectFailures).toBe(3);

    proxy.setUpstream('127.0.0.1', goodPort);
    const client = await connect(port);
    const clientPort = client.localPort!;
    expect((await readAll(client)).toString()).toBe('ok');
    client.end();
    await recorder.waitForEnded(4);
    expect(recorder.violations).toEqual([]);
  });

  it('a name that does not resolve: the client is reset, the end names the upstream and why', async () => {
    const recorder = new Recorder();
    const { proxy, port } = await startProxy(80, recorder, { targetHost: 'no-such-host.invalid' });
    cleanups.push(() => proxy.close());
    const client = await connect(port);
    const clientPort = client.localPort!;
    expect(await outcome(client)).toBe('ECONNRESET');
    await recorder.waitForEnded(1);
    const [, flow] = [...recorder.flows][0];
    expect(flow.end?.reason).toBe('rst');
    expect(flow.end?.detail).toMatch(/^upstream no-such-host\.invalid:80 not resolved: (ENOTFOUND|EAI_AGAIN)$/);
    expect(flow.start?.key.server).toEqual({ addr: 'no-such-host.invalid', port: 80 });
  });

  it.skipIf(cannotRun(hasPython3 ? undefined : 'python3 is not installed', 'the hanging-connect test'))('times out a connect that hangs (listener with a full accept queue), resets the client', async () => {
    // A listener that never accepts, with backlog 0: once one connection is queued, further SYNs are
    // dropped by the kernel and a connect hangs. Node always accepts, so a tiny python3 helper listens.
    const helper = spawn('python3', ['-c', [
      'import socket, sys, time',
      's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
      'print(s.getsockname()[1], flush=True)',
      'sys.stdin.read()',
    ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
    cleanups.push(() => { helper.stdin.end(); helper.kill(); });
    const helperPort = await new Promise<number>((resolve, reject) => {
      helper.once('error', reject);
      helper.stdout.once('data', (c: Buffer) => resolve(Number(c.toString().trim())));
    });
    const fillers: net.Socket[] = [];
    cleanups.push(() => { for (const f of fillers) f.destroy(); });
    for (let i = 0; i < 2; i++) {
      const f = net.connect(helperPort, '127.0.0.1');
      f.on('error', () => undefined);
      fillers.push(f);
    }
    await new Promise((r) => setTimeout(r, 100));
    const recorder = new Recorder();
    const { proxy, port } = await startProxy(helperPort, recorder, { connectTimeoutMs: 300 });
    cleanups.push(() => proxy.close());
    const started = Date.now();
    const client = await connect(port);
    client.write('GET / HTTP/1.0\r\n\r\n'); // sent while the proxy waits: recorded, not lost
    expect(await outcome(client)).toBe('ECONNRESET');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
    await recorder.waitForEnded(1);
    const [, flow] = [...recorder.flows][0];
    expect(flow.end).toMatchObject({ reason: 'rst', detail: `upstream 127.0.0.1:${helperPort} timed out: ETIMEDOUT` });
    expect(flow.start?.key.server).toEqual({ addr: '127.0.0.1', port: helperPort });
    expect(Buffer.concat(flow.chunks.c2s).toString()).toBe('GET / HTTP/1.0\r\n\r\n');
    expect(flow.order).toEqual(['start', 'data:c2s', 'end:rst']);
    expect(proxy.stats.bytesC2S).toBe(0); // read, never relayed
    expect(recorder.violations).toEqual([]);
  });

  it('switches upstream for new connections only', async () => {
    const echoAs = (name: string) => (s: net.Socket) => {
      s.on('data', (c: Buffer) => s.write(`${name}:${c.toString()}`));
      s.on('end', () => s.end());
    };
    const a = await startServer(echoAs('A'));
    const b = await startServer(echoAs('B'));
    cleanups.push(() => stopServer(a.server), () => stopServer(b.server));
    const recorder = new Recorder();
    const { proxy, port } = await startProxy(a.port, recorder);
    cleanups.push(() => proxy.close());

    const ask = (socket: net.Socket, text: string) => new Promise<string>((resolve) => {
      socket.once('data', (c: Buffer) => resolve(c.toString()));
      socket.write(text);
    });
    const first = await connect(port);
    const firstPort = first.localPort!;
    expect(await ask(first, 'x')).toBe('A:x');
    proxy.setUpstream('127.0.0.1', b.port);
    expect(proxy.upstream).toEqual({ host: '127.0.0.1', port: b.port });
    const second = await connect(port);
    const secondPort = second.localPort!;
    expect(await ask(second, 'y')).toBe('B:y');
    expect(await ask(first, 'z')).toBe('A:z'); // existing connection stays on A
    first.end();
    second.end();
    await recorder.waitForEnded(2);
    expect(recorder.flowByClientPort(firstPort)[1].start?.key.server.port).toBe(a.port);
    expect(recorder.flowByClientPort(secondPort)[1].start?.key.server.port).toBe(b.port);
    expect(() => proxy.setUpstream('', 1)).toThrow(UserError);
    expect(() => proxy.setUpstream('h', 0)).toThrow(UserError);
  });

  it('rejects listen on a port in use with a one-line UserError', async () => {
    const { server, port } = await startServer(() => undefined);
    cleanups.push(() => stopServer(server));
    const proxy = new RecordingProxy({
      spec: { bindAddress: '127.0.0.1', bindPort: port, targetHost: '127.0.0.1', targetPort: 9 },
      emit: () => undefined,
      nextFlowId: () => 1,
    });
    const err = await proxy.listen().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`cannot listen on 127.0.0.1:${port}: address already in use`);
    await proxy.close();
  });

  it('uses the injected clock and the flow ids it is given', async () => {
    const { server, port: serverPort } = await startServer((s) => s.end('x'));
    cleanups.push(() => stopServer(server));
    const events: Array<{ type: string; flowId: number; ts: number }> = [];
    let t = 1_000_000;
    const proxy = new RecordingProxy({
      spec: { bindAddress: '127.0.0.1', bindPort: 0, targetHost: '127.0.0.1', targetPort: serverPort },
      emit: (e) => events.push({ type: e.type, flowId: e.flowId, ts: e.ts }),
      nextFlowId: () => 42,
      clock: () => (t += 10),
    });
    const { port } = await proxy.listen();
    cleanups.push(() => proxy.close());
    const client = await connect(port);
    const clientPort = client.localPort!;
    await readAll(client);
    client.end();
    await new Promise<void>((resolve) => client.once('close', () => resolve()));
    for (let i = 0; i < 50 && events.at(-1)?.type !== 'flow-end'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => e.type)).toEqual(['flow-start', 'connected', 'data', 'half-close', 'half-close', 'flow-end']);
    expect(events.every((e) => e.flowId === 42)).toBe(true);
    const ts = events.map((e) => e.ts);
    expect(ts[0]).toBe(1_000_010); // accept time
    expect([...ts].sort((x, y) => x - y)).toEqual(ts);
  });

  it('close() stops accepting and resets live flows: reason rst, proxy closed', async () => {
    const { recorder, proxy, port } = await setup(() => undefined); // server never answers
    const client = await connect(port);
    const clientPort = client.localPort!;
    const result = outcome(client);
    for (let i = 0; i < 50 && proxy.stats.active === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 30)); // let the upstream connect
    expect(proxy.stats.active).toBe(1);
    await proxy.close();
    expect(await result).toBe('ECONNRESET');
    expect(recorder.endedCount()).toBe(1);
    const [, flow] = [...recorder.flows][0];
    expect(flow.end).toMatchObject({ reason: 'rst', detail: 'proxy closed' });
    expect(proxy.stats.active).toBe(0);
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''));
      s.on('connect', () => { s.destroy(); resolve('connected'); });
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('close({ graceMs }) lets live flows finish on their own', async () => {
    const { recorder, proxy, port } = await setup((s) => s.on('data', () => s.end('done')));
    const client = await connect(port);
    const clientPort = client.localPort!;
    const got = readAll(client);
    const closing = proxy.close({ graceMs: 2000 });
    await new Promise((r) => setTimeout(r, 50));
    client.write('go');
    expect((await got).toString()).toBe('done');
    client.end();
    await closing;
    const [, flow] = [...recorder.flows][0];
    expect(flow.end?.reason).toBe('fin');
  });
});
