import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../src/core/types.js';
import { RecordingProxy } from '../../src/proxy/proxy.js';
import {
  Recorder, connect, hashAll, pseudoRandomBytes, startProxy, startServer, stopServer, writeGenerated,
} from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('RecordingProxy under load', () => {
  it('relays 100 MB each way at once, checksums equal at both ends and in the recording', async () => {
    const size = 100 * 1024 * 1024;
    let serverResult: Promise<[{ bytes: number; sha256: string }, string]> | undefined;
    const { server, port: serverPort } = await startServer((s) => {
      serverResult = Promise.all([hashAll(s), writeGenerated(s, size, 2)]);
    });
    const recorder = new Recorder(false); // hash the recorded bytes instead of keeping them
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());

    const client = await connect(port);
    const clientPort = client.localPort!;
    const [clientGot, clientSent] = await Promise.all([hashAll(client), writeGenerated(client, size, 1)]);
    const [serverGot, serverSent] = await serverResult!;
    expect(serverGot).toEqual({ bytes: size, sha256: clientSent });
    expect(clientGot).toEqual({ bytes: size, sha256: serverSent });

    await recorder.waitForEnded(1);
    expect(recorder.violations).toEqual([]);
    const [, flow] = recorder.flowByClientPort(clientPort);
    expect(flow.bytes).toEqual({ c2s: size, s2c: size });
    expect(flow.hash.c2s.digest('hex')).toBe(clientSent);
    expect(flow.hash.s2c.digest('hex')).toBe(serverSent);
    expect(flow.end?.reason).toBe('fin');
    expect(proxy.stats).toMatchObject({ bytesC2S: size, bytesS2C: size, active: 0 });
  });

  it('keeps its buffers bounded with a slow reader (backpressure)', async () => {
    const size = 32 * 1024 * 1024;
    let serverSent: Promise<string> | undefined;
    const { server, port: serverPort } = await startServer((s) => {
      serverSent = writeGenerated(s, size, 3); // as fast as the proxy lets it
    });
    const recorder = new Recorder(false);
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());

    const client = await connect(port);
    // A slow reader: a small receive window, reading 64 KiB then pausing 5 ms.
    const hash = createHash('sha256');
    let received = 0;
    let maxBuffered = 0;
    let samples = 0;
    client.on('data', (c: Buffer) => {
      hash.update(c);
      received += c.length;
      client.pause();
      const buffered = proxy.stats.bufferedBytes;
      maxBuffered = Math.max(maxBuffered, buffered);
      samples++;
      setTimeout(() => client.resume(), received < 4 * 1024 * 1024 ? 5 : 0);
    });
    await new Promise<void>((resolve) => client.once('end', () => resolve()));
    client.end();
    expect(received).toBe(size);
    expect(hash.digest('hex')).toBe(await serverSent!);
    expect(samples).toBeGreaterThan(10);
    // Per connection: at most ~one read chunk plus the writable high-water mark on each socket.
    expect(maxBuffered).toBeLessThan(1024 * 1024);
    await recorder.waitForEnded(1);
    expect(recorder.violations).toEqual([]);
  });

  it('the slow side stalls only its own sender: buffered bytes bounded while the reader does not read', async () => {
    let serverWritten = 0;
    let serverStalled!: () => void;
    const stalled = new Promise<void>((resolve) => { serverStalled = resolve; });
    const { server, port: serverPort } = await startServer((s) => {
      const chunk = pseudoRandomBytes(64 * 1024, 4);
      const pump = (): void => {
        // Write until the proxy pushes back, then wait; stop after 64 MB at most.
        while (serverWritten < 64 * 1024 * 1024) {
          serverWritten += chunk.length;
          if (!s.write(chunk)) { s.once('drain', pump); setTimeout(serverStalled, 200); return; }
        }
      };
      pump();
    });
    const recorder = new Recorder(false);
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());
    const client = await connect(port);
    client.pause(); // never reads
    await stalled;
    await new Promise((r) => setTimeout(r, 200));
    const writtenAtStall = serverWritten;
    expect(writtenAtStall).toBeLessThan(64 * 1024 * 1024); // the server was held back
    expect(proxy.stats.bufferedBytes).toBeLessThan(1024 * 1024);
    client.destroy();
  });

  it('serves 500 concurrent connections, each its own flow with its own bytes', async () => {
    const count = 500;
    const { server, port: serverPort } = await startServer((s) => {
      // Echo with a per-connection transformation: reply = request reversed.
      const parts: Buffer[] = [];
      s.on('data', (c: Buffer) => parts.push(c));
      s.on('end', () => s.end(Buffer.from(Buffer.concat(parts)).reverse()));
    });
    const recorder = new Recorder();
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());

    const one = async (i: number): Promise<{ clientPort: number; request: Buffer }> => {
      const request = pseudoRandomBytes(1 + ((i * 7919) % 20_000), 1000 + i);
      const client = await connect(port);
      const clientPort = client.localPort!;
      const reply = new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        client.on('data', (c: Buffer) => chunks.push(c));
        client.once('end', () => { client.end(); resolve(Buffer.concat(chunks)); });
        client.once('error', reject);
      });
      client.end(request);
      const got = await reply;
      expect(got.equals(Buffer.from(request).reverse())).toBe(true);
      return { clientPort, request };
    };
    const results = await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
    await recorder.waitForEnded(count, 20_000);
    expect(recorder.violations).toEqual([]);
    expect(recorder.flows.size).toBe(count);
    expect(new Set([...recorder.flows.keys()]).size).toBe(count);
    for (const { clientPort, request } of results) {
      const [flowId, flow] = recorder.flowByClientPort(clientPort);
      expect(recorder.bytesOf(flowId, 'c2s').equals(request)).toBe(true);
      expect(recorder.bytesOf(flowId, 's2c').equals(Buffer.from(request).reverse())).toBe(true);
      expect(flow.end?.reason).toBe('fin');
      expect(flow.start?.key.server).toEqual({ addr: '127.0.0.1', port: serverPort });
    }
    expect(proxy.stats).toMatchObject({ accepted: count, active: 0, connectFailures: 0 });
    // The status bar's view: the same totals, read in place.
    const { accepted, bytesC2S, bytesS2C } = proxy.stats;
    expect([proxy.totals.accepted, proxy.totals.bytesC2S, proxy.totals.bytesS2C, proxy.activeConnections]).toEqual([accepted, bytesC2S, bytesS2C, 0]);
  });

  it('accepts, relays and records new connections promptly while 100 connections relay at full speed', async () => {
    // Load and upstream live in another process (bench/busyLoad.mjs), so what delays a new connection is
    // this process: the proxy. Before the proxy shared its loop turns, new connections here
    // waited seconds behind the busy ones.
    const busy = 100;
    const probes = 20;
    const boundMs = 2000; // generous: a fair proxy answers in tens of ms
    const load = spawn(process.execPath, [fileURLToPath(new URL('../../bench/busyLoad.mjs', import.meta.url)), String(busy)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => load.once('exit', resolve));
    cleanups.push(async () => { load.stdin.end(); await exited; });
    let out = '';
    const line = (pattern: RegExp) => new Promise<RegExpExecArray>((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(out);
        if (match) { load.stdout.off('data', onData); resolve(match); }
      };
      const onData = (chunk: Buffer): void => { out += chunk.toString(); check(); };
      load.stdout.on('data', onData);
      load.once('exit', () => reject(new Error(`busyLoad exited: ${out}`)));
      check();
    });
    const echoPort = Number((await line(/^echo (\d+)$/m))[1]);

    const started = new Map<number, number>(); // client port -> flow id
    let relayed = 0;
    let nextId = 1;
    const proxy = new RecordingProxy({
      spec: { bindAddress: '127.0.0.1', bindPort: 0, targetHost: '127.0.0.1', targetPort: echoPort },
      emit: (e: FlowEvent) => {
        if (e.type === 'flow-start') started.set(e.key.client.port, e.flowId);
        else if (e.type === 'data') relayed += e.length;
      },
      nextFlowId: () => nextId++,
    });
    const { port } = await proxy.listen();
    cleanups.push(() => proxy.close());
    load.stdin.write(`${port}\n`);
    await line(/^flowing (\d+)$/m); // every busy client has its echo: all are relaying
    expect(proxy.stats.accepted).toBe(busy);
    const relayedBefore = relayed;

    const late: string[] = [];
    const unrecorded: number[] = [];
    for (let i = 0; i < probes; i++) {
      const socket = net.connect(port, '127.0.0.1');
      const answered = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), boundMs);
        socket.once('error', () => { clearTimeout(timer); resolve(false); });
        socket.once('connect', () => socket.write('ping'));
        socket.once('data', () => { clearTimeout(timer); resolve(true); });
      });
      if (!answered) late.push(`probe ${i}: no echo within ${boundMs} ms`);
      if (socket.localPort === undefined || !started.has(socket.localPort)) unrecorded.push(i);
      socket.destroy();
    }
    expect(relayed - relayedBefore).toBeGreaterThan(20 * 1024 * 1024); // the load really ran
    expect(late).toEqual([]);
    expect(unrecorded).toEqual([]);
    expect(proxy.stats.accepted).toBe(busy + probes);
  });
});
